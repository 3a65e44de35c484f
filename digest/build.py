"""Building digests: the store's articles grouped into stories, ranked, summarized and rendered.

This is the one place that joins grouping (:mod:`digest.cluster`, pure), ranking
(:mod:`digest.rank`, pure), summaries (:mod:`digest.summaries`) and rendering
(:mod:`digest.export`, pure) to the store. Grouping is incremental and kept in the store: articles
not yet in a story are grouped against the stories of the surrounding window (their stored bags of
terms), never regrouping what is already grouped; exact copies join their original's story
directly and a saved page's related articles stay under the page's lead. A digest depends only on
the store and the period, never on the clock: relative times are computed against the period's
end, or its newest article when the period is not over. It never fetches and never prints.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from digest import cluster
from digest.cluster import DEFAULT_SETTINGS, Doc, GroupingSettings, Story, Terms
from digest.config import Config, SummaryConfig
from digest.export import Digest, DigestStory, render
from digest.models import Article
from digest.rank import DEFAULT_RANK, RankedStory, RankSettings, rank_stories
from digest.store import Store
from digest.textclean import clean_line

DEFAULT_MAX_STORIES = 30
ONE_LINE_CHARS = 220


@dataclass(frozen=True)
class Period:
    """The time a digest covers: [start, end)."""

    start: datetime
    end: datetime
    title: str
    key: str
    """How stored builds name it: ``2026-11-27`` for a day, ``since:<start>/<end>`` otherwise."""


def local_zone() -> tzinfo:
    """This machine's time zone (days start at local midnight)."""
    zone = datetime.now().astimezone().tzinfo
    return zone if zone is not None else UTC


def day_period(day: date, zone: tzinfo | None = None) -> Period:
    """The local calendar day ``day`` (``zone`` defaults to the machine's)."""
    start = _local_midnight(day, zone)
    end = _local_midnight(day + timedelta(days=1), zone)
    title = f"Digest for {day.strftime('%A')}, {day.day} {day.strftime('%B %Y')}"
    return Period(start.astimezone(UTC), end.astimezone(UTC), title, day.isoformat())


def _local_midnight(day: date, zone: tzinfo | None) -> datetime:
    if zone is None:
        # A naive local time made aware picks the offset in force on that day (DST included).
        return datetime.combine(day, time()).astimezone()
    return datetime.combine(day, time(), tzinfo=zone)


def since_period(since: datetime, now: datetime) -> Period:
    """From ``since`` to ``now``."""
    start, end = since.astimezone(UTC), now.astimezone(UTC)
    hours = max(0.0, (end - start).total_seconds() / 3600)
    span = f"{hours:.0f} hours" if hours < 72 else f"{hours / 24:.0f} days"
    key = f"since:{_iso(start)}/{_iso(end)}"
    return Period(start, end, f"Digest of the last {span}", key)


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- grouping state -------------------------------------------------------------------------------


def _window(settings: GroupingSettings) -> timedelta:
    return timedelta(hours=settings.window_hours or 24 * 365 * 50)


