"""Feed parsing: own fixtures for each format and each hazard, then the real shared feeds."""

from __future__ import annotations

import email.utils
import html
import json
import re
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from digest.errors import ParseError
from digest.models import Entry, ParsedFeed
from digest.parse import decode_document, derive_title, parse_feed
from tests.conftest import need_corpora

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
NOW = datetime(2024, 6, 1, tzinfo=UTC)
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b]")


def parse(name: str, url: str = "https://lantern.example/feed.xml") -> ParsedFeed:
    return parse_feed((FIXTURES / name).read_bytes(), url=url, now=NOW)


def by_guid(feed: ParsedFeed) -> dict[str, Entry]:
    return {entry.guid: entry for entry in feed.entries}


def text_fields(entry: Entry) -> list[str]:
    return [entry.title, entry.link, entry.guid, entry.author, entry.text, entry.summary]


# --- RSS 2.0 ----------------------------------------------------------------------------------------


def test_rss20_feed_level_fields() -> None:
    feed = parse("rss20.xml")
    assert feed.kind == "rss20"
    assert feed.title == "The Lantern Gazette"
    assert feed.link == "https://lantern.example/"
    assert feed.language == "en-gb"
    assert feed.warning == ""


def test_rss20_full_content_is_preferred_and_the_description_kept_as_summary() -> None:
    entry = by_guid(parse("rss20.xml"))["lantern-0001"]
    assert entry.title == "Bridge reopens after repairs"
    assert entry.link == "https://lantern.example/2024/05/bridge"
    assert entry.author == "Ada Quill"
    assert entry.published == datetime(2024, 5, 14, 7, 30, tzinfo=UTC)
    assert "<b>open</b>" in entry.content_html
    assert entry.text == (
        "The old stone bridge is open again.\n\n"
        "Repairs took “three” months & cost less than planned.\n\n"
        "Cars: yes\nLorries: no"
    )
    assert "alert" not in entry.text
    assert entry.summary == "The old stone bridge is open again."
    assert entry.categories == ("Town", "Roads")
    assert [(e.url, e.type, e.length) for e in entry.enclosures] == [
        ("https://lantern.example/media/bridge.mp3", "audio/mpeg", 12345)
    ]
    assert entry.language == "en-gb"


def test_relative_links_resolve_against_the_feed_url_and_only_http_enclosures_stay() -> None:
    entry = by_guid(parse("rss20.xml", url="https://lantern.example/feeds/main.xml"))[
        "lantern-0002"
    ]
    assert entry.link == "https://lantern.example/2024/05/market"
    assert [(e.url, e.length) for e in entry.enclosures] == [
        ("https://lantern.example/media/market.jpg", None)
    ]


def test_relative_links_without_a_feed_url_are_dropped() -> None:
    feed = parse_feed((FIXTURES / "rss20.xml").read_bytes(), now=NOW)
    assert by_guid(feed)["lantern-0002"].link == ""


def test_javascript_links_are_dropped() -> None:
    assert by_guid(parse("rss20.xml"))["lantern-0003"].link == ""


def test_escaped_html_description_becomes_text() -> None:
    entry = by_guid(parse("rss20.xml"))["lantern-0002"]
    assert entry.text == "Stalls will stand in the square from June."
    assert entry.summary == ""


def test_a_summary_that_only_repeats_the_content_is_dropped() -> None:
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>1</id>'
        b"<title>x</title><summary>Same  words here.</summary>"
        b'<content type="html">&lt;p&gt;Same words&lt;br&gt;here.&lt;/p&gt;</content></entry>'
        b"<entry><id>2</id><title>y</title><summary>A teaser.</summary>"
        b'<content type="html">&lt;p&gt;The full story.&lt;/p&gt;</content></entry></feed>'
    )
    same, different = parse_feed(atom, now=NOW).entries
    assert (same.text, same.summary) == ("Same words\nhere.", "")
    assert (different.text, different.summary) == ("The full story.", "A teaser.")
    json_feed = (
        b'{"version": "https://jsonfeed.org/version/1.1", "items": ['
        b'{"id": "1", "content_html": "<p>Same words</p>", "summary": "Same  words"}]}'
    )
    (entry,) = parse_feed(json_feed, now=NOW).entries
    assert (entry.text, entry.summary) == ("Same words", "")


