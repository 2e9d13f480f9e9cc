"""`ttscli speechd`: the output module driven over pipes as speech-dispatcher drives it (list
voices, speak through server audio, SSML with index marks, rate, pitch, volume, stop within
100 ms, CHAR/KEY, the paced WAV output), and with the real Debian speech-dispatcher where it is
installed (`spd-say -L`, speak, rate, cancel mid-sentence, install/uninstall)."""

from __future__ import annotations

import time

import numpy as np
import pytest
import soundfile as sf
from support.asr import transcribe, word_errors
from support.speechd import Dispatcher, Module, audio_of, have_speech_dispatcher

TEXT = "The quick brown fox jumps over the lazy dog. It was a sunny day."
LONG = " ".join(f"This is sentence number {i}, which keeps the module talking for a while." for i in range(12))


@pytest.fixture(scope="module")
def module(tmp_path_factory):
    mod = Module(tmp_path_factory.mktemp("speechd"))
    mod.init()
    yield mod
    assert mod.close() == 0


def _f0(audio: np.ndarray, rate: int) -> float:
    """Median pitch (Hz) of the clearly voiced 40 ms frames, by autocorrelation."""
    size, found = int(0.04 * rate), []
    lo, hi = int(rate / 400), int(rate / 60)
    for at in range(0, len(audio) - size, size):
        frame = audio[at:at + size] - np.mean(audio[at:at + size])
        if np.sqrt(np.mean(frame**2)) < 0.03:
            continue
        ac = np.correlate(frame, frame, "full")[size - 1:]
        lag = lo + int(np.argmax(ac[lo:hi]))
        if ac[lag] > 0.5 * ac[0]:
            found.append(rate / lag)
    return float(np.median(found))


def _speak(module: Module, text: str, **settings):
    if settings:
        assert module.set(**settings)[-1] == "203 OK SETTINGS RECEIVED"
    module.speak(text)
    events = module.events()
    assert events[0][1] == "begin" and events[-1][1] == "end", [e[1] for e in events]
    return events


def test_voices_and_speech_through_server_audio(module, whisper):
    listed = module.command("LIST VOICES")
    assert listed[-1] == "200 OK VOICE LIST SENT"
    assert "200-en_US-joe-medium\ten-US\tnone" in listed
    assert module.command("LIST VOICES en")[:-1] == ["200-en_US-joe-medium\ten-US\tnone"]
    assert module.command("LIST VOICES xx") == ["304 CANT LIST VOICES"]
    settings = dict(rate=0, pitch=0, pitch_range=0, volume=100, punctuation_mode="none", spelling_mode="off",
                    cap_let_recogn="none", voice="MALE1", language="en", synthesis_voice="NULL")
    events = _speak(module, f"<speak>{TEXT}</speak>", **settings)
    audio, rate = audio_of(events)
    assert rate == 22050 and 2.5 < len(audio) / rate < 7
    errors, words = word_errors(TEXT, transcribe(whisper, audio, rate))
    assert errors <= 2, (errors, words)
    assert module.set(rate=500)[-1] == "303 ERROR INVALID PARAMETER OR VALUE"
    assert module.command("BOGUS") == ["300 ERR UNKNOWN COMMAND"]
    assert module.command("LOGLEVEL", ["log_level=3"])[-1] == "203 OK LOGLEVEL SET"


def test_ssml_marks_are_reported_between_the_audio_around_them(module, whisper):
    ssml = ('<speak>The quick brown fox <mark name="__spd_1"/>jumps over the lazy dog.'
            '<s>It was a <emphasis>sunny <mark name="m2"/>day</emphasis>.</s></speak>')
    events = _speak(module, ssml, rate=0, pitch=0, volume=100, synthesis_voice="en_US-joe-medium")
    kinds = [e[1] if e[1] != "mark" else e[2] for e in events]
    first, second = kinds.index("__spd_1"), kinds.index("m2")
    assert "audio" in kinds[:first] and "audio" in kinds[first:second] and "audio" in kinds[second:]
    audio, rate = audio_of(events)
    errors, words = word_errors(TEXT, transcribe(whisper, audio, rate))
    assert errors <= 3, (errors, words)


def test_rate_pitch_and_volume_are_mapped(module):
    def clip(**settings):
        return audio_of(_speak(module, TEXT, **{"rate": 0, "pitch": 0, "volume": 100, **settings}))

    base, rate = clip()
    fast, _ = clip(rate=60)
    high, _ = clip(pitch=100)
    quiet, _ = clip(volume=0)
    ratio = len(base) / len(fast)
    assert 1.6 < ratio < 2.3, ratio  # 3^0.6 = 1.93
    assert 0.85 < len(high) / len(base) < 1.15  # pitch keeps the duration
    assert 1.25 < _f0(high, rate) / _f0(base, rate) < 1.6  # 2^0.5 = 1.41
    rms = lambda a: float(np.sqrt(np.mean(a**2)))  # noqa: E731
    assert 0.4 < rms(quiet) / rms(base) < 0.6


