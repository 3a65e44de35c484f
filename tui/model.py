"""What the app shows, as plain data: sources, story cards, and the rules that build them.

Pure functions and frozen dataclasses only: no Textual, no store, no clock. The screens get these
from the workers (``tui.library``) and hand them down to the widgets. A :class:`StoryCard` carries
its related articles generally (today an aggregator page's related stories; later the clusters of
issue 5), so the widgets never need to know where "related" came from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from digest.models import Article, Feed
from digest.store import ArticleQuery
from digest.textclean import clean_line

PAGE_SIZE = 200
"""Stories loaded at a time; more are loaded as the cursor nears the end."""
TODAY = timedelta(hours=24)


@dataclass(frozen=True)
class Source:
    """A row of the Sources pane: a view over the store (or a heading between groups)."""

    key: str
    """Stable identity, remembered between runs: 'today', 'feed:12', 'folder:News', 'search:…'."""
    label: str
    kind: str
    """'view', 'heading', 'folder', 'tag', 'feed', 'pages' or 'search'."""
    feed_ids: tuple[int, ...] = ()
    unread: int = 0
    error: str = ""
    """The last refresh's one-line failure reason (feeds only)."""
    depth: int = 0
    query: str = ""
    """The search words, for a search source."""
    day: date | None = None
    """Today's digest only: the local day shown (None: the current day)."""

    @property
    def selectable(self) -> bool:
        return self.kind != "heading"

    @property
    def feed_based(self) -> bool:
        return self.kind in ("feed", "folder", "tag", "pages")


TODAY_SOURCE = Source("today", "Today", "view")
ALL_SOURCE = Source("all", "All stories", "view")
UNREAD_SOURCE = Source("unread", "Unread", "view")
STARRED_SOURCE = Source("starred", "Starred", "view")
VIEWS = (TODAY_SOURCE, ALL_SOURCE, UNREAD_SOURCE, STARRED_SOURCE)


def day_source(day: date | None) -> Source:
    """The Today view showing the digest of ``day`` (None: the current local day)."""
    return replace(TODAY_SOURCE, day=day)


def day_label(day: date, today: date) -> str:
    """The Stories pane's title for a day's digest: 'Today, Fri 27 Nov', 'Yesterday, …', a date."""
    shown = f"{day.strftime('%a')} {day.day} {day.strftime('%b %Y')}"
    if day == today:
        return f"Today, {shown}"
    if day == today - timedelta(days=1):
        return f"Yesterday, {shown}"
    return shown


def search_source(words: str) -> Source:
    words = clean_line(words)
    return Source(f"search:{words}", f"Search: {words}", "search", query=words)


@dataclass(frozen=True)
class Counts:
    """Unread counts of the four views."""

    today: int = 0
    all: int = 0
    unread: int = 0
    starred: int = 0


def is_page_feed(feed: Feed) -> bool:
    """Saved pages (and the sample pages) are listed apart from feeds."""
    return feed.kind == "pages" or feed.url.endswith(":pages")


def build_sources(feeds: Sequence[Feed], counts: Counts) -> list[Source]:
    """The Sources pane: views, then feeds by folder, then tags, then saved pages."""
    views = [
        replace(TODAY_SOURCE, unread=counts.today),
        replace(ALL_SOURCE, unread=counts.all),
        replace(UNREAD_SOURCE, unread=counts.unread),
        replace(STARRED_SOURCE, unread=counts.starred),
    ]
    rows: list[Source] = list(views)
    subscriptions = [f for f in feeds if not is_page_feed(f)]
    pages = [f for f in feeds if is_page_feed(f)]
    folders: dict[str, list[Feed]] = {}
    for feed in subscriptions:
        folders.setdefault(feed.folder, []).append(feed)
    if subscriptions:
        rows.append(Source("heading:feeds", "Feeds", "heading"))
    for folder in sorted(folders, key=lambda name: (name != "", name.lower())):
        members = folders[folder]
        depth = 0
        if folder:
            rows.append(
                Source(
                    f"folder:{folder}",
                    folder,
                    "folder",
                    tuple(f.id for f in members),
                    sum(f.unread for f in members),
                    error="; ".join(f.title for f in members if f.last_error)[:200],
                )
            )
            depth = 1
        rows.extend(feed_source(f, depth) for f in members)
    tags: dict[str, list[Feed]] = {}
    for feed in subscriptions:
        for tag in feed.tags:
            tags.setdefault(tag, []).append(feed)
    if tags:
        rows.append(Source("heading:tags", "Tags", "heading"))
        for tag in sorted(tags, key=str.lower):
            members = tags[tag]
            rows.append(
                Source(
                    f"tag:{tag}",
                    f"#{tag}",
                    "tag",
                    tuple(f.id for f in members),
                    sum(f.unread for f in members),
                )
            )
    if pages:
        rows.append(Source("heading:pages", "Saved pages", "heading"))
        rows.extend(replace(feed_source(f, 0), kind="pages") for f in pages)
    return rows