def test_missing_title_is_derived_from_the_text() -> None:
    entry = by_guid(parse("rss20.xml"))["lantern-0004"]
    assert entry.title.startswith("Untitled note. The council met")
    assert entry.title.endswith("…")
    assert len(entry.title) <= 81
    assert entry.link == ""
    assert entry.published is None


def test_future_dates_are_bogus_and_garbage_dates_unreadable() -> None:
    entries = by_guid(parse("rss20.xml"))
    assert entries["lantern-0005"].published is None
    assert entries["lantern-0006"].published is None


def test_future_tolerance_is_one_day() -> None:
    def feed_at(when: datetime) -> bytes:
        date = email.utils.format_datetime(when)
        return (
            f'<rss version="2.0"><channel><title>t</title><item><title>x</title>'
            f"<guid>g</guid><pubDate>{date}</pubDate></item></channel></rss>"
        ).encode()

    soon = NOW + timedelta(hours=23)
    late = NOW + timedelta(hours=25)
    assert parse_feed(feed_at(soon), now=NOW).entries[0].published == soon
    assert parse_feed(feed_at(late), now=NOW).entries[0].published is None


def test_the_clock_is_the_default_now() -> None:
    far = datetime.now(UTC) + timedelta(days=30)
    content = (
        '<rss version="2.0"><channel><title>t</title><item><title>x</title><guid>g</guid>'
        f"<pubDate>{email.utils.format_datetime(far)}</pubDate></item></channel></rss>"
    ).encode()
    assert parse_feed(content).entries[0].published is None


def test_duplicate_guids_keep_the_first_entry() -> None:
    feed = parse("rss20.xml")
    guids = [entry.guid for entry in feed.entries]
    assert guids.count("lantern-0001") == 1
    assert by_guid(feed)["lantern-0001"].title == "Bridge reopens after repairs"
    assert len(feed.entries) == 7


def test_a_permalink_guid_is_the_link_but_a_relative_guid_is_not() -> None:
    feed = parse("rss20.xml")
    permalink = "https://lantern.example/2024/05/permalink"
    assert by_guid(feed)[permalink].link == permalink
    content = (
        b'<rss version="2.0"><channel><title>t</title><item><guid>abc</guid></item></channel></rss>'
    )
    entry = parse_feed(content, url="https://x.example/feed", now=NOW).entries[0]
    assert entry.guid == "abc"
    assert entry.link == ""


_URL_PARTS = [
    "/",
    "?",
    "#",
    ";",
    ":",
    "@",
    "[",
    "%20",
    "a",
    "B",
    "-",
    "_",
    ".",
    "..",
    "=",
    "&",
    "8",
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["http://", "https://", "HTTP://", "http:/", "ftp://"]),
    st.lists(st.sampled_from(_URL_PARTS), max_size=12).map("".join),
    st.sampled_from(["https://x.example/dir/feed.xml", "http://x.example/", "ftp://x/y"]),
)
@example("https://", "a/b?", "https://x.example/")
@example("http://", "a/b;c", "http://x.example/")
@example("http://", "a/b#", "http://x.example/")
@example("http://", "a@b/", "http://x.example/")
def test_links_taken_as_they_are_are_what_urljoin_would_give(
    scheme: str, rest: str, base: str
) -> None:
    """Links matching the fast path's pattern skip urljoin/urlsplit: that must change nothing."""
    from digest.parse import _PLAIN_HTTP_URL

    url = scheme + rest
    if _PLAIN_HTTP_URL.fullmatch(url):
        assert urljoin(base, url) == url
        assert urlsplit(url).scheme in ("http", "https")
        assert urlsplit(url).hostname


