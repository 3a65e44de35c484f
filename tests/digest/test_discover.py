"""Feed discovery in HTML pages (real captured pages and hand-written ones) and HTML sniffing."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from digest.discover import discover_feeds, looks_like_html
from tests.conftest import need_corpora

# -- real pages --------------------------------------------------------------------------------


@pytest.mark.shared
@pytest.mark.parametrize(
    ("page", "address", "feeds"),
    [
        (
            "DaringFireball.html",
            "https://daringfireball.net/",
            ["https://daringfireball.net/feeds/main"],
        ),
        (
            "coco.html",
            "https://www.theatlantic.com/",
            ["https://www.theatlantic.com/feed/all/", "https://www.theatlantic.com/feed/best-of/"],
        ),
        ("furbo.html", "https://furbo.org/", ["http://furbo.org/feed/"]),
        ("inessential.html", "https://inessential.com/", ["http://inessential.com/xml/rss.xml"]),
        ("sixcolors.html", "https://sixcolors.com/", ["http://feedpress.me/sixcolors"]),
    ],
)
def test_real_pages_announce_their_feeds(page: str, address: str, feeds: list[str]) -> None:
    html = need_corpora("feeds", "rsparser", page).read_bytes()
    assert discover_feeds(html, address) == feeds
    assert looks_like_html(html, "text/html")


@pytest.mark.shared
def test_real_page_alternates_without_a_feed_type_are_ignored() -> None:
    html = need_corpora("feeds", "rsparser", "YouTubeTheVolvoRocks.html").read_bytes()
    assert b"android-app://" in html and b'media="handheld"' in html  # the decoys are there
    found = discover_feeds(html, "https://www.youtube.com/user/TheVolvorocks")
    assert len(found) == 1
    assert found[0].startswith("https://www.youtube.com/feeds/videos.xml?channel_id=")


@pytest.mark.shared
def test_real_feeds_are_not_taken_for_pages() -> None:
    folder = need_corpora("feeds")
    suffixes = {".rss", ".atom", ".json", ".xml", ".rdf", ".opml"}
    files = [p for p in sorted(folder.rglob("*")) if p.suffix.lower() in suffixes]
    assert len(files) > 30
    # Real servers often label feeds text/html; the body must win.
    mistaken = [p.name for p in files if looks_like_html(p.read_bytes(), "text/html")]
    assert mistaken == []


# -- hand-written pages ------------------------------------------------------------------------


def page(head: str, body: str = "<p>Hello</p>") -> bytes:
    return f"<!DOCTYPE html><html><head><title>t</title>{head}</head><body>{body}</body></html>".encode()


def test_relative_links_resolve_against_the_page_address() -> None:
    html = page(
        '<link rel="alternate" type="application/rss+xml" href="feed.xml">'
        '<link rel="alternate" type="application/atom+xml" href="/atom">'
        '<link rel="alternate" type="application/feed+json" href="//cdn.example.net/f.json">'
    )
    assert discover_feeds(html, "https://blog.example.org/posts/index.html") == [
        "https://blog.example.org/posts/feed.xml",
        "https://blog.example.org/atom",
        "https://cdn.example.net/f.json",
    ]


def test_base_href_wins_over_the_page_address_and_is_itself_resolved() -> None:
    html = page(
        '<base href="/news/"><base href="https://ignored.example/">'
        '<link rel="alternate" type="application/rss+xml" href="rss">'
    )
    assert discover_feeds(html, "http://site.example/a/b") == ["http://site.example/news/rss"]


def test_every_feed_type_is_found_in_document_order_once() -> None:
    html = page(
        '<link rel="alternate" type="application/rdf+xml" href="/rdf">'
        '<link rel="alternate" type="application/json" href="/feed.json">'
        '<link rel="alternate" type="application/rss+xml" href="/rdf#top">',
        '<link rel="alternate" type="application/atom+xml" href="/in-body">',
    )
    assert discover_feeds(html, "https://x.example/") == [
        "https://x.example/rdf",
        "https://x.example/feed.json",
        "https://x.example/in-body",
    ]


def test_rel_and_type_are_read_like_a_browser_reads_them() -> None:
    html = page(
        '<LINK REL="Home Alternate" TYPE="Application/RSS+XML; charset=utf-8" HREF="/a">'
        '<link rel="feed" type="application/atom+xml" href="/b"/>'
        '<link rel="alternate" href="/no-type">'
        '<link rel="stylesheet" type="application/rss+xml" href="/not-alternate">'
        '<link rel="alternate" type="text/html" hreflang="fr" href="/fr/">'
        '<link rel="alternate" type="application/rss+xml">'
        '<a rel="alternate" type="application/rss+xml" href="/anchor">an anchor</a>'
    )
    assert discover_feeds(html, "https://x.example/") == [
        "https://x.example/a",
        "https://x.example/b",
    ]


def test_only_http_links_survive() -> None:
    html = page(
        '<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">'
        '<link rel="alternate" type="application/rss+xml" href="data:text/xml,&lt;rss/&gt;">'
        '<link rel="alternate" type="application/rss+xml" href="feed:https://x.example/f">'
        '<link rel="alternate" type="application/rss+xml" href="ftp://x.example/f">'
        '<link rel="alternate" type="application/rss+xml" href="https://ok.example/f&#10;x">'
        '<link rel="alternate" type="application/rss+xml" href="http:///nohost">'
        '<link rel="alternate" type="application/rss+xml" href="  https://ok.example/feed  ">'
    )
    assert discover_feeds(html, "https://x.example/") == ["https://ok.example/feed"]


def test_a_hostile_base_cannot_turn_links_into_other_schemes() -> None:
    html = page(
        '<base href="javascript:void(0)//">'
        '<link rel="alternate" type="application/rss+xml" href="/feed">'
    )
    assert discover_feeds(html, "https://x.example/page") == ["https://x.example/feed"]


def test_wordpress_api_links_are_not_feeds() -> None:
    html = page(
        '<link rel="alternate" type="application/rss+xml" href="https://wp.example/feed/">'
        '<link rel="alternate" type="application/json" href="https://wp.example/wp-json/wp/v2/posts/7">'
        '<link rel="alternate" type="application/json+oembed" href="https://wp.example/wp-json/oembed/1.0/embed">'
        '<link rel="alternate" type="application/json" href="https://wp.example/?oembed=true">'
    )
    assert discover_feeds(html, "https://wp.example/") == ["https://wp.example/feed/"]


def test_non_ascii_addresses_in_legacy_encodings() -> None:
    latin = (
        '<html><head><meta charset="iso-8859-1">'
        '<link rel="alternate" type="application/rss+xml" href="/caf\xe9.xml"></head></html>'
    ).encode("latin-1")
    assert discover_feeds(latin, "https://x.example/") == ["https://x.example/caf\xe9.xml"]
    utf16 = codecs.BOM_UTF16_LE + page(
        '<link rel="alternate" type="application/atom+xml" href="/\u00fcber">'
    ).decode().encode("utf-16-le")
    assert discover_feeds(utf16, "https://x.example/") == ["https://x.example/\u00fcber"]
    assert looks_like_html(utf16)


def test_broken_html_still_yields_its_links() -> None:
    html = (
        b"<html><head><title>unclosed <link rel=alternate type=application/rss+xml href=/one>"
        b'<script>var s = \'<link rel="alternate" type="application/rss+xml" href="/script">\';'
        b"</script><link rel='alternate' type='application/atom+xml' href='/two'<p>"
        b"\xff\xfe garbage"
    )
    found = discover_feeds(html, "https://x.example/")
    assert "https://x.example/one" in found
    assert "https://x.example/script" not in found


def test_a_page_without_feeds_gives_nothing() -> None:
    assert discover_feeds(page(""), "https://x.example/") == []
    assert discover_feeds(b"", "https://x.example/") == []


# -- sniffing ----------------------------------------------------------------------------------

RSS = b'<?xml version="1.0"?>\n<!-- generated --><rss version="2.0"><channel></channel></rss>'


@pytest.mark.parametrize(
    ("content", "content_type", "expected"),
    [
        (page(""), "text/html", True),
        (page(""), "application/rss+xml", True),  # an error page under a feed's type
        (RSS, "text/html; charset=utf-8", False),  # a feed under a page's type
        (b"\xef\xbb\xbf  <feed xmlns='http://www.w3.org/2005/Atom'></feed>", "", False),
        (b"<rdf:RDF xmlns:rdf='x'></rdf:RDF>", "text/html", False),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', "text/html", False),
        (b"<!-- a comment --><html><body>hi</body></html>", "", True),
        (b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"></html>', "", True),
        (b'<?xml version="1.0"?><opml version="2.0"></opml>', "text/html", False),
        (b"<div>a fragment</div>", "", True),
        (b"", "text/html", False),
        (b" \n ", "text/html", False),
        (b"", "application/xml", False),
        (b"plain words", "text/plain", False),
        (b"plain words", "TEXT/HTML; charset=utf-8", True),
    ],
)
def test_looks_like_html(content: bytes, content_type: str, expected: bool) -> None:
    assert looks_like_html(content, content_type) is expected


def test_sniffing_reads_only_the_start(tmp_path: Path) -> None:
    late_html = b"<rss>" + b" " * 10_000 + b"<html>"
    assert not looks_like_html(late_html, "text/html")
