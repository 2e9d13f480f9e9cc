"""Front-end speed per language (docs/text.md): CPU time to normalize about 2,000 words,
as ``say --dry-run`` does, for this checkout and, alternating with it, another one.

    python benchmarks/normalize_speed.py [--against OTHER_CHECKOUT] [--rounds 3]

Texts: benchmarks/texts/english_250.txt repeated to 2,112 words with its numbers varied,
and the Spanish, French and Italian texts of benchmarks/texts (``*_numbers_2000``: every
sentence but one of each paragraph has numbers; ``*_prose_2000``: one sentence in four).
Each figure is the best of 5 runs (time.process_time) in a fresh interpreter.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
TEXTS = HERE / "texts"
REPO = HERE.parent
_TIMER = """
import sys, time
from ttscli.text.frontend import FrontEndOptions, segments
from ttscli.text.segments import Budget
text = open(sys.argv[2], encoding="utf-8").read()
runs = []
for _ in range(5):
    start = time.process_time()
    list(segments(text, Budget(), FrontEndOptions(lang=sys.argv[1])))
    runs.append(time.process_time() - start)
print(min(runs) * 1000)
"""


def english_2000(path: Path) -> None:
    rng = random.Random(7)
    base = (TEXTS / "english_250.txt").read_text(encoding="utf-8").strip()
    paragraphs: list[str] = []
    while sum(len(p.split()) for p in paragraphs) < 2000:
        paragraphs.append(re.sub(r"\d+", lambda m: str(rng.randint(1, 10 ** len(m.group()) - 1)), base))
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")


def timed(checkout: Path, lang: str, text: Path) -> float:
    env = dict(os.environ, PYTHONPATH=str(checkout))
    out = subprocess.run([sys.executable, "-c", _TIMER, lang, str(text)], env=env, cwd=tempfile.gettempdir(),
                         capture_output=True, text=True, check=True)
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, help="another checkout of ttscli to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        english = Path(tmp) / "english_2000.txt"
        english_2000(english)
        cases = [("en-us", english)] + [(lang, TEXTS / f"{name}_{kind}_2000.txt")
                                        for lang, name in (("es", "spanish"), ("fr", "french"), ("it", "italian"))
                                        for kind in ("numbers", "prose")]
        print(f"load before: {os.getloadavg()[0]:.1f}")
        for round_ in range(1, args.rounds + 1):
            for lang, text in cases:
                here = timed(REPO, lang, text)
                line = f"round {round_} {lang} {text.name}: this {here:.1f} ms"
                if args.against:
                    other = timed(args.against, lang, text)
                    line += f", other {other:.1f} ms, ratio {here / other:.2f}"
                print(line, flush=True)
        print(f"load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