def test_ordinary_links_take_the_fast_path() -> None:
    from digest.parse import _PLAIN_HTTP_URL

    for url in ("http://a.example/", "https://a.example:8080/2024/05/x-y_z.html?id=7&b=%20"):
        assert _PLAIN_HTTP_URL.fullmatch(url)


def test_edge_case_links_resolve_as_urljoin_resolves_them() -> None:
    base = "https://x.example/feed"
    links = [
        "https://h.example/a?",  # urljoin drops the empty query
        "HTTP://h.example/a",
        "https://H.example:8/a;p?q",
        "https://h.example/a#f",
        "/b/../c?d",
        "https://h.example/b/./c/../d",
    ]
    items = "".join(
        f"<item><guid>{i}</guid><link>{html.escape(link)}</link></item>"
        for i, link in enumerate(links)
    )
    content = f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
    feed = parse_feed(content, url=base, now=NOW)
    assert [entry.link for entry in feed.entries] == [urljoin(base, link) for link in links]


def test_entry_fields_are_read_by_canonical_feedparser_keys() -> None:
    """parse reads feedparser's entries with plain dict.get: no key it reads may be an alias."""
    from feedparser.util import FeedParserDict

    read = (
        "content value type summary summary_detail source published_parsed updated_parsed tags "
        "term label links rel href length title title_detail language link id guidislink "
        "authors author_detail author name"
    ).split()
    computed = {"category", "enclosures", "license", "updated", "updated_parsed"}
    for key in read:
        assert FeedParserDict.keymap.get(key, key) == key, key
        assert key not in computed or key == "updated_parsed", key  # read with dict.get already


# --- other formats ----------------------------------------------------------------------------------


def test_rss091() -> None:
    feed = parse("rss091.xml")
    assert feed.kind.startswith("rss091")
    assert feed.language == "fr"
    assert [e.title for e in feed.entries] == ["Premier numéro", "Second issue"]
    assert feed.entries[0].text == "Bonjour & bienvenue."
    assert [e.link for e in feed.entries] == [
        "http://oldstyle.example/1",
        "http://oldstyle.example/2",
    ]


def test_atom10() -> None:
    feed = parse("atom10.xml")
    assert feed.kind == "atom10"
    assert feed.title == "Notes & Sketches"
    assert feed.link == "https://atom.example/"
    assert feed.language == "de"
    light, ink, plain = feed.entries
    assert light.link == "https://atom.example/blog/posts/light.html"
    assert light.author == "Bea Stroke, Cy Line"
    assert light.published == datetime(2024, 5, 19, 6, 0, tzinfo=UTC)
    assert light.updated == datetime(2024, 5, 20, 9, 0, tzinfo=UTC)
    assert light.text == "Light\n\nFirst paragraph.\nSecond line.\n\nLast paragraph."
    assert light.summary == "A short teaser about light."
    assert light.categories == ("art",)
    assert [(e.url, e.type, e.length) for e in light.enclosures] == [
        ("https://atom.example/blog/media/light.png", "image/png", 2048)
    ]
    assert ink.title == "Ink and water"
    assert ink.text == "Ink spreads.\n\nWater carries it."
    assert ink.language == "en"
    assert ink.author == "Feed Writer"  # Atom: the feed's author stands for the entry's
    assert ink.published is None and ink.updated == datetime(2024, 5, 18, 12, tzinfo=UTC)
    assert plain.content_html == ""
    assert plain.text == "Line one <b> stays literal text."


def test_atom03() -> None:
    feed = parse("atom03.xml")
    assert feed.kind == "atom03"
    (entry,) = feed.entries
    assert entry.title == "Ancient entry"
    assert entry.link == "http://legacy.example/ancient"
    assert entry.published == datetime(2004, 1, 1, 12, tzinfo=UTC)
    assert entry.text == "From the archive."


