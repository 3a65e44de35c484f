"""Saved pages: a web page or a text file the user saved, read into entries like a feed's.

:func:`read_saved_page` takes the bytes of one file and its name (the suffix picks the reader) and
returns a :class:`~digest.models.ParsedFeed`: one entry for an ordinary article (``.html``/``.htm``
through :mod:`digest.extract`, ``.txt``/``.md`` as plain text), or several for a multi-story
aggregator page (a lead story followed by "Related Articles"), found by general rules on the
page's structure (a title line, often repeated, then a source and date or "N hours ago" line) and
cleaned of the site's clutter (logos, buttons, comment boxes, app-store banners). In HTML, where
sidebar cards look like stories too, a page is an aggregator only when its first story is the
article the extractor finds and the others sit under a "Related" header. It is pure: it
never reads the disk, the network or the clock (relative times are resolved against the ``now``
it is given), and every string it returns is cleaned with :mod:`digest.textclean`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

from digest.errors import ExtractError, ParseError
from digest.extract import ExtractedPage, decode_page, extract_article, page_entry
from digest.models import Entry, ParsedFeed
from digest.parse import derive_title
from digest.textclean import clean_line, clean_text

__all__ = ["SUFFIXES", "read_saved_page"]

SUFFIXES = {".html": "html", ".htm": "html", ".txt": "text", ".md": "text"}
"""The file types Digest reads as saved pages, and the reader each one picks."""

# --- bytes -------------------------------------------------------------------------------------

_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an office document)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "a program"),
    (b"SQLite format 3", "an SQLite database"),
)
_CONTROL_BYTES = frozenset(range(32)) - {9, 10, 12, 13, 27}


def _decode(content: bytes, name: str) -> str:
    """The text of a saved file, or a ParseError saying in one line why it is not text."""
    if not content.strip():
        raise ParseError(f"{name} is empty")
    for magic, kind in _MAGIC:
        if content.startswith(magic):
            raise ParseError(f"{name} is not a text page: it looks like {kind}")
    text = decode_page(content)
    if not text.strip():
        raise ParseError(f"{name} is empty")
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) in _CONTROL_BYTES)
    if "\x00" in sample or controls > len(sample) // 20:
        raise ParseError(f"{name} is not a text page: it holds binary data")
    return text


# --- clutter -----------------------------------------------------------------------------------

_UI_LINE = re.compile(
    r"^(?:logo|menu|home|search|skip to (?:main )?content|back to top|close|print|e-?mail|tweet"
    r"|share(?: this(?: article| story| post)?)?(?: on \w+)?|copy link"
    r"|\d*\s*comments?|no comments(?: yet)?|be the first to (?:comment|react|reply)"
    r"|leave a (?:comment|reply)"
    r"|view comments|show comments|load more(?: comments)?"
    r"|(?:sign|log) ?(?:in|up|out)(?: to [\w ]{1,40})?|register|my account|subscribe(?: now)?"
    r"|newsletter|advertisement|sponsored(?: content)?|ad|loading|error in retrieving data"
    r"|accept(?: all)? cookies|cookie settings|follow us(?: on [\w ]+)?"
    r"|(?:download|get|install|open in) (?:the|our) app|open in app"
    r"|try our [\w ]{0,30}features?|(?:explore|see|discover) what [\w ]{1,40} can do for you"
    r")\W*$",
    re.IGNORECASE,
)
"""Whole lines that are a site's buttons, banners and boxes rather than anybody's writing."""

_CALL_TO_ACTION = re.compile(
    r"(?i:\b(?:download|get|install) (?:our|the))(?: [A-Z][\w-]*)? (?i:(?:free )?app)\b"
    r"|(?i:\b(?:sign up|subscribe) (?:for|to) (?:our|the)(?: [\w-]+){0,3} newsletter)\b"
    r"|(?i:\bsign in to access your)\b"
)
"""Phrases that make a short line an advertisement for the site itself."""

_TRAILING_UI = re.compile(
    r"(?:\s*(?:error in retrieving data|sign in to access your \w+|loading\.\.\.|advertisement)"
    r"[.!]?)+\s*$",
    re.IGNORECASE,
)
"""Unambiguous interface strings glued to the end of a paragraph by the page's text export."""

_GLUED_TOKEN = re.compile(r"^[a-z]+(?:-[a-z]+)+$")
"""A lone lowercase hyphenated token ('app-storeplay-store'): image names or CSS classes."""

_SENTENCE_END = re.compile(r"[.!?…\"”'’)\]]$")


