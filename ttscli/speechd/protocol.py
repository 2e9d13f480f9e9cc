"""speech-dispatcher's output-module protocol on stdin/stdout (`ttscli speechd module`).

speech-dispatcher starts the module with its configuration file as the one argument and
sends ``INIT``; replies are numbered lines (2xx OK, 3xx errors), multi-line ones with
``NNN-`` continuation lines; a block of data (SPEAK's text, SET's ``name=value`` lines) ends
with a line holding a single dot, a dot at the start of a data line being doubled. Events
(701 BEGIN, 700 INDEX MARK, 705 AUDIO, 702 END, 703 STOP, 704 PAUSE) follow a message's
``200 OK SPEAKING``. STOP and PAUSE get no reply.
"""

from __future__ import annotations

import logging
import os
import sys
import threading

from .channel import Channel, Utterance
from .outputs import WAV_ENV, ToFile, ToPlayer, ToServer
from .voices import Choice, Settings, Warm, list_voices, matching

log = logging.getLogger("ttscli.speechd")

BAD_VALUE = "303 ERROR INVALID PARAMETER OR VALUE"


def read_config(path: str | None) -> Choice:
    """``TtscliModel "id"`` and ``TtscliVoice "name"`` from the module's configuration file."""
    values: dict[str, str] = {}
    if path and os.path.isfile(path):
        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                key, _, value = line.strip().partition(" ")
                if key and not key.startswith("#"):
                    values[key.lower()] = value.strip().strip('"')
    return Choice(values.get("ttsclimodel") or None, values.get("ttsclivoice") or None)


class Module:
    def __init__(self, config: str | None = None, stdin=None, fd_out: int = 1):
        self.input = stdin or sys.stdin.buffer
        self.channel = Channel(fd_out)
        self.default = read_config(config)
        self.settings = Settings()
        self.warm = Warm()
        self.audio_method = "server"
        self.wav_path = os.environ.get(WAV_ENV) or None
        self.speaker = None
        self.count = 0
        self._voices = None

    # ---- reading
    def _line(self) -> str | None:
        raw = self.input.readline()
        if not raw:
            return None
        return raw.decode("utf-8", errors="replace").rstrip("\n")

    def _block(self) -> list[str] | None:
        lines = []
        while True:
            line = self._line()
            if line is None:
                return None
            if line == ".":
                return lines
            lines.append(line[1:] if line.startswith("..") else line)

    # ---- the loop
    def run(self) -> int:
        first = self._line()
        if first != "INIT":
            return 3
        if not self._init():
            return 1
        handlers = {"SPEAK": self._speak, "CHAR": self._speak, "KEY": self._speak, "SOUND_ICON": self._speak,
                    "STOP": self._stop, "PAUSE": self._stop, "SET": self._set, "AUDIO": self._audio,
                    "LOGLEVEL": self._loglevel}
        try:
            while True:
                line = self._line()
                if line is None:
                    return 2
                command = line.strip()
                word = command.split(" ", 1)[0].upper()
                if command.upper() == "QUIT":
                    self._cut("703 STOP")
                    self.channel.reply("210 OK QUIT")
                    return 0
                if command.upper().startswith("LIST VOICES"):
                    self._list(command.split()[2:])
                elif word == "DEBUG":
                    self.channel.reply("200 OK DEBUGGING " + ("OFF" if command.upper().endswith("OFF") else "ON"))
                elif word in handlers:
                    if handlers[word](word) is False:
                        return 2
                else:
                    self.channel.reply("300 ERR UNKNOWN COMMAND")
        finally:
            self._cut("703 STOP")
            self.channel.close()
            self.warm.close()

    def _init(self) -> bool:
        from .. import __version__
        from ..errors import TtsError
        from ..selection import select

        try:
            model_id = select(self.default.model, self.default.voice).model_id
        except TtsError as exc:
            self.channel.reply(f"399-{exc.one_line()}", "399 ERR CANT INIT MODULE")
            return False
        threading.Thread(target=self._preload, daemon=True).start()
        self.channel.reply(f"299-ttscli {__version__}: {model_id}", "299 OK LOADED SUCCESSFULLY")
        return True

    def _preload(self) -> None:
        """Load the default model while speech-dispatcher sets up, so the first message is quick."""
        try:
            with self.warm.lock:
                self.warm.get(self.default)
        except Exception as exc:  # noqa: BLE001 - the first message reports it again
            from .speaker import describe

            log.error("%s", describe(exc))

    def _voice_list(self):
        if self._voices is None:
            self._voices = list_voices()
        return self._voices

    # ---- commands
    def _list(self, args: list[str]) -> None:
        voices = matching(self._voice_list(), args[0] if args else None)
        if not voices:
            self.channel.reply("304 CANT LIST VOICES")
            return
        self.channel.reply(*(f"200-{v.name}\t{v.language}\tnone" for v in voices), "200 OK VOICE LIST SENT")

    def _set(self, _word) -> bool:
        self.channel.reply("203 OK RECEIVING SETTINGS")
        lines = self._block()
        if lines is None:
            return False
        ok = True
        for line in lines:
            name, sep, value = line.partition("=")
            ok = bool(sep) and self.settings.update(name.strip(), value.strip()) and ok
        self.channel.reply("203 OK SETTINGS RECEIVED" if ok else BAD_VALUE)
        return True

    def _audio(self, _word) -> bool:
        self.channel.reply("207 OK RECEIVING AUDIO SETTINGS")
        lines = self._block()
        if lines is None:
            return False
        values = dict(line.partition("=")[::2] for line in lines)
        self.audio_method = values.get("audio_output_method", "server")
        self.channel.reply("203 OK AUDIO INITIALIZED")
        return True

    def _loglevel(self, _word) -> bool:
        self.channel.reply("207 OK RECEIVING LOGLEVEL SETTINGS")
        if self._block() is None:
            return False
        self.channel.reply("203 OK LOGLEVEL SET")
        return True

    def _stop(self, word) -> None:
        self._cut("704 PAUSE" if word == "PAUSE" else "703 STOP")

    def _cut(self, event: str) -> None:
        if self.speaker is not None and self.speaker.active:
            self.speaker.cut(event)

    def _speak(self, word) -> bool:
        from .messages import char_text, key_text
        from .speaker import Speaker

        self.channel.reply("202 OK RECEIVING MESSAGE")
        lines = self._block()
        if lines is None:
            return False
        if self.speaker is not None and self.speaker.active:
            self.channel.reply("301 ERROR CANT SPEAK")  # speech-dispatcher stops a message before the next
            return True
        text = "\n".join(lines)
        self.count += 1
        utt = Utterance(self.count)
        self.channel.reply("200 OK SPEAKING")
        if word == "SOUND_ICON" and self.audio_method == "server" and not self.wav_path:
            self.channel.send(utt, f"706-{text.strip()}\n706 ICON\n".encode())
            self.channel.end(utt)
            return True
        text = {"CHAR": char_text, "KEY": key_text}.get(word, lambda t: t)(text)
        self.speaker = Speaker(self.channel, self.warm, utt, self._output(utt), text, self.settings,
                               self._choice())
        self.speaker.start()
        return True

    def _choice(self) -> Choice:
        from .voices import choose

        return choose(self.settings, self.default, self._voice_list)

    def _output(self, utt: Utterance):
        if self.wav_path:
            return ToFile(self.wav_path)
        if self.audio_method == "server":
            return ToServer(self.channel, utt)
        return ToPlayer()


def main(config: str | None, fd_out: int = 1) -> int:
    return Module(config, fd_out=fd_out).run()