def test_rdf() -> None:
    feed = parse("rss10.rdf")
    assert feed.kind == "rss10"
    assert feed.language == "nl"
    alpha, beta = feed.entries
    assert (alpha.title, alpha.link, alpha.author) == ("Alpha", "https://rdf.example/a", "Rita Dee")
    assert alpha.updated == datetime(2024, 4, 1, 6, tzinfo=UTC)
    assert beta.text == "Second resource."


def test_json_feed_10() -> None:
    feed = parse("jsonfeed10.json", url="https://boats.example/feed.json")
    assert feed.kind == "json10"
    assert (feed.title, feed.link) == ("Paper Boats", "https://boats.example/")
    assert "not objects" in feed.warning
    first, second, third = feed.entries  # the duplicate id and the non-object are gone
    assert first.guid == "boat-1" and first.title == "Folding the hull"
    assert first.text == "Fold the sheet twice.\n\nThen open it."
    assert first.summary == "How to fold."
    assert first.published == datetime(2024, 3, 1, 15, tzinfo=UTC)
    assert first.updated == datetime(2024, 3, 2, 10, tzinfo=UTC)
    assert first.categories == ("paper", "craft")
    assert first.author == "Nell Harbour"
    assert second.guid == "2"
    assert second.link == "https://elsewhere.example/regatta"
    assert second.content_html == ""
    assert second.text == "A plain text note about a regatta. It was windy."
    assert second.title == second.text  # short enough to be its own title
    assert second.published is None
    assert third.link == "https://boats.example/posts/3"
    assert third.published is None  # 2099


def test_json_feed_11() -> None:
    feed = parse("jsonfeed11.json")
    assert feed.kind == "json11"
    assert feed.language == "en-us"
    line, script = feed.entries
    assert line.author == "Ola Wind"
    assert line.language == "en-gb"
    assert [(e.url, e.type, e.length) for e in line.enclosures] == [
        ("https://kites.example/k1.mp3", "audio/mpeg", 999)
    ]
    assert script.link == ""
    assert script.author == "Ola Wind, Pat Gust"
    assert script.language == "en-us"


def test_json_feed_detected_by_content_type_and_bom() -> None:
    content = b'\xef\xbb\xbf  {"version": "https://jsonfeed.org/version/1.1", "items": []}'
    feed = parse_feed(content, content_type="application/feed+json", now=NOW)
    assert feed.kind == "json11" and feed.entries == ()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "invalid JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": 3}', "'items' is not a list"),
        (b'{"rss": {"channel": {}}}', "not a JSON Feed"),
        (b"[1, 2, 3]", "not a JSON Feed"),
        (b"{not json", "invalid JSON"),
        (b"[" * 100_000, "invalid JSON"),
    ],
)
def test_broken_json(content: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=re.escape(reason)):
        parse_feed(content, now=NOW)


def test_empty_feed_is_not_an_error() -> None:
    feed = parse("empty-channel.xml")
    assert feed.title == "Quiet Feed"
    assert feed.entries == ()
    assert feed.warning == ""


# --- errors -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"  \n\t ", b"\xef\xbb\xbf"])
def test_empty_document(content: bytes) -> None:
    with pytest.raises(ParseError, match="^empty document$"):
        parse_feed(content)


def test_html_page_instead_of_a_feed() -> None:
    with pytest.raises(ParseError, match="^not a feed: the server sent an HTML page$"):
        parse("html-page.html")


def test_invalid_xml_says_what_and_where() -> None:
    with pytest.raises(ParseError, match=r"^not a feed: invalid XML \(mismatched tag at line 3\)$"):
        parse("invalid.xml")


def test_xml_that_is_not_a_feed() -> None:
    with pytest.raises(ParseError, match="root element is <catalog>"):
        parse_feed(b"<?xml version='1.0'?><catalog><book/></catalog>")
    with pytest.raises(ParseError, match="OPML"):
        parse_feed(b"<opml version='2.0'><body/></opml>")


