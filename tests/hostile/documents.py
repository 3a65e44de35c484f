"""Hostile feeds, pages and OPML files, written for these tests, and the checks every output passes.

Each :class:`Hostile` is one feed document (with any pages it links to) that attacks the reader one
way: markup that Rich or Textual would interpret, terminal escape sequences raw and as XML
entities, C1 controls, bidi overrides, zero-width characters, 100 KB titles, deeply nested HTML,
script and local-file links, entity bombs and external entities, invalid and mixed encodings.
``shown`` lists text that must reach the reader literally (so a case cannot pass by dropping
everything); ``hidden`` lists what must never appear anywhere (payloads inside escape sequences,
entity expansions, the contents of a local file). :func:`unsafe_characters` is the one definition
of what may not reach a terminal.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

NOW = datetime.now(UTC).replace(microsecond=0)
LEAK_PATH = "/leak"
"""External entities and DTDs point here: the server must never be asked for it."""
SECRET_MARKER = "TOP-SECRET-4d1f-MARKER"
"""Written into a local file that external entities point at: it must never be read."""

# C0 controls but tab and newline, DEL, C1 controls, bidi embeddings/overrides/isolates,
# zero-width characters and the BOM: none of them may reach a terminal.
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
SGR = re.compile(r"\x1b\[[0-9;]*m")
"""Select Graphic Rendition (colours, bold): the only escape sequence Digest itself may emit."""


def unsafe_characters(text: str) -> list[str]:
    """The forbidden characters in ``text`` (with a few characters of context each)."""
    return [repr(text[max(0, m.start() - 20) : m.end() + 20]) for m in UNSAFE.finditer(text)]


def foreign_escapes(terminal_output: str) -> list[str]:
    """Escape sequences in what a terminal received, other than Digest's own colours."""
    rest = SGR.sub("", terminal_output)
    return unsafe_characters(rest)


def when(hours: float) -> str:
    return format_datetime(NOW - timedelta(hours=hours))


def item(
    title: str,
    *,
    guid: str,
    description: str = "",
    link: str = "",
    hours: float = 1.0,
    extra: str = "",
) -> str:
    """One RSS item; ``title`` and ``description`` go in as given (raw XML, hostile on purpose)."""
    body = description or f"<![CDATA[<p>{plain_paragraph(guid)}</p>]]>"
    return (
        f"<item><title>{title}</title><guid isPermaLink='false'>{guid}</guid>"
        + (f"<link>{link}</link>" if link else "")
        + f"<pubDate>{when(hours)}</pubDate><description>{body}</description>{extra}</item>"
    )


VOCABULARY = (
    "harbour ferry timetable council bridge river school budget library museum orchard vineyard "
    "glacier volcano comet satellite tram airport stadium theatre bakery brewery quarry mine "
    "forest meadow island lighthouse canal tunnel reservoir dam festival parade election census "
    "hospital clinic vaccine telescope archive manuscript painting sculpture violin orchestra "
    "harvest drought flood storm heatwave blizzard earthquake wildfire market auction factory "
    "shipyard railway motorway cycleway harbourmaster mayor senator judge"
).split()


def plain_paragraph(seed: str) -> str:
    """An ordinary paragraph whose words depend on ``seed``: items that share no hostile text do
    not read as copies of one story (the app groups copies under one card)."""
    digest = hashlib.sha256(seed.encode()).digest()
    words = [VOCABULARY[b % len(VOCABULARY)] for b in digest[:10]]
    return (
        f"The {words[0]} and the {words[1]} were discussed with the {words[2]} committee. "
        f"Residents near the {words[3]} asked about the {words[4]}, the {words[5]} and the "
        f"{words[6]}. A decision on the {words[7]} and {words[8]} follows the {words[9]} report."
    )


def rss(channel_title: str, items: list[str], *, prolog: str = "", encoding: str = "utf-8") -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>{prolog}<rss version="2.0"><channel>'
        f"<title>{channel_title}</title><link>https://hostile.example/</link>"
        f"<description>hostile</description>{''.join(items)}</channel></rss>"
    )


def good_feed(name: str, items: int = 3) -> bytes:
    """An ordinary feed whose articles must come through every hostile refresh untouched."""
    parts = [
        item(
            f"{name} story {i}",
            guid=f"{name}-{i}",
            link=f"https://{name}.example/story/{i}",
            hours=i + 0.5,
            description=escape(
                f"<p>Paragraph one of {name} story {i}: the council voted on the ferry timetable. "
                f"Residents asked for later boats in summer.</p>"
            ),
        )
        for i in range(items)
    ]
    return rss(f"The {name} Times", parts).encode()


