"""Refreshing: fetch every feed, parse it, fetch full text where the feed gives teasers, store it.

This is the one place that wires the fetcher (network), the parsers, extraction and the store
(disk) together: the event loop fetches, and worker processes (:mod:`digest.ingest`, one per core)
parse, summarize and store each feed. One feed's failure never stops the others: it becomes a
one-line reason on that feed and in the report, and nothing stored is touched except the feed's
``last_error``. New articles from feeds wait for the full-text index while the refresh runs,
and it adds a step of them (:data:`~digest.store.INDEX_STEP`) when it ends: that is all of a
usual refresh's, while a big one leaves the rest for the next search (which indexes what waits
first), the app (right after its refresh) or the next refreshes. Indexing is about a sixth of
a cold refresh's CPU, and a refresh is for reading. Saved-page folders and the bundled samples
are ingested here too. It never prints: progress goes to a callback the CLI or the app
supplies.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import httpx

from digest import ingest, samples
from digest.config import SummaryConfig
from digest.errors import DigestError, ParseError
from digest.fetch import Fetcher, FetchSettings, RateLimited
from digest.models import Entry, Feed, ParsedFeed
from digest.store import INDEX_STEP, Store, UpsertResult
from digest.workers import PROCESS_MIN_FEEDS, expects_bodies
from digest.workers import context as worker_context

if TYPE_CHECKING:
    from multiprocessing.synchronize import Lock as ProcessLock

PAGE_SUFFIXES = (".html", ".htm", ".txt", ".md")
SAVED_PAGES_URL = "pages:saved"
SAMPLE_PREFIX = "sample:"
MAX_PAGE_BYTES = 10 * 1024 * 1024
DEFAULT_RETRY_AFTER = 3600.0
"""Seconds to leave a feed alone after a 429 that named no Retry-After."""
MAX_RETRY_AFTER = 7 * 86400.0
"""The longest Retry-After honoured (a server asking for a month is asked again in a week)."""
MAX_FULL_TEXT_PER_FEED = 25
"""Full-text page fetches per feed per refresh, so one teaser feed cannot stall a refresh."""
STOPPED = "not refreshed: the refresh was stopped"
"""The reason given for the feeds a stopped refresh left alone (see ``refresh_feeds``'s stop)."""
STOP_POLL = 0.1
"""Seconds between two looks at a refresh's ``stop``."""


@dataclass(frozen=True)
class FeedOutcome:
    """What happened to one feed in a refresh."""

    feed: Feed
    status: str
    """'ok', 'not_modified' or 'failed'."""
    new: int = 0
    updated: int = 0
    error: str = ""
    warning: str = ""
    new_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class RefreshReport:
    """The outcome of a whole refresh."""

    outcomes: tuple[FeedOutcome, ...]

    @property
    def feeds(self) -> int:
        return len(self.outcomes)

    @property
    def new_articles(self) -> int:
        return sum(o.new for o in self.outcomes)

    @property
    def updated_articles(self) -> int:
        return sum(o.updated for o in self.outcomes)

    @property
    def not_modified(self) -> int:
        return sum(o.status == "not_modified" for o in self.outcomes)

    @property
    def failed(self) -> tuple[FeedOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "failed")

    @property
    def new_ids(self) -> tuple[int, ...]:
        return tuple(i for o in self.outcomes for i in o.new_ids)


Progress = Callable[[FeedOutcome], None]


def refresh_feeds(
    store: Store,
    feeds: Sequence[Feed],
    settings: FetchSettings | None = None,
    *,
    on_progress: Progress | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    now: datetime | None = None,
    workers: int | None = None,
    summary: SummaryConfig | None = None,
    stop: Callable[[], bool] | None = None,
) -> RefreshReport:
    """Fetch, parse and store ``feeds`` concurrently; see the module docstring.

    Args:
        store: where articles go. With worker processes and a store file, each worker stores
            the feeds it parsed (a connection of its own), unless another is writing at that
            moment; those feeds and other writes go to a thread with a connection of its own,
            so the event loop never waits on SQLite.
        feeds: the feeds to refresh; saved-page and sample pseudo-feeds are skipped.
        settings: fetch limits; defaults when None.
        on_progress: called once per feed as it finishes, in this thread.
        transport: an httpx transport for tests.
        now: the refresh's clock reading (for dates in the future and 'added').
        workers: processes that parse, summarize and store; None picks from the CPU count
            (two at most), 0 parses in threads. Fewer than ``PROCESS_MIN_FEEDS`` feeds
            always use threads.
        summary: when given, every new or changed article is summarized with these settings
            (in the same worker processes, right after parsing) and the summary stored.
        stop: looked at every tenth of a second (from the event loop's thread); once it says
            True, the fetches still waiting or running are dropped and their feeds left as they
            were (reason :data:`STOPPED`), so an app can quit without waiting for slow servers.
            A feed a worker is already storing is stored whole.
    """
    web = [f for f in feeds if f.is_web]
    now = now or datetime.now(UTC)
    if not web:
        return RefreshReport(())
    count = workers if workers is not None else min(2, os.cpu_count() or 1)
    pool = _Workers(count if len(web) >= PROCESS_MIN_FEEDS else 0, summarize=summary is not None)
    writer = _StoreThread(store, in_workers=pool.processes)
    try:
        return asyncio.run(
            _refresh(
                writer,
                web,
                settings or FetchSettings(),
                on_progress,
                transport,
                now,
                pool,
                summary,
                stop,
            )
        )
    finally:
        writer.close()
        pool.shutdown()


T = TypeVar("T")


class _Workers:
    """The refresh's worker processes (none: threads), started when the first feed body needs
    parsing, so a refresh where every feed answers 304 starts no process at all."""

    def __init__(self, count: int, *, summarize: bool = False) -> None:
        self.processes = count > 0
        self._count = count
        self._summarize = summarize
        self._pool: ProcessPoolExecutor | None = None
        self.lock: ProcessLock | None = None
        """The workers' write lock (once they are started), which the store thread takes too."""
        self._starting: asyncio.Future[ProcessPoolExecutor] | None = None

    async def executor(self) -> Executor | None:
        """The process pool, once its workers are up; None for the loop's default threads
        (also when the processes cannot be started: the refresh then parses in threads)."""
        if not self.processes:
            return None
        if self._starting is None:
            self._starting = asyncio.get_running_loop().run_in_executor(None, self._start)
        try:
            return await self._starting
        except (OSError, ValueError, RuntimeError):
            # No fork server here (e.g. no real stderr to hand it: Textual replaces it with a
            # stand-in whose fileno is -1), or a worker died at start (BrokenProcessPool).
            self.processes = False
            return None

    def _start(self) -> ProcessPoolExecutor:
        self.lock = worker_context(self._summarize).Lock()
        pool = self._pool = _worker_pool(self._count, summarize=self._summarize, lock=self.lock)
        # A fork-server pool spawns a worker whenever a job finds none idle, and the first spawn
        # waits while the server imports the parsers: one no-op job per worker, here on a
        # thread, starts them all while the event loop goes on fetching.
        for started in [pool.submit(ingest.worker_pid) for _ in range(self._count)]:
            started.result()
        return pool

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _worker_pool(
    count: int, *, summarize: bool = False, lock: ProcessLock | None = None
) -> ProcessPoolExecutor:
    """Worker processes for parsing, summarizing and storing feeds.

    They come from a fork server (a fresh process that has imported the parsing modules once),
    not from a fork of this process: a worker opens the store itself, and SQLite must never be
    used in a child forked from a process holding a connection to the same file. The fork server
    also keeps the caller's threads (an app's, the HTTP client's) out of the workers.
    """
    context = worker_context(summarize)
    return ProcessPoolExecutor(
        max_workers=count,
        mp_context=context,
        initializer=ingest.init_worker,
        initargs=(lock or context.Lock(),),
    )


class _StoreThread:
    """All of a refresh's store work on one thread with its own connection (files only).

    ``path`` is set when worker processes may write to the store themselves: a file store
    refreshed with a process pool.
    """

    def __init__(self, store: Store, *, in_workers: bool = False) -> None:
        self._main = store
        self.path = store.path if in_workers and isinstance(store.path, Path) else None
        self._local: Store | None = None
        self._thread = (
            ThreadPoolExecutor(1, thread_name_prefix="digest-store")
            if isinstance(store.path, Path)
            else None
        )

    def _store(self) -> Store:
        if self._thread is None:
            return self._main
        if self._local is None:
            assert isinstance(self._main.path, Path)
            self._local = Store(self._main.path)
        return self._local

    async def run(self, work: Callable[[Store], T]) -> T:
        if self._thread is None:
            return work(self._main)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, lambda: work(self._store()))

    def close(self) -> None:
        if self._thread is None:
            return

        def close_local() -> None:
            if self._local is not None:
                self._local.close()
                self._local = None

        self._thread.submit(close_local).result()
        self._thread.shutdown(wait=True)


