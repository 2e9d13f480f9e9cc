"""The module's stdout: one writer thread, so a reply, an event and a 705 audio block never
interleave, and nothing holds a lock while the pipe to speech-dispatcher is full.

Each queued item belongs to an utterance (or to none: replies). :meth:`Channel.end` drops
what an utterance still has queued and sends its last event (702 END, 703 STOP, 704 PAUSE)
once; after that nothing more of that utterance is written.
"""

from __future__ import annotations

import collections
import os
import threading

MAX_BLOCK = 10000  # bytes of PCM per 705 block, as speech-dispatcher's own modules send
BACKLOG = 32  # blocks an utterance may have queued before its synthesis waits


def hdlc(data: bytes) -> bytes:
    """speech-dispatcher's escaping of 705 audio: 0x7D and LF become 0x7D, byte ^ 0x20."""
    return data.replace(b"\x7d", b"\x7d\x5d").replace(b"\n", b"\x7d\x2a")


def audio_block(pcm16: bytes, rate: int) -> bytes:
    head = (f"705-bits=16\n705-num_channels=1\n705-sample_rate={rate}\n705-num_samples={len(pcm16) // 2}\n"
            "705-big_endian=0\n705-AUDIO").encode()
    return head + b"\0" + hdlc(pcm16) + b"\n705 AUDIO\n"


class Utterance:
    def __init__(self, number: int):
        self.number = number
        self.begun = False
        self.done = threading.Event()  # its last event is sent (or queued)
        self.queued = 0


class Channel:
    def __init__(self, fd: int = 1):
        self.fd = fd
        self._items: collections.deque[tuple[Utterance | None, bytes]] = collections.deque()
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="ttscli-speechd-out", daemon=True)
        self._thread.start()

    # ---- replies (from the command loop)
    def reply(self, *lines: str) -> None:
        self._put(None, "".join(f"{line}\n" for line in lines).encode())

    # ---- utterance events (from its thread, or the command loop for STOP)
    def begin(self, utt: Utterance) -> bool:
        with self._cond:
            if utt.done.is_set():
                return False
            if not utt.begun:
                utt.begun = True
                self._items.append((utt, b"701 BEGIN\n"))
                self._cond.notify_all()
            return True

    def send(self, utt: Utterance, data: bytes, audio: bool = False) -> bool:
        """Queue ``data`` for ``utt`` (after its BEGIN); False once it has ended. Audio waits
        while the utterance has ``BACKLOG`` blocks queued."""
        if not self.begin(utt):
            return False
        with self._cond:
            while audio and utt.queued >= BACKLOG and not utt.done.is_set() and not self._closed:
                self._cond.wait(0.05)
            if utt.done.is_set():
                return False
            utt.queued += audio
            self._items.append((utt, data))
            self._cond.notify_all()
            return True

    def audio(self, utt: Utterance, pcm16: bytes, rate: int) -> bool:
        for at in range(0, len(pcm16), MAX_BLOCK):
            if not self.send(utt, audio_block(pcm16[at:at + MAX_BLOCK], rate), audio=True):
                return False
        return True

    def mark(self, utt: Utterance, name: str) -> bool:
        return self.send(utt, f"700-{name}\n700 INDEX MARK\n".encode())

    def end(self, utt: Utterance, event: str = "702 END") -> bool:
        """Send the utterance's last event once (BEGIN first if it had none); drop its queued
        audio when it is cut (STOP, PAUSE). False if it had already ended."""
        with self._cond:
            if utt.done.is_set():
                return False
            if event != "702 END":  # its queued audio and marks go; a BEGIN not yet written stays
                self._items = collections.deque(item for item in self._items
                                                if item[0] is not utt or item[1] == b"701 BEGIN\n")
            if not utt.begun:
                utt.begun = True
                self._items.append((utt, b"701 BEGIN\n"))
            self._items.append((None, f"{event}\n".encode()))
            utt.done.set()
            self._cond.notify_all()
            return True

    def _put(self, utt: Utterance | None, data: bytes) -> None:
        with self._cond:
            self._items.append((utt, data))
            self._cond.notify_all()

    # ---- the writer
    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._items and not self._closed:
                    self._cond.wait()
                if not self._items:
                    return
                utt, data = self._items.popleft()
                if utt is not None and data.startswith(b"705-"):
                    utt.queued -= 1
                self._cond.notify_all()
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(self.fd, view):]
            except OSError:  # speech-dispatcher went away
                with self._cond:
                    self._closed = True
                    self._items.clear()
                    self._cond.notify_all()
                return

    def flush(self, timeout: float = 2.0) -> None:
        """Wait (bounded) until everything queued is written."""
        with self._cond:
            self._cond.wait_for(lambda: not self._items or self._closed, timeout)

    def close(self) -> None:
        self.flush()
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout=2.0)