def test_stop_cuts_the_message_within_100_ms(module):
    module.set(rate=0, pitch=0, volume=100)
    module.speak(LONG)
    while True:
        at, raw = module.timed(60)
        if raw == b"705 AUDIO\n":
            break
    sent = module.send("STOP")
    events = module.events(timeout=10)
    assert events[-1][1] == "stop"
    assert events[-1][0] - sent < 0.1, events[-1][0] - sent
    # the next message speaks normally; the runs the STOP cut short are not reported as errors
    events = _speak(module, "Still here.")
    assert any(e[1] == "audio" for e in events)
    module.stderr.flush()
    log = module.err_path.read_text(errors="replace")
    assert "error" not in log.lower() and "run stopped" not in log, log[-2000:]


def test_char_key_pause_and_icon(module):
    for command, data in (("CHAR", "a"), ("CHAR", " "), ("KEY", "ctrl_a")):
        module.speak(data, command)
        events = module.events()
        assert events[-1][1] == "end" and len(audio_of(events)[0]) > 2000, (command, data)
    module.speak(LONG)
    module.timed(60)
    module.send("PAUSE")
    assert module.events(timeout=10)[-1][1] == "pause"
    module.speak("bell", "SOUND_ICON")  # with server audio, the server plays the icon
    assert [e[1:] for e in module.events()] == [("begin",), ("icon", "bell"), ("end",)]


def test_paced_wav_output_and_stop(tmp_path, whisper):
    wav = tmp_path / "out.wav"
    mod = Module(tmp_path, 'TtscliModel "piper:en_US-joe-medium"\n', env={"TTSCLI_SPEECHD_WAV": str(wav)})
    try:
        mod.init(audio="pulse")
        started = mod.send("SPEAK")
        mod.reply()
        mod.send(TEXT, ".")
        assert mod.reply() == ["200 OK SPEAKING"]
        events = mod.events()
        took = events[-1][0] - started
        audio, rate = sf.read(wav, dtype="float32")
        assert rate == 22050 and not any(e[1] == "audio" for e in events)  # not sent to the server
        assert took > len(audio) / rate - 0.2  # written at the pace of playback
        errors, words = word_errors(TEXT, transcribe(whisper, audio, rate))
        assert errors <= 2, (errors, words)
        wav.unlink()
        mod.speak(LONG)
        deadline = time.monotonic() + 60
        while not wav.exists() or wav.stat().st_size <= 44 or sf.info(wav).duration < 0.5:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        heard = sf.info(wav).duration
        mod.send("STOP")
        assert mod.events(timeout=10)[-1][1] == "stop"
        size = wav.stat().st_size
        time.sleep(0.3)
        assert wav.stat().st_size == size  # nothing after the stop
        cut = sf.info(wav).duration
        assert 0.5 <= heard <= cut and cut - heard < 0.15, (heard, cut)  # at most 100 ms (plus the 50 ms device lead) more
    finally:
        assert mod.close() == 0


def test_played_by_the_module_when_the_server_does_not_take_audio(tmp_path, whisper):
    from support.speechd import fake_player

    env, played = fake_player(tmp_path)
    mod = Module(tmp_path, env=env)
    try:
        mod.init(audio="pulse")  # not "server": the module plays with ttscli's player
        mod.speak(TEXT)
        events = mod.events()
        assert [e[1] for e in events] == ["begin", "end"]
        audio = np.frombuffer(played.read_bytes(), dtype="<i2").astype(np.float32) / 32768
        errors, words = word_errors(TEXT, transcribe(whisper, audio, 22050))
        assert errors <= 2, (errors, words)
        played.unlink()
        mod.speak(LONG)
        while not played.exists() or played.stat().st_size < 4410:
            time.sleep(0.01)
        sent = mod.send("STOP")
        assert mod.events(timeout=10)[-1][1] == "stop"
        assert time.monotonic() - sent < 0.1
    finally:
        assert mod.close() == 0


