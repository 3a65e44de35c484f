"""The SQLite store: feeds, articles, read/starred marks and the full-text index.

The store owns its schema: ``PRAGMA user_version`` holds the schema version and :data:`MIGRATIONS`
brings an older file up to date inside one transaction. The database runs in WAL mode with a busy
timeout, so the app and a cron job can use it at once. One :class:`Store` is one connection; use one
per thread. Every write commits before it returns, so a killed process never loses a mark that was
reported as written. This module does disk IO only; it never fetches or parses.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from digest.errors import StoreError
from digest.models import Article, ArticleSummary, Enclosure, Entry, Feed, article_key

DB_NAME = "digest.sqlite3"

INDEX_STEP = 500
"""Articles added to the full-text index in one write by the app, and by a refresh as it ends
(see ``Store.index_pending``): FTS5 indexes a few hundred rows in one statement for about half
the CPU of indexing them one by one, and a step of 500 holds the store for about 50 ms."""

_V1 = """
CREATE TABLE feeds (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL DEFAULT '',
    user_title    TEXT NOT NULL DEFAULT '',
    site_url      TEXT NOT NULL DEFAULT '',
    folder        TEXT NOT NULL DEFAULT '',
    tags          TEXT NOT NULL DEFAULT '[]',
    full_text     TEXT NOT NULL DEFAULT 'auto',
    kind          TEXT NOT NULL DEFAULT 'feed',
    priority      INTEGER NOT NULL DEFAULT 0,
    language      TEXT NOT NULL DEFAULT '',
    etag          TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    last_fetched  TEXT,
    last_error    TEXT NOT NULL DEFAULT '',
    added         TEXT NOT NULL
);
CREATE TABLE articles (
    id           INTEGER PRIMARY KEY,
    feed_id      INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    guid         TEXT NOT NULL DEFAULT '',
    url          TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL DEFAULT '',
    author       TEXT NOT NULL DEFAULT '',
    published    TEXT,
    updated      TEXT,
    added        TEXT NOT NULL,
    sort_time    TEXT NOT NULL,
    text         TEXT NOT NULL DEFAULT '',
    summary      TEXT NOT NULL DEFAULT '',
    categories   TEXT NOT NULL DEFAULT '[]',
    enclosures   TEXT NOT NULL DEFAULT '[]',
    language     TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL DEFAULT '',
    related_to   INTEGER REFERENCES articles(id) ON DELETE SET NULL,
    content_hash TEXT NOT NULL,
    read         INTEGER NOT NULL DEFAULT 0,
    starred      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (feed_id, key)
);
CREATE INDEX articles_sort ON articles(sort_time DESC);
CREATE INDEX articles_feed_sort ON articles(feed_id, sort_time DESC);
CREATE INDEX articles_url ON articles(url);
CREATE INDEX articles_unread ON articles(read, sort_time DESC);
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
"""

_V2 = """
CREATE TABLE summaries (
    key             TEXT PRIMARY KEY,
    method          TEXT NOT NULL,
    sentences       TEXT NOT NULL,
    reading_minutes REAL NOT NULL DEFAULT 0,
    language        TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    created         TEXT NOT NULL
);
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

_V3 = """
CREATE TABLE stories (
    id      INTEGER PRIMARY KEY,
    created TEXT NOT NULL
);
CREATE TABLE story_members (
    article_id  INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    story_id    INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    role        TEXT NOT NULL DEFAULT 'doc',
    terms       BLOB NOT NULL,
    fingerprint TEXT NOT NULL DEFAULT ''
);
CREATE INDEX story_members_story ON story_members(story_id);
CREATE INDEX story_members_fingerprint ON story_members(fingerprint);
CREATE INDEX articles_related ON articles(related_to);
CREATE TABLE builds (
    id      INTEGER PRIMARY KEY,
    period  TEXT NOT NULL,
    format  TEXT NOT NULL,
    options TEXT NOT NULL,
    sha256  TEXT NOT NULL,
    content TEXT NOT NULL,
    created TEXT NOT NULL,
    UNIQUE (period, format, options)
);
"""

_V4 = """
ALTER TABLE feeds ADD COLUMN retry_until TEXT;
"""

_V5 = """
CREATE INDEX articles_feed_read ON articles(feed_id, read);
CREATE INDEX articles_starred ON articles(sort_time DESC) WHERE starred = 1;
"""