def _is_ui_line(line: str) -> bool:
    """A line of the site's interface: a known phrase, a glued token, or a short advertisement."""
    return bool(
        _UI_LINE.match(line)
        or _GLUED_TOKEN.match(line)
        or (len(line) <= 200 and _CALL_TO_ACTION.search(line))
    )


def _is_short_label(line: str) -> bool:
    """A short line without sentence punctuation: a button, a caption, a section label."""
    return len(line.split()) <= 6 and len(line) <= 60 and not _SENTENCE_END.search(line)


def _strip_trailing_ui(line: str) -> str:
    return _TRAILING_UI.sub("", line).rstrip()


def _trim_dangling(lines: list[str]) -> list[str]:
    """Drop trailing lines that only lead into something removed (labels, 'for you:' lines)."""
    while lines and (
        not lines[-1]
        or _is_short_label(lines[-1])
        or (lines[-1].endswith(":") and len(lines[-1].split()) <= 12)
    ):
        lines.pop()
    return lines


# --- dates -------------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE = (
    r"(?P<d1>\d{1,2})[-./](?P<m1>\d{1,2})[-./](?P<y1>\d{4})"
    r"|(?P<y2>\d{4})-(?P<m2>\d{2})-(?P<d2>\d{2})"
    rf"|(?P<mn3>{_MONTH})\s+(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y3>\d{{4}})"
    rf"|(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mn4>{_MONTH}),?\s+(?P<y4>\d{{4}})"
)
_SEPARATORS = " \t-–—|·•,:;/"
_SOURCE_DATE = re.compile(rf"^(?P<source>.{{0,60}}?)\s*(?:{_DATE})$", re.IGNORECASE)
_UNITS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hr": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
    "w": 7 * 86400,
    "wk": 7 * 86400,
    "week": 7 * 86400,
    "month": 30 * 86400,
    "y": 365 * 86400,
    "yr": 365 * 86400,
    "year": 365 * 86400,
}
_RELATIVE = re.compile(
    r"^(?P<prefix>.{0,60}?)(?P<count>\d+|an?|one)\s*"
    r"(?P<unit>seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|years?|yrs?"
    r"|[smhdwy])\s+ago$|^(?P<prefix2>.{0,30}?)(?P<word>just now|yesterday|today)$",
    re.IGNORECASE,
)
_LABEL_WORDS = frozenset("time updated posted published edited date clock".split())
"""Words glued before a time that label it ('time2 hours ago', 'Updated 3 hours ago')."""
_BULLET = re.compile(r"^[•·▪‣◦*–—-]\s*(?P<source>\S.{0,40})$")


@dataclass(frozen=True)
class _When:
    """A date as a page states it: absolute, or relative to when the page was saved."""

    absolute: datetime | None = None
    ago: timedelta | None = None

    def resolve(self, now: datetime | None) -> datetime | None:
        if self.absolute is not None:
            return self.absolute
        if self.ago is not None and now is not None:
            base = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
            return base - self.ago
        return None


def _absolute(match: re.Match[str]) -> datetime | None:
    """The date of a ``_DATE`` match; day-month-year unless only month-day-year is possible."""
    g = match.groupdict()
    try:
        if g["y1"]:
            first, second = int(g["d1"]), int(g["m1"])
            day, month = (second, first) if second > 12 >= first else (first, second)
            return datetime(int(g["y1"]), month, day, tzinfo=UTC)
        if g["y2"]:
            return datetime(int(g["y2"]), int(g["m2"]), int(g["d2"]), tzinfo=UTC)
        if g["y3"]:
            month = _MONTHS[g["mn3"].rstrip(".").lower()]
            return datetime(int(g["y3"]), month, int(g["d3"]), tzinfo=UTC)
        if g["y4"]:
            month = _MONTHS[g["mn4"].rstrip(".").lower()]
            return datetime(int(g["y4"]), month, int(g["d4"]), tzinfo=UTC)
    except ValueError:
        return None
    return None


def _relative(line: str) -> tuple[str, _When] | None:
    """A relative time ('2 hours ago', 'Reuters · yesterday'): the source before it, and when."""
    match = _RELATIVE.match(line)
    if not match:
        return None
    prefix = match.group("prefix") if match.group("prefix") is not None else match.group("prefix2")
    word = (match.group("word") or "").lower()
    if word:
        when = _When(ago=timedelta(days=1) if word == "yesterday" else timedelta(0))
    else:
        raw = match.group("count").lower()
        count = int(raw) if raw.isdigit() else 1
        unit = match.group("unit").lower()
        seconds = _UNITS.get(unit) or _UNITS.get(unit.rstrip("s")) or 0
        if not seconds:
            return None
        when = _When(ago=timedelta(seconds=count * seconds))
    source = ""
    if prefix and prefix[-1] in _SEPARATORS:  # glued words ('time2 hours ago') are icon labels
        source = prefix.strip(_SEPARATORS)
        if source.lower() in _LABEL_WORDS or len(source.split()) > 5:
            source = ""
    return source, when