def update_stories(
    store: Store,
    since: datetime,
    until: datetime,
    settings: GroupingSettings = DEFAULT_SETTINGS,
) -> int:
    """Group the articles dated in [since, until) that are in no story yet; returns how many.

    Each batch of new articles is compared with the grouped articles of the window around it
    (their stored terms): new groups join an existing story or start their own. Exact copies
    (same words) of an article already grouped in the window join its story directly; articles a
    saved page lists under a lead join the lead's story.
    """
    new = store.ungrouped_articles(since, until)
    if not new:
        return 0
    by_id = {a.id: a for a in new}
    # A saved page's lead outside the range comes along when it is not grouped yet.
    outside = {a.related_to for a in new if a.related_to is not None} - by_id.keys()
    grouped_leads = store.story_ids(outside)
    for lead_id in sorted(outside - grouped_leads.keys()):
        lead = store.article(lead_id)
        if lead is not None:
            new.append(lead)
            by_id[lead.id] = lead
    window = _window(settings)
    lo = min(_when(a) for a in new) - window
    hi = max(_when(a) for a in new) + window
    terms = {a.id: cluster.article_terms(a.title, a.text or a.summary, settings) for a in new}
    marks = {a.id: _fingerprint(a) for a in new}
    known = store.stories_by_fingerprint((m for m in marks.values() if m), lo, hi)
    # Articles a saved page lists under another article follow their lead.
    followers: dict[int, list[int]] = {}
    lead_story = grouped_leads
    docs: list[Article] = []
    copies: dict[int, list[int]] = {}
    seen: dict[str, int] = {}
    existing_copies: dict[int, list[int]] = {}
    pages: dict[int, list[int]] = {}
    for a in new:
        if a.related_to is not None and (a.related_to in by_id or a.related_to in lead_story):
            if a.related_to in by_id:
                followers.setdefault(a.related_to, []).append(a.id)
            else:
                pages.setdefault(lead_story[a.related_to], []).append(a.id)
            continue
        mark = marks[a.id]
        if mark and mark in seen:
            copies.setdefault(seen[mark], []).append(a.id)
            continue
        if mark and mark in known:
            existing_copies.setdefault(known[mark], []).append(a.id)
            continue
        if mark:
            seen[mark] = a.id
        docs.append(a)
    existing = [
        (Doc(article_id, when.timestamp(), Terms.from_bytes(blob)), story_id)
        for article_id, story_id, when, blob in store.story_terms(lo, hi)
    ]
    new_docs = [Doc(a.id, _when(a).timestamp(), terms[a.id]) for a in docs]
    groups: list[tuple[int | None, list[tuple[int, str, bytes, str]]]] = []

    def member(article_id: int, role: str) -> tuple[int, str, bytes, str]:
        return (article_id, role, terms[article_id].to_bytes(), marks[article_id])

    for target, keys in cluster.extend(existing, new_docs, settings):
        rows: list[tuple[int, str, bytes, str]] = []
        for key in keys:
            rows.append(member(key, "doc"))
            rows += [member(c, "copy") for c in copies.get(key, ())]
            for lead in [key, *copies.get(key, ())]:
                rows += [member(f, "page") for f in followers.get(lead, ())]
        groups.append((target, rows))
    for story_id, ids in existing_copies.items():
        rows = [member(i, "copy") for i in ids]
        for i in ids:
            rows += [member(f, "page") for f in followers.get(i, ())]
        groups.append((story_id, rows))
    for story_id, ids in pages.items():
        groups.append((story_id, [member(i, "page") for i in ids]))
    store.save_grouping(groups)
    return sum(len(rows) for _, rows in groups)


def _when(article: Article) -> datetime:
    return article.when or datetime(1970, 1, 1, tzinfo=UTC)


def _fingerprint(article: Article) -> str:
    body = article.text or article.summary
    if len(body.split()) < 20:
        return ""  # too short to call two articles copies on their words alone
    return cluster.fingerprint(article.title, body)


def stories_between(
    store: Store,
    start: datetime,
    end: datetime,
    settings: GroupingSettings = DEFAULT_SETTINGS,
) -> tuple[list[Story], int]:
    """The stories of the articles dated in [start, end) (grouping any not yet grouped) and the
    number of articles. Only the period's own articles are shown in its stories."""
    update_stories(store, start, end, settings)
    by_story: dict[int, list[Article]] = {}
    count = 0
    rows = store.grouped_articles(start, end)
    ids = {article.id for _, article in rows}
    for story_id, article in rows:
        by_story.setdefault(story_id, []).append(article)
        count += 1
    # A saved page's lead and its related articles show together even when dated apart.
    story_of = {article.id: story_id for story_id, article in rows}
    for follower in store.related_to_any(story_of):
        if follower.id not in ids and follower.related_to is not None:
            ids.add(follower.id)
            by_story[story_of[follower.related_to]].append(follower)
    for story_id, article in rows:
        if article.related_to is not None and article.related_to not in ids:
            lead = store.article(article.related_to)
            if lead is not None:
                ids.add(lead.id)
                by_story[story_id].append(lead)
    stories = [cluster.assemble(key, by_story[key], settings) for key in sorted(by_story)]
    return stories, count


def reference_time(period: Period, stories: Sequence[Story]) -> datetime:
    """What "3 hours ago" is measured from: the period's end, or its newest article if earlier."""
    dates = [a.when for s in stories for a in s.articles if a.when is not None]
    newest = max((d for d in dates if d < period.end), default=None)
    return min(period.end, newest) if newest else period.end


@dataclass(frozen=True)
class StoryList:
    """A period's stories, best first: what the app shows for a day."""

    period: Period
    stories: list[RankedStory]
    """Each has ``story.lead`` and ``story.related`` (:class:`~digest.cluster.StoryEntry`:
    ``article``, ``copies``, ``also_in``) and ``score`` (the parts, see :mod:`digest.rank`)."""
    as_of: datetime
    """What relative times are measured from (see :func:`reference_time`)."""
    articles: int
    """Articles in the period."""


def ranked_stories(
    store: Store,
    period: Period,
    *,
    grouping: GroupingSettings = DEFAULT_SETTINGS,
    ranking: RankSettings = DEFAULT_RANK,
) -> StoryList:
    """The period's stories, best first (grouping any article not yet grouped, no summaries).

    Blocking (SQLite and numpy): call it from a thread worker with a Store opened there.
    """
    stories, count = stories_between(store, period.start, period.end, grouping)
    as_of = reference_time(period, stories)
    ranked = rank_stories(stories, now=as_of, priorities=store.feed_priorities(), settings=ranking)
    return StoryList(period, ranked, as_of, count)


