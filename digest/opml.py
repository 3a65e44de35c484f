"""Importing and exporting subscription lists as OPML.

:func:`parse_opml` reads the OPML other readers export (bytes in, :class:`OpmlImport` out) and
:func:`write_opml` writes Digest's subscriptions as OPML 2.0 (feeds in, bytes out). Both are pure:
no file, network or clock. Nested outlines become folders (``"A/B"``), the ``category`` attribute
becomes tags. Only http(s) feed URLs are imported; what other readers store as commands or filters
(newsboat's ``exec:``, ``filter:`` and ``query:`` URLs, ``|command`` pipes, ``file:`` URLs) is
skipped with a warning and never run or interpreted. The XML parser never loads DTDs, never touches
the network and never expands entities, so a hostile file can neither read local files nor blow up.
"""

from __future__ import annotations

import html.entities
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml import etree

from digest.errors import ParseError
from digest.parse import decode_document
from digest.textclean import clean_line

_MAX_LABEL = 80
# Characters XML 1.0 forbids anywhere in a document.
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_BARE_AMPERSAND = re.compile(r"&(?!(?:[A-Za-z][A-Za-z0-9._-]*|#[0-9]+|#[xX][0-9A-Fa-f]+);)")
_NAMED_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_CHARACTER_REFERENCE = re.compile(r"&#(?:([0-9]{1,8})|[xX]([0-9A-Fa-f]{1,7}));")
_XML_ENTITIES = frozenset(("amp", "lt", "gt", "quot", "apos"))
_COMMAND_PREFIXES = ("exec:", "filter:", "query:")


@dataclass(frozen=True)
class OpmlFeed:
    """One subscription read from, or written to, an OPML file."""

    url: str
    title: str = ""
    folder: str = ""
    """Folder path, levels separated by "/" ("News/Tech"); "" at the top level."""
    tags: tuple[str, ...] = ()
    site_url: str = ""


@dataclass(frozen=True)
class OpmlImport:
    """The feeds an OPML file lists, and one line per entry that was skipped or altered."""

    feeds: tuple[OpmlFeed, ...]
    warnings: tuple[str, ...] = field(default=())


def parse_opml(content: bytes) -> OpmlImport:
    """Read the feeds of an OPML subscription list.

    Lenient where readers are: any OPML version, ``text`` or ``title`` for names, ``xmlUrl`` in any
    letter case or newsboat's ``url``, bare ``&`` and HTML entities repaired. Commands, filters,
    local files and non-http(s) URLs are skipped with a warning each; duplicates (same URL) too.

    Raises:
        ParseError: empty input, XML that cannot be read, no ``<opml>`` root or no ``<body>``.
    """
    if not content or content.isspace():
        raise ParseError("empty document")
    text, decode_warning = decode_document(content)
    warnings: list[str] = [decode_warning] if decode_warning else []
    root = _parse_xml(text, warnings)
    root_name = _local_name(root.tag)
    if root_name.lower() != "opml":
        if root_name.lower() in ("rss", "feed", "rdf"):
            raise ParseError("not an OPML file: this is a feed (subscribe to its URL instead)")
        raise ParseError(f"not an OPML file: the root element is <{clean_line(root_name)[:40]}>")
    body = next((child for child in root if _local_name(child.tag).lower() == "body"), None)
    if body is None:
        raise ParseError("not an OPML file: it has no <body> element")

    feeds: list[OpmlFeed] = []
    seen: set[str] = set()
    for outline, path in _outlines(body):
        attributes = _attributes(outline)
        kind = attributes.get("type", "").strip().lower()
        name = clean_line(attributes.get("text") or attributes.get("title"))
        raw_url = attributes.get("xmlurl") or (
            attributes.get("url", "") if kind in ("", "rss", "atom") else ""
        )
        if not raw_url.strip():
            if kind in ("link", "include") and attributes.get("url", "").strip():
                what = "an included OPML file" if kind == "include" else "a web link"
                warnings.append(f"skipped {_label(name, attributes['url'])}: {what}, not a feed")
            continue
        url, problem = _feed_url(raw_url)
        if not url:
            warnings.append(f"skipped {_label(name, raw_url)}: {problem}")
            continue
        key = _url_key(url)
        if key in seen:
            warnings.append(f"skipped {_label(name, url)}: a duplicate of an earlier entry")
            continue
        seen.add(key)
        if attributes.get("filtercmd", "").strip():
            warnings.append(
                f"{_label(name, url)}: its filter command was ignored (imported unfiltered)"
            )
        site_url, _ = _feed_url(attributes.get("htmlurl", ""))
        feeds.append(
            OpmlFeed(
                url=url,
                title=name,
                folder="/".join(path),
                tags=_tags(attributes.get("category", "")),
                site_url=site_url,
            )
        )
    return OpmlImport(feeds=tuple(feeds), warnings=tuple(clean_line(w) for w in warnings))


