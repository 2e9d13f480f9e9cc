"""Audiobooks: a book file → chapters → chunks of speech → chapter files and an M4B.

    readers   TXT / Markdown / EPUB → Book (metadata, cover, chapters of Markdown-ish text)
    chapters  chapter detection, --split-on, --chapters ranges, front/back matter
    chunks    chapter text → content-addressed chunks (front end segments)
    manifest  the job manifest in the output directory (resume)
    workers   chunk synthesis, in process or in --jobs worker processes
    loudness  streaming BS.1770 loudness (constant memory)
    assemble  chunk WAVs → normalized chapter WAVs → per-chapter files
    m4b       chapter WAVs → one AAC .m4b with chapters, tags and cover
    job       the whole run, resumable
"""