def _source_and_date(line: str) -> tuple[str, _When] | None:
    """A byline with a date ('Forbes22-03-2025', 'Reuters · March 3, 2024'): source and date."""
    match = _SOURCE_DATE.match(line)
    if not match:
        return None
    when = _absolute(match)
    if when is None:
        return None
    return match.group("source").strip(_SEPARATORS), _When(absolute=when)


# --- story structure ---------------------------------------------------------------------------

_RELATED = re.compile(
    r"^(?:related(?: articles| stories| news| posts| coverage| reading)?|more (?:stories|news|"
    r"articles|headlines|from [\w .&'-]{1,40})|you (?:may|might) also like|recommended(?: for you"
    r"| reading| stories)?|see also|top stories|also read|read next|trending(?: now| stories)?)"
    r"\W*$",
    re.IGNORECASE,
)


@dataclass
class _Story:
    title: str
    source: str = ""
    author: str = ""
    when: _When = field(default_factory=_When)
    related: bool = False
    body: list[str] = field(default_factory=list)


_SENTENCE_STOPS = re.compile(r"[.!?][\"'\u201d\u2019]?\s+[\"'\u201c\u2018]?[A-Z]")
"""A sentence ending followed by another sentence: a line holding it is prose, not a title."""


def _is_titlelike(line: str) -> bool:
    words = len(line.split())
    return (
        2 <= words <= 40
        and len(line) <= 250
        and not _is_ui_line(line)
        and not _RELATED.match(line)
        and _relative(line) is None
        and _source_and_date(line) is None
        and not line.endswith(":")
    )


_NAME_PARTICLES = frozenset(
    "of the and & for on at in de la le du des del el y da di van von".split()
)


def _is_source_name(line: str) -> bool:
    """A publication's name: a few words, each capitalised (or a particle: 'of', 'de')."""
    words = line.split()
    return (
        0 < len(words) <= 5
        and len(line) <= 40
        and not _SENTENCE_END.search(line)
        and not _is_ui_line(line)
        and words[-1].lower() not in _NAME_PARTICLES
        and all(w[0].isupper() or w[0].isdigit() or w.lower() in _NAME_PARTICLES for w in words)
    )


_BYLINE = re.compile(r"^by\s+(?P<author>\S.{0,60})$", re.IGNORECASE)


def _credit(story: _Story, name: str) -> None:
    """Record a name from a byline: 'By X' is the author, anything else the source."""
    name = name.strip(_SEPARATORS)
    byline = _BYLINE.match(name)
    if byline:
        story.author = story.author or byline.group("author").strip(_SEPARATORS)
    elif _is_source_name(name) and name.split()[0].lower() not in _LABEL_WORDS:
        # A later, fuller name wins over one cut from a byline ('Tessaly' from 'Tessaly Today',
        # where 'Today' was read as the date, then '• Tessaly Today').
        if not story.source or name.startswith(story.source + " "):
            story.source = name


def _header_at(lines: Sequence[str], i: int) -> tuple[_Story, int] | None:
    """A story header starting at ``lines[i]``, and the index of its first body line.

    A header is a title line (repeated or not), then a byline block of at most four short lines
    holding a date or an 'N hours ago' time and possibly a source name, a 'By Author' line or a
    '• Source' bullet, then possibly the title once more. A title counts only with a date or
    time, and with a source, an author or a repeated title line.
    """
    title = lines[i]
    if not _is_titlelike(title):
        return None
    j = i + 1
    repeated = False
    while j < len(lines) and lines[j] == title:
        j, repeated = j + 1, True
    story = _Story(title=title)
    dated = False
    for _ in range(4):
        if j >= len(lines):
            break
        line = lines[j]
        stated = _source_and_date(line) or _relative(line)
        bullet = _BULLET.match(line)
        byline = _BYLINE.match(line)
        if bullet and _is_source_name(bullet.group("source")):
            _credit(story, bullet.group("source"))  # '• Tessaly Today' names, it does not date
        elif stated:
            name, story.when = stated
            _credit(story, name)
            dated = True
        elif byline:
            story.author = story.author or byline.group("author")
        elif _is_source_name(line) and not story.source and line != title:
            _credit(story, line)
        else:
            break
        j += 1
    if not dated or not (repeated or story.source or story.author):
        return None
    while j < len(lines) and lines[j] == title:
        j += 1
    return story, j


