"""Where chapters start, which ones are front/back matter, and --chapters ranges.

Plain text: a line such as "Chapter 12", "CHAPTER XIV" or "Chapter One: The Sea"
starts a chapter, and so does a form feed. ``--split-on REGEX`` replaces that
rule: every line the pattern matches starts a chapter (titled by the line).
Markdown: the headings of the top level (the level under a single title
heading, when there is one). EPUB chapters come from the spine (see epub.py).
"""

from __future__ import annotations

import re

from ..errors import BadInput, UsageError
from .model import Chapter

_NUMBER_WORDS = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                 r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|first|second|third|fourth|"
                 r"fifth|sixth|seventh|eighth|ninth|tenth|last")
CHAPTER_LINE = re.compile(
    rf"^\s{{0,8}}(?:#+\s*)?(?:chapter|chap\.)\s+"
    rf"(?:\d{{1,4}}|[ivxlcdm]{{1,8}}|(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))?)"
    r"\b[^\n]{0,80}$", re.IGNORECASE)
MAX_TITLE = 80

FRONT = re.compile(r"^\W*(?:(?:table of )?contents|copyright|title page|half[- ]title|cover|imprint|"
                   r"also by\b.*|praise for\b.*)\W*$", re.IGNORECASE)
BACK = re.compile(r"^\W*(?:index|bibliography|references|works cited|colophon|about the authors?|"
                  r"endnotes|further reading)\W*$", re.IGNORECASE)
_LEGAL = re.compile(r"all rights reserved|\bISBN\b|copyright ©|©\s*\d{4}", re.IGNORECASE)


def matter_of(title: str, text: str) -> str | None:
    """"front" or "back" for tables of contents, copyright pages, indexes, bibliographies…"""
    if FRONT.match(title):
        return "front"
    if BACK.match(title):
        return "back"
    if len(text.split()) < 300 and _LEGAL.search(text):
        return "front"
    return None


def _title_of(text: str, fallback: str) -> str:
    for line in text.split("\n"):
        line = line.strip().lstrip("#").strip()
        if re.search(r"\w", line):
            return line if len(line) <= MAX_TITLE else line[:MAX_TITLE - 1].rstrip() + "…"
    return fallback


def _chapter(title: str, text: str) -> Chapter:
    return Chapter(title, text.strip("\n"), matter_of(title, text))


SPLIT_ON_SECONDS = 10.0  # all --split-on matching of a book; a pattern that backtracks forever is stopped


def compile_split_on(split_on: str) -> re.Pattern:
    try:
        return re.compile(split_on, re.MULTILINE)
    except (re.error, OverflowError, RecursionError) as exc:
        raise UsageError(f"--split-on {split_on!r} is not a valid regular expression ({exc})",
                         hint="e.g. --split-on '^Part [0-9]+'") from exc


def split_text(text: str, split_on: str | None = None) -> list[Chapter]:
    """Chapters of a plain-text book (see the module doc)."""
    if not split_on:
        return _split_text(text, lambda line: bool(CHAPTER_LINE.match(line)), detected=True)
    from ..timelimit import time_limit

    pattern = compile_split_on(split_on)
    slow = UsageError(f"--split-on {split_on!r} took more than {SPLIT_ON_SECONDS:g} s on this book "
                      "(a pattern that backtracks, such as (a+)+)", hint="use a simpler pattern, e.g. '^Chapter '")
    with time_limit(SPLIT_ON_SECONDS, slow):
        return _split_text(text, lambda line: bool(pattern.search(line)), detected=False)


def _split_text(text: str, match_line, detected: bool) -> list[Chapter]:
    """``detected``: headings were found by ttscli (not --split-on), so a contents list and back
    matter are recognised too."""
    parts: list[tuple[str | None, list[str]]] = [(None, [])]
    for page_no, page in enumerate(text.split("\f")):
        if page_no and any(line.strip() for line in parts[-1][1]):
            parts.append((None, []))
        for line in page.split("\n"):
            if line.strip() and match_line(line):
                parts.append((line.strip().lstrip("#").strip()[:MAX_TITLE], [line]))
            else:
                parts[-1][1].append(line)
    if detected:
        parts = _split_back(_fold_contents(parts))
    chapters = []
    for n, (title, lines) in enumerate(parts, 1):
        body = "\n".join(lines)
        if re.search(r"\w", body):
            chapters.append(_chapter(title or _title_of(body, f"Part {n}"), body))
    if not chapters:
        raise BadInput("the text has no words to speak")
    return chapters


