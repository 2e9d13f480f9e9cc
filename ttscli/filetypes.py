"""Telling what a downloaded file really is from its first bytes (the one HTML check).

Hubs, proxies and captive portals answer a model URL with an HTML page; such a file is
named like a model and fails deep inside a runtime. Every loader asks :func:`looks_like_html`
about the first few hundred bytes and says "an HTML page" instead.
"""

from __future__ import annotations

HEAD_BYTES = 512  # enough for a doctype, a BOM and leading blank lines


def looks_like_html(head: bytes) -> bool:
    """True if ``head`` (the first bytes of a file, ideally :data:`HEAD_BYTES`) is an HTML page."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in start[:HEAD_BYTES]
