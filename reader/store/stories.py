"""Stories in the cache: which articles report the same news (reader.stories).

Every article row carries its story: ``story`` (the file id of the story's
first report: stable while its members stay), ``story_size``,
``story_rank`` (0 for the head: the best quality, then the earliest) and
``story_heat`` (the members' heat added up). A new article is its own
story until grouping says otherwise.

A first build groups every article at once, from the words the parsing
workers found. Later refreshes regroup only around what changed: the new
articles, the articles sharing rare headline words with them within the
window (found through the FTS index), and the stories any of these or any
removed article belonged to. ``story_words`` counts the articles holding
each word, so a regrouping weighs words exactly as a first build did.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable, NamedTuple, Sequence

from reader.sqlite import chunks, marks, sqlite3
from reader.stories.features import Features, features
from reader.stories.group import KEY_WORDS, RARE_AT_LEAST, WINDOW, Member, Weights, group, terms_of
from reader.stories.text import kept, raw_words

# A refresh that adds more than this share of the library regroups it whole.
WHOLE_SHARE = 0.2
NEIGHBOURS = 60  # at most this many articles found through one headline word (the nearest in time)

ROW = "a.id, a.uid, a.title, a.excerpt, a.url, a.published_at, a.quality, a.heat, d.data"


class New(NamedTuple):
    """An article stored by this refresh, with the evidence its worker found."""

    id: int
    uid: str
    when: int | None
    quality: float | None
    heat: float | None
    features: Features
    title: str = ""  # the headline as written: the words FTS knows it by


class Gone(NamedTuple):
    """An article dropped by this refresh (its file changed or went)."""

    story: str
    size: int
    features: Features


def features_of_row(title: str, excerpt: str | None, url: str | None, data: str | None) -> Features:
    """An article's evidence from its cache row, as records.parse_rows makes it."""
    extra: dict[str, Any] = {}
    if data:
        try:
            extra = json.loads(data)
        except ValueError:
            extra = {}
    related = [(r.get("title"), r.get("url")) for r in extra.get("related") or () if isinstance(r, dict)]
    return features(title, excerpt, (url, extra.get("original_url")), related)


def link_rows(article_id: int, f: Features) -> list[tuple[str, int, int]]:
    """The story_links rows of an article: its own pages (0) and its related items' (1)."""
    rows = [(link, article_id, 0) for link in f.links.split("\n") if link]
    rows.extend((link, article_id, 1) for link in f.related_links.split("\n") if link)
    return rows


def gone_rows(db: sqlite3.Connection, ids: Sequence[int]) -> list[Gone]:
    """What the refresh needs of articles before their rows are dropped."""
    out = []
    for part in chunks(list(ids), 900):
        for story, size, title, excerpt, url, data in db.execute(
            f"SELECT a.story, a.story_size, a.title, a.excerpt, a.url, d.data FROM articles a "
            f"LEFT JOIN article_data d ON d.id = a.id WHERE a.id IN ({marks(len(part))})",
            part,
        ):
            out.append(Gone(story, size, features_of_row(title, excerpt, url, data)))
    return out