def test_strings_that_look_like_paths_or_urls_are_never_opened() -> None:
    for content in (b"/etc/passwd", b"http://127.0.0.1:9/feed.xml", b"file:///etc/hostname"):
        with pytest.raises(ParseError, match="neither XML nor JSON"):
            parse_feed(content)


def test_malformed_but_readable_feed_is_returned_with_a_warning() -> None:
    content = (
        b'<rss version="2.0"><channel><title>Loose</title><item><title>caf&eacute; &nbsp;ok'
        b"</title><guid>1</guid></item></channel></rss>"
    )
    feed = parse_feed(content, now=NOW)
    assert feed.entries[0].title == "café ok"
    assert "undefined entity" in feed.warning
    assert "\n" not in feed.warning


# --- hostile and broken bytes -----------------------------------------------------------------------


def test_latin1_without_declaration_reads_as_windows_1252() -> None:
    feed = parse("latin1-undeclared.xml")
    assert feed.title == "Café Crème"
    entry = feed.entries[0]
    assert entry.title == "“Naïve” résumés – déjà vu"
    assert entry.text == "Crème brûlée, s’il vous plaît."
    assert "Windows-1252" in feed.warning


def test_latin1_bytes_declared_as_utf8_still_parse() -> None:
    body = (FIXTURES / "latin1-undeclared.xml").read_bytes()
    content = body.replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="UTF-8"?>')
    feed = parse_feed(content, now=NOW)
    assert feed.entries[0].title == "“Naïve” résumés – déjà vu"
    assert all(not CONTROL.search(field) for field in text_fields(feed.entries[0]))


def test_iso_8859_1_label_is_read_as_windows_1252_so_no_c1_controls_survive() -> None:
    content = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>\u201cquoted\u201d</title><guid>1</guid></item></channel></rss>"
    ).encode("cp1252")
    assert "<title>“quoted”</title>" in decode_document(content)[0]
    feed = parse_feed(content, now=NOW)
    assert feed.entries[0].title == "“quoted”"
    assert feed.warning == ""


def test_decode_document_order_bom_declaration_http_charset() -> None:
    xml = '<?xml version="1.0" encoding="utf-16"?><a>é</a>'
    assert decode_document(xml.encode("utf-16")) == (xml.lstrip("\ufeff"), "")
    declared = '<?xml version="1.0" encoding="windows-1251"?><a>Ж</a>'
    text, warning = decode_document(declared.encode("cp1251"), "text/xml; charset=utf-8")
    assert (text, warning) == (declared, "")
    assert decode_document("<a>Ж</a>".encode("koi8-r"), "text/xml; charset=koi8-r") == (
        "<a>Ж</a>",
        "",
    )
    text, warning = decode_document(b'<?xml version="1.0" encoding="x-nonsense"?><a/>')
    assert text.endswith("<a/>") and "unknown encoding" in warning


def test_a_false_utf16_label_on_ascii_bytes_is_ignored() -> None:
    content = b'<?xml version="1.0" encoding="UTF-16"?><rss version="2.0"><channel><title>Plain</title></channel></rss>'
    assert parse_feed(content, now=NOW).title == "Plain"


def test_utf16_feed_with_bom() -> None:
    xml = (
        '<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><title>Ünï</title>'
        "<item><title>ça</title><guid>1</guid></item></channel></rss>"
    )
    feed = parse_feed(xml.encode("utf-16"), now=NOW)
    assert (feed.title, feed.entries[0].title) == ("Ünï", "ça")


def test_control_characters_and_escape_sequences_are_stripped_from_every_field() -> None:
    feed = parse("controls.xml")
    assert feed.title == "Esc Feed"
    entry = feed.entries[0]
    assert entry.title == "Red alert click evil bell"
    assert entry.author == "Bold Writer"
    assert entry.categories == ("cat",)
    for field in [*text_fields(entry), feed.title, feed.warning, *entry.categories]:
        assert not CONTROL.search(field), field
        assert "\x1b" not in field


