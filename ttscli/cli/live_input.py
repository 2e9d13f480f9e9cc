"""`say`'s text from a pipe, FIFO, socket or terminal: sentences as they arrive.

A regular file (`say < book.txt`, `-f book.txt`) is read whole, as before. Anything else that
feeds stdin (`tail -f log | ttscli say`, an LLM's tokens, a chat client, a terminal after
`ttscli say -`) is read as it comes: a reader thread takes the bytes, and the text is cut
into pieces the moment each can be spoken:

- a sentence as soon as the next words show that it has ended (the front end's own rules,
  ``text.incremental.SentenceStream``: "Dr. Smith" does not end one);
- everything received when the input pauses right after a newline (a writer's line);
- an unfinished sentence once the input has been idle for ``idle`` seconds;
- a blank line ends a paragraph; EOF ends the rest.

Memory stays bounded however long the input runs: the reader hands over at most
``QUEUE`` blocks ahead of the speaker (the writer then waits, as a pipe does), and a sentence
that never ends is cut at ``MAX_CHARS``.
"""

from __future__ import annotations

import codecs
import os
import queue
import re
import stat
import threading
from collections.abc import Iterator

from ..errors import BadInput
from ..text.incremental import Sentence, SentenceStream

BLOCK = 1 << 16
QUEUE = 16  # blocks read ahead of the speaker
DEFAULT_IDLE = 0.3  # seconds of silence on the input before an unfinished sentence is spoken
HOLD_CHARS = 1 << 20  # text read on before speaking while more keeps arriving at once
_BLANK_END = re.compile(r"\n[ \t]*\n\s*$")
_EOF = object()
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def is_live(fd: int) -> bool:
    """True when ``fd`` is not a regular file (a pipe, FIFO, socket, terminal or device)."""
    try:
        return not stat.S_ISREG(os.fstat(fd).st_mode)
    except OSError:
        return False


class LiveText:
    """The pieces of text on ``fd`` as they become speakable (see the module doc)."""

    def __init__(self, fd: int, *, encoding: str | None = None, lang: str | None = None,
                 idle: float = DEFAULT_IDLE):
        self.fd = fd
        self.encoding = encoding
        self.idle = max(0.01, idle)
        self.stream = SentenceStream(lang)
        self.received = 0  # bytes read so far
        self._queue: queue.Queue = queue.Queue(QUEUE)
        self._decoder = None
        self._cr = False  # the last text ended with "\r" (a "\r\n" may be split across reads)
        self._reader = threading.Thread(target=self._read, name="ttscli-stdin", daemon=True)

    # ---- the reader thread
    def _read(self) -> None:
        try:
            while data := os.read(self.fd, BLOCK):
                self._queue.put(data)
        except OSError as exc:  # a socket reset, an EIO from a vanished terminal: the input has ended
            self._queue.put(exc)
        self._queue.put(_EOF)

    # ---- the speaker's side
    def __iter__(self) -> Iterator[Sentence]:
        """Pieces of the input, each as long as what can be spoken at that moment: all of it when
        it arrives at once (``echo … | say`` reads as ``say "…"`` does), a sentence or a line
        when it trickles in."""
        self._reader.start()
        held = ""  # received and fed to the sentence finder, not yet spoken
        unfed = ""  # received while more was already waiting
        while True:
            item = self._next(pending=bool((held + unfed).strip()))
            if item is None:  # the input went quiet in the middle of a sentence
                yield from self._piece(held + unfed, paragraph_end=False)
                held = unfed = ""
                self.stream.flush()
                continue
            if item is _EOF or isinstance(item, OSError):
                yield from self._piece(held + unfed + self._decode(b"", final=True), paragraph_end=True)
                return
            unfed += self._decode(item)
            if not self._queue.empty() and len(held) + len(unfed) < HOLD_CHARS:
                continue  # more is on its way: read on, so text that comes at once is spoken as one
            done = self.stream.feed(unfed)
            held, unfed = held + unfed, ""
            if held.rstrip(" \t").endswith("\n"):  # a writer's line (or lines) and a pause
                self.stream.flush()
                yield from self._piece(held, paragraph_end=bool(_BLANK_END.search(held)))
                held = ""
            elif done:
                cut = len(held) - len(self.stream.pending)
                yield from self._piece(held[:cut], paragraph_end=done[-1].paragraph_end)
                held = held[cut:]

    @staticmethod
    def _piece(text: str, paragraph_end: bool) -> Iterator[Sentence]:
        if text.strip():
            yield Sentence(text, paragraph_end)

    def _next(self, pending: bool):
        """The next block, _EOF or an error; None after ``idle`` seconds with text pending."""
        while True:
            try:
                return self._queue.get(timeout=self.idle if pending else 0.5)  # short waits: Ctrl-C lands
            except queue.Empty:
                if pending:
                    return None

    def _decode(self, data: bytes, final: bool = False) -> str:
        if self._decoder is None:
            if not data and not final:
                return ""
            encoding = self.encoding or next((enc for bom, enc in _BOMS if data.startswith(bom)), "utf-8")
            self._decoder = codecs.getincrementaldecoder(encoding)()
        try:
            text = self._decoder.decode(data, final)
        except UnicodeDecodeError as exc:
            encoding = self.encoding or "utf-8"
            raise BadInput(f"stdin is not valid {encoding} (byte 0x{exc.object[exc.start]:02x} near offset "
                           f"{self.received + exc.start})",
                           hint="pass --encoding (e.g. --encoding latin-1) or convert it with iconv") from exc
        finally:
            self.received += len(data)
        if "\x00" in text:
            raise BadInput("stdin contains NUL bytes (binary data?)", hint="send plain text")
        if self._cr and text.startswith("\n"):
            text = text[1:]
        self._cr = text.endswith("\r")
        return text.replace("\r\n", "\n").replace("\r", "\n")
