"""The front end through the real CLI: dry runs, SSML errors, lexicon, pauses and ASR round trips."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import soundfile as sf

from support.asr import transcribe, word_errors

from support.cli import assert_clean_error, invoke  # in-process: the process itself is not under test here


def dry(*args: str, input: bytes | None = None) -> tuple[str, str]:
    proc = invoke("say", "--dry-run", *args, input=input)
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout.decode(), proc.stderr.decode()


def test_dry_run_prints_segments_and_pauses():
    out, err = dry("Dr. Smith paid $42.50 on Jan. 7. [pause:1.5] It was 25°C.\n\nChapter IV", "--sentence-silence",
                   "0.2")
    assert out == ("Doctor Smith paid forty-two dollars and fifty cents on January seventh. [pause:1.5]\n"
                   "It was twenty-five degrees Celsius. [pause:0.5]\n\n"
                   "Chapter four\n\n")
    assert "piper:en_US-joe-medium" in err and "language en-us" in err and "3 segments" in err


def test_dry_run_loads_no_runtime():
    code = textwrap.dedent("""
        import sys
        from ttscli.cli.app import main
        rc = main(["say", "--dry-run", "It costs $5."])
        print("RC", rc, "ORT", "onnxruntime" in sys.modules)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "five dollars" in proc.stdout and "RC 0 ORT False" in proc.stdout, proc.stdout + proc.stderr


def test_date_order_and_lang_options():
    assert dry("On 12/05/2024.")[0].strip() == "On December fifth, twenty twenty-four."
    assert dry("On 12/05/2024.", "--date-order", "dmy")[0].strip() == "On the twelfth of May, twenty twenty-four."
    assert dry("Es kostet 5 €.", "--lang", "de")[0].strip() == "Es kostet fünf Euro."


def test_paragraph_silence_option_in_dry_run():
    out, _ = dry("One. Two.\n\nThree.", "--paragraph-silence", "2", "--sentence-silence", "0.25")
    assert out == "One. [pause:0.25]\nTwo. [pause:2]\n\nThree.\n\n"


def test_lexicon_option_and_config_file(tmp_path, _isolated_home):
    lex = tmp_path / "lex.toml"
    lex.write_text('ttscli = "tee tee ess see ell eye"\n', encoding="utf-8")
    assert dry("I use ttscli.", "--lexicon", str(lex))[0].strip() == "I use tee tee ess see ell eye."
    (_isolated_home / "config").mkdir(exist_ok=True)
    (_isolated_home / "config" / "lexicon.toml").write_text('gif = "jif"\n', encoding="utf-8")
    assert dry("A gif.")[0].strip() == "A jif."


def test_bad_lexicon_exit_3(tmp_path):
    lex = tmp_path / "bad.toml"
    lex.write_text("word = [1, 2]\n", encoding="utf-8")
    assert_clean_error(invoke("say", "Hi.", "--lexicon", str(lex), "-o", str(tmp_path / "x.wav")), 3, "lexicon")
    assert_clean_error(invoke("say", "Hi.", "--lexicon", str(tmp_path / "none.toml"), "--dry-run"), 3,
                       "does not exist")
    assert not (tmp_path / "x.wav").exists()


@pytest.mark.parametrize("doc,where", [
    ("<speak>\n  <p>Hello <break time='1s'>\n  </p>\n</speak>", "line 3, column 5"),
    ("<speak>\nFish &chips;\n</speak>", "line 2, column 6"),
])
def test_malformed_ssml_exit_3_with_line_and_column(tmp_path, doc, where):
    src = tmp_path / "doc.ssml"
    src.write_text(doc, encoding="utf-8")
    out = tmp_path / "out.wav"
    assert_clean_error(invoke("say", "-f", str(src), "-o", str(out)), 3, "malformed SSML", where)
    assert list(tmp_path.iterdir()) == [src]


def test_ssml_doctype_refused_via_cli():
    doc = '<!DOCTYPE speak [<!ENTITY x SYSTEM "file:///etc/passwd">]><speak>&x;</speak>'
    assert_clean_error(invoke("say", "--dry-run", input=doc.encode()), 3, "DOCTYPE", "line 1")


def test_unknown_ssml_tag_warning_via_cli():
    proc = invoke("say", "--dry-run", "<speak><emphasis>Loud</emphasis> words.</speak>")
    assert proc.returncode == 0
    assert proc.stdout.decode().strip() == "Loud words."
    assert "warning: SSML tag <emphasis> is not supported" in proc.stderr.decode()


# --- real synthesis ---------------------------------------------------------------


def _wav(*args: str, input: bytes | None = None) -> tuple[np.ndarray, int]:
    proc = invoke("say", *args, "-o", "-", input=input)
    assert proc.returncode == 0, proc.stderr.decode()
    audio, rate = sf.read(io.BytesIO(proc.stdout), dtype="float32")
    return audio, rate


def _longest_silence(audio: np.ndarray, rate: int) -> float:
    quiet = np.abs(audio) < 1e-4
    best = run = 0
    for q in quiet:
        run = run + 1 if q else 0
        best = max(best, run)
    return best / rate


def test_ssml_break_and_paragraph_silence_are_real_silence():
    audio, rate = _wav('<speak>First part.<break time="1500ms"/>Second part.</speak>')
    assert 1.45 <= _longest_silence(audio, rate) < 1.8
    audio, rate = _wav("First part.\n\nSecond part.", "--paragraph-silence", "2.5")
    assert 2.45 <= _longest_silence(audio, rate) < 2.8


@pytest.fixture(scope="module")
def normalized_speech():
    return _wav("Dr. Smith paid $42.50 on Jan. 7.")


def test_asr_hears_the_normalized_reading(normalized_speech, whisper):
    audio, rate = normalized_speech
    heard = transcribe(whisper, audio, rate)
    errors, n = word_errors("Doctor Smith paid forty-two dollars and fifty cents on January seventh.", heard)
    assert errors <= 2, heard


def test_inline_and_lexicon_phonemes_are_spoken(tmp_path, whisper):
    lex = tmp_path / "lex.toml"
    lex.write_text('zorblat = "[[hɛlˈoʊ]]"\n', encoding="utf-8")
    audio, rate = _wav("Zorblat, [[wˈɜːld]].", "--lexicon", str(lex))
    heard = transcribe(whisper, audio, rate)
    assert word_errors("hello world", heard)[0] <= 1, heard


def test_nothing_speakable_exit_3(tmp_path):
    out = tmp_path / "x.wav"
    assert_clean_error(invoke("say", "🍕 \u200b ☀️", "-o", str(out)), 3, "no text")
    assert not out.exists()


def test_dry_run_reads_what_people_write():
    out, err = dry("On the 26th May at 2788 San Tomas Expy, Santa Clara, CA 95051, 4 1/2 lbs cost $.99.")[:2]
    # Piper runs a long sentence clause by clause (docs/performance.md); the dry run still shows one line
    assert len(out.strip().splitlines()) == 1 and "3 segments" in err
    assert out.strip() == ("On the twenty-sixth of May at twenty-seven eighty-eight San Tomas Expressway, Santa Clara, "
                           "California nine five zero five one, four and a half pounds cost ninety-nine cents.")
    out = dry("Am 3. Mai um 14:30 Uhr kostet 1/2 Liter 2,50 €.", "--lang", "de")[0]
    assert out.strip() == "Am dritten Mai um vierzehn Uhr dreißig kostet ein halb Liter zwei Euro fünfzig."
