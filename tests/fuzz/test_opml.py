"""Fuzzing the OPML importer with generated subscription lists from "other readers": nested
folders, hostile names, every kind of URL (commands, filters, pipes, local files, scripts),
entities, and now and then broken XML or stray bytes.

For any file: ``parse_opml`` returns or raises :class:`ParseError`; every imported URL is
http(s), none is a command; titles, folders and tags are clean; no URL is imported twice; every
warning is one clean line. (tests/digest/test_opml.py fuzzes round trips and arbitrary bytes.)
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from hypothesis import given
from hypothesis import strategies as st

from digest.errors import ParseError
from digest.opml import parse_opml
from tests.fuzz.strategies import UNSAFE, fuzz, hostile_text, links

feed_urls = st.one_of(
    links,
    st.sampled_from(
        [
            "exec:touch /tmp/x",
            "filter:/bin/sh:https://a.example/feed",
            'query:unread:unread = "yes"',
            "|touch /tmp/x",
            "snownews:x",
            "https://a.example/feed",
            "HTTPS://A.EXAMPLE/feed",
            "https://a.example/feed#frag",
            "https://user:pw@b.example/feed",
            "https://c.example/feed?x=1&y=2",
        ]
    ),
)


@st.composite
def outlines(draw: st.DrawFn, depth: int = 0) -> str:
    attributes = {
        "text": draw(hostile_text),
        "title": draw(hostile_text),
        "type": draw(st.sampled_from(["rss", "atom", "link", "include", "", "folder"])),
        "xmlUrl": draw(feed_urls),
        "url": draw(feed_urls),
        "htmlUrl": draw(links),
        "category": draw(hostile_text),
        "filtercmd": draw(st.sampled_from(["", "touch /tmp/x"])),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(attributes)), unique=True))
    rendered = "".join(
        f" {name if draw(st.booleans()) else name.lower()}={quoteattr(attributes[name])}"
        for name in chosen
    )
    children = ""
    if depth < 2:
        children = "".join(draw(st.lists(outlines(depth + 1), max_size=2)))
    return f"<outline{rendered}>{children}</outline>" if children else f"<outline{rendered}/>"


@st.composite
def opml_files(draw: st.DrawFn) -> bytes:
    body = "".join(draw(st.lists(outlines(), max_size=4)))
    prolog = draw(
        st.sampled_from(
            [
                "",
                '<?xml version="1.0" encoding="utf-8"?>',
                '<?xml version="1.0" encoding="iso-8859-1"?>',
                '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "x">]>',
            ]
        )
    )
    version = draw(st.sampled_from(["1.0", "2.0", "1.1", ""]))
    text = (
        f'{prolog}<opml version="{version}"><head><title>t</title></head><body>{body}</body></opml>'
    )
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 7)) == 0:
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(min_size=1, max_size=5)) + data[cut:]
    return data


@fuzz(2.0)
@given(opml_files())
def test_any_opml_file(content: bytes) -> None:
    try:
        result = parse_opml(content)
    except ParseError as error:
        assert "\n" not in str(error) and not UNSAFE.search(str(error))
        return
    urls = [feed.url for feed in result.feeds]
    assert len({url.lower().rstrip("/") for url in urls}) == len(urls)
    for feed in result.feeds:
        assert feed.url.startswith(("http://", "https://")), feed.url
        assert not UNSAFE.search(feed.url) and " " not in feed.url.strip()
        assert feed.site_url == "" or feed.site_url.startswith(("http://", "https://"))
        for value in (feed.title, feed.folder, *feed.tags):
            assert not UNSAFE.search(value) and "\n" not in value, value
    for warning in result.warnings:
        assert "\n" not in warning and not UNSAFE.search(warning)
