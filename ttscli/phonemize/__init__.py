"""Grapheme-to-phoneme front ends (espeak-ng)."""
