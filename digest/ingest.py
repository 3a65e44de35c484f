"""What a refresh's worker processes do with a fetched feed: parse it, summarize what is new,
store it.

:mod:`digest.refresh` fetches (the network side, on an event loop) and hands each feed's body
here, to a worker process that parses, flags teasers, summarizes and stores the feed in one
commit, with its own connection to the store (or hands it back to be stored when another process
is writing at that moment); or, with no worker processes, to threads that
parse and summarize while the loop's store thread writes. Everything here is CPU and disk work,
importable without the HTTP client, so a worker process starts with only what it needs. It never
fetches and never prints.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from digest.config import SummaryConfig
from digest.errors import ExtractError
from digest.models import ArticleSummary, Entry, FetchResult, ParsedFeed, article_key
from digest.store import Store, UpsertResult, content_hash

if TYPE_CHECKING:
    from multiprocessing.synchronize import Lock as ProcessLock

__all__ = [
    "LOCK_TIMEOUT",
    "Fetched",
    "Parsed",
    "StoreJob",
    "Stored",
    "extract_text",
    "ingest_job",
    "init_worker",
    "parse_job",
    "store_parsed",
    "summaries_of",
    "worker_pid",
]


@dataclass(frozen=True)
class Parsed:
    """A parsed feed, as a worker sends it back when the event loop still has work on it."""

    feed: ParsedFeed
    """The feed, its entries without ``content_html`` (never stored; not worth pickling)."""
    wants_full_text: tuple[bool, ...]
    """Per entry: new or changed, linked, and a teaser (or the feed always wants the page)."""
    summaries: tuple[tuple[str, ArticleSummary], ...]
    """(key, summary) of every new or changed entry that keeps the feed's own text."""
    hashes: tuple[str, ...]
    """Per entry: its content hash (the feed's own version: see ``Store.upsert_entries``)."""


@dataclass(frozen=True)
class Fetched:
    """What the fetch said about a feed's body, beside the body itself."""

    url: str
    content_type: str
    etag: str
    last_modified: str


@dataclass(frozen=True)
class StoreJob:
    """What a worker needs to store a feed itself."""

    path: Path
    feed_id: int
    full_text: str
    now: datetime
    summary: SummaryConfig | None


@dataclass(frozen=True)
class Stored:
    """A worker stored the feed: what changed, and the parser's warning."""

    result: UpsertResult
    warning: str


_write_lock: ProcessLock | None = None
"""The lock a worker takes around its store writes (see :func:`init_worker`)."""

_worker_store: Store | None = None
"""A worker process's own connection to the store (opened by its first job)."""

LOCK_TIMEOUT = 10.0
"""Seconds the event loop's store thread waits for the workers' write lock before it writes
under SQLite's own lock alone (a worker killed while holding the lock never releases it, but
its death releases SQLite's)."""


def init_worker(lock: ProcessLock) -> None:
    """Set up a worker process: workers take turns to write through ``lock`` rather than through
    SQLite's own lock, because a writer that finds SQLite's lock taken sleeps in growing steps
    (1, 2, 5, 10 ms...) and leaves its core idle, while this lock can be tried without waiting
    (see :func:`ingest_job`)."""
    global _write_lock
    _write_lock = lock


def _store_in_worker(path: Path) -> Store:
    global _worker_store
    if _worker_store is None or _worker_store.path != path:
        from multiprocessing import util

        if _worker_store is not None:
            _worker_store.close()
        _worker_store = Store(path)
        # Closed when the worker exits (a worker ends with os._exit, which skips atexit).
        util.Finalize(_worker_store, _worker_store.close, exitpriority=10)
    return _worker_store


