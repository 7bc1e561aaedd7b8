"""Write N synthetic articles with known stories, for bench/stories.py.

A story is the articles of several outlets reporting one specific piece of
news. The files are shaped like bench/generate.py's (same fields, the same
Zipf vocabulary for filler words), but most are about events in a made-up
world: a few thousand companies, people and places (pseudo-words from
generate.py's syllables), doing things news reports ("acquires", "recalls",
"cuts 300 jobs", "reports quarterly profit of $2.1 billion").

- About 55% of the articles are alone (a report nobody else carried, or an
  opinion piece); the rest are stories of 2-12 members, a long tail (many
  2s and 3s, few 10s). Members come from different outlets (300 of them),
  published 0-60 h after the news, each with its own paraphrase of the
  headline (synonyms of the action, clauses reordered, the numbers written
  another way, "sources say", filler) and an excerpt restating it.
- About 3% are the same page twice (the link differs by tracking
  parameters or ?amp=1); about 10% of the members name another member
  among their related articles, some also an unrelated article.
- Hard negatives, about 10% of the articles, are different stories:
  (a) the same company in another event within hours, (b) the same
  headline template months later with other numbers, (c) the same action
  by another company the same day (sometimes with the same number).

Written besides the articles: ``labels.json`` (each file's path, relative
to OUT_DIR with "/", -> its story's label), ``hard_negatives.json`` (a list
of [path_a, path_b] that must stay apart) and ``meta.json`` (the kind of
each hard negative and the two stories it is made of, the duplicate pages,
each story's action and company, the events of the stories of two or more
members so bench/stories.py can write another report of one, the
generator's VERSION, N, seed and layout). labels.json is written last: a
folder holding it is complete.

    python bench/stories_data.py OUT_DIR N [--flat] [--seed S] [--show K]

Nested layout by default (OUT_DIR/YYYY/MM/), one folder with --flat.
--show prints K stories' headlines (and the hard negatives) to check the
labels by eye.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import SYLLABLES, TOPICS, Words, providers, quote, secured  # noqa: E402

VERSION = 3  # in meta.json: bench/stories.py makes a corpus again when it was made by another version
HOUR = 3600
DAY = 24 * HOUR
START = datetime(2021, 1, 4, tzinfo=timezone.utc)

ALONE = 0.55  # share of the articles that are a story of one
SIZES = range(2, 13)
SIZE_WEIGHTS = [1 / k**2.1 for k in SIZES]  # 2: 45%, 3: 19%, 10: 1.6%
OPINION = 0.2  # share of the lone articles that are no event (analysis, opinion, filler)
HARD = 0.10  # share of the articles in a story that has a hard-negative twin
DUPLICATE = 0.09  # chance a member after the first is an earlier member's page again (~3% of all)
RELATED = 0.10  # chance a member names another member among its related items
OUTLETS = 300
ARTICLES_A_DAY = 120

# --- the world ---------------------------------------------------------------------

SECTORS = [
    # industry word, things it makes (singular, plural), topic, suffixes of its names
    ("carmaker", "car", "cars", "Autonomous Vehicles", [" Motors", " Auto", ""]),
    ("chipmaker", "chip", "chips", "AI Hardware", [" Semiconductor", " Micro", ""]),
    ("drugmaker", "drug", "drugs", "Healthcare AI", [" Pharma", " Therapeutics", " Bio"]),
    ("AI startup", "model", "models", "AI", [" AI", " Labs", ""]),
    ("robot maker", "robot", "robots", "Robotics", [" Robotics", " Dynamics", ""]),
    ("phone maker", "phone", "phones", "AI Hardware", [" Mobile", "", " Electronics"]),
    ("cloud provider", "server", "servers", "Cloud", [" Cloud", " Systems", ""]),
    ("lender", "card", "cards", "Finance", [" Bank", " Financial", " Capital"]),
    ("software maker", "app", "apps", "Startups", [" Software", "", " Technologies"]),
    ("drone maker", "drone", "drones", "Robotics", [" Aerospace", " Aero", ""]),
    ("battery maker", "battery", "batteries", "Climate", [" Energy", " Power", ""]),
    ("security firm", "scanner", "scanners", "Security", [" Security", " Cyber", ""]),
]
MODELS = ["X", "X2", "Pro", "Max", "2", "3", "S", "Ultra", "Air", "One", "Mini", "Neo", "5", "GT"]
REASONS = ["brake", "battery fire", "airbag", "software glitch", "contamination", "overheating", "seat belt", "wiring"]
LEGAL = ["patent infringement", "trade secrets", "unpaid royalties", "breach of contract", "antitrust", "false advertising", "data scraping", "defamation"]
FINED_FOR = ["data protection", "misleading ads", "competition breaches", "safety failures", "privacy violations", "late filings", "emissions"]
FACILITIES = ["factory", "data centre", "plant", "research hub", "headquarters", "warehouse"]
ROUNDS = ["seed", "Series A", "Series B", "Series C", "Series D"]
QUARTERS = [("Q1", "first-quarter"), ("Q2", "second-quarter"), ("Q3", "third-quarter"), ("Q4", "fourth-quarter")]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
PARTNER_ON = ["self-driving software", "cloud computing", "chip design", "battery supply", "AI assistants", "payments", "cybersecurity", "satellite internet"]


@dataclass(slots=True)
class Company:
    name: str  # as headlines write it
    full: str  # as an excerpt's first mention writes it
    sector: int
    products: list[str]  # grows: a launch is of a new product


class World:
    """Companies, people and places, each company drawn with a Zipf-like
    weight (a few are in the news every day, most rarely)."""

    def __init__(self, rng: random.Random, words: Words) -> None:
        self.rng = rng
        self.taken = set(words.words)
        self.common = words.words[:2000]  # a few companies are named with common words ("Apple")
        pseudo = self.pseudo
        self.companies: list[Company] = []
        for _ in range(3000):
            sector = rng.randrange(len(SECTORS))
            name = pseudo(2, 3, allow_common=0.05)
            if rng.random() < 0.12:  # two-word names: "Kobe Lani"
                name += " " + pseudo(2, 3)
            full = name + rng.choice(SECTORS[sector][4])
            products = [self.product() for _ in range(rng.randint(1, 4))]
            self.companies.append(Company(name, full, sector, products))
        self.weights = []
        total = 0.0
        for rank in range(len(self.companies)):
            total += 1.0 / (rank + 12)
            self.weights.append(total)
        self.index = {c.name: i for i, c in enumerate(self.companies)}
        self.places = [pseudo(2, 3) for _ in range(400)]

    def pseudo(self, low: int, high: int, allow_common: float = 0.0) -> str:
        """A name no other name or vocabulary word has (or, now and then, a common word)."""
        rng = self.rng
        while True:
            if allow_common and rng.random() < allow_common:
                word = rng.choice(self.common)
            else:
                word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(low, high)))
                if word in self.taken:
                    continue
            self.taken.add(word)
            return word.capitalize()

    def product(self) -> str:
        product = self.pseudo(2, 3)
        return product + " " + self.rng.choice(MODELS) if self.rng.random() < 0.6 else product

    def company(self, other_than: Company | None = None, sector: int | None = None) -> Company:
        while True:
            if sector is not None:
                c = self.companies[self.rng.randrange(len(self.companies))]
                if c.sector != sector:
                    continue
            else:
                c = self.rng.choices(self.companies, cum_weights=self.weights)[0]
            if c is not other_than:
                return c


# --- numbers, written the ways outlets write them ----------------------------------


def money(millions: float, rng: random.Random) -> str:
    if millions >= 1000:
        s = f"{millions / 1000:.1f}".removesuffix(".0")
        roll = rng.random()
        if roll < 0.55:
            return f"${s} billion"
        if roll < 0.75:
            return f"${s}bn"
        if roll < 0.85:
            return f"${s}B"
        if roll < 0.9:
            return f"US${s}bn"
        if roll < 0.95 and millions < 10_000:
            return f"${millions:,.0f} million"
        return f"{s} billion dollars"
    s = f"{millions:.0f}" if millions >= 10 else f"{millions:.1f}".removesuffix(".0")
    roll = rng.random()
    if roll < 0.6:
        return f"${s} million"
    if roll < 0.8:
        return f"${s}m"
    if roll < 0.9:
        return f"${s}M"
    if roll < 0.95:
        return f"${s} mln"
    return f"US${s} million"


def count(n: int, rng: random.Random) -> str:
    roll = rng.random()
    if n >= 1_000_000:
        s = f"{n / 1_000_000:.1f}".removesuffix(".0")
        return f"{s} million" if roll < 0.7 else f"{s}m" if roll < 0.9 else f"{s}mn"
    if n >= 10_000 and roll < 0.2:
        return f"{n // 1000}K" if roll < 0.1 else f"{n // 1000}k"
    if n >= 1000 and roll < 0.3:
        return str(n)  # "1200" beside "1,200"
    if roll > 0.95:
        return f"about {n:,}"
    return f"{n:,}"


def round_amount(rng: random.Random, low: float, high: float) -> float:
    """Millions, log-uniform, rounded as news rounds them."""
    import math

    value = math.exp(rng.uniform(math.log(low), math.log(high)))
    if value >= 1000:
        return round(value / 100) * 100.0
    if value >= 100:
        return float(round(value))
    if value >= 10:
        return float(round(value))
    return round(value, 1)


JOB_COUNTS = [50, 80, 100, 120, 150, 200, 250, 300, 400, 500, 600, 700, 800, 1000, 1200, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 8000, 10000, 12000]


# --- events and their headlines ------------------------------------------------------

# Headline templates per action. Fields: {A} {B} (companies as headlines name
# them), {money}, {n}, {product}, {things}, {thing}, {place}, {person},
# {last} (the person's surname), {reason}, {topic}, {facility}, {round},
# {q} ("Q2") and {quarter} ("second-quarter"), {industry} (B's industry word).
TITLES: dict[str, list[str]] = {
    "acquire": [
        "{A} acquires {B} for {money}",
        "{A} buys {B} in {money} deal",
        "{A} to purchase {B} for {money}",
        "{A} agrees to take over {B}",
        "{A} agrees to buy {B} in deal worth {money}",
        "{B} to be acquired by {A} for {money}",
        "{A} snaps up {industry} {B} for {money}",
        "{A} strikes {money} deal for {B}",
        "{B} agrees to {money} takeover by {A}",
        "For {money}, {A} buys rival {B}",
        "{A} to acquire {industry} {B}",
        "{A}'s {money} bid for {B} accepted",
    ],
    "launch": [
        "{A} launches {product}",
        "{A} unveils {product}, its latest {thing}",
        "{A} introduces new {thing}, the {product}",
        "{product} launched by {A}",
        "First look: {A}'s {product}",
        "{A} debuts {product} {thing}",
        "{A} rolls out {product} in {place}",
        "Hands-on with {product}, {A}'s new {thing}",
        "{A} takes the wraps off {product}",
        "{A} {product} is here: price and release date",
        "{A} shows off {product} at {place} event",
    ],
    "recall": [
        "{A} recalls {n} {things}",
        "{A} recalls {n} {product} {things} over {reason} issue",
        "{A} to recall {n} {things} over {reason} fears",
        "{n} {product} {things} recalled by {A}",
        "{A} issues recall for {n} {things}",
        "{reason} problem forces {A} to recall {n} {things}",
        "{A} recalling {n} {product} units",
        "{A} pulls {n} {things} from sale over {reason} defect",
    ],
    "sue": [
        "{A} sues {B} over {topic}",
        "{A} files lawsuit against {B}",
        "{A} takes {B} to court over {topic}",
        "{B} sued by {A} over alleged {topic}",
        "{A} accuses {B} of {topic} in lawsuit",
        "{A} launches legal action against {B}",
        "{A} v {B}: {topic} suit filed",
        "{A} hits {B} with {topic} suit",
    ],
    "jobs": [
        "{A} cuts {n} jobs",
        "{A} to cut {n} jobs",
        "{A} lays off {n} workers",
        "{A} to shed {n} roles in restructuring",
        "{A} announces {n} job cuts",
        "{n} jobs to go at {A}",
        "{A} slashes {n} positions",
        "{A} layoffs: {n} staff let go",
        "{A} plans to eliminate {n} jobs",
    ],
    "raise": [
        "{A} raises {money}",
        "{A} raises {money} in {round} round",
        "{A} secures {money} funding led by {B}",
        "{A} lands {money} to build more {things}",
        "{round}: {A} bags {money}",
        "{A} closes {money} {round} round led by {B}",
        "{B} leads {money} investment in {A}",
        "{industry} {A} gets {money} from investors",
    ],
    "profit": [
        "{A} reports quarterly profit of {money}",
        "{A} posts {money} {quarter} profit",
        "{A} {quarter} profit rises to {money}",
        "{A} beats estimates with {money} profit",
        "{A} earnings: {q} profit hits {money}",
        "{A} net income reaches {money} in {q}",
        "{A} profit climbs to {money} as sales of {things} grow",
        "{A} results: {money} {quarter} profit",
    ],
    "ceo": [
        "{A} names {person} as CEO",
        "{A} appoints {person} chief executive",
        "{person} to lead {A} as new CEO",
        "{A} picks {person} as its next boss",
        "{person} named {A} chief executive",
        "{A} taps {last} for top job",
        "{A} CEO: {person} takes over",
        "{A} board chooses {last} to run the company",
    ],
    "fine": [
        "{place} fines {A} {money} over {topic}",
        "{A} hit with {money} fine in {place}",
        "{place} watchdog fines {A} {money}",
        "{A} fined {money} by {place} regulator over {topic}",
        "{A} ordered to pay {money} {place} penalty",
        "{place} regulator slaps {A} with {money} fine",
        "{A} to pay {money} to settle {place} {topic} probe",
    ],
    "open": [
        "{A} opens {facility} in {place}",
        "{A} to build {money} {facility} in {place}",
        "{A} picks {place} for new {facility}",
        "{place} lands {A} {facility}, {n} jobs",
        "{A} unveils {place} {facility} plan",
        "{A} to invest {money} in {place} {facility}",
        "New {A} {facility} to bring {n} jobs to {place}",
    ],
    "breach": [
        "{A} confirms data breach affecting {n} users",
        "{A} hacked: {n} accounts exposed",
        "Data of {n} {A} customers leaked",
        "{A} says hackers stole data of {n} users",
        "{A} discloses breach, {n} hit",
        "{A} cyberattack exposes {n} customer records",
        "{A} data breach: what {n} users need to know",
    ],
    "partner": [
        "{A} partners with {B} on {topic}",
        "{A} and {B} team up on {topic}",
        "{A}, {B} sign {topic} deal",
        "{B} joins forces with {A} for {topic}",
        "{A} strikes {topic} partnership with {B}",
        "{A} inks {topic} pact with {B}",
    ],
}

# The excerpt's lead: the news again, in other words, the companies' full names.
LEADS: dict[str, list[str]] = {
    "acquire": [
        "{Afull} said on {weekday} it had agreed to buy {Bfull}, a {place}-based {industry}, for {money}.",
        "The deal, valued at {money}, gives {A} control of {B} and its {things} business.",
        "{A} will pay {money} in cash and stock for {Bfull}, the companies said.",
    ],
    "launch": [
        "{Afull} on {weekday} unveiled the {product}, a {thing} it says is its most capable yet.",
        "The {product} goes on sale in {place} first, {A} said.",
        "{A} showed the {product} at an event in {place} on {weekday}.",
    ],
    "recall": [
        "{Afull} is recalling {n} {things} because of a {reason} defect, the company said on {weekday}.",
        "The recall covers {n} {product} {things} sold since last year.",
        "Owners of affected {things} will be contacted by {A}, which blamed a {reason} fault.",
    ],
    "sue": [
        "{Afull} filed a lawsuit against {Bfull} in {place} on {weekday}, alleging {topic}.",
        "The suit accuses {B} of {topic}; {B} said the claims were without merit.",
        "{A} is seeking damages from {B} over {topic}, court filings show.",
    ],
    "jobs": [
        "{Afull} will cut {n} jobs, about a tenth of its staff, it said on {weekday}.",
        "The {industry} said the {n} job cuts are part of a plan to save costs.",
        "{A} told employees on {weekday} that {n} roles would be eliminated.",
    ],
    "raise": [
        "{Afull}, a {place}-based {industry}, has raised {money} in a {round} round led by {Bfull}.",
        "The new funding of {money} values {A} at several times its last round.",
        "{A} said on {weekday} it would use the {money} to hire and build more {things}.",
    ],
    "profit": [
        "{Afull} reported a {quarter} net profit of {money} on {weekday}.",
        "Profit for the quarter came to {money}, helped by strong demand for its {things}.",
        "{A} said {q} profit was {money}, above what analysts had expected.",
    ],
    "ceo": [
        "{Afull} has appointed {person} as chief executive, effective next month.",
        "{person} will succeed the outgoing chief of {A}, the board said on {weekday}.",
        "{last}, who has been at {A} for years, becomes CEO.",
    ],
    "fine": [
        "Regulators in {place} fined {Afull} {money} on {weekday} over {topic}.",
        "The {money} penalty is the largest {place} has imposed over {topic}.",
        "{A} said it would appeal the {money} fine.",
    ],
    "open": [
        "{Afull} will open a {facility} in {place}, creating {n} jobs, it said on {weekday}.",
        "The {place} {facility} will cost {money}, according to {A}.",
        "{A} chose {place} for the {facility} after a long search.",
    ],
    "breach": [
        "{Afull} said on {weekday} that hackers had accessed the data of {n} users.",
        "The breach exposed names and emails of {n} {A} customers.",
        "{A} is notifying the {n} affected users, the company said.",
    ],
    "partner": [
        "{Afull} and {Bfull} said on {weekday} they would work together on {topic}.",
        "The partnership pairs {A} with {B} on {topic}.",
        "{A} and {B} did not give financial terms of the {topic} deal.",
    ],
}

PREFIXES = ["Report: ", "Exclusive: ", "UPDATE 1-", "BREAKING: ", "Sources: "]
SUFFIXES = [", sources say", " - report", ", report says", " in deal worth {money}", ", says {A}", " (updated)"]
OPINION_TITLES = [
    "Why {A} {filler}",
    "Inside {A}'s {filler}",
    "{A} and the {filler}",
    "Opinion: {A} {filler}",
    "What {A}'s {product} tells us about {filler}",
    "{A} review: {filler}",
    "How {A} {filler}",
]


def event(world: World, rng: random.Random, action: str | None = None, a: Company | None = None) -> dict:
    """A piece of news: an action and every value a headline may name."""
    action = action or rng.choice(list(TITLES))
    a = a or world.company()
    b = world.company(other_than=a, sector=a.sector if rng.random() < 0.5 else None)
    sector = SECTORS[a.sector]
    person = f"{world.pseudo(2, 3)} {world.pseudo(2, 3)}"  # a new chief is named once
    if action == "launch":  # each launch is of a product not seen before
        a.products.append(world.product())
    amounts = {
        "acquire": (50, 40_000), "raise": (2, 600), "profit": (20, 15_000), "fine": (1, 5_000), "open": (50, 10_000),
    }
    n = {
        "recall": rng.choice([1200, 5000, 8000, 12_000, 20_000, 45_000, 80_000, 150_000, 300_000, 1_200_000]),
        "breach": rng.choice([100_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 12_000_000, 40_000_000]),
    }.get(action, rng.choice(JOB_COUNTS))
    quarter = rng.choice(QUARTERS)
    topic = {"sue": LEGAL, "fine": FINED_FOR, "partner": PARTNER_ON}.get(action, LEGAL)
    return {
        "action": action,
        "a": world.index[a.name],
        "A": a.name, "Afull": a.full, "B": b.name, "Bfull": b.full,
        "millions": round_amount(rng, *amounts.get(action, (10, 1000))),
        "n": n,
        "product": a.products[-1] if action == "launch" else rng.choice(a.products),
        "thing": sector[1], "things": sector[2],
        "industry": SECTORS[b.sector][0] if action in ("acquire", "raise") else sector[0],
        "place": rng.choice(world.places),
        "person": person, "last": person.split()[-1],
        "reason": rng.choice(REASONS),
        "topic": rng.choice(topic),
        "facility": rng.choice(FACILITIES),
        "round": rng.choice(ROUNDS),
        "q": quarter[0], "quarter": quarter[1],
        "topics": [sector[3]],
    }


def _fill(template: str, ev: dict, rng: random.Random, weekday: str) -> str:
    values = dict(ev, money=money(ev["millions"], rng), n=count(ev["n"], rng), weekday=weekday)
    return template.format_map(values)


def headline(ev: dict, rng: random.Random, words: Words, template: int | None = None) -> tuple[str, int]:
    """One outlet's headline for the event, and the template it used."""
    templates = TITLES[ev["action"]]
    index = rng.randrange(len(templates)) if template is None else template
    title = _fill(templates[index], ev, rng, "")
    roll = rng.random()
    if roll < 0.1:
        title = rng.choice(PREFIXES) + title
    elif roll < 0.2:
        title += _fill(rng.choice(SUFFIXES), ev, rng, "")
    elif roll < 0.3:
        title += f" {rng.choice(['as', 'amid', 'after'])} {' '.join(words.take(rng.randint(2, 4)))}"
    return title[0].upper() + title[1:], index


