"""Write N synthetic articles shaped like real news files.

The field mix follows the real everyday-ai files (every file has a title,
excerpt, date, link, provider, topics and a secured payload; about a third
carry quality/heat/published; most have an image; a few have related
articles), and the words follow a Zipf law over a large made-up vocabulary,
so that a search word matches a realistic share of articles instead of all
of them (as a lorem-ipsum vocabulary would).

    python bench/generate.py OUT_DIR [N]
"""

from __future__ import annotations

import base64
import os
import random
import sys
from datetime import datetime, timedelta, timezone

SYLLABLES = [
    "ba", "be", "bi", "bo", "ca", "ce", "co", "da", "de", "di", "do", "fa", "fe", "fi", "ga", "ge", "go", "ha",
    "he", "hi", "ka", "ke", "ki", "ko", "la", "le", "li", "lo", "lu", "ma", "me", "mi", "mo", "na", "ne", "ni",
    "no", "pa", "pe", "pi", "po", "ra", "re", "ri", "ro", "ru", "sa", "se", "si", "so", "ta", "te", "ti", "to",
    "va", "ve", "vi", "vo", "za", "ze", "zi", "tran", "stor", "plex", "grim", "bolt", "chen", "dra", "flu",
]
TOPICS = [
    "AI", "AI Hardware", "Robotics", "Machine Learning", "Computer Vision", "Natural Language Processing",
    "Ethics", "Healthcare AI", "Autonomous Vehicles", "Startups", "Policy", "Cloud", "Chips", "Research",
    "Jobs", "Education", "Security", "Climate", "Space", "Finance",
]
VOCABULARY_SIZE = 40_000


def vocabulary(rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < VOCABULARY_SIZE:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


class Words:
    """Draw words with Zipf-like frequencies (rank r has weight 1/r)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = vocabulary(rng)
        rng.shuffle(self.words)
        weights = [1.0 / (rank + 1) for rank in range(len(self.words))]
        total = 0.0
        self.cumulative = []
        for weight in weights:
            total += weight
            self.cumulative.append(total)

    def take(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=count)

    def sentence(self, low: int, high: int) -> str:
        words = self.take(self.rng.randint(low, high))
        return " ".join(words).capitalize()


def providers(rng: random.Random, words: Words) -> list[tuple[str, str]]:
    out = []
    for _ in range(400):
        name = " ".join(w.capitalize() for w in words.take(rng.randint(1, 2)))
        domain = name.lower().replace(" ", "") + rng.choice([".com", ".org", ".net", ".co.uk", ".io"])
        out.append((name, domain))
    return out


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def secured(rng: random.Random) -> str:
    blob = base64.b64encode(rng.randbytes(rng.randint(150, 260))).decode()
    tail = base64.b64encode(rng.randbytes(16)).decode()
    return f"{blob};{tail}"


def article(rng: random.Random, words: Words, outlets: list[tuple[str, str]], number: int) -> tuple[str, str]:
    title = words.sentence(5, 14)
    slug = "-".join(title.lower().split()[:8])
    when = datetime(2016, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=rng.randint(0, 10 * 365 * 24 * 60))
    name, domain = rng.choice(outlets)
    url = f"https://www.{domain}/{when:%Y/%m}/{slug}-{number}"
    lines = [
        "---",
        "category: news",
        f"title: {quote(title)}",
        f"excerpt: {quote(words.sentence(15, 45) + ' ...')}",
        f"publishedDateTime: {when:%Y-%m-%dT%H:%M:%SZ}",
    ]
    if rng.random() < 0.7:
        lines.append(f"originalUrl: {url}")
    lines.append(f"webUrl: {url}")
    if rng.random() < 0.3:
        lines.append(f"ampWebUrl: {url}?amp=1")
        lines.append(f"cdnAmpWebUrl: https://www-{domain.replace('.', '-')}.cdn.ampproject.org/c/s/www.{domain}/{slug}?amp=1")
    lines.append("type: article")
    if rng.random() < 0.3:
        lines.append(f"quality: {min(167, int(rng.expovariate(1 / 40)))}")
        lines.append(f"heat: {rng.choice([-1, -1, rng.randint(0, 150)])}")
        lines.append(f"published: {rng.choice(['true', 'false'])}")
    lines += ["", "provider:", f"  name: {quote(name)}", f"  domain: {domain}", "", "topics:"]
    for topic in rng.sample(TOPICS[:6], 1) + rng.sample(TOPICS, rng.randint(0, 2)):
        lines.append(f"  - {topic}")
    if rng.random() < 0.77:
        lines += ["", "images:", f"  - url: https://cdn.{domain}/images/{number}.jpg", f"    width: {rng.choice([640, 800, 1200, 1440])}",
                  f"    height: {rng.choice([360, 480, 630, 1075])}", f"    title: {quote(title)}"]
    if rng.random() < 0.1:
        lines += ["", "related:"]
        for _ in range(rng.randint(1, 3)):
            rel_name, rel_domain = rng.choice(outlets)
            rel_title = words.sentence(5, 12)
            lines += [
                f"  - title: {quote(rel_title)}",
                f"    excerpt: {quote(words.sentence(10, 30))}",
                f"    publishedDateTime: {when + timedelta(hours=rng.randint(1, 80)):%Y-%m-%dT%H:%M:%SZ}",
                f"    webUrl: https://www.{rel_domain}/{'-'.join(rel_title.lower().split()[:6])}",
                "    type: article",
                "    provider:",
                f"      name: {quote(rel_name)}",
                f"      domain: {rel_domain}",
                f"    quality: {rng.randint(0, 100)}",
            ]
    lines += ["", f"secured: {quote(secured(rng))}", "---", ""]
    if rng.random() < 0.1:
        paragraphs = [words.sentence(30, 80) + "." for _ in range(rng.randint(1, 4))]
        lines.append("\n\n".join(paragraphs))
    return f"{when:%Y-%m-%d}-{slug[:60]}-{number}.md", "\n".join(lines) + "\n"


def generate(out_dir: str, count: int, seed: int = 7, flat: bool = False) -> None:
    """N articles in folders of 1,000 (nested), or all in ``out_dir`` (flat:
    real sites keep thousands of files in one folder)."""
    rng = random.Random(seed)
    words = Words(rng)
    outlets = providers(rng, words)
    for number in range(count):
        folder = out_dir if flat else os.path.join(out_dir, f"{number // 1000:03d}")
        if number % 1000 == 0:
            os.makedirs(folder, exist_ok=True)
        name, text = article(rng, words, outlets, number)
        with open(os.path.join(folder, name), "w", encoding="utf-8") as handle:
            handle.write(text)


def sample_words(count: int, seed: int = 7) -> list[str]:
    """Search words across the frequency range, from the generator's vocabulary.

    The few most frequent words are left out: like "the" or "and" in real
    news, each is in over half the articles, and nobody searches for them
    (bench/run.py reports the most frequent one on its own).
    """
    rng = random.Random(seed)
    words = Words(rng)
    ranks = [10, 20, 30, 60, 100, 300, 1000, 3000, 10000, 30000]
    picked = [words.words[r] for r in ranks]
    return (picked * (count // len(picked) + 1))[:count]


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--flat"]
    if not args:
        sys.exit("usage: python bench/generate.py OUT_DIR [N] [--flat]")
    generate(args[0], int(args[1]) if len(args) > 1 else 100_000, flat="--flat" in sys.argv)


def most_frequent_word(seed: int = 7) -> str:
    rng = random.Random(seed)
    return Words(rng).words[0]
