"""Times of day: "5:30 pm", "9 a.m.", "14:10:30", "1:59 p.m. EST", "UTC+2", "9am-5pm".

A clock time with seconds is read as a duration ("fourteen hours ten minutes
and thirty seconds"); a time zone after a time is spelled in capitals
("e.s.t." → "EST"); a dash between two times is "to".
"""

from __future__ import annotations

import re

from ..lazy_re import lazy
from . import words
from .context import EnglishOptions, stop

_AMPM = r"(?P<ampm>[ap]\.m\.|[AP]\.M\.|[ap]\.m(?!\w)|[ap]m(?!\w)|[AP]M(?!\w))"
ZONES = ("UTC|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|AKST|AKDT|HST|AST|ADT|NST|BST|CET|CEST|EET|EEST|WET|WEST|IST|"
         "JST|KST|AEST|AEDT|ACST|AWST|NZST|NZDT|ET|PT|CT|MT")
# A zone right after a time: "1:59 p.m. est", "10:30 am PST", "09:15 GMT".
_ZONE = rf"(?:(?i:(?:{ZONES}))(?![\w])|(?i:[ecmp]\.[sd]\.t\.?))"  # "EST", "est", "e.s.t."
_ZONE_AFTER = lazy(rf"\s*(?P<zone>{_ZONE})")
CLOCK = lazy(rf"(?=\d)(?<![\w.:])(?P<h>[0-2]?\d):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?(?![\d:])(?:\s*{_AMPM})?")
DOT_CLOCK = lazy(rf"(?=\d)(?<![\w.:])(?P<h>1[0-2]|0?[1-9])\.(?P<m>[0-5]\d)\s*{_AMPM}")
HOUR_AMPM = lazy(rf"(?=\d)(?<![\w.:,])(?P<h>1[0-2]|0?[1-9])\s*{_AMPM}")
_TIME = r"(?:[0-2]?\d:[0-5]\d|1[0-2]|0?[1-9])(?:\s*(?:[ap]\.?m\.?|[AP]\.?M\.?)(?![\w]))?"
TIME_RANGE = lazy(rf"(?=\d)(?<![\w.:,])(?P<a>{_TIME})\s?[-–—]\s?(?P<b>{_TIME})(?![\w:])")
# "UTC+2", "GMT-5", "GMT+5:30".
OFFSET = lazy(r"\b(UTC|GMT)\s?([+-])\s?(?=\d)")
# "16:9", "3:1": a ratio or a score when the part after the colon is one digit.
RATIO = lazy(r"(?=\d)(?<![\w:.])(\d{1,3}):(\d)(?![\d:]|\.\d)")
_AMPM_HINT = lazy(r"\d\s*[apAP]\.?[mM]")


def _ampm(m: re.Match) -> str:
    zone = _ZONE_AFTER.match(m.string, m.end())
    letter = m.group("ampm")[0].upper()
    return f" {letter}M" + ("" if zone else stop(m))


def _seconds(h: int, minute: int, sec: int, b: bool) -> str:
    def unit(n: int, name: str) -> str:
        return f"{words.cardinal(n, b)} {name}{'' if n == 1 else 's'}"

    return f"{unit(h, 'hour')} {unit(minute, 'minute')} and {unit(sec, 'second')}"


def _clock(m: re.Match, opts: EnglishOptions) -> str:
    h, minute = int(m.group("h")), int(m.group("m"))
    if h > 24:
        return m.group()
    b = opts.british
    ampm = _ampm(m) if m.group("ampm") else ""
    if m.groupdict().get("s"):
        return _seconds(h, minute, int(m.group("s")), b) + ampm
    hour = words.cardinal(h, b)
    if minute == 0:
        mins = "" if ampm else (" o'clock" if 1 <= h <= 12 else " hundred")
    elif minute < 10:
        mins = " oh " + words.cardinal(minute, b)
    else:
        mins = " " + words.cardinal(minute, b)
    return hour + mins + ampm


def _range(m: re.Match) -> str:
    a, b = m.group("a"), m.group("b")
    timeish = (":" in a or ":" in b or re.search(r"[apAP]\.?[mM]", a + b))
    if not timeish:
        return m.group()
    return f"{a} to {b}"


def _zone_after_time(text: str) -> str:
    """Time zones after a spoken time ("AM est" → "AM EST", "thirty GMT" kept)."""
    return re.sub(rf"(?<=[AP]M)\s*{_ZONE}",
                  lambda m: " " + m.group().strip().replace(".", "").upper(), text)


def expand(text: str, opts: EnglishOptions) -> str:
    if "-" in text or "–" in text or "—" in text:
        text = TIME_RANGE.sub(_range, text)
    if "UTC" in text or "GMT" in text:
        text = OFFSET.sub(lambda m: f"{m.group(1)} {'plus' if m.group(2) == '+' else 'minus'} ", text)
    if ":" in text:
        text = CLOCK.sub(lambda m: _clock(m, opts), text)
        text = RATIO.sub(r"\1 to \2", text)
    if _AMPM_HINT.search(text):
        text = DOT_CLOCK.sub(lambda m: _clock(m, opts), text)
        text = HOUR_AMPM.sub(lambda m: words.cardinal(int(m.group("h")), opts.british) + _ampm(m), text)
    if "AM" in text or "PM" in text:
        text = _zone_after_time(text)
    return text