def test_billion_laughs_neither_hangs_nor_expands() -> None:
    started = time.perf_counter()
    try:
        feed = parse("billion-laughs.xml")
    except ParseError:
        return
    assert time.perf_counter() - started < 5
    fields = [feed.title, *(f for e in feed.entries for f in text_fields(e))]
    assert all("hahahaha" not in field and len(field) < 1000 for field in fields)


def test_a_one_line_entity_bomb_never_reaches_the_xml_parser() -> None:
    laughs = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    content = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "ha">{laughs}'
        ']><rss version="2.0"><channel><title>t</title>'
        "<item><title>x</title><guid>1</guid><description>&l9;</description></item>"
        "</channel></rss>"
    ).encode()
    started = time.perf_counter()
    feed = parse_feed(content, now=NOW)
    assert time.perf_counter() - started < 5
    assert "amplification" not in feed.warning  # expat never saw the nested declarations
    assert "haha" not in feed.entries[0].text


def test_harmless_declared_entities_still_work_on_one_line() -> None:
    content = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY longdash "&#8212;"><!ENTITY who "Ann">]>'
        b'<rss version="2.0"><channel><title>a &longdash; b</title>'
        b"<item><title>by &who;</title><guid>1</guid></item></channel></rss>"
    )
    feed = parse_feed(content, now=NOW)
    assert (feed.title, feed.entries[0].title, feed.warning) == ("a — b", "by Ann", "")


def test_external_entities_never_read_local_files(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY leak SYSTEM "' + secret.as_uri() + '">')
    documents = [
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY leak SYSTEM "{secret.as_uri()}">]>'
        '<rss version="2.0"><channel><title>x &leak;</title><item><title>a &leak;</title>'
        "<description>&leak;</description><guid>1</guid></item></channel></rss>",
        f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{dtd.as_uri()}">'
        '<rss version="2.0"><channel><title>x &leak;</title><item><title>a &leak;</title>'
        "<guid>1</guid></item></channel></rss>",
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p SYSTEM "{dtd.as_uri()}"> %p;]>'
        '<rss version="2.0"><channel><title>x &leak;</title><item><title>a &leak;</title>'
        "<guid>1</guid></item></channel></rss>",
    ]
    for document in documents:
        try:
            feed = parse_feed(document.encode(), now=NOW)
        except ParseError as error:
            assert "TOP-SECRET" not in str(error)
            continue
        fields = [feed.title, feed.warning, *(f for e in feed.entries for f in text_fields(e))]
        fields += [e.content_html for e in feed.entries]
        assert not any("TOP-SECRET" in field for field in fields)


