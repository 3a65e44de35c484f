"""Finding a site's feeds in its HTML, and telling an HTML page from a feed.

Pure functions over bytes already fetched: :func:`discover_feeds` reads the
``<link rel="alternate" type="application/rss+xml" href="...">`` advertisements of a page (the way
browsers and feed readers find a site's feed) and :func:`looks_like_html` sniffs whether a fetched
body is a web page rather than a feed. Nothing here fetches, guesses URLs such as ``/feed``, or
trusts an address it finds: only http(s) links survive, resolved against the page's address.
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

__all__ = ["FEED_TYPES", "discover_feeds", "looks_like_html"]

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
        "application/rdf+xml",
        "application/x-rss+xml",
        "application/x-atom+xml",
    }
)
"""Link types that announce a feed (``application/json`` is JSON Feed 1.0's type)."""

_NOT_FEEDS = ("/wp-json/", "oembed")
"""WordPress announces its REST API and oEmbed as ``alternate`` ``application/json`` links."""

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_FEED_ROOTS = frozenset({"rss", "feed", "rdf:rdf", "rdf", "channel"})
_HTML_TAGS = frozenset(
    {
        "html", "head", "body", "title", "meta", "link", "script", "style", "div", "p", "span",
        "a", "table", "section", "article", "main", "header", "nav", "h1", "h2", "form", "iframe",
    }
)  # fmt: skip
_FIRST_TAG = re.compile(rb"<([a-zA-Z][a-zA-Z0-9:_-]*)")
_SKIPPABLE = re.compile(rb"\s+|<!--.*?-->|<\?.*?\?>|<!doctype[^>]*>", re.IGNORECASE | re.DOTALL)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)


class _LinkCollector(HTMLParser):
    """Collects the first ``<base href>`` and every feed-announcing ``<link>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("link", "base"):
            return
        values = {name.lower(): (value or "") for name, value in attrs}
        href = values.get("href", "").strip()
        if not href:
            return
        if tag == "base":
            if self.base is None:
                self.base = href
            return
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").split(";")[0].strip().lower()
        if ("alternate" in rels or "feed" in rels) and kind in FEED_TYPES:
            self.hrefs.append(href)


def discover_feeds(html: bytes, base_url: str) -> list[str]:
    """The feed addresses a page announces, absolute, http(s) only, deduplicated, in page order.

    Relative links are resolved against the page's ``<base href>`` (itself resolved against
    ``base_url``), else ``base_url``. Fragments are dropped.
    """
    collector = _LinkCollector()
    collector.feed(_decode(html))
    collector.close()
    base = base_url
    if collector.base is not None:
        resolved_base = _resolve(base_url, collector.base)
        if resolved_base:
            base = resolved_base
    found: list[str] = []
    for href in collector.hrefs:
        url = _resolve(base, href)
        if url and url not in found and not any(marker in url.lower() for marker in _NOT_FEEDS):
            found.append(url)
    return found


def looks_like_html(content: bytes, content_type: str = "") -> bool:
    """Whether a fetched body is a web page rather than a feed.

    The body decides (servers often send feeds as ``text/html`` and error pages as
    ``application/rss+xml``); the content type only breaks a tie, when the body's first element
    says neither. An empty body is never a page.
    """
    head = _ascii_head(content)
    if not head.strip():
        return False  # nothing to read as a page, whatever the label says
    if head.lstrip().startswith((b"{", b"[")):
        return False
    if re.match(rb"\s*<!doctype\s+html", head, re.IGNORECASE):
        return True
    position = 0
    while match := _SKIPPABLE.match(head, position):
        if match.end() == position:
            break
        position = match.end()
    first = _FIRST_TAG.match(head, position)
    if first is not None:
        name = first.group(1).decode("ascii").lower()
        if name in _FEED_ROOTS:
            return False
        if name in _HTML_TAGS:
            return True
        if head.lstrip().startswith(b"<?xml"):
            return False  # some other XML document: not a page
    return content_type.split(";")[0].strip().lower() in _HTML_TYPES


def _resolve(base: str, href: str) -> str:
    """``href`` made absolute against ``base``; empty unless it is a well-formed http(s) URL."""
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in href):
        return ""
    try:
        url, _fragment = urldefrag(urljoin(base, href.strip()))
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in url:
        return ""
    return url


def _decode(html: bytes) -> str:
    """Page bytes as text: BOM, then ``<meta charset>``, then UTF-8, then Windows-1252."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if html.startswith(bom):
            return html[len(bom) :].decode(encoding, errors="replace")
    declared = _CHARSET.search(html[:4096])
    if declared is not None and not declared.group(1).lower().startswith((b"utf-16", b"utf-32")):
        try:
            return html.decode(declared.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    try:
        return html.decode("utf-8")
    except UnicodeDecodeError:
        return html.decode("cp1252", errors="replace")


def _ascii_head(content: bytes) -> bytes:
    """The first 4 KB as ASCII-compatible bytes (UTF-16 is transcoded, a UTF-8 BOM dropped)."""
    head = content[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="ignore")
        return text.encode("ascii", errors="ignore")
    return head.removeprefix(codecs.BOM_UTF8)