CONTENTS = "Contents"
_CONTENTS_LINE = re.compile(r"^\W*(?:table of )?contents\W*$", re.IGNORECASE)
_BACK_TITLES = {"index": "Index", "bibliography": "Bibliography", "references": "References",
                "works cited": "Works Cited", "colophon": "Colophon", "about the author": "About the Author",
                "about the authors": "About the Authors", "endnotes": "Endnotes",
                "further reading": "Further Reading"}
_INDEX_LINE = re.compile(r"^\s*[^\d\n]{2,60}?[,.\s]+\d{1,4}(?:\s*[-–]\s*\d{1,4})?(?:\s*,\s*\d{1,4}(?:\s*[-–]\s*\d{1,4})?)*"
                         r"\s*$")


def _heading_only(lines: list[str]) -> bool:
    """A part that is its heading line and nothing else (a contents entry, not a chapter)."""
    return sum(len(line.split()) for line in lines[1:]) <= 3


def _entry(title: str) -> str:
    """A title as a contents entry and its chapter heading both read: no page number, dots or case."""
    return " ".join(re.sub(r"(?:\s*[.·…]{2,}\s*|\s{2,}|\t)\d+\s*$", "", title).strip(" .").lower().split())


def _fold_contents(parts: list[tuple[str | None, list[str]]]) -> list[tuple[str | None, list[str]]]:
    """A run of two or more chapter lines with no text between them, whose titles come again
    later as chapters, is a contents list: fold it (and a "Contents" line just above it) into one front-matter part."""
    out: list[tuple[str | None, list[str]]] = []
    k = 0
    while k < len(parts):
        title, lines = parts[k]
        run = k
        while run < len(parts) and parts[run][0] is not None and _heading_only(parts[run][1]):
            run += 1
        later = {_entry(t) for t, _ in parts[run:] if t}
        if title is None or run - k < 2 or sum(_entry(t) in later for t, _ in parts[k:run]) < 2:
            out.append(parts[k])
            k += 1
            continue
        block: list[str] = []
        if out:  # "Contents" as the last words of the part before moves along with the list
            prev_title, prev = out[-1]
            words = [i for i, line in enumerate(prev) if line.strip()]
            if words and _CONTENTS_LINE.match(prev[words[-1]]):
                block = prev[words[-1]:]
                out[-1] = (prev_title, prev[:words[-1]])
        for _, entry in parts[k:run]:
            block.extend(entry)
        out.append((CONTENTS, block))
        k = run
    return out


def _back_title(line: str) -> str | None:
    return _BACK_TITLES.get(re.sub(r"[^\w ]+", "", " ".join(line.lower().split())).strip())


def _split_back(parts: list[tuple[str | None, list[str]]]) -> list[tuple[str | None, list[str]]]:
    """Back matter after the last chapter (an "Index" or "Bibliography" line on its own, or a
    block of index entries such as "harbour, 3, 17-19") becomes parts of its own."""
    if len(parts) < 2 or parts[-1][0] in (None, CONTENTS):
        return parts
    title, lines = parts[-1]
    for i in range(1, len(lines)):
        alone = (not lines[i - 1].strip()) and (i + 1 >= len(lines) or not lines[i + 1].strip())
        if alone and lines[i].strip() and _back_title(lines[i]):
            rest = _split_back([(None, []), (_back_title(lines[i]), lines[i:])])[1:]
            return parts[:-1] + [(title, lines[:i])] + rest
    if _back_title(title or ""):
        return parts
    # an unheaded index: trailing paragraphs whose lines are mostly "term, 12, 40-41"
    starts = _paragraph_starts(lines)
    cut = None
    for k in range(len(starts) - 1, -1, -1):
        block = [line for line in lines[starts[k]:starts[k + 1] if k + 1 < len(starts) else None] if line.strip()]
        if len(block) < 5 or sum(bool(_INDEX_LINE.match(line)) for line in block) < 0.8 * len(block):
            break
        cut = starts[k]
    if cut is not None and cut > 1:
        return parts[:-1] + [(title, lines[:cut]), ("Index", lines[cut:])]
    return parts


