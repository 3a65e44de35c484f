"""Ranking the day's stories: coverage, recency and the reader's own signals, with the parts kept.

A story's score is the sum of five parts, each a weight times a value between -1 and 1, so a reader
(and the JSON output) can see why a story comes first:

- ``coverage``: how many distinct sources told it (a source that only carried a copy counts half),
  on a log scale that is full at :attr:`RankSettings.coverage_full` sources;
- ``recency``: how new its newest article is, halving every :attr:`RankSettings.half_life_hours`;
- ``starred``: 1 when the reader starred any of its articles;
- ``unread``: the share of its entries not yet read (stories already read sink);
- ``priority``: the highest ``priority`` the config gives any of its feeds, over 100.

Pure: the caller passes ``now`` (the digest's reference time, not the clock) and the feed
priorities; nothing here reads the store or the clock.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from digest.cluster import Story, source_name


@dataclass(frozen=True)
class RankSettings:
    """Weights of the score's parts."""

    coverage_weight: float = 3.0
    coverage_full: int = 8
    """Sources at which coverage is full (more add nothing: a thousand copies are not news)."""
    recency_weight: float = 2.0
    half_life_hours: float = 12.0
    starred_weight: float = 2.0
    unread_weight: float = 1.0
    priority_weight: float = 1.0


DEFAULT_RANK = RankSettings()


@dataclass(frozen=True)
class ScoreParts:
    """The weighted parts of a story's score; ``total`` is their sum."""

    coverage: float
    recency: float
    starred: float
    unread: float
    priority: float

    @property
    def total(self) -> float:
        return self.coverage + self.recency + self.starred + self.unread + self.priority

    def as_dict(self) -> dict[str, float]:
        return {
            "coverage": round(self.coverage, 4),
            "recency": round(self.recency, 4),
            "starred": round(self.starred, 4),
            "unread": round(self.unread, 4),
            "priority": round(self.priority, 4),
        }


@dataclass(frozen=True)
class RankedStory:
    """A story with its place, its score's parts and the facts they were computed from."""

    rank: int
    story: Story
    score: ScoreParts
    sources: float
    """Distinct sources (copies count half), before the log scale."""
    newest: datetime | None
    age_hours: float
    priority: int


def coverage_sources(story: Story) -> float:
    """Distinct sources of the story's own entries, plus half of those met only in copies."""
    own: set[str] = {source_name(entry.article) for entry in story.entries}
    copies: set[str] = set()
    for entry in story.entries:
        copies.update(source_name(c) for c in entry.copies)
    return len(own) + 0.5 * len(copies - own)


def score_story(
    story: Story,
    *,
    now: datetime,
    priorities: Mapping[int, int],
    settings: RankSettings = DEFAULT_RANK,
) -> tuple[ScoreParts, float, datetime | None, float, int]:
    """The story's score parts, with (sources, newest date, age in hours, priority) behind them."""
    articles = story.articles
    sources = coverage_sources(story)
    coverage = min(1.0, math.log1p(sources) / math.log1p(settings.coverage_full))
    dates = [a.when for a in articles if a.when is not None and a.when <= now]
    newest = max(dates) if dates else None
    age = max(0.0, (now - newest).total_seconds() / 3600.0) if newest else float("inf")
    recency = 0.0 if math.isinf(age) else 0.5 ** (age / settings.half_life_hours)
    starred = 1.0 if any(a.starred for a in articles) else 0.0
    unread = sum(1 for e in story.entries if not e.article.read) / len(story.entries)
    priority = max((priorities.get(a.feed_id, 0) for a in articles), default=0)
    parts = ScoreParts(
        coverage=settings.coverage_weight * coverage,
        recency=settings.recency_weight * recency,
        starred=settings.starred_weight * starred,
        unread=settings.unread_weight * unread,
        priority=settings.priority_weight * max(-1.0, min(1.0, priority / 100.0)),
    )
    return parts, sources, newest, (age if not math.isinf(age) else -1.0), priority


def rank_stories(
    stories: Sequence[Story],
    *,
    now: datetime,
    priorities: Mapping[int, int] | None = None,
    settings: RankSettings = DEFAULT_RANK,
) -> list[RankedStory]:
    """Stories best first: by total score, then the newest, then the smallest story key."""
    scored = []
    for story in stories:
        parts, sources, newest, age, priority = score_story(
            story, now=now, priorities=priorities or {}, settings=settings
        )
        scored.append((parts, sources, newest, age, priority, story))
    scored.sort(
        key=lambda s: (
            -round(s[0].total, 9),
            -(s[2].timestamp() if s[2] else 0.0),
            s[5].key,
        )
    )
    return [
        RankedStory(n + 1, story, parts, sources, newest, age, priority)
        for n, (parts, sources, newest, age, priority, story) in enumerate(scored)
    ]
