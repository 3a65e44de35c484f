"""Reading feeds: bytes in, a :class:`~digest.models.ParsedFeed` out.

RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and RDF go through feedparser (always given bytes, never a string,
which it would take for a path or a URL); JSON Feed 1.0/1.1, which feedparser does not read, is
parsed here with :mod:`json`. Every entry is normalised the same way: text fields cleaned of control
characters, links kept only when they are http(s) (resolved against the feed's URL), dates made
timezone-aware UTC (dates more than a day in the future are dropped as bogus), and the HTML content
turned into plain text. This module is pure: it never fetches (the URL only resolves relative links),
never touches the disk, and reads the clock only when ``now`` is not given. It raises
:class:`~digest.errors.ParseError` with a one-line reason when nothing usable came out, and nothing
else.

Decisions worth knowing:

* Encoding: a byte-order mark wins, then the XML declaration, then the HTTP charset, then UTF-8. A
  document that does not decode as declared is read as UTF-8, else as UTF-8 where it is valid and
  Windows-1252 byte by byte elsewhere, so a feed mixing the two reads right in both parts (with a
  warning); ``iso-8859-1``/``us-ascii`` labels are read as Windows-1252, as browsers do, so no C1
  control characters (mojibake of curly quotes) survive.
* ``content_html`` is the fullest HTML the source gave (content over summary), unsanitised: it is
  data to extract text from, never to be rendered. It is ``""`` when the source gave plain text.
  ``summary`` is the source's own teaser as text, ``""`` when it would only repeat ``text``.
* An entry without a title gets one derived from its text: the first sentence, or the first
  ~80 characters cut at a word. An entry with neither keeps ``""``.
* Entries with the same identity (guid, else link, else content: :func:`~digest.models.article_key`)
  appear once: the first is kept, later duplicates are dropped. Entries with nothing to show or
  identify them (no title, link, guid, text or enclosure) are dropped.
* Authors: the entry's own, else its Atom ``<source>``'s, else (Atom and JSON Feed only, as their
  specs say) the feed's. Several authors are joined with ", ".
"""

from __future__ import annotations

import codecs
import email.utils
import json
import re
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from digest.errors import ParseError
from digest.htmltext import html_to_text, looks_like_html
from digest.models import Enclosure, Entry, ParsedFeed, article_key
from digest.textclean import clean_line, clean_text, strip_controls

FUTURE_TOLERANCE = timedelta(days=1)
"""A date later than ``now`` plus this is bogus and dropped."""
TITLE_CHARS = 80
"""Longest title derived from an entry's text."""

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_XML_ENCODING = re.compile(
    rb"""\A\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']"""
)
_HTTP_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE)
# Labels browsers read as another encoding (WHATWG Encoding Standard).
_ENCODING_ALIASES = {
    "ascii": "cp1252",
    "latin_1": "cp1252",
    "iso8859-1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
}
_HTML_PAGE = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>])",
    re.IGNORECASE | re.DOTALL,
)
_ROOT_START = re.compile(r"<[A-Za-z_]")
_DOCTYPE_START = re.compile(r"<!DOCTYPE\s+([A-Za-z_][\w:.-]*)", re.IGNORECASE)
_SAFE_ENTITY = re.compile(
    r"""<!ENTITY\s+([A-Za-z_][\w.-]{0,40})\s+"(&#[0-9]{1,7};|&#x[0-9A-Fa-f]{1,6};|[^&%<>"]{0,16})"\s*>"""
)
_HTML_INSIDE = re.compile(r"<html[\s>]|<body[\s>]", re.IGNORECASE)
_XML_ROOT = re.compile(r"<([A-Za-z_][\w:.-]*)")
_JSON_FEED_VERSION = re.compile(r"\Ahttps?://jsonfeed\.org/version/", re.IGNORECASE)
_JSON_FEED_HINTS = ("jsonfeed.org/version", '"content_html"', '"content_text"', '"home_page_url"')
# An absolute http(s) URL that urljoin (against any base) and urlsplit give back unchanged, with a
# host: lowercase scheme, a plain host[:port], a path without ";" (urlparse's params), no fragment,
# and no "?" unless a query follows (urljoin drops an empty one). Printable ASCII only.
_PLAIN_HTTP_URL = re.compile(
    r"https?://[A-Za-z0-9._-]+(?::[0-9]*)?(?:/[!-\"$-:<->@-~]*)?(?:\?[!-\"$-~]+)?"
)
_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)")


