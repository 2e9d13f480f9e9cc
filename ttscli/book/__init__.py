"""Audiobooks: a book file → chapters → chunks of speech → chapter files and an M4B.

    readers   TXT / Markdown / EPUB → Book (metadata, cover, chapters of Markdown-ish text)
    chapters  chapter detection, --split-on, --chapters ranges, front/back matter
    chunks    content-addressed chunks (front end segments) and the voice that decides their sound
    cast      --cast TOML, --dialogue-voice, [voice:NAME]/<voice name> markup → passages per voice
    voicing   chapter text + cast → voiced chunks (one rate and level for a multi-voice book)
    verify    --verify: Whisper hears every chunk, wrong ones are re-taken
    readalong --format epub: EPUB 3 with SMIL media overlays
    cover     --cover checked before any synthesis
    manifest  the job manifest in the output directory (resume)
    workers   chunk synthesis, in process or in --jobs worker processes
    (loudness and true-peak normalization live in ttscli/audio/loudness.py and normalize.py)
    assemble  chunk WAVs → normalized chapter WAVs → per-chapter files
    m4b       chapter WAVs → one AAC .m4b with chapters, tags and cover
    job       the whole run, resumable
"""