async def _refresh(
    writer: _StoreThread,
    feeds: Sequence[Feed],
    settings: FetchSettings,
    on_progress: Progress | None,
    transport: httpx.AsyncBaseTransport | None,
    now: datetime,
    pool: _Workers,
    summary: SummaryConfig | None,
    stop: Callable[[], bool] | None,
) -> RefreshReport:
    unchanged: list[tuple[int, str, str]] = []
    if expects_bodies(feeds):
        # A feed without validators answers with a body: start the workers now, beside the
        # first fetches, rather than when that body arrives.
        early: asyncio.Task[Executor | None] | None = asyncio.ensure_future(pool.executor())
    else:
        early = None
    async with Fetcher(settings, transport=transport) as fetcher:
        tasks = [
            asyncio.create_task(
                _unless_stopped(feed, _one(writer, feed, fetcher, now, pool, summary, unchanged))
            )
            for feed in feeds
        ]
        watch = asyncio.create_task(_watch(stop, tasks)) if stop is not None else None
        outcomes: list[FeedOutcome] = []
        for next_done in asyncio.as_completed(tasks):
            outcome = await next_done
            outcomes.append(outcome)
            if on_progress is not None:
                on_progress(outcome)
        if watch is not None:
            watch.cancel()
    if early is not None:
        await early
    try:
        if unchanged:
            # One commit for every feed that answered 304 (it only notes when each was fetched).
            await writer.run(lambda s: s.record_not_modified(unchanged, when=now))
        # A usual refresh's few new articles (a step's worth) join the index now; a bigger
        # one's rest wait for a search, the app or the next refreshes, a step each.
        await writer.run(lambda s: s.index_pending(limit=INDEX_STEP))
    except DigestError:
        pass  # neither loses anything: validators stay as they were, a search indexes the rest
    order = {feed.id: i for i, feed in enumerate(feeds)}
    outcomes.sort(key=lambda o: order[o.feed.id])
    return RefreshReport(tuple(outcomes))