def _stories(lines: Sequence[str]) -> list[_Story]:
    """Split a page's non-empty lines into stories.

    Text before the first story is page chrome; so is text between a "Related" header and the
    next story (a list of headlines without bodies belongs to nobody).
    """
    stories: list[_Story] = []
    related = False
    orphaned = True
    i = 0
    while i < len(lines):
        if _RELATED.match(lines[i]):
            related = related or bool(stories)
            orphaned = True
            i += 1
            continue
        header = _header_at(lines, i)
        if header is not None:
            story, i = header
            story.related = related
            stories.append(story)
            orphaned = False
            continue
        if not orphaned:
            stories[-1].body.append(lines[i])
        i += 1
    return stories


def _story_text(story: _Story) -> str:
    """The body of a story without its repeated title, bylines and the site's clutter."""
    kept: list[str] = []
    for raw in story.body:
        line = _strip_trailing_ui(raw)
        if (
            not line
            or line == story.title
            or _is_ui_line(line)
            or _is_short_label(line)
            or _relative(line) is not None
            or _BULLET.match(line)
        ):
            continue
        kept.append(line)
    return clean_text("\n".join(_trim_dangling(kept)))


def _aggregator_entries(
    stories: Sequence[_Story], key_base: str, now: datetime | None, lead_link: str = ""
) -> tuple[Entry, ...]:
    entries: list[Entry] = []
    lead: int | None = None
    for story in stories:
        index = len(entries)
        if not story.related:
            lead = index
        entries.append(
            Entry(
                title=_title(story.title),
                link=lead_link if index == 0 else "",
                author=clean_line(story.author),
                published=story.when.resolve(now),
                text=_story_text(story),
                source=clean_line(story.source),
                related_to=lead if story.related and lead is not None else None,
                page_key=f"{key_base}#{index}",
            )
        )
    return tuple(entries)


def _with_text(stories: list[_Story]) -> list[_Story]:
    """Stories that have a body of their own (a headline list is not a set of stories)."""
    return [story for story in stories if len(_story_text(story)) >= 80]


# --- text pages --------------------------------------------------------------------------------

_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<title>.*?)(?:\s+#+)?\s*$")
_MARKDOWN_UNDERLINE = re.compile(r"^\s*(?:=+|-+)\s*$")


def _lines(text: str) -> list[str]:
    return [line for line in clean_text(text).split("\n") if line]


def _read_text(text: str, name: str, key_base: str, now: datetime | None) -> ParsedFeed:
    lines = _lines(text)
    stories = _with_text(_stories(lines))
    if len(stories) >= 2:
        entries = _aggregator_entries(stories, key_base, now)
        return ParsedFeed(title=entries[0].title, kind="aggregator", entries=entries)
    return _one_article(text, name, key_base, now)


def _first_content(lines: Sequence[str]) -> int:
    """Index of the first line that is not the site's interface (a logo, a menu)."""
    for i, line in enumerate(lines):
        if line and not _is_ui_line(line):
            return i
    return len(lines)


def _title(line: str) -> str:
    heading = _MARKDOWN_HEADING.match(line)
    return clean_line(heading.group("title") if heading else line)


def _one_article(text: str, name: str, key_base: str, now: datetime | None) -> ParsedFeed:
    """One article: its first line is the title (or a story header with its byline), the rest
    its text, with blank lines kept and the site's known clutter lines dropped."""
    raw = [line.strip() for line in clean_text(text).split("\n")]
    filled = [i for i, line in enumerate(raw) if line]
    lines = [raw[i] for i in filled]
    first = _first_content(lines)
    if first == len(lines):
        raise ParseError(f"{name} holds no text, only page clutter")
    header = _header_at(lines, first)
    if header:
        story, after = header
    elif _is_titlelike(lines[first]) and _SENTENCE_STOPS.search(lines[first].rstrip(".!?")) is None:
        story, after = _Story(title=lines[first]), first + 1
    else:  # prose from the first line on (one sentence or several): no title line to take
        story, after = _Story(title=""), first
    rest = raw[filled[after] :] if after < len(lines) else []
    if rest and _MARKDOWN_UNDERLINE.match(rest[0]):
        rest = rest[1:]
    body = [_strip_trailing_ui(line) for line in rest]
    body = [line for line in body if not line or (line != story.title and not _is_ui_line(line))]
    if not header and not any(body):  # a single line: it is the title and the text
        body = [lines[first]]
    entry = Entry(
        title=_title(story.title) if story.title else derive_title(lines[first]),
        author=clean_line(story.author),
        published=story.when.resolve(now),
        text=clean_text("\n".join(body)),
        source=clean_line(story.source),
        page_key=f"{key_base}#0",
    )
    return ParsedFeed(title=entry.title, kind="text", entries=(entry,))


# --- HTML pages --------------------------------------------------------------------------------

_BLOCKS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 h3 h4 "
    "h5 h6 header hr li main nav ol p pre section table td th tr ul".split()
)
_SKIPPED = frozenset("script style noscript template svg iframe head button select".split())


