"""Writes texts/harbour_20k.txt: a generated English book of about 20,000 words for book-scale checks.

    python benchmarks/make_long_text.py            # rewrites the file (deterministic: same bytes each time)

Ten chapters of narration and dialogue built from sentence templates and word lists with a fixed
seed: varied vocabulary, numbers, times, money, quotes and questions, so a speech recognizer hears
ordinary prose. No sentence repeats (repeats would hide a repeated or skipped sentence in the audio).
The text is generated here and is in the public domain (CC0).
"""

from __future__ import annotations

import random
from pathlib import Path

OUT = Path(__file__).parent / "texts" / "harbour_20k.txt"
PEOPLE = ["Mara", "Tomas", "Elin", "Owen", "Ruth", "Jonah", "Ines", "Peter", "Agnes", "Samuel", "Lena", "Victor"]
ROLES = ["the keeper", "the ferryman", "the baker", "the harbour master", "the old fisherman", "the teacher",
         "the doctor", "the carpenter", "the postman", "the net mender"]
PLACES = ["the lighthouse", "the market square", "the long pier", "the chapel on the hill", "the boat shed",
          "the narrow lane behind the inn", "the customs house", "the school room", "the sea wall", "the dunes"]
THINGS = ["a lantern", "a coil of rope", "a wooden crate", "a letter", "a basket of bread", "a brass key",
          "a torn map", "a jar of honey", "a pair of boots", "a fishing net", "a small compass", "a blue coat"]
WEATHER = ["a cold wind came in from the north", "the fog lay thick over the water", "rain drummed on the roofs",
           "the sky cleared after a grey morning", "the tide ran out farther than anyone remembered",
           "a storm gathered beyond the headland", "the sun broke through above the cliffs",
           "snow fell softly on the harbour"]
VERBS = ["carried", "found", "mended", "painted", "counted", "hid", "returned", "opened", "sold", "cleaned"]
FEELINGS = ["tired", "worried", "cheerful", "quiet", "curious", "angry", "hopeful", "uneasy", "proud", "patient"]
TIMES = ["at dawn", "before noon", "in the afternoon", "at dusk", "late in the evening", "after midnight"]
QUESTIONS = ["Where did you find it?", "Who told you that?", "How long will the storm last?",
             "Why is the lamp still dark?", "When does the ferry leave?", "What did the letter say?"]


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def sentence(rng: random.Random, n: int) -> str:
    p, q = rng.sample(PEOPLE, 2)
    role, place, thing = rng.choice(ROLES), rng.choice(PLACES), rng.choice(THINGS)
    verb, feeling, time = rng.choice(VERBS), rng.choice(FEELINGS), rng.choice(TIMES)
    number = rng.randint(2, 97)
    templates = [
        f"{p} {verb} {thing} down to {place} {time}.",
        f"On the {ordinal(n)} day, {WEATHER[n % len(WEATHER)]}, and {role} stayed inside.",
        f"\"{rng.choice(QUESTIONS)}\" {p} asked {q}.",
        f"{q} looked {feeling} when {role} came back from {place}.",
        f"They needed {number} nails and {number + 3} planks to repair {place}.",
        f"The price of {thing} had risen to {number} dollars by the end of the week.",
        f"\"I will meet you at {place} {time},\" said {p}, and {q} nodded.",
        f"Nobody in the village knew why {role} kept {thing} under the bed.",
        f"By {number % 12 + 1} o'clock the boats were back, and {p} counted {number} crates of fish.",
        f"{p} and {q} walked along {place} without saying a word.",
    ]
    return templates[rng.randrange(len(templates))]


def make(target_words: int = 20_400, chapters: int = 10, seed: int = 1729) -> str:
    rng = random.Random(seed)
    per_chapter = target_words // chapters
    lines, seen, n = [], set(), 0
    for chapter in range(1, chapters + 1):
        lines.append(f"Chapter {chapter}")
        words = 0
        while words < per_chapter:
            paragraph = []
            for _ in range(rng.randint(3, 6)):
                n += 1
                text = sentence(rng, n)
                while text in seen:
                    n += 1
                    text = sentence(rng, n)
                seen.add(text)
                paragraph.append(text)
            lines.append(" ".join(paragraph))
            words += sum(len(s.split()) for s in paragraph)
    return "\n\n".join(lines) + "\n"


if __name__ == "__main__":
    text = make()
    OUT.write_text(text, encoding="utf-8")
    print(f"{OUT}: {len(text.split())} words")