class Grouper:
    """Keeps a cache's stories in step with its articles, inside the refresh's
    own transactions (the caller begins and commits)."""

    def __init__(self, db: sqlite3.Connection, window: int = WINDOW) -> None:
        self.db = db
        self.window = window

    def complete(self) -> bool:
        """Whether every article was grouped, with this window (a first
        build stopped half way, or another window, is grouped again whole)."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'stories'").fetchone()
        return row is not None and row[0] == f"grouped, window {self.window}"

    def mark_pending(self) -> None:
        """The articles are about to change: until grouping is done, the
        stories are not to be trusted (a refresh stopped before grouping
        leaves the next one to group everything)."""
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('stories', 'pending')")

    def _mark_complete(self) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('stories', ?)", (f"grouped, window {self.window}",))
        # Readers keep a map of the stories (StoryRows.heads): this tells them it changed.
        self.db.execute(
            "INSERT INTO meta VALUES ('story_version', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)"
        )

    # the whole library ---------------------------------------------------------

    def group_all(self, new: Sequence[New] | None = None) -> int:
        """Group every article (``new``: all of them, with their evidence, as a
        first build has them; else read from the cache). Returns how many
        articles share a story."""
        db = self.db
        rebuild_links = new is None  # a first build stored each article's links with it
        if new is None:
            new = self._read_all()
        weights = Weights.of(n.features for n in new)
        if rebuild_links:
            db.execute("DELETE FROM story_links")
            db.executemany("INSERT INTO story_links VALUES (?, ?, ?)", (row for n in new for row in link_rows(n.id, n.features)))
        db.execute("DELETE FROM story_words")
        db.executemany("INSERT INTO story_words VALUES (?, ?, ?)", ((w, n, weights.headlines.get(w, 0)) for w, n in weights.counts.items()))
        db.execute("UPDATE articles SET story = uid, story_size = 1, story_rank = 0, story_heat = heat WHERE story_size != 1 OR story != uid")
        members = [Member(n.when, n.features) for n in new]
        stories = group(members, weights, window=self.window)
        shared = self._write(new, [s for s in stories if len(s) > 1])
        self._mark_complete()
        return shared

    def _read_all(self) -> list[New]:
        rows = self.db.execute(f"SELECT {ROW} FROM articles a LEFT JOIN article_data d ON d.id = a.id ORDER BY a.id").fetchall()
        return [_new_from_row(r) for r in rows]

    # around what changed -------------------------------------------------------

    def update(self, new: Sequence[New], gone: Sequence[Gone]) -> int:
        """Regroup around the articles this refresh stored and dropped.
        Returns how many articles were regrouped."""
        db = self.db
        total = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        if len(new) > max(2000, WHOLE_SHARE * total):
            return self.group_all()
        self._count_words(new, gone)
        if not new and not any(g.size > 1 for g in gone):
            self._mark_complete()
            return 0
        weights = self._weights(new, total)
        around = self._neighbours(new, weights)
        left = sorted({g.story for g in gone if g.size > 1})
        ids = set(around)
        stories = set(left)
        for part in chunks(sorted(ids), 900):
            stories.update(s for (s,) in db.execute(f"SELECT story FROM articles WHERE id IN ({marks(len(part))}) AND story_size > 1", part))
        for part in chunks(sorted(stories), 900):
            ids.update(i for (i,) in db.execute(f"SELECT id FROM articles WHERE story IN ({marks(len(part))}) AND story_size > 1", part))
        new_ids = {n.id for n in new}
        ids -= new_ids
        rows: list[New] = list(new)
        for part in chunks(sorted(ids), 900):
            rows.extend(_new_from_row(r) for r in db.execute(f"SELECT {ROW} FROM articles a LEFT JOIN article_data d ON d.id = a.id WHERE a.id IN ({marks(len(part))})", part))
        weights = self._weights(rows, total, weights)
        found = group([Member(r.when, r.features) for r in rows], weights, window=self.window)
        self._write(rows, found)
        self._mark_complete()
        return len(rows)

    def _count_words(self, new: Sequence[New], gone: Sequence[Gone]) -> None:
        change: dict[str, list[int]] = {}  # word -> [articles, headlines]
        for sign, features_list in ((1, [n.features for n in new]), (-1, [g.features for g in gone])):
            for f in features_list:
                for word in set(terms_of(f)):
                    change.setdefault(word, [0, 0])[0] += sign
                for word in set(f.title.split()):
                    change.setdefault(word, [0, 0])[1] += sign
        self.db.executemany(
            "INSERT INTO story_words VALUES (?, ?, ?) ON CONFLICT(word) DO UPDATE SET n = n + excluded.n, headlines = headlines + excluded.headlines",
            [(w, c[0], c[1]) for w, c in change.items() if c[0] or c[1]],
        )
        if any(c[0] < 0 for c in change.values()):
            self.db.execute("DELETE FROM story_words WHERE n <= 0")

    def _weights(self, rows: Iterable[New], total: int, known: Weights | None = None) -> Weights:
        """The counts of the words of ``rows`` (those ``known`` has are not asked again)."""
        counts: dict[str, int] = dict(known.counts) if known else {}
        headlines: dict[str, int] = dict(known.headlines) if known else {}
        words = sorted({w for r in rows for w in terms_of(r.features)} - (set(known.counts) if known else set()))
        for part in chunks(words, 900):
            for word, n, in_headlines in self.db.execute(f"SELECT word, n, headlines FROM story_words WHERE word IN ({marks(len(part))})", part):
                counts[word] = n
                headlines[word] = in_headlines
        return Weights(counts, total, headlines)

    def _neighbours(self, new: Sequence[New], weights: Weights) -> list[int]:
        """Articles that may report the same news as a new one: sharing one
        of its rarest headline words within the window (the nearest in time
        first), or a link (the same page; a related item naming the other)."""
        out: list[int] = []
        total = weights.total
        common = max(RARE_AT_LEAST, total // 2000)  # as grouping's own blocking (reader.stories.group)
        for n in new:
            links = [l for l in (n.features.links + "\n" + n.features.related_links).split("\n") if l]
            for part in chunks(links, 400):
                out.extend(i for (i,) in self.db.execute(f"SELECT id FROM story_links WHERE link IN ({marks(len(part))})", part))
            if n.when is None:
                continue
            forms: dict[str, set[str]] = {}  # a telling word -> the forms the headline writes it in
            for raw in raw_words(n.title):
                word = kept(raw)
                if word:
                    forms.setdefault(word, set()).add(raw)
            # by how many headlines hold them, as a first build chooses its key words
            keys = sorted(
                (weights.in_headlines(w), w) for w in set(n.features.title.split()) if 1 < weights.in_headlines(w) <= common and w in forms
            )
            for _, word in keys[:KEY_WORDS]:
                spelled = sorted(forms[word] | {word})
                expression = "title : (" + " OR ".join(f'"{_fts_word(f)}"' for f in spelled) + f' OR "{_fts_word(word)}"*)'
                try:
                    found = self.db.execute(
                        "SELECT a.id FROM fts CROSS JOIN articles a ON a.id = fts.rowid "
                        "WHERE fts MATCH ? AND a.published_at BETWEEN ? AND ? ORDER BY abs(a.published_at - ?) LIMIT ?",
                        (expression, n.when - self.window, n.when + self.window, n.when, NEIGHBOURS),
                    ).fetchall()
                except sqlite3.OperationalError:
                    continue  # a word FTS5 cannot take: no neighbours through it
                out.extend(i for (i,) in found if i != n.id)
        return out

    # writing -------------------------------------------------------------------

    def _write(self, rows: Sequence[New], stories: Iterable[list[int]]) -> int:
        updates = []
        shared = 0
        for members in stories:
            chosen = [rows[i] for i in members]
            if len(chosen) > 1:
                shared += len(chosen)
            first = min(chosen, key=lambda r: (r.when is None, r.when or 0, r.uid))
            ranked = sorted(chosen, key=lambda r: (r.quality is None, -(r.quality or 0), r.when is None, r.when or 0, r.uid))
            heats = [r.heat for r in chosen if r.heat is not None]
            heat = sum(heats) if heats else None
            for rank, r in enumerate(ranked):
                updates.append((first.uid, len(chosen), rank, heat, r.id))
        self.db.executemany("UPDATE articles SET story = ?, story_size = ?, story_rank = ?, story_heat = ? WHERE id = ?", updates)
        return shared


def _new_from_row(r: Sequence[Any]) -> New:
    i, uid, title, excerpt, url, when, quality, heat, data = r
    return New(i, uid, when, quality, heat, features_of_row(title, excerpt, url, data), title)


_FTS_UNSAFE = re.compile(r'["]')


def _fts_word(word: str) -> str:
    return _FTS_UNSAFE.sub("", word)
