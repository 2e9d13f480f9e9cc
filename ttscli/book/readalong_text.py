"""The book's own text as XHTML for the read-along EPUB, with an ``id`` on each timed stretch.

A chapter's text is what the reader gave (TXT, Markdown, or the Markdown-ish text an EPUB's
XHTML became): its blocks become headings, paragraphs, list items, quotes and code; its inline
Markdown (emphasis, strong, code, strike-through, links, images' alt text, escapes, entities)
becomes the matching XHTML. Each timed unit (a word, or a sentence where the voice gives no word
timings) covers characters ``start..end`` of the text; its visible characters are wrapped in one
``<span id>``. Formatting is opened and closed inside each span, so a span never crosses an
element boundary (``**two words**`` → two spans, each with its own ``<strong>``).

Every value written is escaped (:func:`xml_text`), and characters XML cannot hold are dropped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def xml_text(value: object) -> str:
    """``value`` as XML character data or an attribute value: escaped, illegal characters dropped."""
    return html.escape(_XML_ILLEGAL.sub("", str(value)), quote=True)


# --- blocks
_ATX = re.compile(r"[ \t]{0,3}(#{1,6})[ \t]+")
_FENCE = re.compile(r"[ \t]{0,3}(```+|~~~+)")
_QUOTE = re.compile(r"[ \t]{0,3}(?:>[ \t]?)+")
_BULLET = re.compile(r"[ \t]*[-*+•‣◦▪][ \t]+")
_NUMBERED = re.compile(r"[ \t]*\d{1,3}[.)][ \t]+")
_RULE = re.compile(r"[ \t]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_TABLE_SEP = re.compile(r"[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)+\|?[ \t]*$")
_LINK_DEF = re.compile(r"[ \t]{0,3}\[[^\]]+\]:[ \t]+\S+")


@dataclass
class Block:
    """One block of the text: ``kind`` (p, h1…h6, ul, ol, quote, pre, hr) and its content ranges
    (a paragraph's lines; a list's items are separate blocks with the same kind)."""

    kind: str
    ranges: list[tuple[int, int]]


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def blocks(text: str) -> list[Block]:
    """The blocks of a chapter's text, with character ranges of their visible content."""
    out: list[Block] = []
    current: Block | None = None
    fence: str | None = None
    for at, line in _lines(text):
        if fence is not None:
            if line.strip().startswith(fence):
                fence, current = None, None
            elif current is not None:
                current.ranges.append((at, at + len(line)))
            continue
        if not line.strip():
            current = None
            continue
        m = _FENCE.match(line)
        if m:
            fence = m.group(1)
            current = Block("pre", [])
            out.append(current)
            continue
        if _RULE.match(line) or _TABLE_SEP.match(line) or _LINK_DEF.match(line):
            if _RULE.match(line):
                out.append(Block("hr", []))
            current = None
            continue
        current = _line_block(out, current, at, line)
    return [b for b in out if b.ranges or b.kind == "hr"]


def _line_block(out: list[Block], current: Block | None, at: int, line: str) -> Block | None:
    """Add ``line`` (starting at ``at``) to the current block or start a new one; returns the current block."""
    m = _ATX.match(line)
    if m:
        end = len(line.rstrip().rstrip("#").rstrip()) if line.rstrip().endswith("#") else len(line)
        out.append(Block(f"h{len(m.group(1))}", [(at + m.end(), at + max(m.end(), end))]))
        return None
    for kind, pattern in (("quote", _QUOTE), ("ul", _BULLET), ("ol", _NUMBERED)):
        m = pattern.match(line)
        if m:
            if kind == "quote" and current is not None and current.kind == "quote":
                current.ranges.append((at + m.end(), at + len(line)))
                return current
            block = Block(kind, [(at + m.end(), at + len(line))])
            out.append(block)
            return block
    if current is not None and (current.kind == "p" or (current.kind in ("ul", "ol") and line[:1].isspace())):
        current.ranges.append((at, at + len(line)))
        return current
    block = Block("p", [(at, at + len(line))])
    out.append(block)
    return block


# --- inline Markdown → runs of visible text with their formatting
@dataclass(frozen=True)
class Run:
    start: int  # characters of the source this run stands for
    end: int
    text: str  # what is shown
    tags: tuple[tuple[str, str], ...]  # (element, href) from the outside in


_INLINE = re.compile(
    r"(?P<esc>\\[\\`*_{}\[\]()#+\-.!|>~])"
    r"|(?P<comment><!--.*?-->)"
    r"|(?P<auto><(?:https?|ftp|mailto):[^>\s]+>)"
    r"|(?P<tag></?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>)"
    r"|(?P<image>!\[(?P<alt>[^\]]*)\]\([^)]*\))"
    r"|(?P<link>\[(?P<label>[^\[\]]+)\]\((?P<href>[^)\s]*)(?:\s+\"[^\"]*\")?\))"
    r"|(?P<ref>\[(?P<rlabel>[^\[\]]+)\]\[[^\[\]]*\])"
    r"|(?P<code>(?P<ticks>`+)(?P<ctext>.+?)(?P=ticks))"
    r"|(?P<strong>(?P<smark>\*\*|__)(?=\S)(?P<stext>.+?)(?<=\S)(?P=smark))"
    r"|(?P<em>(?<![\w*])\*(?=\S)(?P<etext>.+?)(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)(?P<utext>.+?)(?<=\S)_(?![\w_]))"
    r"|(?P<strike>~~(?P<ktext>.+?)~~)"
    r"|(?P<entity>&(?:[A-Za-z]{2,8}|#\d{1,7}|#x[0-9A-Fa-f]{1,6});)",
    re.DOTALL)