def _html_lines(page: str) -> list[str]:
    """The visible text of a page, one line per block element, for finding its stories."""
    try:
        root = lxml_html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        return []
    parts: list[str] = []

    def walk(element: Any) -> Iterator[str]:
        if not isinstance(element.tag, str) or element.tag.lower() in _SKIPPED:
            yield element.tail or ""  # a comment, a script: only the text after it is visible
            return
        block = element.tag.lower() in _BLOCKS
        if block:
            yield "\n"
        yield element.text or ""
        for child in element:
            yield from walk(child)
        if block:
            yield "\n"
        yield element.tail or ""

    body = root.find("body")
    parts.extend(walk(body if body is not None else root))
    return _lines("".join(parts))


def _site_home(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/" if parts.scheme and parts.netloc else ""


_WORD = re.compile(r"\w+")


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    return {tuple(words[i : i + 4]) for i in range(max(1, len(words) - 3))}


def _is_lead(story: _Story, page: ExtractedPage | None) -> bool:
    """Whether a story found in a page's layout is the page's own article, not a sidebar card.

    The lead of an aggregator page is the article the extractor finds: its title is (part of)
    the page's title, and most of its text is in the extracted text.
    """
    if page is None:
        return True
    title, page_title = _shingles(story.title), _shingles(page.title)
    if not page_title or not title <= page_title:
        return False
    lead = _shingles(_story_text(story))
    return len(lead & _shingles(page.text)) >= 0.5 * len(lead)


def _read_html(text: str, name: str, key_base: str, now: datetime | None) -> ParsedFeed:
    try:
        page: ExtractedPage | None = extract_article(text)
    except ExtractError:
        page = None
    found = _with_text(_stories(_html_lines(text)))
    # In HTML, cards in sidebars look like stories too: only the page's own article followed by
    # stories under a "Related" header make an aggregator page.
    stories = found[:1] + [story for story in found[1:] if story.related]
    if len(stories) >= 2 and _is_lead(stories[0], page):
        link = page.url if page else ""
        entries = _aggregator_entries(stories, key_base, now, lead_link=link)
        return ParsedFeed(
            title=entries[0].title,
            link=_site_home(link),
            language=page.language if page else "",
            kind="aggregator",
            entries=entries,
        )
    if page is None:
        raise ParseError(f"{name} holds no article text that Digest could find")
    entry = page_entry(page, page_key=f"{key_base}#0")
    return ParsedFeed(
        title=page.title,
        link=_site_home(page.url),
        language=page.language,
        kind="html",
        entries=(entry,),
    )


# --- entry point -------------------------------------------------------------------------------


def read_saved_page(
    content: bytes, *, name: str, key_base: str, now: datetime | None = None
) -> ParsedFeed:
    """Read a saved page into one entry, or one per story for a multi-story aggregator page.

    Args:
        content: the file's bytes.
        name: the file's name; its suffix picks the reader (see :data:`SUFFIXES`).
        key_base: a stable identity of the file (the caller passes its absolute path); entry
            ``i`` gets ``page_key = f"{key_base}#{i}"``.
        now: when the page was saved or read, to resolve "2 hours ago"; without it such dates
            stay unknown.

    Raises:
        ParseError: unsupported suffix, empty or binary content, or no text at all.
    """
    suffix = PurePath(name).suffix.lower()
    kind = SUFFIXES.get(suffix)
    if kind is None:
        shown = suffix or "(no suffix)"
        raise ParseError(f"unsupported file type {shown}: Digest reads .html, .htm, .txt and .md")
    text = _decode(content, name)
    if kind == "html":
        return _read_html(text, name, key_base, now)
    return _read_text(text, name, key_base, now)