def parse_feed(
    content: bytes, *, url: str = "", content_type: str = "", now: datetime | None = None
) -> ParsedFeed:
    """Parse a feed document (RSS, Atom, RDF or JSON Feed).

    Args:
        content: the document's bytes, as received.
        url: the URL it came from; relative links resolve against it. Never fetched.
        content_type: the HTTP Content-Type, if any (its charset is honoured after the document's).
        now: the present, to drop dates in the future; defaults to the clock.

    Raises:
        ParseError: the bytes are empty, an HTML page, broken XML/JSON, or not a feed at all.
    """
    if not content or content.isspace():
        raise ParseError("empty document")
    now = now if now is not None else datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    text, warning = decode_document(content, content_type)
    start = text.lstrip()
    if not start:
        raise ParseError("empty document")
    if start[0] in "{[":
        return _parse_json_feed(text, url=url, now=now, warning=warning)
    if _HTML_PAGE.match(start[:4096]):
        raise ParseError("not a feed: the server sent an HTML page")
    if start[0] != "<":
        raise ParseError("not a feed: the document is neither XML nor JSON")
    return _parse_xml_feed(text, url=url, now=now, warning=warning)


def decode_document(content: bytes, content_type: str = "") -> tuple[str, str]:
    """Decode an XML or JSON document to text; return ``(text, warning)``.

    The byte-order mark wins, then the XML declaration, then the HTTP charset, then UTF-8. Bytes
    that do not decode as declared are read as UTF-8, else as UTF-8 where valid and Windows-1252
    byte by byte elsewhere (which never fails), and ``warning`` says so; it is ``""`` otherwise.
    """
    declared = ""
    body = content
    for bom, name in _BOMS:
        if content.startswith(bom):
            declared = name
            break
    if not declared:
        match = _XML_ENCODING.match(content[:1024])
        if match:
            declared = match.group(1).decode("ascii")
            if (
                declared.lower().startswith(("utf-16", "utf-32", "ucs"))
                and b"<\x00" not in content[:8]
            ):
                declared = ""  # an ASCII-compatible document cannot be UTF-16/32: the label lies
    if not declared:
        charset = _HTTP_CHARSET.search(content_type or "")
        declared = charset.group(1) if charset else ""
    label = declared or "utf-8"
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        codec = ""
    codec = _ENCODING_ALIASES.get(codec, codec)
    if codec == "utf-8" and content.startswith(codecs.BOM_UTF8):
        codec = "utf-8-sig"
    if codec:
        try:
            return body.decode(codec), ""
        except UnicodeDecodeError:
            pass
    problem = (
        f"the document is not valid {clean_line(label)}"
        if codec
        else f"unknown encoding {clean_line(label)!r}"
    )
    if codec not in ("utf-8", "utf-8-sig"):
        try:
            return body.decode("utf-8-sig"), f"{problem}; read as UTF-8"
        except UnicodeDecodeError:
            pass
    # UTF-8 where it is valid, each other byte as Windows-1252: a document that mixes UTF-8 with
    # a legacy encoding (a template in one, the items pasted in from another) reads right in both
    # parts, and a legacy document reads exactly as Windows-1252 would read it.
    text = decode_mixed(body)
    try:
        legacy = body.decode("cp1252") == text
    except UnicodeDecodeError:
        legacy = False
    shown = "Windows-1252" if legacy else "UTF-8, its invalid bytes as Windows-1252"
    return text, f"{problem}; read as {shown}"


def decode_mixed(content: bytes) -> str:
    """UTF-8 where the bytes are valid UTF-8, each other byte as Windows-1252; never raises."""
    return content.removeprefix(codecs.BOM_UTF8).decode("utf-8", _BYTEWISE_CP1252)


