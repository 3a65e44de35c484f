"""OPML import and export: folders, tags, commands skipped, hostile titles, round trips."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.errors import ParseError
from digest.opml import OpmlFeed, OpmlImport, parse_opml, write_opml
from tests.conftest import need_corpora

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def opml(body: str, head: str = "<head><title>t</title></head>") -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?><opml version="2.0">{head}<body>{body}</body></opml>'.encode()


def test_nested_outlines_become_folders_and_names_prefer_text() -> None:
    result = parse_opml(
        opml(
            '<outline text="Top" xmlUrl="https://a.example/feed" htmlUrl="https://a.example/"/>'
            '<outline text="News" title="ignored">'
            '  <outline title="Tech"><outline text="Deep" xmlUrl="https://b.example/rss"/></outline>'
            '  <outline text="Near" xmlUrl="https://c.example/atom"/>'
            "</outline>"
        )
    )
    assert result.warnings == ()
    assert result.feeds == (
        OpmlFeed(url="https://a.example/feed", title="Top", site_url="https://a.example/"),
        OpmlFeed(url="https://b.example/rss", title="Deep", folder="News/Tech"),
        OpmlFeed(url="https://c.example/atom", title="Near", folder="News"),
    )


def test_category_becomes_tags() -> None:
    result = parse_opml(
        opml(
            '<outline text="x" xmlUrl="https://x.example/f" category="/Boston/Weather, news,,news,/"/>'
        )
    )
    assert result.feeds[0].tags == ("Boston/Weather", "news")


def test_slash_in_a_folder_name_does_not_nest() -> None:
    result = parse_opml(
        opml('<outline text="AC/DC"><outline xmlUrl="https://r.example/f"/></outline>')
    )
    assert result.feeds[0].folder == "AC-DC"


def test_commands_filters_and_files_are_skipped_with_a_warning_each(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    hostile = [
        f"exec:touch {marker}",
        f"filter:touch {marker}:https://x.example/f",
        'query:Unread:unread = "yes"',
        f"|touch {marker}",
        f"https://x.example/feed | touch {marker}",
        "file:///etc/passwd",
        "ftp://x.example/feed",
        "javascript:alert(1)",
        "not a url",
    ]
    body = "".join(
        f'<outline text="bad {i}" xmlUrl="{u.replace("&", "&amp;").replace(chr(34), "&quot;")}"/>'
        for i, u in enumerate(hostile)
    )
    body += '<outline text="good" xmlUrl="https://good.example/feed"/>'
    result = parse_opml(opml(body))
    assert [feed.url for feed in result.feeds] == ["https://good.example/feed"]
    assert len(result.warnings) == len(hostile)
    for i, warning in enumerate(result.warnings):
        assert warning.startswith(f"skipped 'bad {i}'")
    assert "never run" in result.warnings[0] and "never run" in result.warnings[3]
    assert "shell pipe" in result.warnings[4]
    assert "local file" in result.warnings[5]
    assert not marker.exists()


def test_duplicates_are_skipped_with_a_warning() -> None:
    result = parse_opml(
        opml(
            '<outline text="one" xmlUrl="https://dup.example/feed"/>'
            '<outline text="Folder"><outline text="two" xmlUrl="HTTPS://DUP.example/feed"/></outline>'
        )
    )
    assert [(f.title, f.folder) for f in result.feeds] == [("one", "")]
    assert result.warnings == ("skipped 'two': a duplicate of an earlier entry",)


def test_lenient_attribute_names_feed_scheme_and_newsboat_url() -> None:
    result = parse_opml(
        opml(
            '<outline TEXT="upper" XMLURL="https://u.example/f"/>'
            '<outline text="lower" xmlurl="feed://l.example/f"/>'
            '<outline text="feedhttps" xmlUrl="feed:https://h.example/f"/>'
            '<outline text="newsboat" type="rss" url="https://n.example/f"/>'
            '<outline text="a page" type="link" url="https://page.example/"/>'
        )
    )
    assert [f.url for f in result.feeds] == [
        "https://u.example/f",
        "http://l.example/f",
        "https://h.example/f",
        "https://n.example/f",
    ]
    assert result.warnings == ("skipped 'a page': a web link, not a feed",)


def test_bare_ampersands_and_html_entities_are_repaired() -> None:
    content = opml('<outline text="Fish & Chips&nbsp;Daily" xmlUrl="https://f.example/?a=1&b=2"/>')
    result = parse_opml(content)
    assert result.feeds == (OpmlFeed(url="https://f.example/?a=1&b=2", title="Fish & Chips Daily"),)
    assert len(result.warnings) == 1 and "repaired" in result.warnings[0]


def test_no_head_and_no_version_are_fine() -> None:
    result = parse_opml(b'<opml><body><outline text="x" xmlUrl="http://x.example/"/></body></opml>')
    assert [f.url for f in result.feeds] == ["http://x.example/"]


def test_empty_body_is_an_empty_import() -> None:
    assert parse_opml(opml("")) == OpmlImport(feeds=(), warnings=())


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty document"),
        (b"<opml><head/></opml>", "no <body> element"),
        (b"<outlines><body/></outlines>", "root element is <outlines>"),
        (b'<rss version="2.0"><channel/></rss>', "this is a feed"),
        (b"<opml><body><outline></body>", "invalid XML"),
        (b"just text", "invalid XML"),
    ],
)
def test_broken_opml_raises_parse_error(content: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=re.escape(reason)):
        parse_opml(content)


def test_billion_laughs_and_external_entities(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    laughs = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    documents = [
        f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY l0 "ha">{laughs}]>'
        '<opml><body><outline text="&l9;" xmlUrl="https://x.example/"/></body></opml>',
        f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY leak SYSTEM "{secret.as_uri()}">]>'
        '<opml><body><outline text="a &leak;" xmlUrl="https://x.example/"/></body></opml>',
    ]
    for document in documents:
        started = time.perf_counter()
        try:
            result = parse_opml(document.encode())
        except ParseError as error:
            assert "TOP-SECRET" not in str(error)
        else:
            fields = [f.title for f in result.feeds] + list(result.warnings)
            assert not any("TOP-SECRET" in field or "hahaha" in field for field in fields)
        assert time.perf_counter() - started < 5


def test_latin1_opml_without_declaration() -> None:
    content = '<opml><body><outline text="Café “Crème”" xmlUrl="http://c.example/"/></body></opml>'
    result = parse_opml(content.encode("cp1252"))
    assert result.feeds[0].title == "Café “Crème”"
    assert "Windows-1252" in result.warnings[0]


# --- writing ----------------------------------------------------------------------------------------


HOSTILE = OpmlFeed(
    url="https://h.example/feed?a=1&b=<2>",
    title='"Quotes" & <script>alert(1)</script> ]]> \x1b[31mred\x1b[0m \x00nul \ud800 \uffff',
    folder="Top/Mid/Bottom",
    tags=("a,b", "/lead", "ünï"),
    site_url="https://h.example/",
)


def test_write_escapes_hostile_strings_into_well_formed_xml() -> None:
    document = write_opml([HOSTILE], title="<mine> & \x07yours")
    root = ET.fromstring(document)
    assert root.tag == "opml" and root.attrib["version"] == "2.0"
    assert root.findtext("head/title") == "<mine> & yours"
    outline = root.find("body/outline/outline/outline/outline")
    assert outline is not None
    assert outline.attrib["xmlUrl"] == HOSTILE.url
    assert outline.attrib["title"] == outline.attrib["text"]
    assert outline.attrib["title"].startswith('"Quotes" & <script>alert(1)</script> ]]> red nul')
    assert not CONTROL.search(outline.attrib["title"])
    assert outline.attrib["category"] == "a b,lead,ünï"


def test_write_then_parse_round_trips() -> None:
    feeds = (
        OpmlFeed(url="https://a.example/f", title="A", tags=("x", "y z")),
        OpmlFeed(
            url="https://b.example/f", title="B & b", folder="News", site_url="https://b.example/"
        ),
        OpmlFeed(url="https://c.example/f", title="", folder="News/Tech"),
        OpmlFeed(url="http://d.example/f?x=1&y=2", title="D", folder="News"),
        OpmlFeed(url="https://e.example/f", title="E", folder="Other"),
    )
    result = parse_opml(write_opml(feeds))
    assert result.warnings == ()
    assert Counter(result.feeds) == Counter(feeds)


def test_hostile_feed_round_trips_to_its_cleaned_form() -> None:
    once = parse_opml(write_opml([HOSTILE])).feeds
    assert once[0].url == HOSTILE.url
    assert once[0].folder == "Top/Mid/Bottom"
    assert once[0].tags == ("a b", "lead", "ünï")
    assert parse_opml(write_opml(once)).feeds == once


names = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=20)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.builds(
            OpmlFeed,
            url=st.sampled_from(
                ["https://a.example/1", "http://b.example/2?q=1&r=2", "https://c.example/"]
            ),
            title=names,
            folder=st.lists(names, max_size=3).map("/".join),
            tags=st.lists(names, max_size=3).map(tuple),
        ),
        max_size=5,
    )
)
def test_round_trip_is_stable_for_any_titles(feeds: list[OpmlFeed]) -> None:
    first = parse_opml(write_opml(feeds))
    assert len(first.feeds) == len({feed.url for feed in feeds})
    second = parse_opml(write_opml(first.feeds))
    assert Counter(second.feeds) == Counter(first.feeds)
    for feed in first.feeds:
        assert not CONTROL.search(feed.title + feed.folder + "".join(feed.tags))


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_nothing_but_parse_error(content: bytes) -> None:
    try:
        parse_opml(content)
    except ParseError:
        pass


# --- the shared OPML files --------------------------------------------------------------------------


def shared(name: str) -> Path:
    return need_corpora("feeds", "newsboat", name)


@pytest.mark.shared
def test_shared_example_folders() -> None:
    result = parse_opml(shared("example.opml").read_bytes())
    folders = {feed.url: feed.folder for feed in result.feeds}
    assert len(folders) == 7
    assert folders["https://example.com/feed.xml"] == ""
    assert folders["https://blogs.example.com/~john/posts.rss"] == "Blogs"
    assert folders["https://blogs.example.com/~mike/.rss"] == "Blogs/friends"
    assert folders["https://fred.example.com/writing/index.php?type=rss"] == "eloquent"


@pytest.mark.shared
def test_shared_nested_tags_and_categories() -> None:
    urls = parse_opml(shared("test-urls+.opml").read_bytes())
    assert {f.url: f.folder for f in urls.feeds}["http://onemorefeed.at/feed/"] == "tag1/tag3"
    category = parse_opml(shared("category.opml").read_bytes())
    assert category.feeds[0].tags == ("tag one", "tag_two", "tag/three")


@pytest.mark.shared
def test_shared_piped_and_filtered_entries() -> None:
    piped = parse_opml(shared("piped.opml").read_bytes())
    assert [f.url for f in piped.feeds] == ["https://example.com/feed.atom"]
    assert len(piped.warnings) == 1 and "Birdsite search" in piped.warnings[0]
    filtered = parse_opml(shared("filtered.opml").read_bytes())
    assert "https://example.com/firehose" in [f.url for f in filtered.feeds]
    assert len(filtered.warnings) == 1 and "filter command was ignored" in filtered.warnings[0]


@pytest.mark.shared
def test_shared_broken_files() -> None:
    with pytest.raises(ParseError, match="no <body> element"):
        parse_opml(shared("body-element-missing.opml").read_bytes())
    with pytest.raises(ParseError, match="root element is <not-opml>"):
        parse_opml(shared("opml-element-missing.opml").read_bytes())


@pytest.mark.shared
@pytest.mark.parametrize("name", ["Subs.opml", "SubsNoTitleAttributes.opml"])
def test_shared_large_subscription_lists_match_an_independent_reading(name: str) -> None:
    path = need_corpora("feeds", "rsparser", name)
    outlines = [o for o in ET.parse(path).getroot().iter("outline") if o.get("xmlUrl")]
    result = parse_opml(path.read_bytes())
    assert result.warnings == ()
    assert [f.url for f in result.feeds] == [o.attrib["xmlUrl"] for o in outlines]
    assert [f.title for f in result.feeds] == [" ".join(o.attrib["text"].split()) for o in outlines]
    assert Counter(parse_opml(write_opml(result.feeds)).feeds) == Counter(result.feeds)


@pytest.mark.shared
def test_every_shared_opml_file_parses_or_raises_parse_error() -> None:
    files = sorted(need_corpora("feeds").rglob("*.opml"))
    assert len(files) >= 10
    for path in files:
        try:
            result = parse_opml(path.read_bytes())
        except ParseError:
            continue
        assert all(f.url.startswith(("http://", "https://")) for f in result.feeds)
        assert Counter(parse_opml(write_opml(result.feeds)).feeds) == Counter(result.feeds)