def _paragraph_starts(lines: list[str]) -> list[int]:
    return [i for i in range(1, len(lines)) if lines[i].strip() and not lines[i - 1].strip()]


def split_markdown(text: str) -> tuple[str | None, list[Chapter]]:
    """(book title or None, chapters) of a Markdown book."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(text)
    heads: list[tuple[int, int, str]] = []  # (level, first line, inline text)
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.map:
            heads.append((int(tok.tag[1]), tok.map[0], tokens[i + 1].content.strip()))
    if not heads:
        return None, split_text(text)
    levels = sorted({lvl for lvl, _, _ in heads})
    book_title = None
    top = levels[0]
    tops = [h for h in heads if h[0] == top]
    if len(tops) == 1 and len(levels) > 1 and heads[0][0] == top:
        book_title = tops[0][2]
        top = levels[1]
    lines = text.split("\n")
    starts = [(line, title) for lvl, line, title in heads if lvl == top]
    chapters = []
    first = starts[0][0]
    lead = "\n".join(lines[:first])
    if book_title is not None:  # the title heading is not a chapter of its own, but its text is
        lead = "\n".join(ln for k, ln in enumerate(lines[:first]) if k != heads[0][1])
    if re.search(r"\w", lead):
        chapters.append(_chapter(_title_of(lead, book_title or "Opening"), lead))
    for k, (line, title) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        chapters.append(_chapter(title or f"Chapter {k + 1}", "\n".join(lines[line:end])))
    return book_title, chapters


def resplit(chapters: list[Chapter], split_on: str) -> list[Chapter]:
    """--split-on for a book whose chapters came from elsewhere (EPUB): split the whole text again."""
    return split_text("\n\n".join(c.text for c in chapters), split_on)


def check_range(spec: str) -> None:
    """The --chapters syntax and order, checked before any book is read."""
    parse_range(spec, 999_999)


def parse_range(spec: str, count: int) -> list[int]:
    """1-based chapter numbers of "3-7", "3-", "-2", "5" or "1,3,5-6" (each checked against ``count``)."""
    picked: list[int] = []
    for part in spec.replace(" ", "").split(","):
        match = re.fullmatch(r"(\d{0,6})-(\d{0,6})|(\d{1,6})", part)
        if not match or part == "-":
            raise UsageError(f"--chapters {spec!r} is not a range", hint="use e.g. 3-7, 3-, -2, 5 or 1,3,5-6")
        if match.group(3):
            lo = hi = int(match.group(3))
        else:
            lo = int(match.group(1) or 1)
            hi = int(match.group(2) or count)
        if hi < lo:
            raise UsageError(f"--chapters {spec!r} runs backwards ({lo}-{hi})", hint=f"write it {hi}-{lo}")
        if lo < 1 or hi > count:
            raise UsageError(f"--chapters {spec!r} is outside 1-{count}",
                             hint="see the numbers with --list-chapters")
        picked.extend(n for n in range(lo, hi + 1) if n not in picked)
    return picked


def select(chapters: list[Chapter], spec: str | None, keep_all: bool) -> list[tuple[int, Chapter]]:
    """(number, chapter) to speak: the --chapters range if given, else all but front/back matter
    (unless --keep-all)."""
    if spec:
        return [(n, chapters[n - 1]) for n in parse_range(spec, len(chapters))]
    chosen = [(n, c) for n, c in enumerate(chapters, 1) if keep_all or not c.matter]
    if not chosen:
        raise BadInput("every chapter looks like front or back matter",
                       hint="pass --keep-all, or pick chapters with --chapters")
    return chosen