async def _watch(stop: Callable[[], bool], tasks: Sequence[asyncio.Task[FeedOutcome]]) -> None:
    """Cancel every feed's task still running once ``stop`` says so."""
    while not all(task.done() for task in tasks):
        if stop():
            for task in tasks:
                task.cancel()
            return
        await asyncio.sleep(STOP_POLL)


async def _unless_stopped(feed: Feed, work: Awaitable[FeedOutcome]) -> FeedOutcome:
    """A feed's outcome, or :data:`STOPPED` when the refresh was stopped before it was done
    (nothing about the feed is written then: its validators stay, the next refresh fetches it)."""
    try:
        return await work
    except asyncio.CancelledError:
        return FeedOutcome(feed, "failed", error=STOPPED)


async def _one(
    writer: _StoreThread,
    feed: Feed,
    fetcher: Fetcher,
    now: datetime,
    workers: _Workers,
    summary: SummaryConfig | None,
    unchanged: list[tuple[int, str, str]],
) -> FeedOutcome:
    loop = asyncio.get_running_loop()
    if feed.retry_until is not None and feed.retry_until > now:
        until = feed.retry_until.astimezone().strftime("%H:%M")
        return FeedOutcome(feed, "failed", error=f"rate limited by the server until {until}")
    try:
        result = await fetcher.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        if result.not_modified:
            unchanged.append((feed.id, result.etag, result.last_modified))
            return FeedOutcome(feed, "not_modified")
        fetched = ingest.Fetched(result.url, result.content_type, result.etag, result.last_modified)
        pool = await workers.executor()
        if writer.path is not None and pool is not None:
            job = ingest.StoreJob(writer.path, feed.id, feed.full_text, now, summary)
            done = await loop.run_in_executor(pool, ingest.ingest_job, job, fetched, result.content)
            if isinstance(done, ingest.Stored):
                return FeedOutcome(
                    feed,
                    "ok",
                    len(done.result.new),
                    len(done.result.updated),
                    warning=done.warning,
                    new_ids=done.result.new,
                )
            parsed = done
        else:
            known = await writer.run(lambda s: s.existing_hashes(feed.id))
            parsed = await loop.run_in_executor(
                pool,
                ingest.parse_job,
                result.content,
                result.url,
                result.content_type,
                now,
                known,
                summary,
                feed.full_text,
            )
        entries = list(parsed.feed.entries)
        summaries = list(parsed.summaries)
        wanted = [i for i, wants in enumerate(parsed.wants_full_text) if wants]
        # Stored with each article: the feed's own version, not the page's text that may replace
        # it (a teaser's), so an unchanged teaser is not taken for an edit next time.
        hashes = parsed.hashes
        if wanted:
            await _with_full_text(entries, wanted[:MAX_FULL_TEXT_PER_FEED], fetcher, pool)
            if summary is not None:
                texts = [entries[i] for i in wanted]
                extra = await loop.run_in_executor(pool, ingest.summaries_of, texts, summary)
                summaries.extend(extra)
        meta = parsed.feed

        def store_feed(s: Store) -> UpsertResult:
            return ingest.store_parsed(
                s, feed.id, entries, summaries, meta, fetched, now, hashes, lock=workers.lock
            )

        stored = await writer.run(store_feed)
        return FeedOutcome(
            feed,
            "ok",
            len(stored.new),
            len(stored.updated),
            warning=meta.warning,
            new_ids=stored.new,
        )
    except (DigestError, OSError) as exc:
        reason = _reason(exc)
        retry: datetime | None = None
        if isinstance(exc, RateLimited):
            wait = exc.retry_after if exc.retry_after is not None else DEFAULT_RETRY_AFTER
            retry = now + timedelta(seconds=min(max(wait, 0.0), MAX_RETRY_AFTER))
        try:
            await writer.run(
                lambda s: s.record_fetch(feed.id, when=now, error=reason, retry_until=retry)
            )
        except DigestError:
            pass
        return FeedOutcome(feed, "failed", error=reason)