def good_titles(name: str, items: int = 3) -> set[str]:
    return {f"{name} story {i}" for i in range(items)}


@dataclass(frozen=True)
class Hostile:
    """One hostile feed on the test server."""

    name: str
    body: bytes
    shown: tuple[str, ...]
    """Text that must be shown literally (in `digest read` of the feed's articles)."""
    hidden: tuple[str, ...] = ()
    """Text that must never appear in any output or in the store."""
    content_type: str = "application/rss+xml; charset=utf-8"
    pages: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    """Other paths the case serves: path -> (body, content type)."""
    full_text: str = "never"
    """The feed's full_text setting (the page case fetches article pages)."""

    @property
    def path(self) -> str:
        return f"/hostile/{self.name}.xml"


MARKUP = (
    "[/] [@click=app.quit]quit-now[/] [link=http://markup-evil.example]x[/link] [bold red]loud[/]"
)
ESCAPES = (
    "Alpha \x1b]0;OSC-TITLE-PWN\x07 Bravo "
    "\x1b]8;;http://osc8-evil.example/\x1b\\Click here\x1b]8;;\x1b\\ Charlie"
    "\x1b[2J\x1b[H\x1b[10;20H\x1b[5A\x1b[?1049h\x1b[31m Delta\x07\x08\x7f"
)
ESCAPES_AS_ENTITIES = (
    "Echo &#27;]0;OSC-TITLE-PWN&#7; Foxtrot "
    "&#x1b;]8;;http://osc8-evil.example/&#x1B;\\Click there&#27;]8;;&#27;\\ Golf"
    "&#27;[2J&#27;[H&#x1b;[10;20H&#27;[5A&#27;[?1049h Hotel"
)


