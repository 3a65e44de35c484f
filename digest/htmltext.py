"""Plain readable text from the HTML fragments feeds carry (item content, summaries, titles).

Pure functions only: a string in, a string out. :func:`html_to_text` keeps the text a reader sees,
turns paragraphs, headings, list items and ``<br>`` into line breaks, drops scripts, styles, frames
and embedded media, decodes entities, and returns the result through
:func:`digest.textclean.clean_text`. It never fetches anything (no network, no DTDs), never keeps
markup or links, and never raises: garbage gives whatever text could be read, possibly ``""``.

It parses with lxml (libxml2's HTML parser, about 1.5x faster than ``html.parser`` on real feed
content, see docs/bench-parse.md); when libxml2 gives up (nesting deeper than its 2048-level limit, a
broken input) it falls back to the standard library's streaming ``html.parser``, which keeps no
tree and so has no depth limit.
"""

from __future__ import annotations

import re
import threading
from html.parser import HTMLParser

from lxml import etree

from digest.textclean import clean_text

MAX_HTML_CHARS = 2_000_000
"""Longer inputs are cut to this many characters before parsing (no article is this long)."""

# Elements that start a paragraph of their own (a blank line before and after).
_PARAGRAPH = frozenset(
    "p h1 h2 h3 h4 h5 h6 blockquote pre ul ol dl table figure hr address "
    "section article header footer aside main nav details".split()
)
# Elements that start a new line.
_LINE = frozenset("br li div tr dt dd figcaption caption summary".split())
# Table cells are separated by a space so adjacent cells do not run together.
_CELL = frozenset(("td", "th"))
# Elements whose content is never text a reader sees.
_DROPPED = frozenset(
    "script style iframe frame frameset noscript template svg math object embed applet "
    "canvas audio video head title select textarea button form".split()
)
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_SPACE_RUNS = re.compile("  +")
_HTML_HINT = re.compile(
    r"</[a-zA-Z][a-zA-Z0-9]*\s*>"  # a closing tag
    r"|<[a-zA-Z][a-zA-Z0-9]*\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*\s*=\s*[\"'a-zA-Z0-9]"  # a tag with an attribute
    r"|<(?:br|hr|p|img)\s*/?>"  # a bare line break, rule, paragraph or image
    r"|&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});",  # an entity
)


def looks_like_html(text: str) -> bool:
    """Whether ``text`` carries HTML markup or entities, rather than being plain text.

    Plain text that merely mentions ``<`` (``1 < 2``) or an unclosed tag name (``the <video> tag``)
    is not HTML; a closing tag, a tag with attributes, ``<br>``/``<p>``, or an entity is.
    """
    return bool(text) and ("<" in text or "&" in text) and _HTML_HINT.search(text) is not None


def html_to_text(html: str) -> str:
    """The readable text of an HTML fragment, cleaned; ``""`` when there is none.

    Paragraph-like blocks are separated by a blank line, ``<br>``/list items/divs by a line break;
    whitespace inside ``<pre>`` is kept. Never raises.
    """
    if not html or html.isspace():
        return ""
    if len(html) > MAX_HTML_CHARS:
        html = html[:MAX_HTML_CHARS]
    if "\x00" in html:
        html = html.replace("\x00", "")
    if "<" not in html and "&" not in html:
        return clean_text(_collapse_whitespace(html))
    try:
        text = _lxml_text(html)
    except Exception:  # any libxml2 failure falls back to the streaming parser
        text = None
    if text is None:
        text = _stdlib_text(html)
    return clean_text(text)


_local = threading.local()


def _lxml_parser() -> etree.HTMLParser:
    """One parser per thread (lxml parsers keep an error log and must not be shared).

    lxml's own parser, not ``lxml.html``'s: that one parses the same but looks up a Python class
    for every element the walk touches (a third of the walk's time), for methods never used here.
    """
    parser: etree.HTMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.HTMLParser(
            encoding="utf-8",
            remove_comments=True,
            remove_pis=True,
            no_network=True,
            huge_tree=True,
            default_doctype=False,
        )
        _local.parser = parser
    return parser


class _TextBuilder:
    """Collects text runs and line breaks; consecutive breaks merge into the strongest one."""

    __slots__ = ("parts", "_pending", "_pre")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self._pending = 0  # 0: none, 1: a line break, 2: a paragraph break
        self._pre = 0

    def open(self, tag: str) -> None:
        if tag in _PARAGRAPH:
            self._break(2)
        elif tag in _LINE:
            self._break(1)
        if tag == "pre":
            self._pre += 1

    def close(self, tag: str) -> None:
        if tag in _PARAGRAPH:
            self._break(2)
        elif tag in _LINE and tag not in _VOID:
            self._break(1)
        elif tag in _CELL:
            self.parts.append(" ")
        if tag == "pre" and self._pre:
            self._pre -= 1

    def text(self, data: str) -> None:
        if not self._pre:
            data = _collapse_whitespace(data)
            if data == " ":
                if not self._pending:
                    self.parts.append(data)
                return
        if self._pending:
            if self.parts:
                self.parts.append("\n\n" if self._pending == 2 else "\n")
            self._pending = 0
        self.parts.append(data)

    def _break(self, strength: int) -> None:
        if strength > self._pending:
            self._pending = strength

    def result(self) -> str:
        return "".join(self.parts)


def _collapse_whitespace(text: str) -> str:
    """``text`` with each run of HTML whitespace (space, tab, LF, CR, FF) made one space.

    Done in two steps: one regex for all of it cost ~100 ns for every single space (a match replaced
    by itself); these cost ~1-3 ns a character.
    """
    for space in "\t\n\r\f":
        if space in text:
            text = text.replace(space, " ")
    if "  " in text:
        text = _SPACE_RUNS.sub(" ", text)
    return text


def _lxml_text(html: str) -> str | None:
    """Text via lxml, or None when libxml2 stopped early (too deep, resource limits)."""
    parser = _lxml_parser()
    data = html.encode("utf-8", "replace")  # lone surrogates (from JSON) become "?"
    root = etree.fromstring(data, parser)
    if any(error.level_name == "FATAL" for error in parser.error_log):
        return None
    if root is None:
        return ""
    etree.strip_elements(root, *_DROPPED, with_tail=False)
    builder = _TextBuilder()
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag
        if not isinstance(tag, str):  # comments and processing instructions
            continue
        if event == "start":
            builder.open(tag)
            text = element.text  # each read decodes libxml2's UTF-8 anew: read once
            if text:
                builder.text(text)
        else:
            builder.close(tag)
            text = element.tail
            if text:
                builder.text(text)
    return builder.result()


class _TextCollector(HTMLParser):
    """Streaming fallback: collects text and line breaks without building a tree."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.builder = _TextBuilder()
        self._dropped = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            if tag not in _VOID:
                self._dropped += 1
        elif not self._dropped:
            self.builder.open(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _DROPPED and not self._dropped:
            self.builder.open(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            if self._dropped and tag not in _VOID:
                self._dropped -= 1
        elif not self._dropped and tag not in _VOID:
            self.builder.close(tag)

    def handle_data(self, data: str) -> None:
        if not self._dropped:
            self.builder.text(data)


def _stdlib_text(html: str) -> str:
    collector = _TextCollector()
    try:
        collector.feed(html)
        collector.close()
    except Exception:  # keep whatever was collected before the parser gave up
        pass
    return collector.builder.result()