def write_opml(feeds: Sequence[OpmlFeed], *, title: str = "Digest subscriptions") -> bytes:
    """An OPML 2.0 document listing ``feeds``: folders as nested outlines, tags in ``category``.

    Every string is cleaned of control characters and escaped; what :func:`parse_opml` reads back
    from the result equals the input for feeds it produced itself.
    """
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = _xml_text(title)
    body = ET.SubElement(opml, "body")
    folders: dict[tuple[str, ...], ET.Element] = {(): body}
    for feed in feeds:
        path = tuple(_folder_path(feed.folder))
        parent = body
        for depth in range(1, len(path) + 1):
            prefix = path[:depth]
            if prefix not in folders:
                name = _xml_text(prefix[-1])
                folders[prefix] = ET.SubElement(parent, "outline", text=name, title=name)
            parent = folders[prefix]
        name = _xml_text(feed.title)
        attributes = {"type": "rss", "text": name, "title": name, "xmlUrl": _xml_text(feed.url)}
        if feed.site_url:
            attributes["htmlUrl"] = _xml_text(feed.site_url)
        tags = [_xml_text(tag).replace(",", " ").strip().lstrip("/") for tag in feed.tags]
        if any(tags):
            attributes["category"] = ",".join(tag for tag in tags if tag)
        ET.SubElement(parent, "outline", attributes)
    ET.indent(opml, space="  ")
    document: bytes = ET.tostring(opml, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


# --- reading --------------------------------------------------------------------------------------


def _parse_xml(text: str, warnings: list[str]) -> etree._Element:
    """The document's root element; bare ``&``, HTML entities and invalid characters repaired."""
    try:
        return _xml_root(text)
    except etree.XMLSyntaxError as exc:
        first_error = exc
    repaired = _repair(text)
    if repaired != text:
        try:
            root = _xml_root(repaired)
        except etree.XMLSyntaxError:
            pass
        else:
            warnings.append(
                f"the file is not well-formed XML ({_xml_error(first_error)}); repaired"
            )
            return root
    raise ParseError(f"not an OPML file: invalid XML ({_xml_error(first_error)})")


def _xml_root(text: str) -> etree._Element:
    parser = etree.XMLParser(
        encoding="utf-8",
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        remove_comments=True,
        remove_pis=True,
    )
    root = etree.fromstring(text.encode("utf-8", "replace"), parser)
    if root is None:  # pragma: no cover - lxml raises instead for an empty document
        raise etree.XMLSyntaxError("no root element", 0, 1, 1)
    return root


def _repair(text: str) -> str:
    text = _XML_INVALID.sub("", text)
    text = _CHARACTER_REFERENCE.sub(_allowed_reference, text)
    text = _BARE_AMPERSAND.sub("&amp;", text)

    def entity(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _XML_ENTITIES or name not in html.entities.name2codepoint:
            return match.group(0)
        return f"&#{html.entities.name2codepoint[name]};"

    return _NAMED_ENTITY.sub(entity, text)


def _allowed_reference(match: re.Match[str]) -> str:
    """A character reference XML allows as it is; one to a character it forbids (``&#27;``,
    an escape) dropped, as the raw character is."""
    decimal, hexadecimal = match.groups()
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code > 0x10FFFF or _XML_INVALID.match(chr(code)):
        return ""
    return match.group(0)


def _xml_error(exc: etree.XMLSyntaxError) -> str:
    message = clean_line(str(exc.msg or exc)).split(", line ")[0]
    line = exc.position[0] if exc.position else 0
    return f"{message[:100]} at line {line}" if line else message[:100]


def _outlines(body: etree._Element) -> Iterator[tuple[etree._Element, tuple[str, ...]]]:
    """Every ``<outline>`` in document order with its folder path (iterative: no recursion)."""
    stack: list[tuple[Iterator[etree._Element], tuple[str, ...]]] = [(iter(body), ())]
    while stack:
        children, path = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            continue
        if not isinstance(child.tag, str) or _local_name(child.tag).lower() != "outline":
            continue
        yield child, path
        if len(child):
            attributes = _attributes(child)
            name = "" if attributes.get("xmlurl") else _folder_name(attributes)
            stack.append((iter(child), path + (name,) if name else path))


def _attributes(outline: etree._Element) -> dict[str, str]:
    """Attributes by lower-cased local name (``xmlUrl``, ``xmlurl`` and ``XMLURL`` are one)."""
    return {
        _local_name(str(name)).lower(): str(value)
        for name, value in outline.attrib.items()
        if _local_name(str(name))
    }


def _folder_name(attributes: dict[str, str]) -> str:
    """A folder's name: ``text``, else ``title``; "/" would read as nesting, so it becomes "-"."""
    return clean_line(attributes.get("text") or attributes.get("title")).replace("/", "-")


def _feed_url(raw: str) -> tuple[str, str]:
    """``(url, "")`` for an http(s) URL (``feed:`` forms rewritten), else ``("", reason)``."""
    url = raw.strip()
    lowered = url.lower()
    if lowered.startswith(_COMMAND_PREFIXES) or url.startswith("|"):
        return "", "a command or filter of another reader (never run)"
    if "|" in url:
        return "", "the URL contains a shell pipe (never run)"
    if lowered.startswith("file:"):
        return "", "a local file, not a web feed"
    if lowered.startswith("feed://"):
        url = "http://" + url[7:]
    elif lowered.startswith(("feed:http://", "feed:https://")):
        url = url[5:]
    if url != clean_line(url) or any(c.isspace() for c in url):
        return "", "not a valid URL"
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "", "not a valid URL"
    if parts.scheme.lower() not in ("http", "https"):
        return "", "not an http(s) URL"
    if not host:
        return "", "not a valid URL"
    # "HTTPS://..." as written: the scheme in lower case, as Digest (and its refresh) expects it.
    return parts.scheme.lower() + url[len(parts.scheme) :], ""


def _url_key(url: str) -> str:
    """The URL with scheme and host lower-cased, which is how duplicates are recognised."""
    parts = urlsplit(url)
    return parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()).geturl()


def _tags(category: str) -> tuple[str, ...]:
    tags: dict[str, None] = {}
    for part in category.split(","):
        tag = clean_line(part).lstrip("/").strip()
        if tag:
            tags[tag] = None
    return tuple(tags)


def _label(name: str, url: str) -> str:
    """How a warning names an entry: its title, else its (cleaned, shortened) URL."""
    label = name or clean_line(url)
    if len(label) > _MAX_LABEL:
        label = label[: _MAX_LABEL - 1] + "…"
    return repr(label)


def _local_name(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


# --- writing --------------------------------------------------------------------------------------


def _folder_path(folder: str) -> Iterator[str]:
    for level in folder.split("/"):
        name = _xml_text(level)
        if name:
            yield name


def _xml_text(value: str) -> str:
    """One clean line with nothing XML 1.0 forbids (lone surrogates, U+FFFE, controls)."""
    return _XML_INVALID.sub("", clean_line(value))
