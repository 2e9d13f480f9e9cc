"""Word timings and subtitles.

Where the timings come from (a family declares it with ``Backend.timings``):

- ``"model"``: the graph's own per-phoneme durations (Piper, Kokoro, Kitten).
  Each :class:`~ttscli.audio.chunk.AudioChunk` carries its spoken words as
  :class:`~.groups.PhoneGroup` sample spans (:mod:`.groups`); :mod:`.words` matches
  them to the words of the segment.
- ``"aligned"``: every other family; Whisper word timestamps on the produced
  audio, matched to the expected words (:mod:`.aligned`, the ``[asr]`` extra).

:mod:`.collector` follows the engine's chunk stream, :mod:`ttscli.text.alignment`
maps the spoken (normalized) words back to the words of the input,
:mod:`.cues` builds readable subtitle cues and :mod:`.writers` writes SRT, WebVTT,
JSON and JSON lines.
"""