@pytest.mark.skipif(not have_speech_dispatcher(), reason="speech-dispatcher and spd-say are not installed")
def test_with_real_speech_dispatcher(tmp_path, cli, whisper):
    conf, wav = tmp_path / "conf", tmp_path / "spoken.wav"
    done = cli("speechd", "install", "--config-dir", str(conf), "--default", "--model", "piper:en_US-joe-medium")
    assert done.returncode == 0, done.stderr
    text = (conf / "speechd.conf").read_text()
    assert f'AddModule "ttscli" "{conf}/modules/sd_ttscli" "ttscli.conf"' in text and "DefaultModule ttscli" in text
    with open(conf / "speechd.conf", "a") as fh:  # no sound card here: speech-dispatcher plays to ALSA's null device
        fh.write('AudioOutputMethod "alsa"\nAudioALSADevice "null"\n')
    sd = Dispatcher(tmp_path, conf)
    try:  # server audio: the module sends 705 blocks, speech-dispatcher plays them and reports the end
        started = time.monotonic()
        sd.say("-w", TEXT)
        # it waited for the speech: the module's start, load and synthesis took 0.9 s and more in CI
        # (ALSA's null device plays faster than real time); without -w spd-say returns once queued
        assert 0.4 < time.monotonic() - started < 30 and not wav.exists()
    finally:
        sd.stop()
    sd = Dispatcher(tmp_path, conf, env={"TTSCLI_SPEECHD_WAV": str(wav)})
    try:
        listed = sd.say("-o", "ttscli", "-L")
        assert "en_US-joe-medium" in listed and "en-US" in listed
        sd.say("-w", TEXT)
        audio, rate = sf.read(wav, dtype="float32")
        errors, words = word_errors(TEXT, transcribe(whisper, audio, rate))
        assert errors <= 2, (errors, words)
        normal = len(audio) / rate
        sd.say("-w", "-r", "60", TEXT)
        assert 1.6 < normal / sf.info(wav).duration < 2.3
        wav.unlink()
        sd.say(LONG)  # returns once queued
        deadline = time.monotonic() + 60
        while not wav.exists() or wav.stat().st_size <= 44 or sf.info(wav).duration < 1.0:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        heard = sf.info(wav).duration
        sd.say("-C")  # cancel: a new spd-say process, speech-dispatcher, then the module's STOP
        time.sleep(0.3)
        size = wav.stat().st_size
        time.sleep(0.3)
        cut = sf.info(wav).duration
        assert wav.stat().st_size == size and cut - heard < 0.5, (heard, cut)
    finally:
        sd.stop()
    removed = cli("speechd", "uninstall", "--config-dir", str(conf))
    assert removed.returncode == 0
    assert "ttscli" not in (conf / "speechd.conf").read_text()
    assert not (conf / "modules" / "ttscli.conf").exists() and not (conf / "modules" / "sd_ttscli").exists()


def test_ssml_is_cut_at_marks_into_documents_that_parse():
    from ttscli.speechd.messages import pieces
    from ttscli.text import ssml

    message = '<speak>A <prosody rate="fast">b <mark name="x"/> c</prosody> <mark name=\'y\'/>d.</speak>'
    got = pieces(message)
    assert [mark for _, mark in got] == ["x", "y", None]
    assert got[1][0] == '<speak><prosody rate="fast"> c</prosody> </speak>'
    for piece, _ in got:
        ssml.parse(piece)  # each one a well-formed document
    assert pieces("plain text, no markup") == [("plain text, no markup", None)]


def test_install_keeps_the_users_configuration(tmp_path, cli_inproc):
    conf = tmp_path / "sd"
    conf.mkdir()
    mine = 'DefaultRate 20\nAddModule "espeak-ng" "sd_espeak-ng" "espeak-ng.conf"\n'
    (conf / "speechd.conf").write_text(mine)
    for _ in range(2):  # installing again replaces the block
        assert cli_inproc("speechd", "install", "--config-dir", str(conf), "--voice", "en_US-joe-medium").returncode == 0
    text = (conf / "speechd.conf").read_text()
    assert text.startswith(mine) and text.count('AddModule "ttscli"') == 1
    assert text.count('"espeak-ng"') == 1  # already named by the user: not added again
    assert 'TtscliVoice "en_US-joe-medium"' in (conf / "modules" / "ttscli.conf").read_text()
    launcher = conf / "modules" / "sd_ttscli"
    assert launcher.stat().st_mode & 0o111 and "-m ttscli speechd module" in launcher.read_text()
    assert cli_inproc("speechd", "uninstall", "--config-dir", str(conf)).returncode == 0
    assert (conf / "speechd.conf").read_text() == mine
    bad = cli_inproc("speechd", "install", "--config-dir", str(conf), "--model", "piper:no-such-voice")
    assert bad.returncode == 4 and b"Traceback" not in bad.stderr
    assert not (conf / "modules" / "ttscli.conf").exists()


def test_stray_output_never_reaches_the_protocol(tmp_path):
    """Something printing on stdout inside the module (a library, C code) lands on stderr."""
    import subprocess
    import sys

    code = ("import os, sys\nfrom ttscli.cli.speechd import _claim_stdout\nfd = _claim_stdout()\n"
            "print('stray python'); sys.stdout.flush(); os.write(1, b'stray C\\n'); os.write(fd, b'299 OK\\n')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert done.stdout == b"299 OK\n"
    assert b"stray python" in done.stderr and b"stray C" in done.stderr