_V6 = """
CREATE TABLE fts_pending (id INTEGER PRIMARY KEY);
DROP TRIGGER articles_ai;
CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO fts_pending(id) VALUES (new.id);
END;
DROP TRIGGER articles_ad;
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
        SELECT 'delete', old.id, old.title, old.text
        WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = old.id);
    DELETE FROM fts_pending WHERE id = old.id;
END;
DROP TRIGGER articles_au;
CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles
WHEN NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = old.id) BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
"""
"""New articles wait in ``fts_pending`` and join the full-text index in batches
(:meth:`Store.index_pending`): FTS5 indexes a few hundred rows in one statement for about half
the CPU of indexing them row by row, a feed at a time. An article still pending is simply not in
the index yet: deleting or editing it touches only the table."""

_V7 = """
INSERT INTO articles_fts(articles_fts, rank) VALUES ('automerge', 8);
"""
"""FTS5 merges its index segments once 8 of a size exist rather than 4: a 10,000-article
refresh indexes with about 15% less CPU (bench/refresh.py's articles), for searches that read a
few more segments (still well under a millisecond each at that size)."""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7)
"""MIGRATIONS[i] takes a store from schema version i to i + 1."""
SCHEMA_VERSION = len(MIGRATIONS)


def iso(when: datetime | None) -> str | None:
    """A UTC datetime as the store's sortable text form, e.g. ``2026-11-27T08:00:00Z``."""
    if when is None:
        return None
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_iso(text: str | None) -> datetime | None:
    """The inverse of :func:`iso`."""
    if not text:
        return None
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def content_hash(entry: Entry) -> str:
    """A hash of what the reader sees, to tell an edited article from an unchanged one."""
    parts = (
        entry.title,
        entry.link,
        entry.author,
        entry.text,
        entry.summary,
        iso(entry.updated) or "",
    )
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:32]


