"""Article text extraction: the HTML of a web page in, its main text and metadata out.

This is where a fetched or saved page becomes readable text, using trafilatura with settings chosen
by measurement on the article-extraction benchmark (``bench/extract.py``, ``docs/bench-extract.md``):
a precise pass (``favor_precision``) that falls back to a broader pass when the precise one keeps
too few of its words, then a post-filter that drops a headline repeated as the first line of
the body. It is pure: it never fetches anything (no ``trafilatura.fetch_url``), never touches the
disk or the clock, and every string it returns is cleaned with :mod:`digest.textclean`. Whether a
feed's own content is only a teaser is :mod:`digest.teaser`'s question (re-exported here).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from trafilatura import bare_extraction, extract_metadata
from trafilatura.settings import Document
from trafilatura.utils import load_html

from digest.errors import ExtractError
from digest.models import Entry
from digest.parse import decode_mixed
from digest.teaser import is_teaser, word_key
from digest.textclean import clean_line, clean_text, strip_controls

__all__ = [
    "FALLBACK_RATIO",
    "ExtractedPage",
    "ExtractError",
    "decode_page",
    "extract_article",
    "is_teaser",
]

FALLBACK_RATIO = 0.55
"""Use the broad pass when the precise pass keeps less than this share of its words (measured)."""

MIN_WORDS = 5
"""Fewer words than this is a page of links and buttons, not an article."""

_PRECISE: dict[str, Any] = {"fast": True, "favor_precision": True, "include_comments": False}
_BROAD: dict[str, Any] = {"fast": True, "include_comments": False}


@dataclass(frozen=True)
class ExtractedPage:
    """The readable part of one web page."""

    title: str
    text: str
    """The article's main text, paragraphs separated by newlines, without the headline."""
    author: str = ""
    published: datetime | None = None
    """Publication time, timezone-aware UTC (midnight UTC when only the day is known)."""
    site_name: str = ""
    language: str = ""
    """Primary language subtag declared by the page (``en``, ``pt``), lowercase, or empty."""
    url: str = ""
    """The page's canonical http(s) address, else the address it was given, else empty."""


def page_entry(page: ExtractedPage, *, link: str = "", page_key: str = "") -> Entry:
    """An extracted page as one article (``link`` overrides the page's own address)."""
    return Entry(
        title=page.title,
        link=link or page.url,
        author=page.author,
        published=page.published,
        text=page.text,
        language=page.language,
        source=page.site_name,
        page_key=page_key,
    )


# --- decoding ----------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)


def _codec(label: str) -> str | None:
    """Python's name for a declared charset, or None when unknown or not ASCII-compatible."""
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    if name.startswith(("utf-16", "utf-32")):
        return "utf-8"  # a page that parsed as ASCII cannot really be UTF-16: browsers do the same
    if name in {"latin-1", "iso8859-1", "ascii"}:
        return "cp1252"  # what browsers use for both labels
    return name


def decode_page(content: bytes, declared: str = "") -> str:
    """Decode page bytes honestly: BOM, else declared charset, else UTF-8 where valid and
    Windows-1252 byte by byte elsewhere (a page mixing the two reads right in both parts).

    Args:
        content: the raw bytes of a page.
        declared: a charset named outside the bytes (an HTTP header), tried before the page's
            own ``<meta charset>``.

    Never raises.
    """
    for bom, bom_encoding in _BOMS:
        if content.startswith(bom):
            return content[len(bom) :].decode(bom_encoding, errors="replace")
    labels = [declared] if declared else []
    labels += [m.group(1).decode("ascii") for m in _META_CHARSET.finditer(content[:4096])][:1]
    for label in labels:
        encoding = _codec(label)
        if encoding is None:
            continue
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return decode_mixed(content)


# --- extraction --------------------------------------------------------------------------------

_WORDS = re.compile(r"\w+")


def _count_words(text: str) -> int:
    return len(_WORDS.findall(text))