def hostile_feeds(secret: Path, server: str) -> list[Hostile]:
    """Every hostile feed; ``secret`` holds :data:`SECRET_MARKER`; ``server`` is the test server's
    base URL, whose :data:`LEAK_PATH` must never be requested."""
    leak_url = server + LEAK_PATH
    laughs = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    deep = "<div><b><i>" * 20_000 + "Deep text survives" + "</i></b></div>" * 20_000
    cases = [
        Hostile(
            "markup",
            rss(
                escape(MARKUP),
                [
                    item(escape(MARKUP), guid="m1"),
                    item(
                        "Markup in the body",
                        guid="m2",
                        description=escape(f"<p>Body says {MARKUP} and [/bold] too.</p>"),
                    ),
                ],
            ).encode(),
            shown=(MARKUP, f"Body says {MARKUP} and [/bold] too."),
        ),
        Hostile(
            "escapes-raw",
            rss(
                "Raw \x1b[2J escapes",
                [
                    item(ESCAPES, guid="e1"),
                    item(
                        "Escapes in the body",
                        guid="e2",
                        description=f"<![CDATA[<p>Body {ESCAPES}</p>]]>",
                    ),
                ],
            ).encode(),
            shown=("Alpha Bravo Click here Charlie", "Body Alpha Bravo"),
            hidden=("OSC-TITLE-PWN", "osc8-evil.example"),
        ),
        Hostile(
            "escapes-entities",
            rss(
                "Entity &#27;[2J escapes",
                [
                    item(ESCAPES_AS_ENTITIES, guid="x1"),
                    item(
                        "Entities in the body",
                        guid="x2",
                        description=escape(f"<p>Body {ESCAPES_AS_ENTITIES}</p>"),
                    ),
                    item(
                        "Entities in CDATA",
                        guid="x3",
                        description=f"<![CDATA[<p>Cdata {ESCAPES_AS_ENTITIES}</p>]]>",
                    ),
                ],
            ).encode(),
            shown=("Echo Foxtrot Click there Golf", "Body Echo Foxtrot", "Cdata Echo Foxtrot"),
            hidden=("OSC-TITLE-PWN", "osc8-evil.example"),
        ),
        Hostile(
            "c1-controls",
            rss(
                "C1 \u009b2J controls",
                [
                    item(
                        "India \u009b31m red \u009d0;C1-OSC-PWN\u009c Juliet \u0085 Kilo", guid="c1"
                    ),
                    item(
                        "C1 as entities &#155;2J &#x9b;31m end",
                        guid="c2",
                        description=escape("<p>Lima &#155;31m &#157;0;X&#156; Mike \u0090x</p>"),
                    ),
                ],
            ).encode(),
            # feedparser turns the 8-bit ST (0x9C) into "œ", as HTML does: the OSC (0x9D) it
            # leaves is unterminated, so only the OSC itself is dropped and its text is shown.
            shown=("India", "Juliet", "Kilo", "Lima", "Mike", "C1 as entities"),
        ),
        Hostile(
            "bidi-zero-width",
            rss(
                "Bidi \u202e feed",
                [
                    item(
                        "Invoice\u202egnp.exe\u202c \u2066isolated\u2069 zero\u200bwidth\u2060join"
                        "\ufeffbom \u200eLRM\u200f",
                        guid="b1",
                        description=escape(
                            "<p>Text \u202dforced\u202c and \u2067rtl\u2069 here</p>"
                        ),
                    )
                ],
            ).encode(),
            shown=("Invoicegnp.exe isolated zerowidthjoinbom LRM", "Text forced and rtl here"),
        ),
        Hostile(
            "huge-title",
            rss(
                "Huge " + "T" * 100_000,
                [
                    item("Wide " + "word " * 20_000, guid="h1"),
                    item(
                        "W" * 100_000, guid="h2", description=escape("<p>" + "z" * 200_000 + "</p>")
                    ),
                ],
            ).encode(),
            shown=("Wide word word", "WWWWWWWWWW"),
        ),
        Hostile(
            "deep-html",
            rss(
                "Deep HTML",
                [
                    item("Deep nesting", guid="d1", description=escape(deep)),
                    item(
                        "Unclosed tags",
                        guid="d2",
                        description=escape(
                            "<table>" * 5_000 + "<p>Unclosed survives" + "<ul><li>" * 5_000
                        ),
                    ),
                ],
            ).encode(),
            shown=("Deep text survives", "Unclosed survives"),
        ),
        Hostile(
            "links",
            rss(
                "Links",
                [
                    item("Script link", guid="l1", link="javascript:alert(document.cookie)"),
                    item("Mixed-case script", guid="l2", link=" JaVaScRiPt:alert(1)"),
                    item("Local file", guid="l3", link="file:///etc/passwd"),
                    item("Data link", guid="l4", link="data:text/html;base64,PHNjcmlwdD4="),
                    item("Dash link", guid="l5", link="-oProxyCommand=touch%20pwned"),
                    item("Double dash", guid="l6", link="--help"),
                    item(
                        "Script enclosure",
                        guid="l7",
                        link="vbscript:msgbox",
                        extra='<enclosure url="javascript:alert(1)" type="audio/mpeg" length="1"/>',
                        description=escape(
                            '<p><a href="javascript:alert(1)">Anchor text</a> stays as text.</p>'
                        ),
                    ),
                ],
            ).encode(),
            shown=("Script link", "Local file", "Dash link", "Anchor text stays as text."),
        ),
        Hostile(
            "billion-laughs",
            rss(
                "Laughs &l9;",
                [item("Laugh &l5; title", guid="bl1", description="&l9;")],
                prolog=f'<!DOCTYPE rss [<!ENTITY l0 "ha">{laughs}]>',
            ).encode(),
            shown=("title",),
            hidden=("hahahaha",),
        ),
        Hostile(
            "billion-laughs-lines",
            rss(
                "Laughs on lines",
                [item("Laugh &l5; lines", guid="bl2", description="&l9; on lines")],
                prolog='\n<!DOCTYPE rss [\n<!ENTITY l0 "ha">\n'
                + laughs.replace(">", ">\n")
                + "]>\n",
            ).encode(),
            shown=("lines",),
            hidden=("hahahaha",),
        ),
        Hostile(
            "external-entities",
            rss(
                "External &leak; &web;",
                [
                    item("File entity &leak; here", guid="xe1", description="&leak;"),
                    item("Web entity &web; here", guid="xe2", description="&web;"),
                ],
                prolog=(
                    f'<!DOCTYPE rss [<!ENTITY leak SYSTEM "{secret.as_uri()}">'
                    f'<!ENTITY web SYSTEM "{leak_url}">'
                    f'<!ENTITY % param SYSTEM "{leak_url}?param"> %param;]>'
                ),
            ).encode(),
            shown=("here",),
            hidden=(SECRET_MARKER,),
        ),
        Hostile(
            "external-dtd",
            (
                f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{leak_url}?dtd">'
                '<rss version="2.0" xmlns:xi="http://www.w3.org/2001/XInclude"><channel>'
                "<title>External DTD</title>"
                f"<item><title>DTD &leak; item</title><guid>xd1</guid><description>"
                f'<xi:include href="{secret.as_uri()}" parse="text"/></description></item>'
                "</channel></rss>"
            ).encode(),
            shown=("item",),
            hidden=(SECRET_MARKER,),
        ),
        Hostile(
            "invalid-utf8",
            (
                b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                b"<title>Broken \xff\xfe bytes</title><item><title>November \xc0\xaf overlong "
                b"\xed\xa0\x80 surrogate \x00 nul Oscar</title><guid>u1</guid>"
                b"<description>Papa \x80\x81\x9b31m Quebec \xe2\x82</description></item>"
                b"</channel></rss>"
            ),
            shown=("November", "Oscar", "Papa", "Quebec"),
        ),
        Hostile(
            "mixed-encodings",
            (
                '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                "<title>Mixed café</title><item><title>Romeo café</title><guid>mx1</guid>"
                "<description>déjà</description></item><item><title>"
            ).encode()
            + "Sierra résumé “quoted”".encode("cp1252")
            + b"</title><guid>mx2</guid></item></channel></rss>",
            content_type="application/rss+xml; charset=koi8-r",
            shown=("Romeo", "Sierra"),
        ),
        Hostile(
            "json-feed",
            json.dumps(
                {
                    "version": "https://jsonfeed.org/version/1.1",
                    "title": "JSON \x1b]0;JSON-OSC-PWN\x07 [bold]feed[/]",
                    "home_page_url": "javascript:alert(1)",
                    "items": [
                        {
                            "id": "j1",
                            "title": f"Tango {MARKUP} \u202eUniform\u202c \x1b[2J",
                            "url": "javascript:alert(1)",
                            "external_url": "file:///etc/passwd",
                            "content_html": (
                                "<script>alert(1)</script><p>Victor \x1b[31mred\x1b[0m "
                                "<a href='javascript:x'>Whiskey</a></p>"
                            ),
                            "authors": [{"name": "\u009b31mXray [/]"}],
                            "tags": ["\x1b[2J", "[@click=app.quit]tag[/]"],
                        },
                        {"id": "j2", "url": "-rf", "content_text": "Yankee text"},
                        {"id": {"nested": 1}, "title": ["not", "a", "string"], "url": 12},
                    ],
                }
            ).encode(),
            content_type="application/feed+json",
            shown=(f"Tango {MARKUP} Uniform", "Victor red Whiskey", "Xray [/]", "Yankee text"),
            hidden=("JSON-OSC-PWN",),
        ),
        Hostile(
            "atom",
            (
                '<?xml version="1.0" encoding="utf-8"?>'
                '<feed xmlns="http://www.w3.org/2005/Atom" xml:base="javascript:alert(1)//">'
                '<title type="html">Atom &amp;lt;b&amp;gt;[/]&amp;lt;/b&amp;gt;</title>'
                "<id>urn:hostile:atom</id>"
                f"<updated>{NOW.strftime('%Y-%m-%dT%H:%M:%SZ')}</updated>"
                "<entry><id>urn:a1</id>"
                f"<updated>{NOW.strftime('%Y-%m-%dT%H:%M:%SZ')}</updated>"
                '<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Zulu '
                "<script>alert(1)</script><b>[@click=app.quit]bold[/]</b></div></title>"
                '<link rel="alternate" href="relative/story"/>'
                '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
                "<p>Atom body &#x1b;[2J text</p><iframe src='javascript:x'>frame</iframe></div>"
                "</content></entry></feed>"
            ).encode(),
            content_type="application/atom+xml",
            shown=("Zulu", "[@click=app.quit]bold[/]", "Atom body"),
        ),
        Hostile(
            "page-full-text",
            rss(
                "Teasers",
                [
                    item(
                        "Teaser to a hostile page",
                        guid="p1",
                        link=f"{server}/hostile/page.html",
                        description=escape("<p>The council met on the ferry…</p>"),
                    ),
                    item(
                        "Teaser to a page nested too deep",
                        guid="p2",
                        link=f"{server}/hostile/deep.html",
                        description=escape("<p>The deep page teaser stays…</p>"),
                    ),
                ],
            ).encode(),
            shown=("Page paragraph", "[@click=app.quit]page[/]", "The deep page teaser stays…"),
            hidden=("PAGE-OSC-PWN",),
            pages={
                "/hostile/page.html": (hostile_page(depth=100), "text/html; charset=utf-8"),
                # libxml2 stops at 256 levels: extraction fails, the feed's own text is kept.
                "/hostile/deep.html": (hostile_page(depth=5000), "text/html; charset=utf-8"),
            },
            full_text="always",
        ),
    ]
    return cases