def feed_source(feed: Feed, depth: int = 0) -> Source:
    return Source(
        f"feed:{feed.id}",
        feed.title or feed.url,
        "feed",
        (feed.id,),
        feed.unread,
        error=clean_line(feed.last_error),
        depth=depth,
    )


def source_query(source: Source, now: datetime, offset: int, limit: int) -> ArticleQuery:
    """The store query behind a source (searches are not queries: see ``Library.search``)."""
    if source.key == "today":
        return ArticleQuery(since=now - TODAY, limit=limit, offset=offset)
    if source.key == "unread":
        return ArticleQuery(unread=True, limit=limit, offset=offset)
    if source.key == "starred":
        return ArticleQuery(starred=True, limit=limit, offset=offset)
    if source.feed_based:
        return ArticleQuery(feed_ids=source.feed_ids or (-1,), limit=limit, offset=offset)
    return ArticleQuery(limit=limit, offset=offset)


@dataclass(frozen=True)
class StoryCard:
    """One story in the Stories pane: a lead article and what relates to it."""

    article: Article
    teaser: str = ""
    """The first summary sentence (the article's first sentence until the summary is known)."""
    reading_minutes: float = 0.0
    related: tuple[Article, ...] = field(default=())
    """Other articles covering the same story, each openable from the reader."""
    also_in: tuple[str, ...] = ()
    """Other sources that carried the lead's very text (wire copies, the same article twice)."""

    @property
    def id(self) -> int:
        return self.article.id

    @property
    def related_count(self) -> int:
        return len(self.related)


@dataclass(frozen=True)
class StoryPage:
    """A page of cards for a source, as loaded by a worker."""

    source: Source
    cards: tuple[StoryCard, ...]
    offset: int
    next_offset: int
    exhausted: bool
    total: int = 0
    note: str = ""
    """Why the list is not what was asked for (e.g. nothing today: the most recent stories)."""
    fallback: bool = False
    """True when Today was empty and the page holds the most recent stories instead."""
    day: date | None = None
    """The local day of a digest page (Today and the days ``[`` and ``]`` go to)."""


_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)")


def first_sentence(text: str, limit: int = 300) -> str:
    """A quick teaser: the text up to its first sentence end (the summary's first sentence
    replaces it once known). Only the opening of ``text`` is looked at."""
    head = clean_line(text[: limit * 2])
    for match in _SENTENCE_END.finditer(head):
        if match.end() >= 20:
            return head[: match.end()][:limit]
    return head[:limit]


def safe_link(url: str | None) -> str | None:
    """``url`` if a browser may be asked to open it: http(s), a host, no controls, no leading '-'.

    Anything else (``javascript:``, ``file:``, a URL that a browser would take as an option,
    embedded spaces or control characters) gives None.
    """
    if not url:
        return None
    if url != url.strip() or url.startswith("-"):
        return None
    if any(ch.isspace() or ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in url):
        return None
    if clean_line(url) != url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if parts.hostname is None or parts.hostname.startswith("-"):
        return None
    return url


def next_unread(cards: Sequence[StoryCard], start: int | None, step: int) -> int | None:
    """Index of the next (step 1) or previous (step -1) unread card after ``start``."""
    index = (-1 if step > 0 else len(cards)) if start is None else start
    index += step
    while 0 <= index < len(cards):
        if not cards[index].article.read:
            return index
        index += step
    return None


def unread_deltas(
    sources: Sequence[Source], article: Article, delta: int, now: datetime
) -> dict[str, int]:
    """How each source's unread count changes when ``article`` becomes unread (+1) or read (-1)."""
    changes: dict[str, int] = {"all": delta, "unread": delta}
    if article.when is not None and article.when >= now - TODAY:
        changes["today"] = delta
    for source in sources:
        if source.feed_based and article.feed_id in source.feed_ids:
            changes[source.key] = delta
    return changes


def resolve_source(key: str, feeds: Sequence[Feed] | None) -> Source | None:
    """The source a remembered key names, or None when it no longer exists.

    Views and single feeds resolve without ``feeds``; folders and tags need the feed list.
    """
    for view in VIEWS:
        if view.key == key:
            return view
    kind, _, rest = key.partition(":")
    if kind == "feed" and rest.isdigit():
        feed_id = int(rest)
        if feeds is None:
            return Source(key, "", "feed", (feed_id,))
        found = next((f for f in feeds if f.id == feed_id), None)
        return feed_source(found) if found else None
    if kind in ("folder", "tag") and feeds is not None:
        members = tuple(
            f.id
            for f in feeds
            if not is_page_feed(f) and (f.folder == rest if kind == "folder" else rest in f.tags)
        )
        if members:
            return Source(key, rest if kind == "folder" else f"#{rest}", kind, members)
    return None
