"""Hypothesis strategies for hostile text and whole documents, and the fuzz suite's settings.

The text strategies mix what feeds really carry (words, punctuation, abbreviations, entities,
markup, HTML) with what an attacker sends (escape sequences, C0/C1 controls, bidi overrides,
zero-width characters, lone surrogates in JSON, invalid bytes). ``EXAMPLES`` scales every fuzz
test: modest in ``make test``; ``bench/fuzz.py`` sets ``DIGEST_FUZZ_EXAMPLES`` much higher.
"""

from __future__ import annotations

import os
import re
from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("DIGEST_FUZZ_EXAMPLES", "25"))
"""Examples per fuzz test (each test scales it by its own weight)."""


def fuzz(weight: float = 1.0) -> settings:
    """Settings of one fuzz test: ``weight`` times the examples, no deadline (a loaded machine)."""
    return settings(
        max_examples=max(5, int(EXAMPLES * weight)),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,  # bench/fuzz.py runs in other directories; keep no example database
    )


# Same definition as tests/hostile/documents.py: nothing here may reach a terminal.
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)

HOSTILE_PIECES = [
    "\x1b]0;PWN\x07",
    "\x1b]8;;http://evil.example/\x1b\\",
    "\x1b[2J",
    "\x1b[10;20H",
    "\x1b[31m",
    "\x1bc",
    "\x1b",
    "\x07",
    "\x08",
    "\x00",
    "\r",
    "\x9b31m",
    "\x9d0;x\x9c",
    "\x9d",
    "\x85",
    "\u202e",
    "\u2066",
    "\u200b",
    "\ufeff",
    "\u2028",
    "\u061c",
    "[/]",
    "[@click=app.quit]",
    "[link=http://evil]",
    "[bold red]",
    ":smile:",
    "&amp;",
    "&#27;",
    "&#x9b;",
    "&lt;script&gt;",
    "<b>",
    "</p>",
    "<![CDATA[",
    "]]>",
    "&",
    "<",
]
WORDS = [
    "council",
    "ferry",
    "Mr.",
    "U.S.",
    "Jan.",
    "3.5%",
    "$10.9bn",
    "e.g.",
    "J. K.",
    "café",
    "naïve",
    "Zürich",
    "日本",
    "Ελλάδα",
    "«quoted»",
    "“quoted”",
    "(aside)",
    "—",
    "…",
    "...",
    "?",
    "!",
    ".",
    ",",
    "-",
    "•",
    "1.",
    "a)",
    "\n",
    "\n\n",
    " ",
    "\t",
]

hostile_text = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        st.sampled_from(HOSTILE_PIECES),
        st.text(max_size=8),
    ),
    max_size=30,
).map(" ".join)
"""Text from words, punctuation, markup, entities, escape sequences and random characters."""

prose = st.lists(st.sampled_from(WORDS), max_size=80).map(" ".join)
"""News-like text: words, abbreviations, numbers, quotes, punctuation and line breaks."""

links = st.one_of(
    st.sampled_from(
        [
            "https://news.example/story/1",
            "http://news.example/a?b=1&c=2",
            "/relative/path",
            "relative",
            "-oProxyCommand=x",
            "--help",
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "java\nscript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,x",
            "vbscript:x",
            "ftp://files.example/x",
            "//evil.example/x",
            "https://evil.example/\x1b[2J",
            "http://[::1",
            "",
        ]
    ),
    hostile_text,
)
dates = st.one_of(
    st.sampled_from(
        [
            "Tue, 04 Mar 2025 10:00:00 GMT",
            "Tue, 04 Mar 2025 10:00:00 +0200",
            "2025-03-04T10:00:00Z",
            "2025-03-04",
            "9999-12-31T23:59:59Z",
            "0001-01-01T00:00:00Z",
            "Mon, 32 Feb 2025 99:99:99 GMT",
            "yesterday",
            "",
        ]
    ),
    st.text(max_size=12),
)


def xml_text(value: str, raw: bool) -> str:
    """Element text: escaped, or (``raw``) as it is, to break the XML on purpose."""
    return value if raw else escape(value)


@st.composite
def rss_documents(draw: st.DrawFn) -> bytes:
    """An RSS 2.0, Atom 1.0 or RSS 1.0 document with random, often hostile, fields."""
    kind = draw(st.sampled_from(["rss", "atom", "rdf"]))
    raw = draw(st.booleans())
    items = []
    for _ in range(draw(st.integers(0, 4))):
        title = xml_text(draw(hostile_text), raw)
        body = draw(hostile_text)
        body = f"<![CDATA[{body}]]>" if draw(st.booleans()) else xml_text(body, raw)
        link = escape(draw(links))
        guid = escape(draw(st.text(max_size=10)))
        when = escape(draw(dates))
        author = xml_text(draw(hostile_text), raw)
        category = xml_text(draw(hostile_text), raw)
        enclosure = quoteattr(draw(links))
        if kind == "rss":
            items.append(
                f"<item><title>{title}</title><link>{link}</link><guid>{guid}</guid>"
                f"<pubDate>{when}</pubDate><author>{author}</author>"
                f"<category>{category}</category><description>{body}</description>"
                f'<enclosure url={enclosure} type="audio/mpeg" length="12"/></item>'
            )
        elif kind == "atom":
            items.append(
                f"<entry><title type='html'>{title}</title><id>{guid}</id>"
                f"<link href={quoteattr(draw(links))}/><updated>{when}</updated>"
                f"<author><name>{author}</name></author><category term={quoteattr(category)}/>"
                f"<content type='html'>{body}</content></entry>"
            )
        else:
            items.append(
                f"<item rdf:about={quoteattr(draw(links))}><title>{title}</title>"
                f"<link>{link}</link><description>{body}</description><dc:date>{when}</dc:date>"
                "</item>"
            )
    channel_title = xml_text(draw(hostile_text), raw)
    encoding = draw(st.sampled_from(["utf-8", "UTF-8", "iso-8859-1", "windows-1252", "nonsense"]))
    head = f'<?xml version="1.0" encoding="{encoding}"?>'
    if kind == "rss":
        document = (
            f'{head}<rss version="2.0"><channel><title>{channel_title}</title>'
            f"<link>{escape(draw(links))}</link>{''.join(items)}</channel></rss>"
        )
    elif kind == "atom":
        document = (
            f'{head}<feed xmlns="http://www.w3.org/2005/Atom"><title>{channel_title}</title>'
            f"{''.join(items)}</feed>"
        )
    else:
        document = (
            f'{head}<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
            ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<channel><title>{channel_title}</title></channel>{''.join(items)}</rdf:RDF>"
        )
    codec = "cp1252" if encoding.lower() in ("iso-8859-1", "windows-1252") else "utf-8"
    data = document.encode(codec, "replace" if codec == "cp1252" else "surrogatepass")
    if draw(st.integers(0, 9)) == 0:  # now and then, bytes that are not valid in the encoding
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(min_size=1, max_size=6)) + data[cut:]
    return data
