"""What speech-dispatcher sends, as text ttscli speaks.

SPEAK carries SSML (``<speak>…</speak>``, with ``<mark name=…/>`` where the client or the
server wants index marks). :func:`pieces` cuts it at each mark into well-formed SSML
documents, so each piece is synthesized on its own and the mark is reported when the audio
before it has been sent. CHAR carries one character and KEY a key name (``ctrl_a``,
``space``): both are read as words.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

_TOKEN = re.compile(r"<(/?)([A-Za-z_][\w:.-]*)([^<>]*?)(/?)>|<!--.*?-->|<\?.*?\?>", re.S)
_NAME = re.compile(r"""\bname\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SPEAK_START = re.compile(r"\s*(<\?xml[^>]*\?>\s*)?<speak[\s>/]", re.I)


def pieces(message: str) -> list[tuple[str, str | None]]:
    """[(ssml or plain text, name of the mark after it or None), ...] in speaking order.

    Text that is not SSML is one piece. Open elements are closed at a mark and opened again
    after it, so every piece parses on its own."""
    if not _SPEAK_START.match(message):
        return [(message, None)]
    out: list[tuple[str, str | None]] = []
    stack: list[tuple[str, str]] = []  # (name, start tag as written)
    current: list[str] = []
    at = 0
    for m in _TOKEN.finditer(message):
        current.append(message[at:m.start()])
        at = m.end()
        closing, name, _attrs, empty = m.group(1), m.group(2), m.group(3), m.group(4)
        if name is None:  # a comment or a processing instruction
            continue
        if name.rsplit(":", 1)[-1].lower() == "mark" and not closing:
            found = _NAME.search(m.group(0))
            label = (found.group(1) or found.group(2)) if found else ""
            current.extend(f"</{n}>" for n, _ in reversed(stack))
            out.append(("".join(current), label))
            current = [tag for _, tag in stack]
            continue
        if closing:
            if stack and stack[-1][0] == name:
                stack.pop()
        elif not empty:
            stack.append((name, m.group(0)))
        current.append(m.group(0))
    current.append(message[at:])
    out.append(("".join(current), None))
    return out


def has_words(piece: str) -> bool:
    """True when a piece has text outside its tags (a piece between two marks may have none)."""
    return bool(re.sub(r"<[^>]*>", "", piece).strip())


def char_text(data: str) -> str:
    """CHAR: one character, spelled (a space is read as its name)."""
    ch = data.strip("\n")
    if ch == " " or not ch:
        return "space"
    return f'<speak><say-as interpret-as="characters">{escape(ch)}</say-as></speak>'


def key_text(data: str) -> str:
    """KEY: a key name such as ``ctrl_a``, ``shift_Tab`` or ``kp-enter``, read as words."""
    words = data.strip().replace("_", " ").replace("-", " ")
    return words or "key"