def day_stories(store: Store, day: date, *, zone: tzinfo | None = None) -> StoryList:
    """:func:`ranked_stories` for a local calendar day (the app's Today view, ``[`` and ``]``)."""
    return ranked_stories(store, day_period(day, zone))


def stories_of(
    store: Store, articles: Sequence[Article], settings: GroupingSettings = DEFAULT_SETTINGS
) -> list[Story]:
    """Any list of articles (a feed, a search, unread...) shown as stories, in the order of each
    story's first article in ``articles``; only the given articles appear in them.

    Articles not grouped yet are grouped first (incrementally, as for a digest).
    """
    if not articles:
        return []
    dates = [_when(a) for a in articles]
    update_stories(store, min(dates), max(dates) + timedelta(seconds=1), settings)
    story_ids = store.story_ids(a.id for a in articles)
    groups: dict[int, list[Article]] = {}
    for a in articles:
        # Ungrouped (e.g. transient) articles stand alone under a negative key.
        groups.setdefault(story_ids.get(a.id, -a.id), []).append(a)
    return [cluster.assemble(key, members, settings) for key, members in groups.items()]


def one_line(article: Article, limit: int = ONE_LINE_CHARS) -> str:
    """A one-line summary: the first sentence of the feed's teaser, else of the text, cut short."""
    from digest.sentences import split_sentences

    for body in (article.summary, article.text):
        body = (body or "").strip()
        if not body:
            continue
        sentences = split_sentences(body[:2000])
        first = clean_line(sentences[0] if sentences else body)
        title = clean_line(article.title).rstrip(".!?")
        if title and first.rstrip(".!?") == title and len(sentences) > 1:
            first = clean_line(sentences[1])
        if first:
            if len(first) > limit:
                first = first[: limit - 1].rsplit(" ", 1)[0].rstrip(",;: ") + "…"
            return first
    return ""


def build_digest(
    store: Store,
    period: Period,
    summary: SummaryConfig,
    *,
    max_stories: int = DEFAULT_MAX_STORIES,
    grouping: GroupingSettings = DEFAULT_SETTINGS,
    ranking: RankSettings = DEFAULT_RANK,
) -> Digest:
    """The digest of ``period``: ranked stories, the first ``max_stories`` with their summaries.

    Leads get their stored summary (computed and stored now if missing); every entry gets a
    one-line summary. An empty period gives an empty digest with a note, not an error.
    """
    from digest.summaries import article_summary

    listed = ranked_stories(store, period, grouping=grouping, ranking=ranking)
    ranked, as_of, count = listed.stories, listed.as_of, listed.articles
    shown = ranked[: max(0, max_stories)]
    items: list[DigestStory] = []
    for r in shown:
        lead = r.story.lead.article
        summary_sentences: tuple[str, ...] = ()
        if (lead.text or lead.summary).strip():
            found = article_summary(store, lead, summary)
            summary_sentences = tuple(clean_line(t) for _, t in found.sentences if clean_line(t))
        lines = {a.id: one_line(a) for e in r.story.entries for a in e.articles[:1]}
        items.append(DigestStory(r, summary_sentences, lines))
    note = ""
    if not ranked:
        note = "No articles in this period. Run `digest refresh` (or `digest build --refresh`)."
    return Digest(
        title=period.title,
        start=period.start,
        end=period.end,
        as_of=as_of,
        stories=tuple(items),
        total_stories=len(ranked),
        total_articles=count,
        note=note,
    )


def build_and_store(
    store: Store,
    config: Config,
    period: Period,
    fmt: str,
    *,
    max_stories: int = DEFAULT_MAX_STORIES,
) -> str:
    """Build, render and keep the digest in the store; returns the rendered text."""
    window = config.digest.window_hours
    digest = build_digest(
        store,
        period,
        config.summary,
        max_stories=max_stories,
        grouping=grouping_settings(None if window == DEFAULT_SETTINGS.window_hours else window),
    )
    content = render(digest, fmt)
    chosen: dict[str, float] = {"max_stories": max_stories}
    if window != DEFAULT_SETTINGS.window_hours:
        chosen["window_hours"] = window
    options = json.dumps(chosen, sort_keys=True)
    store.put_build(period.key, fmt, options, content)
    return content


def grouping_settings(window_hours: float | None = None) -> GroupingSettings:
    """The default grouping settings, with another window if given."""
    if window_hours is None:
        return DEFAULT_SETTINGS
    return replace(DEFAULT_SETTINGS, window_hours=window_hours)