def hostile_page(depth: int) -> bytes:
    """An article page with escapes, markup, scripts and deep nesting, for full-text extraction."""
    paragraphs = "".join(
        f"<p>Page paragraph {i}: [@click=app.quit]page[/] \x1b]0;PAGE-OSC-PWN\x07 the harbour "
        f"ferry timetable changed after the council vote, residents said, \u202eand\u202c "
        f"\x1b[2J more boats will run in the summer months from the new pier.</p>"
        for i in range(6)
    )
    return (
        "<!doctype html><html><head><title>Page \x1b]0;PAGE-OSC-PWN\x07 title [/]</title>"
        "<script>document.title='\\x1b]0;x'</script></head><body>"
        "<nav><a href='javascript:alert(1)'>Home</a></nav>"
        f"<article><h1>Hostile page [/]</h1>{'<div>' * depth}{paragraphs}{'</div>' * depth}"
        "</article></body></html>"
    ).encode()


COMMAND_OPML_MARKER = "opml-command-ran"


def command_opml(marker_dir: Path, good_urls: list[str]) -> bytes:
    """OPML as other readers write it: commands, filters, queries, local files, hostile names."""
    touch = f"touch {marker_dir / COMMAND_OPML_MARKER}"
    outlines = [
        f'<outline text="Exec" type="rss" xmlUrl="exec:{touch}"/>',
        f'<outline text="Filter" type="rss" xmlUrl="filter:{touch}:https://a.example/feed"/>',
        '<outline text="Query" type="rss" xmlUrl="query:unread:unread = &quot;yes&quot;"/>',
        f'<outline text="Pipe" type="rss" xmlUrl="|{touch}"/>',
        f'<outline text="Snownews" type="rss" xmlUrl="snownews:{touch}"/>',
        f'<outline text="Newsboat url" type="rss" url="exec:{touch}"/>',
        f'<outline text="Newsboat filter" type="rss" xmlUrl="{good_urls[0]}?f" filtercmd="{touch}"/>',
        '<outline text="Local" type="rss" xmlUrl="file:///etc/passwd"/>',
        '<outline text="Script" type="rss" xmlUrl="javascript:alert(1)"/>',
        '<outline text="Dash" type="rss" xmlUrl="-oProxyCommand=x"/>',
        '<outline text="[@click=app.quit]Markup[/] \x1b]0;OPML-OSC-PWN\x07 &#27;[2J" type="rss"'
        ' xmlUrl="https://markup.example/feed"/>',
    ]
    outlines += [
        f'<outline text="Good {i}" type="rss" xmlUrl="{u}"/>' for i, u in enumerate(good_urls)
    ]
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<opml version="2.0"><head><title>Other reader</title></head><body>'
        + "".join(outlines)
        + "</body></opml>"
    ).encode()


def entity_opml(secret: Path, leak_url: str) -> list[bytes]:
    """OPML files whose entities would read a local file, fetch a URL, or expand a billion times."""
    laughs = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    body = (
        '<opml version="2.0"><head><title>t</title></head><body>'
        '<outline text="{text}" type="rss" xmlUrl="https://entity.example/feed"/></body></opml>'
    )
    return [
        (
            f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY leak SYSTEM "{secret.as_uri()}">]>'
            + body.format(text="a &leak; b")
        ).encode(),
        (
            f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY % p SYSTEM "{leak_url}?opml"> %p;]>'
            + body.format(text="param")
        ).encode(),
        (
            f'<?xml version="1.0"?><!DOCTYPE opml SYSTEM "{leak_url}?dtd">'
            + body.format(text="dtd")
        ).encode(),
        (
            f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY l0 "ha">{laughs}]>'
            + body.format(text="&l9;")
        ).encode(),
    ]