async def summarize_entries(
    store: Store, entries: Sequence[Entry], settings: SummaryConfig, pool: Executor | None
) -> int:
    """Summarize the entries that have no stored summary yet, in ``pool``; store the results."""
    from digest.summaries import summary_key

    keys = [summary_key(e, settings) for e in entries]
    have = store.summary_keys(keys)
    todo = [e for key, e in zip(keys, entries, strict=True) if key not in have]
    if not todo:
        return 0
    loop = asyncio.get_running_loop()
    results = await loop.run_in_executor(pool, ingest.summaries_of, todo, settings)
    store.put_summaries(results)
    return len(results)


async def _with_full_text(
    entries: list[Entry], wanted: Sequence[int], fetcher: Fetcher, pool: Executor | None
) -> None:
    """Replace, in place, the teaser text of ``entries[i]`` for i in ``wanted`` by the text
    extracted from the article's page; an entry whose page cannot be had keeps its own text."""
    loop = asyncio.get_running_loop()

    async def full(entry: Entry) -> Entry:
        try:
            page = await fetcher.fetch(entry.link)
            extracted = await loop.run_in_executor(pool, ingest.extract_text, page)
        except DigestError:
            return entry
        if len(extracted) <= len(entry.text):
            return entry
        return replace(entry, text=extracted, summary=entry.summary or entry.text)

    done = await asyncio.gather(*(full(entries[i]) for i in wanted))
    for i, entry in zip(wanted, done, strict=True):
        entries[i] = entry


def _reason(exc: BaseException) -> str:
    if isinstance(exc, DigestError):
        text = str(exc)
    elif isinstance(exc, OSError):
        text = exc.strerror or str(exc)
    else:
        text = str(exc)
    return " ".join(text.split()) or type(exc).__name__


# -- saved pages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PageOutcome:
    """What adding one saved page did."""

    path: Path
    new: int = 0
    updated: int = 0
    error: str = ""
    titles: tuple[str, ...] = ()