def excerpt(ev: dict, rng: random.Random, words: Words, when: datetime) -> str:
    """1-3 sentences: the news again (mostly), with filler."""
    weekday = WEEKDAYS[when.weekday()]
    sentences = []
    leads = LEADS[ev["action"]]
    if rng.random() < 0.9:
        sentences.append(_fill(rng.choice(leads), ev, rng, weekday))
    for _ in range(rng.randint(0 if sentences else 1, 2)):
        if rng.random() < 0.25:
            sentences.append(_fill(rng.choice(leads), ev, rng, weekday))
        else:
            sentences.append(words.sentence(8, 24) + ".")
    if rng.random() < 0.5:
        rng.shuffle(sentences)
    return " ".join(dict.fromkeys(sentences))


def paraphrase(ev: dict, rng: random.Random, words: Words, when: datetime, avoid: set[str]) -> tuple[str, str]:
    """A new headline (not in ``avoid``) and excerpt for the event: for
    bench/stories.py, which adds a report to a story."""
    for _ in range(50):
        title, _ = headline(ev, rng, words)
        if title not in avoid:
            break
    return title, excerpt(ev, rng, words, when)


# --- the library -----------------------------------------------------------------------


@dataclass(slots=True)
class Item:
    label: str
    when: int  # seconds after START
    outlet: tuple[str, str]
    title: str
    excerpt: str
    topics: list[str]
    slug: str = ""
    copy_of: int | None = None  # the same page as that item, with this tracking query
    tracking: str = ""
    number: int = 0  # its place in time order: in its file name and link
    url: str = ""
    path: str = ""
    related: list[tuple[str, str]] = field(default_factory=list)  # (title, url) of articles in the library