class FeedSpec(Protocol):
    """A feed as the config lists it (see ``digest.config.FeedConfig``)."""

    @property
    def url(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def folder(self) -> str: ...
    @property
    def tags(self) -> tuple[str, ...]: ...
    @property
    def full_text(self) -> str: ...
    @property
    def priority(self) -> int: ...


@dataclass(frozen=True)
class UpsertResult:
    """What storing one feed's entries did."""

    new: tuple[int, ...] = ()
    """Ids of articles inserted."""
    updated: tuple[int, ...] = ()
    """Ids of articles whose content changed (updated in place, marks kept)."""
    unchanged: int = 0


@dataclass(frozen=True)
class ArticleQuery:
    """A filter over stored articles."""

    feed_ids: tuple[int, ...] = ()
    unread: bool = False
    starred: bool = False
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100
    offset: int = 0


class Store:
    """One connection to the store at ``path`` (``":memory:"`` for tests)."""

    def __init__(self, path: Path | str, *, timeout: float = 10.0) -> None:
        self.path = path
        self._depth = 0
        """How many transactions (this one and those that joined it) are open."""
        if isinstance(path, Path):
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot create the data folder {path.parent} ({exc.strerror or exc})"
                ) from exc
        try:
            self._db = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the store {path} ({exc})") from exc

    @classmethod
    def open_default(cls, home: Path) -> Store:
        """The store inside the data dir ``home``."""
        return cls(home / DB_NAME)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema -----------------------------------------------------------------------------

    def _migrate(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the store {self.path} was written by a newer Digest (schema {version}, "
                f"this one knows {SCHEMA_VERSION})"
            )
        if version == SCHEMA_VERSION:
            return
        with self.transaction():
            version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
            for step in range(version, SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[step]):
                    self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE, so writers queue instead of failing later).

        A transaction opened inside another (on this store) joins it: nothing is committed until
        the outermost one ends, and an error anywhere rolls the whole of it back. That lets a
        caller put several writes (a feed's articles, summaries and fetch record) in one commit.
        """
        if self._depth:
            self._depth += 1
            try:
                yield self._db
            except sqlite3.Error as exc:
                raise StoreError(f"cannot write to the store ({exc})") from exc
            finally:
                self._depth -= 1
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"the store is busy or unwritable ({exc})") from exc
        self._depth = 1
        try:
            yield self._db
        except sqlite3.Error as exc:
            self._rollback()
            raise StoreError(f"cannot write to the store ({exc})") from exc
        except BaseException:
            self._rollback()
            raise
        else:
            try:
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise StoreError(f"cannot write to the store ({exc})") from exc
        finally:
            self._depth = 0

    def _rollback(self) -> None:
        """Roll back what is left of a transaction (a failed COMMIT has rolled back already)."""
        if self._db.in_transaction:
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    # -- feeds ------------------------------------------------------------------------------

    def add_feed(
        self,
        url: str,
        *,
        title: str = "",
        folder: str = "",
        tags: Sequence[str] = (),
        full_text: str = "auto",
        kind: str = "feed",
        priority: int = 0,
        site_url: str = "",
    ) -> Feed:
        """Subscribe to ``url`` (or update the user's settings if already subscribed)."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO feeds (url, user_title, folder, tags, full_text, kind, priority,"
                " site_url, added) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(url) DO UPDATE SET"
                "  user_title = CASE WHEN excluded.user_title != '' THEN excluded.user_title"
                "                    ELSE feeds.user_title END,"
                "  folder = excluded.folder, tags = excluded.tags, full_text = excluded.full_text,"
                "  priority = excluded.priority,"
                "  site_url = CASE WHEN excluded.site_url != '' THEN excluded.site_url"
                "                  ELSE feeds.site_url END",
                (
                    url,
                    title,
                    folder,
                    json.dumps(list(tags)),
                    full_text,
                    kind,
                    priority,
                    site_url,
                    iso(_now()),
                ),
            )
        feed = self.feed_by_url(url)
        assert feed is not None
        return feed

    def sync_feeds(self, specs: Iterable[FeedSpec]) -> None:
        """Subscribe to every configured feed, with the config's settings, in one transaction."""
        added = iso(_now())
        with self.transaction() as db:
            for spec in specs:
                row = (
                    spec.url,
                    spec.title,
                    spec.folder,
                    json.dumps(list(spec.tags)),
                    spec.full_text,
                    spec.priority,
                )
                current = db.execute(
                    "SELECT url, user_title, folder, tags, full_text, priority FROM feeds"
                    " WHERE url = ?",
                    (spec.url,),
                ).fetchone()
                if current is not None and tuple(current) == row:
                    continue
                db.execute(
                    "INSERT INTO feeds (url, user_title, folder, tags, full_text, priority, added)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET"
                    " user_title = excluded.user_title, folder = excluded.folder,"
                    " tags = excluded.tags, full_text = excluded.full_text,"
                    " priority = excluded.priority",
                    (*row, added),
                )

    def remove_feed(self, feed_id: int) -> None:
        """Unsubscribe and delete the feed's articles (the caller confirms with the user)."""
        with self.transaction() as db:
            db.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))

    def feeds(self, *, kind: str | None = None) -> list[Feed]:
        """Every feed with its unread and total counts, in folder then title order."""
        sql = (
            "SELECT f.*, COALESCE(c.unread, 0) AS unread, COALESCE(c.total, 0) AS total"
            " FROM feeds f LEFT JOIN (SELECT feed_id, SUM(read = 0) AS unread, COUNT(*) AS total"
            " FROM articles GROUP BY feed_id) c ON c.feed_id = f.id"
        )
        args: tuple[Any, ...] = ()
        if kind is not None:
            sql += " WHERE f.kind = ?"
            args = (kind,)
        sql += " ORDER BY f.folder, lower(COALESCE(NULLIF(f.user_title, ''), f.title, f.url)), f.id"
        return [_feed(row) for row in self._db.execute(sql, args)]

    def feed(self, feed_id: int) -> Feed | None:
        return next((f for f in self._feeds_where("f.id = ?", (feed_id,))), None)

    def feed_by_url(self, url: str) -> Feed | None:
        return next((f for f in self._feeds_where("f.url = ?", (url,))), None)

    def _feeds_where(self, where: str, args: tuple[Any, ...]) -> list[Feed]:
        sql = (
            "SELECT f.*, (SELECT COUNT(*) FROM articles a WHERE a.feed_id = f.id AND a.read = 0)"
            " AS unread, (SELECT COUNT(*) FROM articles a WHERE a.feed_id = f.id) AS total"
            f" FROM feeds f WHERE {where}"
        )
        return [_feed(row) for row in self._db.execute(sql, args)]

    def record_fetch(
        self,
        feed_id: int,
        *,
        when: datetime,
        error: str = "",
        etag: str | None = None,
        last_modified: str | None = None,
        title: str | None = None,
        site_url: str | None = None,
        language: str | None = None,
        retry_until: datetime | None = None,
    ) -> None:
        """Remember a fetch's outcome; on error the old validators and data stay as they were.

        ``retry_until`` is when a rate-limited feed may be fetched again (None clears it).
        """
        sets = ["last_fetched = ?", "last_error = ?", "retry_until = ?"]
        args: list[Any] = [iso(when), error, iso(retry_until)]
        for column, value in (
            ("etag", etag),
            ("last_modified", last_modified),
            ("title", title),
            ("site_url", site_url),
            ("language", language),
        ):
            if value is not None:
                sets.append(f"{column} = ?")
                args.append(value)
        with self.transaction() as db:
            db.execute(f"UPDATE feeds SET {', '.join(sets)} WHERE id = ?", (*args, feed_id))

    def record_not_modified(self, feeds: Iterable[tuple[int, str, str]], *, when: datetime) -> None:
        """Note, in one commit, that feeds answered "not modified" at ``when``: (feed id, ETag,
        Last-Modified) each, the validators kept as they were when given empty."""
        with self.transaction():
            for feed_id, etag, last_modified in feeds:
                self.record_fetch(
                    feed_id, when=when, etag=etag or None, last_modified=last_modified or None
                )

    # -- articles ---------------------------------------------------------------------------

    def existing_hashes(self, feed_id: int) -> dict[str, str]:
        """key -> content hash of the feed's stored articles (to skip unchanged entries cheaply)."""
        rows = self._db.execute(
            "SELECT key, content_hash FROM articles WHERE feed_id = ?", (feed_id,)
        )
        return {row[0]: row[1] for row in rows}

    def upsert_entries(
        self,
        feed_id: int,
        entries: Iterable[Entry],
        *,
        now: datetime | None = None,
        hashes: Sequence[str] | None = None,
        index_at_least: int | None = 1,
    ) -> UpsertResult:
        """Store a feed's entries in one transaction.

        A new key inserts an article; a known key with changed content updates it in place and
        keeps its read/starred marks; an unchanged one is left alone. Duplicate keys within
        ``entries`` keep the first. ``Entry.related_to`` (an index into ``entries``) becomes a link
        to the stored lead article.

        ``hashes`` (one per entry) are the content hashes to compare and keep instead of the
        entries' own: a refresh that replaced a teaser by its article page passes the hash of the
        feed's version, so the next refresh sees the unchanged teaser as unchanged and leaves the
        full text alone.

        New articles join the full-text index in the same commit, unless fewer than
        ``index_at_least`` wait for it (see :meth:`index_pending`); with None they are left
        waiting (a refresh's workers: the refresh indexes a step when it ends, a search what is
        left). An edited article already in the index is updated there at once.
        """
        now = now or _now()
        added = iso(now)
        batch: list[tuple[int, str, Entry, str]] = []  # (index, key, entry, hash), first per key
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            key = article_key(entry)
            if key not in seen:
                seen.add(key)
                batch.append((index, key, entry, hashes[index] if hashes else content_hash(entry)))
        # Few statements per feed, each over the whole batch: a thread that writes while another
        # runs Python waits for the GIL at every statement, so their count is what costs.
        with self.transaction() as db:
            known = self._rows_by_key(db, feed_id, [key for _, key, _, _ in batch])
            inserts: list[tuple[Any, ...]] = []
            changes: list[tuple[Any, ...]] = []
            updated: list[int] = []
            unchanged = 0
            for _, key, entry, digest in batch:
                row = known.get(key)
                if row is None:
                    sort_time = iso(entry.published or entry.updated or now)
                    inserts.append((feed_id, key, *_entry_values(entry), digest, added, sort_time))
                elif row[1] == digest:
                    unchanged += 1
                else:
                    sort_time = iso(entry.published or entry.updated) or row[2]
                    changes.append((*_entry_values(entry), digest, sort_time, row[0]))
                    updated.append(row[0])
            if inserts:
                db.executemany(
                    "INSERT INTO articles (feed_id, key, guid, url, title, author, published,"
                    " updated, text, summary, categories, enclosures, language, source,"
                    " content_hash, added, sort_time)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    inserts,
                )
            if changes:
                db.executemany(
                    "UPDATE articles SET guid = ?, url = ?, title = ?, author = ?,"
                    " published = ?, updated = ?, text = ?, summary = ?, categories = ?,"
                    " enclosures = ?, language = ?, source = ?, content_hash = ?,"
                    " sort_time = ? WHERE id = ?",
                    changes,
                )
            ids = {key: row[0] for key, row in known.items()}
            if inserts:
                fresh = self._rows_by_key(db, feed_id, [row[1] for row in inserts])
                ids.update((key, row[0]) for key, row in fresh.items())
            new = [ids[row[1]] for row in inserts]
            by_index = {index: ids[key] for index, key, _, _ in batch}
            links = [
                (by_index[entry.related_to], by_index[index])
                for index, _, entry, _ in batch
                if entry.related_to is not None
                and entry.related_to in by_index
                and by_index[entry.related_to] != by_index[index]
            ]
            if links:
                db.executemany("UPDATE articles SET related_to = ? WHERE id = ?", links)
            if inserts and index_at_least is not None:
                self.index_pending(at_least=index_at_least)
        return UpsertResult(tuple(new), tuple(updated), unchanged)

    def index_pending(self, *, at_least: int = 1, limit: int | None = None) -> int:
        """Add the articles that wait for the full-text index to it, in one statement, when at
        least ``at_least`` wait; at most ``limit`` of them (the oldest) when given, so that a
        writer indexing a long queue in steps never holds the store for long. Returns how many
        were added."""
        waiting = self.pending_index()
        if not waiting or waiting < at_least:
            return 0
        with self.transaction() as db:
            ids = db.execute(
                "SELECT id FROM fts_pending ORDER BY id LIMIT ?", (-1 if limit is None else limit,)
            ).fetchall()
            if not ids:
                return 0
            last = ids[-1][0]
            db.execute(
                "INSERT INTO articles_fts(rowid, title, text)"
                " SELECT a.id, a.title, a.text FROM fts_pending p JOIN articles a ON a.id = p.id"
                " WHERE p.id <= ?",
                (last,),
            )
            db.execute("DELETE FROM fts_pending WHERE id <= ?", (last,))
        return len(ids)

    def pending_index(self) -> int:
        """How many articles wait for the full-text index (see :meth:`index_pending`)."""
        return int(self._db.execute("SELECT count(*) FROM fts_pending").fetchone()[0])

    @staticmethod
    def _rows_by_key(
        db: sqlite3.Connection, feed_id: int, keys: Sequence[str]
    ) -> dict[str, tuple[int, str, str]]:
        """key -> (id, content_hash, added) of the feed's stored articles among ``keys``."""
        found: dict[str, tuple[int, str, str]] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = db.execute(
                "SELECT key, id, content_hash, added FROM articles"
                f" WHERE feed_id = ? AND key IN ({marks})",
                (feed_id, *chunk),
            ).fetchall()
            found.update((row[0], (int(row[1]), row[2], row[3])) for row in rows)
        return found

    def article(self, article_id: int) -> Article | None:
        row = self._db.execute(_ARTICLE_SELECT + " WHERE a.id = ?", (article_id,)).fetchone()
        return _article(row) if row else None

    def articles_by_url(self, url: str) -> list[Article]:
        rows = self._db.execute(_ARTICLE_SELECT + " WHERE a.url = ? ORDER BY a.id", (url,))
        return [_article(row) for row in rows]

    def related(self, article_id: int) -> list[Article]:
        """Articles recorded as related to ``article_id`` (e.g. an aggregator page's stories)."""
        rows = self._db.execute(
            _ARTICLE_SELECT + " WHERE a.related_to = ? ORDER BY a.id", (article_id,)
        )
        return [_article(row) for row in rows]

    def articles(self, query: ArticleQuery | None = None) -> list[Article]:
        """Articles matching ``query``, newest first."""
        query = query or ArticleQuery()
        where, args = _where(query)
        sql = _ARTICLE_SELECT + where + " ORDER BY a.sort_time DESC, a.id DESC LIMIT ? OFFSET ?"
        rows = self._db.execute(sql, (*args, query.limit, query.offset))
        return [_article(row) for row in rows]

    def count(self, query: ArticleQuery | None = None) -> int:
        where, args = _where(query or ArticleQuery())
        return int(self._db.execute(f"SELECT COUNT(*) FROM articles a {where}", args).fetchone()[0])

    def search(self, text: str, *, limit: int = 50) -> list[Article]:
        """Full-text search over titles and text, best matches first.

        The query is taken as words to find (all of them), never as FTS syntax, so any user input
        is safe.
        """
        match = fts_query(text)
        if not match:
            return []
        try:
            self.index_pending()  # articles a refresh left waiting (it stopped early, say)
        except StoreError:
            pass  # a store that cannot be written is still searched, as far as it is indexed
        rows = self._db.execute(
            _ARTICLE_SELECT.replace(
                "FROM articles a",
                "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid",
                1,
            )
            + " WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts, 5.0, 1.0), a.sort_time DESC"
            " LIMIT ?",
            (match, limit),
        )
        return [_article(row) for row in rows]

    def mark(
        self,
        article_ids: Sequence[int],
        *,
        read: bool | None = None,
        starred: bool | None = None,
    ) -> int:
        """Set read and/or starred on articles; committed before returning. Returns rows changed."""
        sets: list[str] = []
        args: list[Any] = []
        if read is not None:
            sets.append("read = ?")
            args.append(int(read))
        if starred is not None:
            sets.append("starred = ?")
            args.append(int(starred))
        if not sets or not article_ids:
            return 0
        marks = ",".join("?" * len(article_ids))
        with self.transaction() as db:
            cur = db.execute(
                f"UPDATE articles SET {', '.join(sets)} WHERE id IN ({marks})",
                (*args, *article_ids),
            )
            return cur.rowcount

    def mark_feed_read(self, feed_id: int) -> int:
        with self.transaction() as db:
            cur = db.execute(
                "UPDATE articles SET read = 1 WHERE feed_id = ? AND read = 0", (feed_id,)
            )
            return cur.rowcount

    # -- summaries and settings --------------------------------------------------------------

    def summary(self, key: str) -> ArticleSummary | None:
        """The stored summary under ``key`` (see ``digest.summarize.summary_cache_key``)."""
        row = self._db.execute("SELECT * FROM summaries WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        return ArticleSummary(
            method=row["method"],
            sentences=tuple((int(i), str(t)) for i, t in json.loads(row["sentences"])),
            reading_minutes=float(row["reading_minutes"]),
            language=row["language"],
            note=row["note"],
        )

    def summary_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` already have a stored summary."""
        wanted = list(keys)
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT key FROM summaries WHERE key IN ({marks})", chunk)
            found.update(row[0] for row in rows)
        return found

    def put_summaries(self, items: Iterable[tuple[str, ArticleSummary]]) -> int:
        """Store summaries by key in one transaction; returns how many were written."""
        now = iso(_now())
        rows = [
            (
                key,
                summary.method,
                json.dumps([list(p) for p in summary.sentences], ensure_ascii=False),
                summary.reading_minutes,
                summary.language,
                summary.note,
                now,
            )
            for key, summary in items
        ]
        if rows:
            with self.transaction() as db:
                db.executemany(
                    "INSERT OR REPLACE INTO summaries (key, method, sentences, reading_minutes,"
                    " language, note, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
        return len(rows)

    def setting(self, key: str, default: str = "") -> str:
        """A remembered UI setting (theme, last position...)."""
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def integrity_ok(self) -> bool:
        return bool(self._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok")

    # -- stories and builds (schema v3; used by digest.build) ---------------------------------
    # Story membership: each grouped article's story, its role ('doc' takes part in grouping,
    # 'copy' is an exact copy of another article, 'page' is listed under a saved page's lead),
    # its stored bag of terms (digest.cluster.Terms bytes) and its text fingerprint.

    def ungrouped_articles(self, since: datetime, until: datetime) -> list[Article]:
        """Articles dated in [since, until) that belong to no story yet, oldest first."""
        rows = self._db.execute(
            _ARTICLE_SELECT + " WHERE a.sort_time >= ? AND a.sort_time < ?"
            " AND NOT EXISTS (SELECT 1 FROM story_members m WHERE m.article_id = a.id)"
            " ORDER BY a.sort_time, a.id",
            (iso(since), iso(until)),
        )
        return [_article(row) for row in rows]

    def story_terms(
        self, since: datetime, until: datetime
    ) -> list[tuple[int, int, datetime, bytes]]:
        """(article id, story id, date, terms) of the grouped 'doc' articles dated in the range."""
        rows = self._db.execute(
            "SELECT m.article_id, m.story_id, a.sort_time, m.terms FROM story_members m"
            " JOIN articles a ON a.id = m.article_id WHERE m.role = 'doc'"
            " AND a.sort_time >= ? AND a.sort_time < ? ORDER BY a.sort_time, a.id",
            (iso(since), iso(until)),
        )
        return [(int(r[0]), int(r[1]), from_iso(r[2]) or _now(), bytes(r[3])) for r in rows]

    def stories_by_fingerprint(
        self, fingerprints: Iterable[str], since: datetime, until: datetime
    ) -> dict[str, int]:
        """fingerprint -> story id for grouped articles dated in the range with that text."""
        wanted = sorted(set(fingerprints))
        found: dict[str, int] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                "SELECT m.fingerprint, MIN(m.story_id) FROM story_members m"
                " JOIN articles a ON a.id = m.article_id"
                f" WHERE m.fingerprint IN ({marks}) AND a.sort_time >= ? AND a.sort_time < ?"
                " GROUP BY m.fingerprint",
                (*chunk, iso(since), iso(until)),
            )
            found.update((str(r[0]), int(r[1])) for r in rows)
        return found

    def story_ids(self, article_ids: Iterable[int]) -> dict[int, int]:
        """article id -> story id for those of ``article_ids`` that are grouped."""
        wanted = list(article_ids)
        found: dict[int, int] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT article_id, story_id FROM story_members WHERE article_id IN ({marks})",
                chunk,
            )
            found.update((int(r[0]), int(r[1])) for r in rows)
        return found

    def save_grouping(
        self, groups: Sequence[tuple[int | None, Sequence[tuple[int, str, bytes, str]]]]
    ) -> list[int]:
        """Store groups of (article id, role, terms, fingerprint), each in the given story or,
        for None, in a new one; one transaction. Returns each group's story id."""
        created = iso(_now())
        ids: list[int] = []
        with self.transaction() as db:
            for story_id, members in groups:
                if story_id is None:
                    cur = db.execute("INSERT INTO stories (created) VALUES (?)", (created,))
                    story_id = int(cur.lastrowid or 0)
                ids.append(story_id)
                db.executemany(
                    "INSERT OR REPLACE INTO story_members"
                    " (article_id, story_id, role, terms, fingerprint) VALUES (?, ?, ?, ?, ?)",
                    [(a, story_id, role, terms, fp) for a, role, terms, fp in members],
                )
        return ids

    def grouped_articles(self, since: datetime, until: datetime) -> list[tuple[int, Article]]:
        """(story id, article) of every grouped article dated in [since, until), oldest first."""
        rows = self._db.execute(
            _ARTICLE_SELECT.replace(
                "SELECT a.*,", "SELECT m.story_id AS story_id, a.*,", 1
            ).replace(
                "FROM articles a", "FROM story_members m JOIN articles a ON a.id = m.article_id", 1
            )
            + " WHERE a.sort_time >= ? AND a.sort_time < ? ORDER BY a.sort_time, a.id",
            (iso(since), iso(until)),
        )
        return [(int(row["story_id"]), _article(row)) for row in rows]

    def related_to_any(self, article_ids: Iterable[int]) -> list[Article]:
        """Articles recorded as related to any of ``article_ids`` (saved pages' related stories)."""
        wanted = list(article_ids)
        found: list[Article] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                _ARTICLE_SELECT + f" WHERE a.related_to IN ({marks}) ORDER BY a.id", chunk
            )
            found.extend(_article(row) for row in rows)
        return found

    def feed_priorities(self) -> dict[int, int]:
        """feed id -> the priority the config gives it (0 when it gives none)."""
        return {int(r[0]): int(r[1]) for r in self._db.execute("SELECT id, priority FROM feeds")}

    def put_build(self, period: str, fmt: str, options: str, content: str) -> None:
        """Keep a built digest (the latest per period, format and options)."""
        digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
        with self.transaction() as db:
            db.execute(
                "INSERT INTO builds (period, format, options, sha256, content, created)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(period, format, options) DO UPDATE SET"
                " sha256 = excluded.sha256, content = excluded.content, created = excluded.created",
                (period, fmt, options, digest, content, iso(_now())),
            )

    def build(self, period: str, fmt: str, options: str) -> str | None:
        """The stored digest for a period, format and options, if one was built."""
        row = self._db.execute(
            "SELECT content FROM builds WHERE period = ? AND format = ? AND options = ?",
            (period, fmt, options),
        ).fetchone()
        return str(row[0]) if row else None

    def builds(self, limit: int = 100) -> list[tuple[str, str, str, datetime | None]]:
        """(period, format, options, when built) of stored digests, newest first."""
        rows = self._db.execute(
            "SELECT period, format, options, created FROM builds ORDER BY created DESC, id DESC"
            " LIMIT ?",
            (limit,),
        )
        return [(str(r[0]), str(r[1]), str(r[2]), from_iso(r[3])) for r in rows]

    # -- end of stories and builds ------------------------------------------------------------


# -- helpers --------------------------------------------------------------------------------

_ARTICLE_SELECT = (
    "SELECT a.*, COALESCE(NULLIF(f.user_title, ''), NULLIF(f.title, ''), f.url) AS feed_title"
    " FROM articles a JOIN feeds f ON f.id = a.feed_id"
)


def fts_query(text: str) -> str:
    """User words as an FTS5 query: each word quoted (no operators), all required, last a prefix."""
    words = [w for w in "".join(c if c.isalnum() else " " for c in text).split() if w]
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words[:32]]
    quoted[-1] += "*"
    return " ".join(quoted)


def _where(query: ArticleQuery) -> tuple[str, tuple[Any, ...]]:
    clauses: list[str] = []
    args: list[Any] = []
    if query.feed_ids:
        clauses.append(f"a.feed_id IN ({','.join('?' * len(query.feed_ids))})")
        args.extend(query.feed_ids)
    if query.unread:
        clauses.append("a.read = 0")
    if query.starred:
        clauses.append("a.starred = 1")
    if query.since is not None:
        clauses.append("a.sort_time >= ?")
        args.append(iso(query.since))
    if query.until is not None:
        clauses.append("a.sort_time < ?")
        args.append(iso(query.until))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", tuple(args)


def _entry_values(entry: Entry) -> tuple[Any, ...]:
    return (
        entry.guid,
        entry.link,
        entry.title,
        entry.author,
        iso(entry.published),
        iso(entry.updated),
        entry.text,
        entry.summary,
        json.dumps(list(entry.categories), ensure_ascii=False),
        json.dumps([[e.url, e.type, e.length] for e in entry.enclosures]),
        entry.language,
        entry.source,
    )


def _feed(row: sqlite3.Row) -> Feed:
    return Feed(
        id=row["id"],
        url=row["url"],
        title=row["user_title"] or row["title"],
        site_url=row["site_url"],
        folder=row["folder"],
        tags=tuple(json.loads(row["tags"])),
        full_text=row["full_text"],
        kind=row["kind"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_fetched=from_iso(row["last_fetched"]),
        last_error=row["last_error"],
        retry_until=from_iso(row["retry_until"]),
        unread=int(row["unread"] or 0),
        total=int(row["total"] or 0),
    )


def _article(row: sqlite3.Row) -> Article:
    return Article(
        id=row["id"],
        feed_id=row["feed_id"],
        key=row["key"],
        title=row["title"],
        url=row["url"],
        guid=row["guid"],
        author=row["author"],
        published=from_iso(row["published"]),
        updated=from_iso(row["updated"]),
        added=from_iso(row["added"]),
        text=row["text"],
        summary=row["summary"],
        categories=tuple(json.loads(row["categories"])),
        enclosures=tuple(Enclosure(u, t, n) for u, t, n in json.loads(row["enclosures"])),
        language=row["language"],
        source=row["source"],
        related_to=row["related_to"],
        read=bool(row["read"]),
        starred=bool(row["starred"]),
        feed_title=row["feed_title"],
    )


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (triggers contain ';' inside BEGIN...END)."""
    statements: list[str] = []
    buffer = ""
    for line in script.strip().splitlines():
        buffer += line + "\n"
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def _now() -> datetime:
    return datetime.now(UTC)