def page_files(paths: Iterable[Path]) -> list[Path]:
    """Files to ingest from files and folders (folders: every page file below, sorted)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES
                )
            )
        else:
            found.append(path)
    return found


def ingest_pages(
    store: Store,
    paths: Iterable[Path],
    *,
    feed_url: str = SAVED_PAGES_URL,
    feed_title: str = "Saved pages",
    now: datetime | None = None,
    summary: SummaryConfig | None = None,
) -> list[PageOutcome]:
    """Store saved pages (files or folders) under the pseudo-feed ``feed_url``.

    Each file's identity is its absolute path, so adding a page twice updates it instead of
    duplicating it.
    """
    now = now or datetime.now(UTC)
    feed = store.feed_by_url(feed_url) or store.add_feed(feed_url, title=feed_title, kind="pages")
    outcomes: list[PageOutcome] = []
    for path in page_files(paths):
        try:
            parsed = read_page_file(path, now=now)
        except (DigestError, OSError) as exc:
            outcomes.append(PageOutcome(path, error=_reason(exc)))
            continue
        stored = store.upsert_entries(feed.id, parsed.entries, now=now)
        if summary is not None:
            asyncio.run(summarize_entries(store, parsed.entries, summary, None))
        outcomes.append(
            PageOutcome(
                path,
                len(stored.new),
                len(stored.updated),
                titles=tuple(e.title for e in parsed.entries),
            )
        )
    store.record_fetch(
        feed.id, when=now, error="; ".join(f"{o.path.name}: {o.error}" for o in outcomes if o.error)
    )
    return outcomes


def read_page_file(path: Path, *, now: datetime | None = None) -> ParsedFeed:
    """Read one saved page from disk (size-capped) into entries."""
    if path.suffix.lower() not in PAGE_SUFFIXES:
        raise ParseError(
            f"unsupported file type {path.suffix or '(none)'}: Digest reads .html, .htm, .txt and .md"
        )
    with path.open("rb") as handle:
        content = handle.read(MAX_PAGE_BYTES + 1)
    if len(content) > MAX_PAGE_BYTES:
        raise ParseError(f"{path.name} is larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB")
    resolved = path.resolve()
    from digest.pages import read_saved_page

    return read_saved_page(content, name=path.name, key_base=str(resolved), now=now)


def ingest_folders(
    store: Store,
    folders: Iterable[Path],
    *,
    now: datetime | None = None,
    summary: SummaryConfig | None = None,
) -> list[PageOutcome]:
    """Ingest each configured saved-page folder into its own pseudo-feed."""
    outcomes: list[PageOutcome] = []
    for folder in folders:
        resolved = folder.expanduser().resolve()
        url = "folder:" + str(resolved)
        if not resolved.is_dir():
            feed = store.feed_by_url(url) or store.add_feed(url, title=resolved.name, kind="pages")
            reason = f"saved-page folder {resolved} does not exist"
            store.record_fetch(feed.id, when=now or datetime.now(UTC), error=reason)
            outcomes.append(PageOutcome(resolved, error=reason))
            continue
        outcomes.extend(
            ingest_pages(
                store,
                [resolved],
                feed_url=url,
                feed_title=resolved.name or str(resolved),
                now=now,
                summary=summary,
            )
        )
    return outcomes


# -- bundled samples -----------------------------------------------------------------------


def load_samples(
    store: Store, *, now: datetime | None = None, summary: SummaryConfig | None = None
) -> int:
    """Store the bundled sample feeds and pages, dated so the newest is ``now``.

    Returns the number of new articles. Loading twice adds nothing.
    """
    from digest.parse import parse_feed

    now = now or datetime.now(UTC)
    parsed: list[tuple[str, ParsedFeed]] = []
    for item in samples.feed_files():
        parsed.append(
            (item.name, parse_feed(item.read_bytes(), url="", now=now + timedelta(days=3650)))
        )
    dates = [e.published for _, p in parsed for e in p.entries if e.published is not None]
    shift = (now - max(dates)) if dates else timedelta(0)
    new = 0
    for name, feed_parsed in parsed:
        feed = store.add_feed(
            SAMPLE_PREFIX + name,
            title=feed_parsed.title,
            kind="sample",
            folder="Samples",
            site_url=feed_parsed.link,
        )
        entries = [_shifted(e, shift) for e in feed_parsed.entries]
        new += len(store.upsert_entries(feed.id, entries, now=now).new)
        store.record_fetch(feed.id, when=now, title=feed_parsed.title)
        if summary is not None:
            asyncio.run(summarize_entries(store, entries, summary, None))
    from digest.pages import read_saved_page

    pages = store.add_feed(
        SAMPLE_PREFIX + "pages", title="Sample saved pages", kind="sample", folder="Samples"
    )
    for item in samples.page_files():
        page = read_saved_page(
            item.read_bytes(), name=item.name, key_base=SAMPLE_PREFIX + item.name, now=now
        )
        entries = [_shifted(e, shift) for e in page.entries]
        new += len(store.upsert_entries(pages.id, entries, now=now).new)
        if summary is not None:
            asyncio.run(summarize_entries(store, entries, summary, None))
    store.record_fetch(pages.id, when=now)
    return new


def _shifted(entry: Entry, shift: timedelta) -> Entry:
    return replace(
        entry,
        published=entry.published + shift if entry.published else None,
        updated=entry.updated + shift if entry.updated else None,
    )


__all__ = [
    "FeedOutcome",
    "PageOutcome",
    "RefreshReport",
    "ingest_folders",
    "ingest_pages",
    "load_samples",
    "page_files",
    "read_page_file",
    "refresh_feeds",
]
