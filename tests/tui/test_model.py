"""The app's pure parts: link checks, sources, unread moves, count changes, key tables, rendering."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.content import Content

from digest.models import Article, ArticleSummary, Feed
from tests.tui.conftest import HOSTILE_TITLES, NOW
from tui import keys, render
from tui.model import (
    Counts,
    StoryCard,
    build_sources,
    next_unread,
    resolve_source,
    safe_link,
    unread_deltas,
)


@pytest.mark.parametrize(
    "url",
    ["https://example.org/a?b=c#d", "http://example.org", "HTTPS://EXAMPLE.ORG/x"],
)
def test_safe_link_keeps_web_links(url: str) -> None:
    assert safe_link(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "",
        None,
        "javascript:alert(1)",
        "file:///etc/passwd",
        "-https://example.org",
        "--new-window=https://example.org",
        "https://-evil.example/",
        "https:///no-host",
        "https://example.org/a b",
        " https://example.org",
        "https://example.org/\x1b]0;x\x07",
        "https://example.org/\u202eevil",
        "data:text/html,hi",
        "mailto:a@example.org",
    ],
)
def test_safe_link_refuses_everything_else(url: str | None) -> None:
    assert safe_link(url) is None


def feed(
    id: int,
    title: str,
    *,
    folder: str = "",
    tags: tuple[str, ...] = (),
    kind: str = "feed",
    unread: int = 0,
    error: str = "",
    url: str = "",
) -> Feed:
    return Feed(
        id=id,
        url=url or f"https://{id}.example/feed",
        title=title,
        folder=folder,
        tags=tags,
        kind=kind,
        unread=unread,
        last_error=error,
    )


def test_sources_are_views_then_folders_then_tags_then_pages() -> None:
    feeds = [
        feed(1, "Loose", unread=2),
        feed(2, "Harbour", folder="Local", unread=3, tags=("sea",)),
        feed(3, "Valley", folder="Local", unread=4, error="HTTP 500"),
        feed(4, "Saved", kind="pages", unread=1, url="pages:saved"),
    ]
    rows = build_sources(feeds, Counts(today=5, all=10, unread=10, starred=2))
    assert [r.key for r in rows] == [
        "today",
        "all",
        "unread",
        "starred",
        "heading:feeds",
        "feed:1",
        "folder:Local",
        "feed:2",
        "feed:3",
        "heading:tags",
        "tag:sea",
        "heading:pages",
        "feed:4",
    ]
    by_key = {r.key: r for r in rows}
    assert by_key["today"].unread == 5 and by_key["starred"].unread == 2
    assert by_key["folder:Local"].unread == 7 and by_key["folder:Local"].feed_ids == (2, 3)
    assert by_key["folder:Local"].error  # a member failed
    assert by_key["feed:3"].error == "HTTP 500" and by_key["feed:3"].depth == 1
    assert by_key["tag:sea"].feed_ids == (2,)
    assert by_key["feed:4"].kind == "pages"
    assert not by_key["heading:tags"].selectable


def test_resolve_source_finds_remembered_keys() -> None:
    feeds = [feed(2, "Harbour", folder="Local", tags=("sea",))]
    assert resolve_source("unread", None) is not None
    assert resolve_source("feed:2", feeds).label == "Harbour"  # type: ignore[union-attr]
    assert resolve_source("feed:9", feeds) is None
    assert resolve_source("folder:Local", feeds).feed_ids == (2,)  # type: ignore[union-attr]
    assert resolve_source("tag:sea", feeds).feed_ids == (2,)  # type: ignore[union-attr]
    assert resolve_source("tag:none", feeds) is None
    assert resolve_source("search:x", feeds) is None


def article(id: int, *, read: bool = False, hours: float = 1, feed_id: int = 1) -> Article:
    return Article(
        id=id,
        feed_id=feed_id,
        key=f"k{id}",
        title=f"A{id}",
        read=read,
        published=NOW - timedelta(hours=hours),
    )


def test_next_unread_moves_both_ways_and_stops() -> None:
    cards = [StoryCard(article(i, read=i in (1, 2, 4))) for i in range(6)]
    assert next_unread(cards, 0, 1) == 3
    assert next_unread(cards, 3, 1) == 5
    assert next_unread(cards, 5, 1) is None
    assert next_unread(cards, 3, -1) == 0
    assert next_unread(cards, None, 1) == 0
    assert next_unread(cards, None, -1) == 5


def test_unread_deltas_touch_the_right_rows() -> None:
    rows = build_sources([feed(1, "One", folder="F"), feed(2, "Two")], Counts())
    recent = unread_deltas(rows, article(1, hours=2), -1, NOW)
    assert recent == {"all": -1, "unread": -1, "today": -1, "folder:F": -1, "feed:1": -1}
    old = unread_deltas(rows, article(1, hours=48, feed_id=2), 1, NOW)
    assert old == {"all": 1, "unread": 1, "feed:2": 1}


def test_keymap_reports_unknown_actions_and_empty_keys() -> None:
    mapping, problems = keys.keymap([("next_unread", "n, ctrl+n"), ("fly", "f"), ("star", " , ")])
    assert mapping == {"next_unread": "n,ctrl+n"}
    assert len(problems) == 2
    assert "unknown action 'fly'" in problems[0] and "next_unread" in problems[0]
    assert "star has no keys" in problems[1]
    assert keys.keys_for("next_unread", mapping) == "n,ctrl+n"
    assert keys.keys_for("star", mapping) == "s"


def test_every_action_has_a_screen_method() -> None:
    from tui.screens.main import MainScreen

    for action in keys.ACTIONS:
        assert callable(getattr(MainScreen, f"action_{action.name}", None)), action.name
    ids = [b.id for b in keys.bindings()]
    assert len(ids) == len(set(ids)) == len(keys.ACTIONS)


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_render_keeps_markup_literal_and_drops_controls(title: str) -> None:
    card = StoryCard(
        Article(
            id=1,
            feed_id=1,
            key="k",
            title=title,
            feed_title=title,
            source="",
            author=title,
            url=title,
            published=NOW,
        ),
        teaser=title,
    )
    for content in (
        render.card(card, NOW),
        render.article_header(card.article, NOW),
        render.line(title),
        render.block(title + "\n" + title),
        render.related_item(card.article, title),
        render.summary_bullets(ArticleSummary("digest", ((0, title),))),
        render.article_body([[title, title]], [0]),
    ):
        assert isinstance(content, Content)
        text = content.plain
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
        if "\x1b" not in title:
            assert title in text  # shown literally, never taken as markup
        for span in content.spans:
            assert "@click" not in str(span.style) and "link" not in str(span.style)


def test_body_highlights_exactly_the_summary_sentences() -> None:
    body = render.article_body([["One.", "Two."], ["Three."]], [1, 2])
    assert body.plain == "One. Two.\n\nThree."
    highlighted = {body.plain[s.start : s.end] for s in body.spans}
    assert highlighted == {"Two.", "Three."}


def test_source_label_right_aligns_counts_and_truncates() -> None:
    rows = build_sources([feed(1, "A very long feed title indeed", unread=12, error="x")], Counts())
    label = render.source_label(rows[-1], 20)
    assert label.cell_length == 20
    assert label.plain.startswith("⚠ A very") and label.plain.endswith(" 12")