def ingest_job(job: StoreJob, fetched: Fetched, content: bytes) -> Stored | Parsed:
    """In a worker process: parse, summarize and store a feed in one commit.

    The parsed feed goes back to the event loop, which stores it itself, when some entries want
    their article page (teasers: the loop fetches the pages), and when another process is
    writing at that moment: instead of waiting for the write lock with its core idle, the worker
    moves on to the next feed while the loop's store thread (idle once the fetches are done)
    waits for the lock and writes this one.
    """
    store = _store_in_worker(job.path)
    known = store.existing_hashes(job.feed_id)
    parsed = parse_job(
        content, fetched.url, fetched.content_type, job.now, known, job.summary, job.full_text
    )
    if any(parsed.wants_full_text):
        return parsed
    if _write_lock is not None and not _write_lock.acquire(False):
        return parsed
    try:
        result = store_parsed(
            store,
            job.feed_id,
            parsed.feed.entries,
            parsed.summaries,
            parsed.feed,
            fetched,
            job.now,
            parsed.hashes,
        )
    finally:
        if _write_lock is not None:
            _write_lock.release()
    return Stored(result, parsed.feed.warning)


@contextmanager
def _holding(lock: ProcessLock | None) -> Iterator[None]:
    """The workers' write lock, held (given up on after :data:`LOCK_TIMEOUT`); nothing for None."""
    taken = lock is not None and lock.acquire(timeout=LOCK_TIMEOUT)
    try:
        yield
    finally:
        if taken:
            assert lock is not None
            lock.release()


def store_parsed(
    store: Store,
    feed_id: int,
    entries: Sequence[Entry],
    summaries: Sequence[tuple[str, ArticleSummary]],
    meta: ParsedFeed,
    fetched: Fetched,
    now: datetime,
    hashes: Sequence[str] | None = None,
    lock: ProcessLock | None = None,
) -> UpsertResult:
    """A feed's articles, their summaries and the fetch's outcome, in one commit (taking the
    workers' write ``lock`` first, when the caller is not one of them)."""
    with _holding(lock), store.transaction():
        stored = store.upsert_entries(feed_id, entries, now=now, hashes=hashes, index_at_least=None)
        if summaries:
            store.put_summaries(summaries)
        store.record_fetch(
            feed_id,
            when=now,
            error="",
            etag=fetched.etag,
            last_modified=fetched.last_modified,
            title=meta.title or None,
            site_url=meta.link or None,
            language=meta.language or None,
        )
    return stored


def parse_job(
    content: bytes,
    url: str,
    content_type: str,
    now: datetime,
    known: dict[str, str],
    summary: SummaryConfig | None,
    full_text: str,
) -> Parsed:
    """Parse a feed, flag teasers, summarize new and changed entries (pure CPU work).

    ``known`` maps the stored articles' keys to their content hashes, so unchanged entries cost
    nothing more than parsing.
    """
    from digest.parse import parse_feed
    from digest.teaser import is_teaser

    parsed = parse_feed(content, url=url, content_type=content_type, now=now)
    entries = tuple(replace(e, content_html="") for e in parsed.entries)
    # New or changed entries (by the feed's own version: see upsert_entries' ``hashes``).
    hashes = tuple(content_hash(e) for e in entries)
    changed = [known.get(article_key(e)) != h for e, h in zip(entries, hashes, strict=True)]
    wants = tuple(
        bool(e.link)
        and is_changed
        and (full_text == "always" or (full_text == "auto" and is_teaser(e.text, e.summary)))
        for e, is_changed in zip(entries, changed, strict=True)
    )
    fresh = [
        e for e, w, is_changed in zip(entries, wants, changed, strict=True) if is_changed and not w
    ]
    summaries = summaries_of(fresh, summary) if summary is not None and fresh else []
    return Parsed(replace(parsed, entries=entries), wants, tuple(summaries), hashes)


def summaries_of(
    entries: Sequence[Entry], settings: SummaryConfig
) -> list[tuple[str, ArticleSummary]]:
    """(key, summary) for each entry (pure CPU work)."""
    from digest.summaries import compute_summary, summary_key

    out: dict[str, ArticleSummary] = {}
    for e in entries:
        key = summary_key(e, settings)
        if key in out:
            continue
        out[key] = compute_summary(e, settings)
    return list(out.items())


def extract_text(page: FetchResult) -> str:
    """The article text of a fetched page, or "" when none can be found."""
    from digest.extract import extract_article

    try:
        return extract_article(page.content, url=page.url).text
    except ExtractError:
        return ""


def worker_pid() -> int:
    """A no-op job that makes the pool start a worker (see digest.refresh)."""
    return os.getpid()
