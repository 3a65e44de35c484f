"""Ranking: coverage, recency and the reader's signals order stories, and the parts add up."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from digest import cluster
from digest.models import Article
from digest.rank import RankSettings, coverage_sources, rank_stories, score_story

NOW = datetime(2026, 11, 27, 18, tzinfo=UTC)


def art(
    id: int, *, feed: int = 1, source: str = "", hours_ago: float = 1.0, **marks: bool
) -> Article:
    when = NOW - timedelta(hours=hours_ago)
    return Article(
        id=id,
        feed_id=feed,
        key=f"k{id}",
        title=f"Story {id}",
        text=f"Words of article {id} " * 10,
        published=when,
        added=when,
        feed_title=f"Feed {feed}",
        source=source,
        read=marks.get("read", False),
        starred=marks.get("starred", False),
    )


def story(key: int, *entries: Article, copies: tuple[Article, ...] = ()) -> cluster.Story:
    lead, *rest = entries
    return cluster.Story(
        key,
        cluster.StoryEntry(lead, copies),
        tuple(cluster.StoryEntry(a) for a in rest),
    )


def order(stories: list[cluster.Story], **kwargs: object) -> list[int]:
    return [r.story.key for r in rank_stories(stories, now=NOW, **kwargs)]  # type: ignore[arg-type]


def test_more_sources_rank_higher() -> None:
    wide = story(1, art(1, feed=1), art(2, feed=2), art(3, feed=3))
    narrow = story(2, art(4, feed=1))
    same_feed_twice = story(3, art(5, feed=1), art(6, feed=1))
    # One source told twice is still one source: a tie with `narrow`, broken by the key.
    assert order([narrow, same_feed_twice, wide]) == [1, 2, 3]
    ranked = rank_stories([narrow, same_feed_twice, wide], now=NOW)
    by_key = {r.story.key: r for r in ranked}
    assert by_key[1].score.coverage > by_key[3].score.coverage == by_key[2].score.coverage


def test_copies_count_half_and_coverage_is_capped() -> None:
    lead = art(1, feed=1)
    copies = tuple(art(100 + n, feed=100 + n) for n in range(1000))
    wire = story(1, lead, copies=copies)
    assert coverage_sources(wire) == 1 + 0.5 * 1000
    parts = score_story(wire, now=NOW, priorities={})[0]
    settings = RankSettings()
    assert parts.coverage == pytest.approx(settings.coverage_weight)  # full, not more
    five = story(2, *(art(10 + n, feed=10 + n) for n in range(5)))
    assert score_story(five, now=NOW, priorities={})[0].coverage < parts.coverage


def test_newer_ranks_higher_when_coverage_is_equal() -> None:
    old = story(1, art(1, hours_ago=20))
    new = story(2, art(2, hours_ago=1))
    assert order([old, new]) == [2, 1]
    parts = score_story(old, now=NOW, priorities={})[0]
    assert parts.recency == pytest.approx(2.0 * 0.5 ** (20 / 12))


def test_starred_lifts_and_read_sinks() -> None:
    plain = story(1, art(1))
    starred = story(2, art(2, starred=True))
    read = story(3, art(3, read=True))
    assert order([plain, read, starred]) == [2, 1, 3]


def test_feed_priority_from_config_counts() -> None:
    normal = story(1, art(1, feed=1))
    favourite = story(2, art(2, feed=2))
    muted = story(3, art(3, feed=3))
    assert order([normal, favourite, muted], priorities={2: 100, 3: -100}) == [2, 1, 3]


def test_parts_add_up_and_ties_are_deterministic() -> None:
    a = story(5, art(1))
    b = story(4, art(2))
    ranked = rank_stories([a, b], now=NOW)
    assert [r.story.key for r in ranked] == [4, 5]  # equal scores and dates: smaller key first
    assert [r.rank for r in ranked] == [1, 2]
    for r in ranked:
        parts = r.score.as_dict()
        assert sum(parts.values()) == pytest.approx(r.score.total, abs=1e-3)
        assert set(parts) == {"coverage", "recency", "starred", "unread", "priority"}


def test_future_and_undated_articles_do_not_break_recency() -> None:
    future = replace(art(1), published=NOW + timedelta(days=3), added=NOW + timedelta(days=3))
    undated = replace(art(2), published=None, added=None)
    ranked = rank_stories([story(1, future), story(2, undated)], now=NOW)
    assert all(r.score.recency == 0.0 and r.age_hours == -1.0 for r in ranked)
