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
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from digest.config import SummaryConfig
from digest.models import Article, ArticleSummary, Feed
from digest.store import DB_NAME, ArticleQuery, Store
from tui.model import (
    TODAY,
    Counts,
    Source,
    StoryCard,
    StoryPage,
    day_label,
    first_sentence,
    source_query,
)

if TYPE_CHECKING:
    from digest.cluster import Story


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
        """A page of story cards for ``source``, grouped into stories in the list's order.

        Today is a day's digest (see :meth:`digest_page`).
        """
        if source.key == "today":
            return self.digest_page(source, now, offset, limit)
        if source.kind == "search":
            return self.search(source)
        store = self.store()
        query = source_query(source, now, offset, limit)
        articles = store.articles(query)
        total = store.count(replace(query, limit=-1, offset=0)) if offset == 0 else 0
        cards = self.cards(articles)
        return StoryPage(
            source=source,
            cards=tuple(cards),
            offset=offset,
            next_offset=offset + len(articles),
            exhausted=len(articles) < limit,
            total=total,
        )

    def digest_page(
        self, source: Source, now: datetime, offset: int = 0, limit: int = 200
    ) -> StoryPage:
        """A page of the digest of ``source.day`` (the current local day when None), best first.

        When the current day has no stories, the most recent earlier day that has some is shown
        instead, and the page's note says so; a day picked with ``[``/``]`` may be empty.
        """
        from digest import build

        store = self.store()
        today = local_day(now)
        day = source.day or today
        listing = build.day_stories(store, day)
        note = ""
        fallback = False
        if not listing.stories and source.day is None:
            newest = latest_before(store, listing.period.start)
            if newest is not None:
                recent = local_day(newest)
                listing = build.day_stories(store, recent)
                quiet = "in the last 24 hours" if newest < now - TODAY else "today"
                note = (
                    f"Nothing arrived {quiet}: showing the most recent stories, "
                    f"the digest of {day_label(recent, today)}."
                )
                fallback = True
                day = recent
        if not listing.stories and not fallback:
            note = f"No stories on {day_label(day, today)}."
        chosen = listing.stories[offset : offset + limit]
        cards = tuple(story_card(ranked.story) for ranked in chosen)
        # A fallback keeps asking for the current day, so a refresh brings today's stories in.
        shown = replace(source, label=day_label(day, today))
        return StoryPage(
            source=shown,
            cards=cards,
            offset=offset,
            next_offset=offset + len(chosen),
            exhausted=offset + len(chosen) >= len(listing.stories),
            total=len(listing.stories),
            note=note,
            fallback=fallback,
            day=day,
        )

    def newer(self, source: Source, now: datetime, since: datetime | None) -> list[StoryCard]:
        """Cards for ``source`` at or after ``since`` (the caller drops the ones it already has).

        For Today, the stories of the day shown when it is the current day (or the current day's
        when the view fell back to an earlier one).
        """
        if source.kind == "search":
            return []
        if source.key == "today":
            if source.day is not None and source.day != local_day(now):
                return []
            return list(self.digest_page(source, now, 0, 500).cards)
        query = replace(source_query(source, now, 0, 500), since=since)
        return self.cards(self.store().articles(query))

    def search(self, source: Source, limit: int = 200) -> StoryPage:
        articles = self.store().search(source.query, limit=limit)
        cards = self.cards(articles)
        note = "" if cards else f"No stories match “{source.query}”."
        return StoryPage(source, tuple(cards), 0, len(articles), True, len(cards), note)

    def cards(self, articles: Sequence[Article]) -> list[StoryCard]:
        """Cards for articles grouped into stories (lead, related, "also in"), in list order.

        Each story shows once, under its lead; only the given articles appear in it.
        """
        from digest import build

        return [story_card(story) for story in build.stories_of(self.store(), articles)]

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

    def reader(self, article_id: int, related: Sequence[Article] = ()) -> ReaderData | None:
        """The article, its summary and text, and ``related`` (the story's other articles; a
        saved page's related stories when none are given)."""
        from digest.sentences import split_paragraphs
        from digest.summaries import article_summary

        store = self.store()
        article = store.article(article_id)
        if article is None:
            return None
        summary = article_summary(store, article, self.summary_settings)
        paragraphs = tuple(tuple(p) for p in split_paragraphs(article.text or article.summary))
        if not related and is_saved_page(article):
            related = store.related(article.id)
        cards = tuple(self.summarized([card_for(a, ()) for a in related]))
        return ReaderData(article, summary, paragraphs, cards)

    def feed(self, feed_id: int) -> Feed | None:
        return self.store().feed(feed_id)


def is_saved_page(article: Article) -> bool:
    """Whether an article came from a saved page (only those have related stories today)."""
    return article.key.startswith("page:")


def story_card(story: Story) -> StoryCard:
    """A story's card: its lead, the articles of its other entries, and where the lead's text
    also ran."""
    lead = story.lead
    return card_for(lead.article, tuple(e.article for e in story.related), lead.also_in)


def local_day(now: datetime) -> date:
    """The machine's local calendar day at ``now`` (the days digests are built for)."""
    return now.astimezone().date()


def latest_before(store: Store, before: datetime) -> datetime | None:
    """When the newest dated article before ``before`` was published, or None."""
    for article in store.articles(ArticleQuery(until=before, limit=50)):
        if article.when is not None and article.when < before:
            return article.when
    return None


def card_for(
    article: Article, related: tuple[Article, ...], also_in: tuple[str, ...] = ()
) -> StoryCard:
    from digest.summarize import reading_minutes

    text = article.text or article.summary
    return StoryCard(
        article=article,
        teaser=first_sentence(text),
        reading_minutes=reading_minutes(text),
        related=related,
        also_in=also_in,
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