@dataclass(slots=True)
class Story:
    label: str
    when: int
    event: dict | None  # None: an opinion piece, about no event
    members: list[int] = field(default_factory=list)  # indexes in the items
    first_template: int | None = None


_SLUG = re.compile(r"[a-z0-9]+")


def slug_of(title: str) -> str:
    return "-".join(_SLUG.findall(title.lower())[:9])


def story_sizes(n: int, rng: random.Random) -> list[int]:
    alone = round(n * ALONE)
    sizes = [1] * alone
    left = n - alone
    while left > 0:
        k = rng.choices(SIZES, weights=SIZE_WEIGHTS)[0]
        k = min(k, left)
        sizes.append(k)  # (a last 1 is one more lone article)
        left -= k
    rng.shuffle(sizes)
    return sizes


class Builder:
    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.seed = seed
        self.rng = random.Random(seed * 7919 + 1)
        self.words = Words(random.Random(seed))
        self.world = World(self.rng, self.words)
        self.outlets = list({domain: (name, domain) for name, domain in providers(self.rng, self.words)}.values())[:OUTLETS]
        self.span = max(60, n // ARTICLES_A_DAY) * DAY
        self.items: list[Item] = []
        self.stories: list[Story] = []
        self.hard: list[tuple[int, int, str]] = []  # (item, item, kind)
        self.duplicates: list[tuple[int, int]] = []  # (copy, original)

    def build(self) -> None:
        rng = self.rng
        in_hard = 0  # articles in stories that are one side of a hard negative
        counted: set[int] = set()
        used_as_base: set[int] = set()
        for size in story_sizes(self.n, rng):
            label = f"s{len(self.stories):06d}"
            base = None
            if in_hard < HARD * (len(self.items) + size) and len(self.stories) > 50:
                for _ in range(20):
                    candidate = rng.randrange(len(self.stories))
                    if self.stories[candidate].event is not None and candidate not in used_as_base:
                        base = candidate
                        break
            if base is not None:
                kind = rng.choice("abc")
                story = self.twin(label, self.stories[base], kind)
                used_as_base.add(base)
                in_hard += size + (0 if base in counted else len(self.stories[base].members))
                counted.update((base, len(self.stories)))
            elif size == 1 and rng.random() < OPINION:
                story = Story(label, rng.randrange(self.span), None)
            else:
                story = Story(label, rng.randrange(self.span), event(self.world, rng))
            self.stories.append(story)
            self.report(story, size)
            if base is not None:
                self.hard.append((*self.closest(self.stories[base], story), kind))
        self.number()
        self.link()

    def number(self) -> None:
        """Numbers in time order (so a story's members are not numbered
        one after the other), and the links made of them."""
        for number, i in enumerate(sorted(range(len(self.items)), key=lambda i: self.items[i].when)):
            item = self.items[i]
            item.number = number
            stamp = START + timedelta(seconds=item.when)
            item.url = f"https://www.{item.outlet[1]}/{stamp:%Y/%m}/{item.slug}-{number}"
        for item in self.items:
            if item.copy_of is not None:
                item.url = self.items[item.copy_of].url + item.tracking

    def twin(self, label: str, base: Story, kind: str) -> Story:
        """A different story that a grouping could mistake for ``base``."""
        rng = self.rng
        ev = base.event
        assert ev is not None
        a = self.world.companies[ev["a"]]
        if kind == "a":  # the same company, another event, within hours
            action = rng.choice([x for x in TITLES if x != ev["action"]])
            return Story(label, max(0, base.when + rng.randint(-18 * HOUR, 18 * HOUR)), event(self.world, rng, action, a))
        if kind == "b":  # the same headline, months apart, other numbers
            gap = rng.randint(45, 150) * DAY
            when = base.when + gap if base.when + gap < self.span or base.when - gap < 0 else base.when - gap
            twin = event(self.world, rng, ev["action"], a)
            return Story(label, when, twin, first_template=base.first_template)
        # c: the same action by another company, the same day; now and then the same number
        twin = event(self.world, rng, ev["action"], self.world.company(other_than=a))
        if rng.random() < 0.3:
            twin["n"], twin["millions"] = ev["n"], ev["millions"]
        return Story(label, max(0, base.when + rng.randint(-12 * HOUR, 12 * HOUR)), twin, first_template=base.first_template)

    def report(self, story: Story, size: int) -> None:
        """``size`` articles of the story, from different outlets."""
        rng = self.rng
        outlets = rng.sample(self.outlets, size)
        titles: set[str] = set()
        copies: set[int] = set()
        ev = story.event
        topics = ev["topics"] if ev else [rng.choice(TOPICS[:6])]
        for k in range(size):
            when = story.when + (rng.randint(0, 2 * HOUR) if k == 0 else int(min(60.0, rng.expovariate(1 / 14)) * HOUR))
            member_topics = list(dict.fromkeys(topics + rng.sample(TOPICS, rng.randint(0, 2))))
            if k and rng.random() < DUPLICATE:
                o = rng.choice([m for m in story.members if m not in copies])
                original = self.items[o]
                title = original.title
                if rng.random() < 0.3:
                    title = rng.choice([f"{title} - {original.outlet[0]}", f"UPDATED: {title}", title.replace(" ", "  ", 1)])
                copy = Item(story.label, original.when + rng.randint(0, 3 * HOUR), original.outlet, title, original.excerpt,
                            original.topics, slug=original.slug, copy_of=o)
                copy.tracking = rng.choice(["?utm_source=rss&utm_medium=feed", "?amp=1", "?utm_source=twitter", "?utm_campaign=daily&utm_source=newsletter"])
                self.duplicates.append((len(self.items), o))
                copies.add(len(self.items))
                story.members.append(len(self.items))
                self.items.append(copy)
                continue
            if ev is None:
                a = self.world.company()
                title = rng.choice(OPINION_TITLES).format(A=a.name, product=rng.choice(a.products), filler=" ".join(self.words.take(rng.randint(3, 7))))
                if rng.random() < 0.4:
                    title = self.words.sentence(5, 12)  # generate.py's kind of article
                text = " ".join(self.words.sentence(8, 24) + "." for _ in range(rng.randint(1, 3)))
            else:
                for _ in range(30):
                    fixed = story.first_template if k == 0 else None
                    title, template = headline(ev, rng, self.words, fixed)
                    if title not in titles:
                        break
                if k == 0 and story.first_template is None:
                    story.first_template = template
                text = excerpt(ev, rng, self.words, START + timedelta(seconds=when))
            titles.add(title)
            item = Item(story.label, when, outlets[k], title, text, member_topics, slug=slug_of(title))
            story.members.append(len(self.items))
            self.items.append(item)

    def closest(self, a: Story, b: Story) -> tuple[int, int]:
        """The two members of two stories nearest in time (the hardest pair);
        a first member with the same template is preferred (b and c)."""
        if b.first_template is not None and b.first_template == a.first_template:
            return a.members[0], b.members[0]
        return min(((i, j) for i in a.members for j in b.members), key=lambda p: abs(self.items[p[0]].when - self.items[p[1]].when))

    def link(self) -> None:
        """Related items: another member of the story, now and then an
        article of another story published near it."""
        rng = self.rng
        order = sorted(range(len(self.items)), key=lambda i: self.items[i].when)
        times = [self.items[i].when for i in order]
        by_label = {s.label: s for s in self.stories}
        for i, item in enumerate(self.items):
            story = by_label[item.label]
            if rng.random() >= RELATED:
                continue
            others = [m for m in story.members if m != i and self.items[m].url.split("?")[0] != item.url.split("?")[0]]
            if others:
                other = self.items[rng.choice(others)]
                item.related.append((other.title, other.url))
            if not others or rng.random() < 0.3:
                at = bisect.bisect_left(times, item.when)
                for _ in range(5):
                    j = order[min(len(order) - 1, max(0, at + rng.randint(-150, 150)))]
                    if self.items[j].label != item.label:
                        item.related.append((self.items[j].title, self.items[j].url))
                        break

    def write(self, out_dir: Path, flat: bool) -> None:
        rng = self.rng
        made: set[Path] = set()
        labels: dict[str, str] = {}
        for item in self.items:
            number = item.number
            stamp = START + timedelta(seconds=item.when)
            name = f"{stamp:%Y-%m-%d}-{item.slug[:60]}-{number}.md"
            rel = name if flat else f"{stamp:%Y}/{stamp:%m}/{name}"
            folder = out_dir if flat else out_dir / f"{stamp:%Y}" / f"{stamp:%m}"
            if folder not in made:
                folder.mkdir(parents=True, exist_ok=True)
                made.add(folder)
            item.path = rel
            (out_dir / rel).write_text(render(item, stamp, rng, number), encoding="utf-8")
            labels[rel] = item.label
        events = {s.label: s.event for s in self.stories if s.event is not None and len(s.members) >= 2}
        # What each story is about, to tell which kind of pair a grouping joined wrongly.
        subjects = {s.label: [s.event["action"], s.event["A"]] if s.event else ["opinion", ""] for s in self.stories}
        meta = {
            "version": VERSION,
            "n": self.n,
            "seed": self.seed,
            "flat": flat,
            "hard_negative_kinds": [kind for _, _, kind in self.hard],
            # the stories of each hard negative: [label, label, kind]
            "twins": [[self.items[a].label, self.items[b].label, kind] for a, b, kind in self.hard],
            "duplicates": [[self.items[c].path, self.items[o].path] for c, o in self.duplicates],
            "events": events,
            "subjects": subjects,
            "start": START.isoformat(),
        }
        (out_dir / "hard_negatives.json").write_text(json.dumps([[self.items[a].path, self.items[b].path] for a, b, _ in self.hard]))
        (out_dir / "meta.json").write_text(json.dumps(meta))
        (out_dir / "labels.json").write_text(json.dumps(labels))


def render(item: Item, stamp: datetime, rng: random.Random, number: int) -> str:
    """The file, with bench/generate.py's fields and shares."""
    name, domain = item.outlet
    lines = [
        "---",
        "category: news",
        f"title: {quote(item.title)}",
        f"excerpt: {quote(item.excerpt)}",
        f"publishedDateTime: {stamp:%Y-%m-%dT%H:%M:%SZ}",
    ]
    if rng.random() < 0.7:
        lines.append(f"originalUrl: {item.url}")
    lines.append(f"webUrl: {item.url}")
    if rng.random() < 0.3:
        bare = item.url.split("://www.", 1)[1].split("?")[0]
        lines.append(f"ampWebUrl: {item.url.split('?')[0]}?amp=1")
        lines.append(f"cdnAmpWebUrl: https://www-{domain.replace('.', '-')}.cdn.ampproject.org/c/s/www.{bare}?amp=1")
    lines.append("type: article")
    if rng.random() < 0.3:
        lines.append(f"quality: {min(167, int(rng.expovariate(1 / 40)))}")
        lines.append(f"heat: {rng.choice([-1, -1, rng.randint(0, 150)])}")
        lines.append(f"published: {rng.choice(['true', 'false'])}")
    lines += ["", "provider:", f"  name: {quote(name)}", f"  domain: {domain}", "", "topics:"]
    lines += [f"  - {topic}" for topic in item.topics]
    if rng.random() < 0.77:
        lines += ["", "images:", f"  - url: https://cdn.{domain}/images/{number}.jpg", f"    width: {rng.choice([640, 800, 1200, 1440])}",
                  f"    height: {rng.choice([360, 480, 630, 1075])}", f"    title: {quote(item.title)}"]
    if item.related:
        lines += ["", "related:"]
        for title, url in item.related:
            lines += related_lines(title, url, stamp, rng)
    lines += ["", f"secured: {quote(secured(rng))}", "---", ""]
    if rng.random() < 0.1:
        lines.append(item.excerpt)
    return "\n".join(lines) + "\n"


def related_lines(title: str, url: str, stamp: datetime, rng: random.Random) -> list[str]:
    domain = url.split("://www.", 1)[1].split("/", 1)[0]
    return [
        f"  - title: {quote(title)}",
        f"    publishedDateTime: {stamp + timedelta(hours=rng.randint(-20, 20)):%Y-%m-%dT%H:%M:%SZ}",
        f"    webUrl: {url}",
        "    type: article",
        "    provider:",
        f"      name: {quote(domain.split('.')[0].capitalize())}",
        f"      domain: {domain}",
        f"    quality: {rng.randint(0, 100)}",
    ]


def generate(out_dir: str | os.PathLike[str], n: int, seed: int = 7, flat: bool = False) -> dict:
    """Write the library (replacing ``out_dir``); returns counts for a summary."""
    started = time.perf_counter()
    out = Path(out_dir)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    builder = Builder(n, seed)
    builder.build()
    builder.write(out, flat)
    sizes = [len(s.members) for s in builder.stories]
    summary = {
        "articles": len(builder.items),
        "stories": len(sizes),
        "alone": sizes.count(1) / len(builder.items),
        "stories_of_2_or_more": sum(1 for k in sizes if k > 1),
        "largest": max(sizes),
        "duplicates": len(builder.duplicates) / len(builder.items),
        "with_related": sum(1 for i in builder.items if i.related) / len(builder.items),
        "hard_negative_pairs": len(builder.hard),
        "in_hard_negative_stories": _in_hard(builder) / len(builder.items),
        "days": builder.span // DAY,
        "seconds": round(time.perf_counter() - started, 2),
    }
    meta = json.loads((out / "meta.json").read_text())
    meta["summary"] = summary
    (out / "meta.json").write_text(json.dumps(meta))
    return summary


def _in_hard(builder: Builder) -> int:
    labels = {builder.items[i].label for a, b, _ in builder.hard for i in (a, b)}
    return sum(1 for item in builder.items if item.label in labels)


def show(out_dir: Path, stories: int, seed: int = 1) -> None:
    """Print some stories' headlines, and some hard negatives, from the files."""
    labels = json.loads((out_dir / "labels.json").read_text())
    by_label: dict[str, list[str]] = {}
    for path, label in labels.items():
        by_label.setdefault(label, []).append(path)

    def title(path: str) -> str:
        text = (out_dir / path).read_text(encoding="utf-8")
        head = {line.split(": ", 1)[0]: line.split(": ", 1)[1] for line in text.split("\n---\n")[0].splitlines()[:12] if ": " in line}
        return f"{head.get('publishedDateTime', '')[:16]}  {head.get('title', '')}  [{head.get('webUrl', '').split('/')[2]}]"

    rng = random.Random(seed)
    groups = [g for g in by_label.values() if len(g) > 1]
    for group in rng.sample(groups, min(stories, len(groups))):
        print(f"story {labels[group[0]]} ({len(group)}):")
        for path in sorted(group, key=title):
            print("   ", title(path))
    kinds = json.loads((out_dir / "meta.json").read_text())["hard_negative_kinds"]
    pairs = json.loads((out_dir / "hard_negatives.json").read_text())
    for kind in "abc":
        print(f"hard negatives ({kind}):")
        for (a, b), k in [p for p in zip(pairs, kinds) if p[1] == kind][:4]:
            print("   ", title(a), "\n      vs", title(b))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--flat", action="store_true", help="every file in OUT_DIR (default: OUT_DIR/YYYY/MM/)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", type=int, default=0, metavar="K", help="print K stories' headlines afterwards")
    args = parser.parse_args()
    summary = generate(args.out_dir, args.n, args.seed, args.flat)
    print(json.dumps(summary, indent=1))
    if args.show:
        show(args.out_dir, args.show)


if __name__ == "__main__":
    main()
