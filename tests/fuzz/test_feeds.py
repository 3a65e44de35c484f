"""Fuzzing the feed normalizer and the JSON Feed parser with whole generated documents.

For any document: ``parse_feed`` returns or raises :class:`ParseError`, nothing else; every text
field is free of control, escape, bidi and zero-width characters; titles and authors are one
line; every link and enclosure is http(s) (or empty) and never starts with "-"; entry keys are
unique; dates are timezone-aware and never more than a day ahead. (tests/digest/test_parse.py
fuzzes single fields and arbitrary bytes; these build whole RSS, Atom, RDF and JSON documents.)
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from digest.errors import ParseError
from digest.models import ParsedFeed
from digest.parse import parse_feed
from tests.fuzz.strategies import UNSAFE, dates, fuzz, hostile_text, links, rss_documents

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def check_feed(feed: ParsedFeed) -> None:
    for value in (feed.title, feed.warning, feed.language):
        assert not UNSAFE.search(value) and "\n" not in value, value
    assert feed.link == "" or feed.link.startswith(("http://", "https://"))
    keys = [entry.key for entry in feed.entries]
    assert len(keys) == len(set(keys))
    for entry in feed.entries:
        for value in (entry.title, entry.author, entry.language, entry.source, *entry.categories):
            assert not UNSAFE.search(value) and "\n" not in value, value
        for value in (entry.text, entry.summary):
            assert not UNSAFE.search(value), value
        for url in (entry.link, *(e.url for e in entry.enclosures)):
            assert url == "" or url.startswith(("http://", "https://")), url
        for moment in (entry.published, entry.updated):
            if moment is not None:
                assert moment.tzinfo is not None
                assert moment <= NOW + timedelta(days=1)


@fuzz(2.0)
@given(rss_documents(), st.sampled_from(["", "https://feeds.example/x/feed.xml", "-x", "file:/"]))
def test_any_rss_atom_or_rdf_document(document: bytes, url: str) -> None:
    try:
        feed = parse_feed(document, url=url, now=NOW)
    except ParseError as error:
        assert "\n" not in str(error) and not UNSAFE.search(str(error))
        return
    check_feed(feed)


text_or_junk = st.one_of(
    hostile_text,
    st.none(),
    st.integers(),
    st.floats(allow_nan=True),
    st.lists(hostile_text, max_size=2),
    st.dictionaries(st.sampled_from(["name", "url", "x"]), hostile_text, max_size=2),
)


@st.composite
def json_feeds(draw: st.DrawFn) -> bytes:
    """A JSON Feed with hostile strings and, now and then, fields of the wrong type."""

    def field(strategy: st.SearchStrategy[object]) -> object:
        return draw(strategy) if draw(st.integers(0, 5)) else draw(text_or_junk)

    items = [
        {
            "id": field(st.text(max_size=10)),
            "url": field(links),
            "external_url": field(links),
            "title": field(hostile_text),
            "content_html": field(hostile_text),
            "content_text": field(hostile_text),
            "summary": field(hostile_text),
            "date_published": field(dates),
            "date_modified": field(dates),
            "authors": field(st.lists(st.fixed_dictionaries({"name": hostile_text}), max_size=2)),
            "tags": field(st.lists(hostile_text, max_size=3)),
            "attachments": field(
                st.lists(st.fixed_dictionaries({"url": links, "mime_type": hostile_text}))
            ),
            "language": field(hostile_text),
        }
        for _ in range(draw(st.integers(0, 4)))
    ]
    document = {
        "version": draw(
            st.sampled_from(
                ["https://jsonfeed.org/version/1.1", "https://jsonfeed.org/version/1", "x"]
            )
        ),
        "title": field(hostile_text),
        "home_page_url": field(links),
        "items": items if draw(st.integers(0, 9)) else field(st.just(items)),
    }
    text = json.dumps(document, ensure_ascii=draw(st.booleans()))
    return text.encode("utf-8", "surrogatepass")


@fuzz(2.0)
@given(json_feeds())
def test_any_json_feed(document: bytes) -> None:
    try:
        feed = parse_feed(document, url="https://feeds.example/feed.json", now=NOW)
    except ParseError as error:
        assert "\n" not in str(error)
        return
    check_feed(feed)
