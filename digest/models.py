"""The data Digest passes between its parts: frozen dataclasses, no behaviour beyond derivations.

Parsers build :class:`ParsedFeed`/:class:`Entry` from bytes; the fetcher returns
:class:`FetchResult`; the store returns :class:`Feed` and :class:`Article`. Nothing here does IO.
All datetimes are timezone-aware UTC. All text fields are already cleaned of control characters.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Enclosure:
    """A media file attached to an item (a podcast episode, an image)."""

    url: str
    type: str = ""
    length: int | None = None


@dataclass(frozen=True)
class Entry:
    """One item as read from a feed or a saved page, before it is stored."""

    title: str = ""
    link: str = ""
    """The article's web address; only http(s) links are kept, otherwise empty."""
    guid: str = ""
    author: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    content_html: str = ""
    """The fullest HTML content the source gave (content preferred over summary)."""
    text: str = ""
    """Plain text of the content, cleaned; what is shown, searched and summarized."""
    summary: str = ""
    """The source's own short summary/teaser as plain text, if it gave one."""
    categories: tuple[str, ...] = ()
    enclosures: tuple[Enclosure, ...] = ()
    language: str = ""
    source: str = ""
    """Name of the publication when it differs from the feed (saved pages, aggregators)."""
    related_to: int | None = None
    """For multi-story pages: index (in the same ParsedFeed) of the lead entry this one relates to."""
    page_key: str = ""
    """For saved pages: a stable identity (path + position) used instead of guid/link."""

    @property
    def key(self) -> str:
        """The article's stable identity within its feed: guid, else link, else a content hash."""
        return article_key(self)


def article_key(entry: Entry) -> str:
    """Stable identity of an entry: page key, else guid, else link, else a hash of its content."""
    if entry.page_key:
        return "page:" + entry.page_key
    if entry.guid:
        return "guid:" + entry.guid
    if entry.link:
        return "link:" + entry.link
    digest = hashlib.sha256((entry.title + "\x00" + entry.text).encode("utf-8")).hexdigest()
    return "hash:" + digest[:32]


@dataclass(frozen=True)
class ParsedFeed:
    """A whole feed (or saved page) as parsed from bytes."""

    title: str = ""
    link: str = ""
    """The site's home page, if the feed names one."""
    language: str = ""
    kind: str = ""
    """Format read: 'rss20', 'atom10', 'rss10', 'json11', 'html', 'text', 'aggregator'..."""
    entries: tuple[Entry, ...] = ()
    warning: str = ""
    """One-line note when the feed was readable but malformed (feedparser's bozo)."""


@dataclass(frozen=True)
class FetchResult:
    """The outcome of one successful HTTP fetch (a 304 is a success with no body)."""

    url: str
    """The final URL after redirects."""
    status: int
    content: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False
    elapsed: float = 0.0


@dataclass(frozen=True)
class Feed:
    """A subscription (or the pseudo-feed that holds saved pages) as stored."""

    id: int
    url: str
    title: str = ""
    site_url: str = ""
    folder: str = ""
    tags: tuple[str, ...] = ()
    full_text: str = "auto"
    kind: str = "feed"
    """'feed' for subscriptions, 'pages' for saved pages."""
    etag: str = ""
    last_modified: str = ""
    last_fetched: datetime | None = None
    last_error: str = ""
    retry_until: datetime | None = None
    """When a rate-limited feed may be fetched again (the server's Retry-After)."""
    unread: int = 0
    total: int = 0

    @property
    def is_web(self) -> bool:
        """Whether a refresh fetches it: a subscription at an http(s) address (not saved pages,
        not the bundled samples)."""
        return self.kind == "feed" and self.url.startswith(("http://", "https://"))


@dataclass(frozen=True)
class Article:
    """A stored article with its read/starred marks."""

    id: int
    feed_id: int
    key: str
    title: str = ""
    url: str = ""
    guid: str = ""
    author: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    added: datetime | None = None
    text: str = ""
    summary: str = ""
    categories: tuple[str, ...] = ()
    enclosures: tuple[Enclosure, ...] = ()
    language: str = ""
    source: str = ""
    related_to: int | None = None
    read: bool = False
    starred: bool = False
    feed_title: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def when(self) -> datetime | None:
        """The date to show and sort by: published, else updated, else when it was added."""
        return self.published or self.updated or self.added


@dataclass(frozen=True)
class ArticleSummary:
    """A stored extractive summary: sentences copied verbatim, in article order."""

    method: str
    sentences: tuple[tuple[int, str], ...]
    """(index in the article's sentence list, sentence text) pairs."""
    reading_minutes: float = 0.0
    language: str = ""
    note: str = ""
    """A one-line reason when the summary is empty or was cut short."""
