"""The app's side of the store: the reads its workers make, and the one writer for marks.

Everything here is synchronous and blocking; it is called only from worker threads, never from
the event loop. Each thread gets its own :class:`Store` connection (the store allows one per
thread). Writes (marks, settings) go through :class:`Writer`, one thread that applies them in
the order they were made, so pressing ``N`` twice can never land as "unread, then read". It never
imports Textual and never renders anything.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from digest.config import SummaryConfig
from digest.models import Article, ArticleSummary, Feed
from digest.store import DB_NAME, ArticleQuery, Store
from tui.model import (
    ALL_SOURCE,
    TODAY,
    Counts,
    Source,
    StoryCard,
    StoryPage,
    first_sentence,
    hides_related,
    source_query,
)

RELATED_SCAN_LIMIT = 2000
"""Articles of one saved-pages feed looked at to find a lead's related stories."""


@dataclass(frozen=True)
class SourcesData:
    feeds: tuple[Feed, ...]
    counts: Counts


@dataclass(frozen=True)
class ReaderData:
    """Everything the Reader pane shows for one article."""

    article: Article
    summary: ArticleSummary
    paragraphs: tuple[tuple[str, ...], ...]
    related: tuple[StoryCard, ...]


class Library:
    """Reads for the app's workers, one store connection per thread."""

    def __init__(self, home: Path, summary: SummaryConfig) -> None:
        self.path = home / DB_NAME
        self.summary_settings = summary
        self._local = threading.local()
        self._stores: list[Store] = []
        self._lock = threading.Lock()

    def store(self) -> Store:
        """This thread's connection (opened on first use)."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.path)
            self._local.store = store
            with self._lock:
                self._stores.append(store)
        return store

    def close(self) -> None:
        """Close the connections that can be closed from this thread (once no worker runs).

        A sqlite connection belongs to the thread that opened it; the workers' ones close when
        their threads end.
        """
        with self._lock:
            stores, self._stores = self._stores, []
        for store in stores:
            try:
                store.close()
            except Exception:  # noqa: BLE001 - another thread's connection; closing is best effort
                pass

    # -- sources --------------------------------------------------------------------------------

    def sources(self, now: datetime) -> SourcesData:
        store = self.store()
        feeds = tuple(store.feeds())
        counts = Counts(
            today=store.count(ArticleQuery(since=now - TODAY, unread=True)),
            all=sum(f.unread for f in feeds),
            unread=sum(f.unread for f in feeds),
            starred=store.count(ArticleQuery(starred=True)),
        )
        return SourcesData(feeds, counts)

    # -- stories --------------------------------------------------------------------------------

    def stories(
        self, source: Source, now: datetime, offset: int = 0, limit: int = 200
    ) -> StoryPage:
        """A page of story cards for ``source``; Today falls back to the most recent stories."""
        if source.kind == "search":
            return self.search(source)
        store = self.store()
        query = source_query(source, now, offset, limit)
        articles = store.articles(query)
        note = ""
        fallback = False
        if source.key == "today" and offset == 0 and not articles:
            query = source_query(ALL_SOURCE, now, 0, limit)
            articles = store.articles(query)
            if articles:
                note = "Nothing arrived in the last 24 hours: showing the most recent stories."
                fallback = True
                source = ALL_SOURCE  # so that further pages continue the same list
        total = store.count(replace(query, limit=-1, offset=0)) if offset == 0 else 0
        cards = self.cards(articles, fold_related=hides_related(source))
        return StoryPage(
            source=source,
            cards=tuple(cards),
            offset=offset,
            next_offset=offset + len(articles),
            exhausted=len(articles) < limit,
            total=total,
            note=note,
            fallback=fallback,
        )

    def newer(self, source: Source, now: datetime, since: datetime | None) -> list[StoryCard]:
        """Cards for ``source`` at or after ``since`` (the caller drops the ones it already has)."""
        if source.kind == "search":
            return []
        query = replace(source_query(source, now, 0, 500), since=since)
        if source.key == "today" and since is not None:
            query = replace(query, since=max(since, now - TODAY))
        return self.cards(self.store().articles(query), fold_related=hides_related(source))

    def search(self, source: Source, limit: int = 200) -> StoryPage:
        articles = self.store().search(source.query, limit=limit)
        cards = self.cards(articles, fold_related=False)
        note = "" if cards else f"No stories match “{source.query}”."
        return StoryPage(source, tuple(cards), 0, len(cards), True, len(cards), note)

    def cards(self, articles: Sequence[Article], *, fold_related: bool) -> list[StoryCard]:
        """Cards for articles; related stories are attached to their lead.

        With ``fold_related``, a related story whose lead is among ``articles`` gets no card of its
        own (it is listed under the lead); one whose lead is elsewhere keeps its card.
        """
        store = self.store()
        page_feeds = {a.feed_id for a in articles if is_saved_page(a)}
        related: dict[int, list[Article]] = {}
        scanned: set[int] = set()
        for article in articles:
            if article.feed_id in page_feeds and article.feed_id not in scanned:
                scanned.add(article.feed_id)
                for other in store.articles(
                    ArticleQuery(feed_ids=(article.feed_id,), limit=RELATED_SCAN_LIMIT)
                ):
                    if other.related_to is not None:
                        related.setdefault(other.related_to, []).append(other)
        cards: list[StoryCard] = []
        listed = {a.id for a in articles}
        for article in articles:
            if fold_related and article.related_to in listed:
                continue  # shown under its lead, which is in the same list
            items = sorted(related.get(article.id, ()), key=lambda a: a.id)
            cards.append(card_for(article, tuple(items)))
        return cards

    def summarized(self, cards: Sequence[StoryCard]) -> list[StoryCard]:
        """The cards with teasers and reading times from their summaries (computed if missing)."""
        from digest.summaries import article_summary

        store = self.store()
        out: list[StoryCard] = []
        for card in cards:
            summary = article_summary(store, card.article, self.summary_settings)
            teaser = summary.sentences[0][1] if summary.sentences else card.teaser
            out.append(replace(card, teaser=teaser, reading_minutes=summary.reading_minutes))
        return out

    # -- the reader -----------------------------------------------------------------------------

    def reader(self, article_id: int) -> ReaderData | None:
        from digest.sentences import split_paragraphs
        from digest.summaries import article_summary

        store = self.store()
        article = store.article(article_id)
        if article is None:
            return None
        summary = article_summary(store, article, self.summary_settings)
        paragraphs = tuple(tuple(p) for p in split_paragraphs(article.text or article.summary))
        related = store.related(article.id) if is_saved_page(article) else []
        cards = tuple(self.summarized([card_for(a, ()) for a in related]))
        return ReaderData(article, summary, paragraphs, cards)

    def feed(self, feed_id: int) -> Feed | None:
        return self.store().feed(feed_id)


def is_saved_page(article: Article) -> bool:
    """Whether an article came from a saved page (only those have related stories today)."""
    return article.key.startswith("page:")


def card_for(article: Article, related: tuple[Article, ...]) -> StoryCard:
    from digest.summarize import reading_minutes

    text = article.text or article.summary
    return StoryCard(
        article=article,
        teaser=first_sentence(text),
        reading_minutes=reading_minutes(text),
        related=related,
    )


class Writer:
    """One thread that writes marks and settings in the order they were asked for."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="digest-writer")
        self._store: Store | None = None

    def _run(self, job: Callable[[Store], object]) -> object:
        if self._store is None:
            self._store = Store(self.path)
        return job(self._store)

    def submit(self, job: Callable[[Store], object]) -> Future[object]:
        return self._pool.submit(self._run, job)

    def flush(self) -> None:
        """Wait until every write asked for so far is done."""
        try:
            self._pool.submit(lambda: None).result()
        except RuntimeError:  # already closed: nothing is pending
            return

    def close(self) -> None:
        """Finish every pending write, then close the connection (blocks until done)."""
        try:
            self._pool.submit(self._close_store).result()
        except RuntimeError:  # already shut down
            return
        self._pool.shutdown(wait=True)

    def _close_store(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