def _cp1252_byte(error: UnicodeError) -> tuple[str, int]:
    """A decoding error handler: the first offending byte as Windows-1252 (dropped if undefined
    there, as 0x81, 0x8D, 0x8F, 0x90 and 0x9D are), then go on with the next byte."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    byte = error.object[error.start : error.start + 1]
    return byte.decode("cp1252", "ignore"), error.start + 1


_BYTEWISE_CP1252 = "digest.bytewise-cp1252"
codecs.register_error(_BYTEWISE_CP1252, _cp1252_byte)


# --- RSS, Atom, RDF (feedparser) ------------------------------------------------------------------


def _parse_xml_feed(text: str, *, url: str, now: datetime, warning: str) -> ParsedFeed:
    # No Content-Location: feedparser would also "resolve" guids ("a1" -> "https://host/a1"),
    # changing an entry's identity with the feed's URL. Links are resolved here instead.
    headers = {"content-type": "application/xml; charset=utf-8"}
    base = _http_url(url)
    try:
        parsed = feedparser.parse(
            _defuse_doctype(text).encode("utf-8", "replace"),
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # feedparser is third-party code reading hostile bytes
        raise ParseError(f"not a feed: the feed parser failed ({type(exc).__name__})") from exc
    version = str(dict.get(parsed, "version") or "")
    channel: dict[str, Any] = parsed.get("feed") or {}
    raw_entries: list[dict[str, Any]] = list(parsed.get("entries") or [])
    feed_title = _title(channel.get("title"), channel.get("title_detail"))
    if parsed.get("bozo"):
        reason = _bozo_reason(parsed.get("bozo_exception"))
        if not raw_entries and not feed_title:
            if _HTML_INSIDE.search(text[:10_000]):
                raise ParseError("not a feed: the server sent an HTML page")
            raise ParseError(f"not a feed: {reason}")
        warning = warning or f"{reason}; read leniently"
    elif not version and not raw_entries:
        raise ParseError(f"not a feed: {_root_description(text)}")

    language = _language(channel.get("language")) or _detail_language(channel.get("title_detail"))
    feed_authors = _feedparser_authors(channel) if version.startswith("atom") else ""
    entries = []
    for raw in raw_entries:
        entries.append(
            _feedparser_entry(raw, base=base, language=language, feed_authors=feed_authors, now=now)
        )
    return ParsedFeed(
        title=feed_title,
        link=_http_url(channel.get("link"), base),
        language=language,
        kind=version or "unknown",
        entries=_unique(entries),
        warning=clean_line(warning),
    )


def _defuse_doctype(text: str) -> str:
    """The document with its DOCTYPE's internal subset cut down to harmless entities.

    feedparser drops unsafe entity declarations only when each starts a line; a one-line DOCTYPE
    would reach expat whole (an entity bomb then costs a second before expat's amplification
    limit stops it, and forever with an older expat). Only entities whose value is one character
    reference or a short plain string are kept, each on a line of its own as feedparser needs;
    parameter and external entities, and the external DTD reference, are dropped.
    """
    root = _ROOT_START.search(text, 0, 100_000)
    end = root.start() if root else min(len(text), 100_000)
    doctype = _DOCTYPE_START.search(text, 0, end)
    if doctype is None or "[" not in text[doctype.start() : end]:
        return text
    subset = text[doctype.start() : end]
    entities = "".join(f'<!ENTITY {m[1]} "{m[2]}">\n' for m in _SAFE_ENTITY.finditer(subset))
    name = doctype.group(1)
    return f"{text[: doctype.start()]}\n<!DOCTYPE {name} [\n{entities}]>\n{text[end:]}"


# feedparser's dicts (FeedParserDict) map legacy key aliases in Python on every read, ~1.5 us a
# .get(). Every key read below is a canonical one, never an alias or one of its computed keys
# ("updated", "enclosures", "category", "license"), and for those plain dict.get returns the same
# value about twenty times faster: so entries are read with dict.get(item, key).


def _feedparser_entry(
    raw: dict[str, Any], *, base: str, language: str, feed_authors: str, now: datetime
) -> Entry:
    get = dict.get
    contents = [c for c in get(raw, "content") or [] if get(c, "value")]
    content = max(contents, key=lambda c: len(get(c, "value") or ""), default=None)
    summary_detail = get(raw, "summary_detail")
    summary_value = str(get(raw, "summary") or "")
    if content is not None:
        content_value = get(content, "value")
        content_html, text = _body(str(content_value or ""), str(get(content, "type") or ""))
        summary = ""
        if summary_value and summary_value != content_value:
            summary = _body(summary_value, _detail_type(summary_detail))[1]
    else:
        content_html, text = _body(summary_value, _detail_type(summary_detail))
        summary = ""
    if _same_words(summary, text):
        summary = ""

    author = (
        _feedparser_authors(raw) or _feedparser_authors(get(raw, "source") or {}) or feed_authors
    )
    published = _struct_date(get(raw, "published_parsed"), now)
    updated = _struct_date(get(raw, "updated_parsed"), now)
    categories = (get(tag, "term") or get(tag, "label") for tag in get(raw, "tags") or [])
    enclosures = []
    for link_detail in get(raw, "links") or []:
        if get(link_detail, "rel") == "enclosure":
            # feedparser gives every typeless Atom link the type text/html: not a media type.
            mime = get(link_detail, "type")
            mime = "" if mime == "text/html" else mime
            enclosure = _enclosure(get(link_detail, "href"), mime, get(link_detail, "length"), base)
            if enclosure is not None:
                enclosures.append(enclosure)
    title_detail = get(raw, "title_detail")
    entry_language = (
        _detail_language(content)
        or _detail_language(summary_detail)
        or _detail_language(title_detail)
        or language
    )
    link = get(raw, "link")
    guid = get(raw, "id")
    if get(raw, "guidislink") and link == guid:
        link = _http_url(link)  # a guid standing in for the link counts only as a full URL
    else:
        link = _http_url(link, base)
    return Entry(
        title=_title(get(raw, "title"), title_detail) or derive_title(text),
        link=link,
        guid=clean_line(_str(guid)),
        author=author,
        published=published,
        updated=updated,
        content_html=strip_controls(content_html),
        text=text,
        summary=summary,
        categories=_unique_strings(categories),
        enclosures=tuple(_unique_enclosures(enclosures)),
        language=entry_language,
    )


def _feedparser_authors(item: dict[str, Any]) -> str:
    get = dict.get
    names = [get(a, "name") for a in get(item, "authors") or [] if isinstance(a, dict)]
    if not any(names):
        detail = get(item, "author_detail")
        names = [get(detail, "name") if isinstance(detail, dict) else None]
    if not any(names):
        names = [get(item, "author")]
    return ", ".join(_unique_strings(names))


def _bozo_reason(exc: object) -> str:
    """One line saying what was wrong with the XML (feedparser's bozo exception)."""
    if exc is None:
        return "malformed feed"
    get_message = getattr(exc, "getMessage", None)
    get_line = getattr(exc, "getLineNumber", None)
    if callable(get_message) and callable(get_line):
        return f"invalid XML ({clean_line(str(get_message()))} at line {get_line()})"
    message = clean_line(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    return f"malformed feed ({message[:120]})"


def _root_description(text: str) -> str:
    body = re.sub(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", "", text[:20_000], flags=re.DOTALL)
    match = _XML_ROOT.search(body)
    if not match:
        return "no RSS, Atom or RDF element found"
    root = clean_line(match.group(1))[:40]
    if root.lower() == "opml":
        return "this is an OPML subscription list (import it instead)"
    return f"the XML root element is <{root}>, not RSS, Atom or RDF"


def _detail_type(detail: object) -> str:
    return str(dict.get(detail, "type") or "") if isinstance(detail, dict) else ""


def _detail_language(detail: object) -> str:
    return _language(dict.get(detail, "language")) if isinstance(detail, dict) else ""


def _struct_date(value: object, now: datetime) -> datetime | None:
    if not isinstance(value, time.struct_time | tuple) or len(value) < 6:
        return None
    try:
        year, month, day, hour, minute, second = (int(v) for v in value[:6])
        moment = datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None
    return _plausible(moment, now)


# --- JSON Feed ------------------------------------------------------------------------------------


def _parse_json_feed(text: str, *, url: str, now: datetime, warning: str) -> ParsedFeed:
    try:
        document = json.loads(text, strict=False)  # strict=False: raw tabs/newlines in strings
    except json.JSONDecodeError as exc:
        looks_like_json_feed = any(hint in text for hint in _JSON_FEED_HINTS)
        what = "invalid JSON Feed" if looks_like_json_feed else "not a feed: invalid JSON"
        message = clean_line(exc.msg).removesuffix(" at")
        raise ParseError(f"{what} ({message} at line {exc.lineno}, column {exc.colno})") from exc
    except (RecursionError, ValueError) as exc:
        raise ParseError("not a feed: invalid JSON (nested too deeply or malformed)") from exc
    if not isinstance(document, dict) or not _JSON_FEED_VERSION.match(
        _str(document.get("version"))
    ):
        raise ParseError("not a feed: a JSON document that is not a JSON Feed")
    version = _str(document["version"]).rstrip("/").rsplit("/", 1)[-1]
    kind = {"1": "json10", "1.0": "json10", "1.1": "json11"}.get(version, "json")
    items = document.get("items")
    if items is None:
        items = []
        warning = warning or "the JSON Feed has no 'items' list"
    if not isinstance(items, list):
        raise ParseError("invalid JSON Feed: 'items' is not a list")

    base = _http_url(url) or _http_url(document.get("feed_url"))
    language = _language(document.get("language"))
    feed_authors = _json_authors(document)
    entries = []
    skipped = 0
    for item in items:
        if not isinstance(item, dict):
            skipped += 1
            continue
        entries.append(
            _json_entry(item, base=base, language=language, feed_authors=feed_authors, now=now)
        )
    if skipped and not warning:
        warning = f"invalid JSON Feed: skipped {skipped} item(s) that are not objects"
    return ParsedFeed(
        title=_title(document.get("title")),
        link=_http_url(document.get("home_page_url"), base),
        language=language,
        kind=kind,
        entries=_unique(entries),
        warning=clean_line(warning),
    )


def _json_entry(
    item: Mapping[str, Any], *, base: str, language: str, feed_authors: str, now: datetime
) -> Entry:
    content_html = _str(item.get("content_html"))
    if content_html.strip():
        text = html_to_text(content_html)
    else:
        content_html, text = _body(_str(item.get("content_text")), "text/plain")
    summary = _body(_str(item.get("summary")), "text/plain")[1]
    if not text and summary:
        text, summary = summary, ""
    if _same_words(summary, text):
        summary = ""
    guid = item.get("id")
    link = _http_url(item.get("url"), base) or _http_url(item.get("external_url"), base)
    enclosures = []
    attachments = item.get("attachments")
    for attachment in attachments if isinstance(attachments, list) else ():
        if isinstance(attachment, Mapping):
            enclosure = _enclosure(
                attachment.get("url"),
                attachment.get("mime_type"),
                attachment.get("size_in_bytes"),
                base,
            )
            if enclosure is not None:
                enclosures.append(enclosure)
    tags = item.get("tags")
    return Entry(
        title=_title(item.get("title")) or derive_title(text),
        link=link,
        guid=clean_line(_str(guid) if not isinstance(guid, int | float) else str(guid)),
        author=_json_authors(item) or feed_authors,
        published=_iso_date(item.get("date_published"), now),
        updated=_iso_date(item.get("date_modified"), now),
        content_html=strip_controls(content_html),
        text=text,
        summary=summary,
        categories=_unique_strings(tags if isinstance(tags, list) else ()),
        enclosures=tuple(_unique_enclosures(enclosures)),
        language=_language(item.get("language")) or language,
    )


def _json_authors(item: Mapping[str, Any]) -> str:
    """JSON Feed 1.1 ``authors`` (a list), else 1.0 ``author`` (one object)."""
    authors = item.get("authors")
    if not isinstance(authors, list) or not authors:
        authors = [item.get("author")]
    names = (a.get("name") for a in authors if isinstance(a, Mapping))
    return ", ".join(_unique_strings(names))


def _iso_date(value: object, now: datetime) -> datetime | None:
    """An RFC 3339 date (RFC 822 tolerated) as UTC; None when absent, unreadable or bogus."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    moment: datetime | None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        moment = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return _plausible(moment, now)


# --- shared normalisation -------------------------------------------------------------------------


def derive_title(text: str) -> str:
    """A short title from an entry's text: its first sentence, or ~80 characters cut at a word."""
    first = text.strip().split("\n", 1)[0].strip()
    if len(first) <= TITLE_CHARS:
        return first
    end = _SENTENCE_END.search(first, 20, TITLE_CHARS)
    if end:
        return first[: end.end()]
    cut = first.rfind(" ", 0, TITLE_CHARS)
    return first[: cut if cut > 20 else TITLE_CHARS].rstrip(" ,;:-") + "…"


def _title(value: object, detail: object = None) -> str:
    """A title as one clean line: HTML (declared or evident) turned to text, entities decoded."""
    title = _str(value)
    if not title:
        return ""
    if ("html" in _detail_type(detail) and ("<" in title or "&" in title)) or looks_like_html(
        title
    ):
        return clean_line(html_to_text(title))
    return clean_line(title)


def _body(value: str, content_type: str) -> tuple[str, str]:
    """``(content_html, text)`` of a body declared as ``content_type``.

    Plain text that evidently carries markup is read as HTML, as readers do.
    """
    if not value.strip():
        return "", ""
    if "html" in content_type or looks_like_html(value):
        return value, html_to_text(value)
    return "", clean_text(value)


def _http_url(value: object, base: str = "") -> str:
    """``value`` resolved against ``base`` if it is an http(s) URL with a host, else ``""``."""
    raw = strip_controls(_str(value)).strip()
    if not raw:
        return ""
    raw = raw.replace(" ", "%20").replace("\n", "").replace("\t", "")
    if _PLAIN_HTTP_URL.fullmatch(raw):
        return raw  # absolute already: urljoin would give it back as it is (saves ~10 us)
    try:
        if base:
            raw = urljoin(base, raw)
        parts = urlsplit(raw)
        host = parts.hostname
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not host:
        return ""
    return raw


def _enclosure(url: object, mime: object, length: object, base: str) -> Enclosure | None:
    href = _http_url(url, base)
    if not href:
        return None
    size: int | None = None
    if isinstance(length, int) and not isinstance(length, bool):
        size = length
    elif isinstance(length, float) and length.is_integer():
        size = int(length)
    elif isinstance(length, str) and length.strip().isdigit():
        size = int(length.strip())
    return Enclosure(url=href, type=clean_line(_str(mime))[:100], length=size if size else None)


def _unique_enclosures(enclosures: Iterable[Enclosure]) -> Iterable[Enclosure]:
    seen: set[str] = set()
    for enclosure in enclosures:
        if enclosure.url not in seen:
            seen.add(enclosure.url)
            yield enclosure


def _unique(entries: Iterable[Entry]) -> tuple[Entry, ...]:
    """Entries with distinct identities, the first of each kept; empty entries dropped."""
    seen: set[str] = set()
    kept = []
    for entry in entries:
        if not (entry.title or entry.link or entry.guid or entry.text or entry.enclosures):
            continue
        key = article_key(entry)
        if key not in seen:
            seen.add(key)
            kept.append(entry)
    return tuple(kept)


def _unique_strings(values: Iterable[object]) -> tuple[str, ...]:
    """Non-empty cleaned strings, in order, without repeats."""
    seen: dict[str, None] = {}
    for value in values:
        text = clean_line(_str(value))
        if text and text not in seen:
            seen[text] = None
    return tuple(seen)


def _same_words(a: str, b: str) -> bool:
    if not a or not b:  # the common case (no summary): no need to split a whole article
        return (not a or a.isspace()) and (not b or b.isspace())
    return a.split() == b.split()


def _language(value: object) -> str:
    return clean_line(_str(value)).lower()[:35]


def _plausible(moment: datetime, now: datetime) -> datetime | None:
    return None if moment > now + FUTURE_TOLERANCE else moment


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""