_SAFE_HREF = re.compile(r"^(?:https?://|mailto:)[^\s\"<>]+$", re.IGNORECASE)


def _inner(m: re.Match, name: str) -> tuple[int, int]:
    return m.start(name), m.end(name)


def runs(source: str, start: int, end: int, tags: tuple = ()) -> list[Run]:
    """Visible runs of ``source[start:end]`` (Markdown inline syntax hidden, its meaning kept as tags)."""
    out: list[Run] = []
    pos = start
    for m in _INLINE.finditer(source, start, end):
        if m.start() > pos:
            out.append(Run(pos, m.start(), source[pos:m.start()], tags))
        kind = m.lastgroup if m.lastgroup in ("esc", "comment", "auto", "tag", "entity") else next(
            k for k in ("image", "link", "ref", "code", "strong", "em", "strike") if m.group(k) is not None)
        out += _match_runs(source, m, kind, tags)
        pos = m.end()
    if pos < end:
        out.append(Run(pos, end, source[pos:end], tags))
    return out


def _match_runs(source: str, m: re.Match, kind: str, tags: tuple) -> list[Run]:
    if kind == "esc":
        return [Run(m.start(), m.end(), m.group()[1], tags)]
    if kind == "entity":
        return [Run(m.start(), m.end(), html.unescape(m.group()), tags)]
    if kind == "auto":
        href = m.group()[1:-1]
        return [Run(m.start() + 1, m.end() - 1, href, tags + ((("a", href),) if _SAFE_HREF.match(href) else ()))]
    if kind in ("comment", "tag"):
        return []
    if kind == "image":
        return runs(source, *_inner(m, "alt"), tags)
    if kind == "link":
        href = m.group("href")
        link = (("a", href),) if _SAFE_HREF.match(href) else ()
        return runs(source, *_inner(m, "label"), tags + link)
    if kind == "ref":
        return runs(source, *_inner(m, "rlabel"), tags)
    if kind == "code":
        a, b = _inner(m, "ctext")
        return [Run(a, b, source[a:b], tags + (("code", ""),))]
    name = {"strong": ("strong", "stext"), "strike": ("del", "ktext")}.get(kind)
    if name:
        return runs(source, *_inner(m, name[1]), tags + ((name[0], ""),))
    group = "etext" if m.group("etext") is not None else "utext"
    return runs(source, *_inner(m, group), tags + (("em", ""),))


# --- rendering
def _open(tags: tuple) -> str:
    return "".join(f'<a href="{xml_text(href)}">' if name == "a" else f"<{name}>" for name, href in tags)


def _close(tags: tuple) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(tags))


def _pieces(pieces: list[Run]) -> str:
    out, k = [], 0
    while k < len(pieces):
        tags = pieces[k].tags
        text = []
        while k < len(pieces) and pieces[k].tags == tags:
            text.append(pieces[k].text)
            k += 1
        out.append(_open(tags) + xml_text("".join(text)) + _close(tags))
    return "".join(out)


def render_range(source: str, start: int, end: int, units: list[tuple[str, int, int]], placed: set[str],
                 raw: bool = False) -> str:
    """XHTML of ``source[start:end]`` (``raw``: no inline Markdown, as in a code block): each unit
    (id, char start, char end) not ``placed`` before gets a span around its characters here (and
    joins ``placed``)."""
    cuts = sorted({p for _, a, b in units for p in (a, b) if start < p < end})
    pieces: list[Run] = []
    for run in [Run(start, end, source[start:end], ())] if raw else runs(source, start, end):
        if run.text != source[run.start:run.end]:  # an escape or entity: never cut
            pieces.append(run)
            continue
        pos = run.start
        for cut in (c for c in cuts if run.start < c < run.end):
            pieces.append(Run(pos, cut, source[pos:cut], run.tags))
            pos = cut
        pieces.append(Run(pos, run.end, source[pos:run.end], run.tags))
    before = set(placed)
    owner = []
    for piece in pieces:
        unit = next((u for u in units if u[1] <= piece.start < u[2] and u[0] not in before), None)
        owner.append(unit[0] if unit else None)
    out, k = [], 0
    while k < len(pieces):
        ident = owner[k]
        group = []
        while k < len(pieces) and owner[k] == ident:
            group.append(pieces[k])
            k += 1
        shown = _pieces(group)
        if ident and shown.strip():
            placed.add(ident)
            out.append(f'<span id="{ident}">{shown}</span>')
        else:
            out.append(shown)
    return "".join(out)


def body(source: str, units: list[tuple[str, int, int]]) -> tuple[str, set[str]]:
    """The XHTML body content of a chapter and the ids placed in it (units with nothing visible are not)."""
    placed: set[str] = set()
    parts: list[str] = []
    open_list = None
    for block in blocks(source):
        kind = block.kind
        if open_list and kind != open_list:
            parts.append(f"</{open_list}>")
            open_list = None
        mine = [u for u in units if u[1] < block.ranges[-1][1] and u[2] > block.ranges[0][0]] if block.ranges else []
        text = "\n".join(render_range(source, a, b, mine, placed, raw=kind == "pre") for a, b in block.ranges)
        if kind == "hr":
            parts.append("<hr/>")
        elif kind in ("ul", "ol"):
            if open_list != kind:
                parts.append(f"<{kind}>")
                open_list = kind
            parts.append(f"<li>{text}</li>")
        elif kind == "quote":
            parts.append(f"<blockquote><p>{text}</p></blockquote>")
        elif kind == "pre":
            parts.append(f"<pre>{text}</pre>")
        else:
            parts.append(f"<{kind}>{text}</{kind}>")
    if open_list:
        parts.append(f"</{open_list}>")
    return "\n".join(parts), placed