def _drop_repeated_headline(text: str, title: str) -> str:
    """Drop the first line when it is the headline (or the headline minus a site suffix)."""
    first, _, rest = text.partition("\n")
    line, head = word_key(first), word_key(title)
    if line and head and (line == head or (len(line) > 10 and head.startswith(line))):
        return rest
    return text


_BINARY = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def _looks_binary(page: str) -> bool:
    """Whether decoded bytes are not text at all: NULs or many control characters."""
    sample = page[:8192]
    return "\x00" in sample or len(_BINARY.findall(sample)) > len(sample) // 20


def _parse(page: str) -> Any:
    """The lxml tree of a page, accepting bare fragments that trafilatura alone would refuse."""
    tree = load_html(page)
    if tree is None and page.strip():
        tree = load_html(f"<html><body><div>{page}</div></body></html>")
    return tree


def _http(url: str | None) -> str:
    url = clean_line(url)
    return url if url.lower().startswith(("http://", "https://")) else ""


_PUBLISHED_META = (
    "//meta[@property='article:published_time' or @name='article:published_time'"
    " or @itemprop='datePublished' or @name='pubdate' or @name='publishdate'"
    " or @name='dc.date.issued' or @name='DC.date.issued' or @property='og:published_time']"
    "/@content"
)


def _to_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _published(tree: Any, day: str | None) -> datetime | None:
    """The publication time: trafilatura's day, refined by a full timestamp the page declares."""
    if not day:
        return None
    try:
        found = date.fromisoformat(day[:10])
    except ValueError:
        return None
    for value in tree.xpath(_PUBLISHED_META):
        try:
            stamp = datetime.fromisoformat(str(value).strip())
        except ValueError:
            continue
        if stamp.date() == found:
            return _to_utc(stamp)
    return datetime.combine(found, time(0, 0), tzinfo=UTC)


_LANG_META = (
    "//meta[@http-equiv='content-language' or @http-equiv='Content-Language'"
    " or @property='og:locale' or @name='language']/@content"
)
_LANG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")


def _language(tree: Any) -> str:
    root = tree.getroottree().getroot()
    candidates = [root.get("lang") or "", root.get("xml:lang") or ""]
    candidates += [str(value) for value in tree.xpath(_LANG_META)]
    for candidate in candidates:
        match = _LANG.match(candidate.strip().split(",")[0].strip())
        if match:
            return match.group(1).lower()
    return ""


def _body(tree: Any, url: str | None, **options: Any) -> str:
    document = bare_extraction(tree, url=url, **options)
    return (document.text or "") if isinstance(document, Document) else ""


def extract_article(html: bytes | str, *, url: str = "") -> ExtractedPage:
    """Extract the main text and metadata of an article page.

    Args:
        html: the page, as bytes (decoded with :func:`decode_page`) or as text.
        url: where the page came from, used when the page does not name its canonical address.

    Raises:
        ExtractError: the page holds no article text (empty, not HTML, or nothing but chrome).
    """
    page = decode_page(html) if isinstance(html, bytes) else html
    if not page.strip():
        raise ExtractError("the page is empty")
    if _looks_binary(page):
        raise ExtractError("the page is not text: it holds binary data")
    page = strip_controls(page)  # no escape sequence may survive as '[31m' once ESC is dropped
    tree = _parse(page)
    if tree is None:
        raise ExtractError("the page is not readable HTML")
    base = _http(url) or None
    precise = _body(tree, base, **_PRECISE)
    broad = _body(tree, base, **_BROAD)
    text = precise if _count_words(precise) >= FALLBACK_RATIO * _count_words(broad) else broad
    meta = extract_metadata(tree, default_url=base)  # reads the tree, never changes it
    title = clean_line(meta.title)
    text = clean_text(_drop_repeated_headline(clean_text(text), title))
    if _count_words(text) < MIN_WORDS:
        raise ExtractError("no article text could be found in the page")
    return ExtractedPage(
        title=title,
        text=text,
        author=clean_line(meta.author),
        published=_published(tree, meta.date),
        site_name=clean_line(meta.sitename),
        language=_language(tree),
        url=_http(meta.url) or _http(url),
    )