def test_deeply_nested_xml_does_not_crash() -> None:
    content = (
        b'<rss version="2.0"><channel><title>t</title><item><title>deep</title><guid>1</guid>'
        b"<description>" + b"<x>" * 5000 + b"</description></item></channel></rss>"
    )
    feed = parse_feed(content, now=NOW)
    assert feed.entries[0].title == "deep"


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_raise_nothing_but_parse_error(content: bytes) -> None:
    try:
        parse_feed(content, now=NOW)
    except ParseError:
        pass


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60), st.text(max_size=200))
def test_arbitrary_item_text_yields_clean_fields(title: str, body: str) -> None:
    def xml_escape(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    content = (
        '<rss version="2.0"><channel><title>t</title><item>'
        f"<title>{xml_escape(title)}</title><description>{xml_escape(body)}</description>"
        "<guid>g</guid></item></channel></rss>"
    ).encode("utf-8", "surrogatepass")
    try:
        feed = parse_feed(content, now=NOW)
    except ParseError:
        return
    for entry in feed.entries:
        for field in text_fields(entry):
            assert not CONTROL.search(field)
        assert "\n" not in entry.title


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
ITEM_KEYS = (
    "id url external_url title content_html content_text summary date_published date_modified"
    " author authors tags attachments language"
).split()


@settings(max_examples=150, deadline=None)
@example({key: 5 for key in ITEM_KEYS}, {"authors": 5})
@example({key: {"url": []} for key in ITEM_KEYS}, {"language": []})
@example({key: [None, 1.5, {"name": 3, "url": 4}] for key in ITEM_KEYS}, {"title": {}})
@given(
    st.dictionaries(st.sampled_from(ITEM_KEYS), json_values, max_size=8),
    st.dictionaries(
        st.sampled_from(["title", "home_page_url", "language", "authors"]), json_values
    ),
)
def test_json_feed_with_any_field_types_raises_nothing_but_parse_error(
    item: dict[str, object], top: dict[str, object]
) -> None:
    document = {**top, "version": "https://jsonfeed.org/version/1.1", "items": [item]}
    try:
        feed = parse_feed(json.dumps(document).encode(), now=NOW)
    except ParseError:
        return
    for entry in feed.entries:
        assert all(isinstance(field, str) for field in text_fields(entry))


def test_derive_title() -> None:
    assert derive_title("") == ""
    assert derive_title("Short line.\nSecond line") == "Short line."
    long = "This is the first sentence of a note. " + "word " * 40
    assert derive_title(long) == "This is the first sentence of a note."
    no_stop = "word " * 40
    title = derive_title(no_stop)
    assert title.endswith("…") and len(title) <= 81 and not title[:-1].endswith(" ")


# --- the real shared feeds --------------------------------------------------------------------------

FEED_SUFFIXES = (".xml", ".rss", ".atom", ".rdf", ".json", ".html")


def corpus_files() -> list[Path]:
    root = need_corpora("feeds")
    return sorted(p for p in root.rglob("*") if p.suffix in FEED_SUFFIXES)


@pytest.mark.shared
def test_every_shared_feed_parses_or_raises_parse_error() -> None:
    files = corpus_files()
    assert len(files) > 50
    parsed = 0
    for path in files:
        try:
            feed = parse_feed(path.read_bytes(), url="https://feeds.example/feed", now=NOW)
        except ParseError as error:
            assert str(error) and "\n" not in str(error)
            continue
        parsed += 1
        for entry in feed.entries:
            for field in text_fields(entry):
                assert not CONTROL.search(field), (path.name, field)
            assert entry.link == "" or entry.link.startswith(("http://", "https://"))
            for moment in (entry.published, entry.updated):
                assert moment is None or (moment.tzinfo is not None and moment <= NOW)
    assert parsed > 40


@pytest.mark.shared
def test_shared_html_pages_are_recognised() -> None:
    for path in corpus_files():
        if path.suffix == ".html":
            with pytest.raises(ParseError, match="HTML page"):
                parse_feed(path.read_bytes())


def xml_items(path: Path) -> list[ET.Element]:
    root = ET.parse(path).getroot()
    return [el for el in root.iter() if el.tag in ("item", "{http://www.w3.org/2005/Atom}entry")]


def child_text(element: ET.Element, tag: str) -> str:
    found = element.find(tag)
    return " ".join((found.text or "").split()) if found is not None else ""


@pytest.mark.shared
@pytest.mark.parametrize(
    "name", ["atp.rss", "macworld.rss", "rubenerd.rss", "natasha.xml", "cloudblog.rss"]
)
def test_shared_rss_items_match_an_independent_reading(name: str) -> None:
    path = need_corpora("feeds", "rsparser", name)
    items = xml_items(path)
    feed = parse_feed(path.read_bytes(), url="https://feeds.example/feed", now=NOW)
    assert feed.warning == ""
    assert len(feed.entries) == len(items)
    for entry, item in zip(feed.entries, items, strict=True):
        assert entry.title == child_text(item, "title")
        assert entry.link == child_text(item, "link")
        assert entry.published == email.utils.parsedate_to_datetime(
            child_text(item, "pubDate")
        ).astimezone(UTC)
        assert entry.text


@pytest.mark.shared
def test_shared_podcast_enclosures() -> None:
    path = need_corpora("feeds", "rsparser", "atp.rss")
    expected = []
    for item in xml_items(path):
        enclosure = item.find("enclosure")
        assert enclosure is not None
        attrib = enclosure.attrib
        expected.append((attrib["url"], attrib.get("type", ""), int(attrib["length"])))
    feed = parse_feed(path.read_bytes(), now=NOW)
    got = [
        (e.enclosures[0].url, e.enclosures[0].type, e.enclosures[0].length) for e in feed.entries
    ]
    assert got == expected


@pytest.mark.shared
def test_shared_atom_feed_matches_an_independent_reading() -> None:
    path = need_corpora("feeds", "rsparser", "russcox.atom")
    atom = "{http://www.w3.org/2005/Atom}"
    items = xml_items(path)
    feed = parse_feed(path.read_bytes(), now=NOW)
    assert len(feed.entries) == len(items)
    for entry, item in zip(feed.entries, items, strict=True):
        assert entry.guid == child_text(item, atom + "id")
        assert entry.title == child_text(item, atom + "title")
        published = datetime.fromisoformat(child_text(item, atom + "published"))
        assert entry.published == published.astimezone(UTC)
        assert len(entry.text) > 200


@pytest.mark.shared
@pytest.mark.parametrize("name", ["DaringFireball.json", "inessential.json", "rose.json"])
def test_shared_json_feeds_match_an_independent_reading(name: str) -> None:
    path = need_corpora("feeds", "rsparser", name)
    items = json.loads(path.read_text("utf-8"))["items"]
    feed = parse_feed(path.read_bytes(), now=NOW)
    assert len(feed.entries) == len({item["id"] for item in items})
    for entry, item in zip(feed.entries, items, strict=False):
        assert entry.guid == item["id"]
        assert entry.link == item["url"]
        # Publishers put entities in JSON titles ("Task &amp; Sub Tasks"): readers decode them.
        assert entry.title == html.unescape(" ".join(item["title"].split()))
        published = datetime.fromisoformat(item["date_published"]).astimezone(UTC)
        assert entry.published == published


@pytest.mark.shared
def test_shared_gb2312_feed_reads_chinese_without_replacement_characters() -> None:
    path = need_corpora("feeds", "rsparser", "kc0011.rss")
    assert b"gb2312" in path.read_bytes()[:100].lower()
    feed = parse_feed(path.read_bytes(), now=NOW)
    assert len(feed.entries) == path.read_bytes().count(b"<item>")
    for entry in feed.entries:
        assert re.search("[\u4e00-\u9fff]", entry.title)
        assert "\ufffd" not in entry.title + entry.text


@pytest.mark.shared
def test_shared_feed_language_and_html_titles() -> None:
    aktuality = parse_feed(need_corpora("feeds", "rsparser", "aktuality.rss").read_bytes())
    assert aktuality.language == "sk"
    assert all(entry.language == "sk" for entry in aktuality.entries)
    livemint = parse_feed(need_corpora("feeds", "rsparser", "livemint.xml").read_bytes())
    assert all("<" not in entry.title for entry in livemint.entries)
    assert any("₹4,000" in entry.title for entry in livemint.entries)
    tsunami = parse_feed(need_corpora("feeds", "rsparser", "OneFootTsunami.atom").read_bytes())
    assert all("&#" not in entry.title for entry in tsunami.entries)


@pytest.mark.shared
def test_shared_duplicate_ids_are_dropped() -> None:
    path = need_corpora("feeds", "newsboat", "items_without_titles.xml")
    ids = [child_text(item, "{http://www.w3.org/2005/Atom}id") for item in xml_items(path)]
    feed = parse_feed(path.read_bytes(), now=NOW)
    assert [entry.guid for entry in feed.entries] == list(dict.fromkeys(ids))
    assert all(entry.title for entry in feed.entries)  # derived from the text


@pytest.mark.shared
def test_shared_truncated_json_feed_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match=r"^invalid JSON Feed \(Unterminated string"):
        parse_feed(need_corpora("feeds", "rsparser", "allthis-partial.json").read_bytes())
