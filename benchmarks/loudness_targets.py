"""How close `convert --loudness` and `batch` chapters land to the target (ffmpeg ebur128).

    python benchmarks/loudness_targets.py

Speaks benchmarks/texts/english_250.txt with the bundled voice (`say`), converts it to
FLAC at several targets, and runs `batch` on the same text cut into one chapter per
paragraph at -20 and -16 LUFS; every written file is measured with the bundled
ffmpeg's ebur128 filter (integrated loudness and true peak). Prints a Markdown table.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
TEXT = HERE / "texts" / "english_250.txt"


def ebur128(path: Path) -> tuple[float, float]:
    import imageio_ffmpeg

    proc = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-hide_banner", "-nostats", "-i", str(path),
                           "-af", "ebur128=peak=true:framelog=quiet", "-f", "null", "-"],
                          capture_output=True, text=True, check=True)
    summary = proc.stderr[proc.stderr.rfind("Summary:"):]
    return (float(re.search(r"I:\s*(-?[\d.]+)\s*LUFS", summary).group(1)),
            float(re.search(r"Peak:\s*(-?[\d.]+)\s*dBFS", summary).group(1)))


def ttscli(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "ttscli", *args], check=True, capture_output=True)


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        speech = tmp / "speech.wav"
        ttscli("say", "-f", str(TEXT), "-o", str(speech))
        rows.append(("say (no normalization)", "-", *ebur128(speech)))
        for target in (-23, -20, -16, -14):
            out = tmp / f"convert{target}.flac"
            ttscli("convert", str(speech), str(out), "--loudness", str(target))
            rows.append((f"convert → {out.suffix}", target, *ebur128(out)))
        book = tmp / "book.txt"
        paragraphs = [p.strip() for p in TEXT.read_text().split("\n\n") if p.strip()]
        book.write_text("".join(f"Chapter {i}\n\n{p}\n\n" for i, p in enumerate(paragraphs, 1)))
        for target in (-20, -16):
            out = tmp / f"batch{target}"
            ttscli("batch", str(book), "-o", str(out), "--format", "flac", "--format", "m4b", "--loudness",
                   str(target))
            for path in sorted((out / "book").glob("*.flac")) + [out / "book.m4b"]:
                rows.append((f"batch {path.name}", target, *ebur128(path)))
    print("| file | target LUFS | measured LUFS | true peak dBTP |\n|---|---|---|---|")
    for name, target, loud, peak in rows:
        print(f"| {name} | {target} | {loud:.1f} | {peak:.1f} |")


if __name__ == "__main__":
    main()
