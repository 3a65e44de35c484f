"""Story grouping: real examples from the shared cluster corpus, the bundled samples, copies,
incremental grouping, the window, and the linkage itself against a plain reference."""

from __future__ import annotations

import ast
import json
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from digest import cluster
from digest.cluster import DEFAULT_SETTINGS, Doc, GroupingSettings, Terms
from digest.models import Article
from digest.refresh import load_samples
from digest.store import ArticleQuery, Store
from tests.conftest import need_corpora

T0 = datetime(2026, 11, 27, 8, tzinfo=UTC)

# Four events of the corpus told by several outlets, on unrelated subjects, plus two on one
# subject (North Korea's launches) that only the details tell apart.
EVENTS = (35, 72, 65, 44)
ALL = tuple(range(200))


def article(
    id: int,
    title: str,
    text: str,
    *,
    feed: str = "Feed",
    hours: float = 0.0,
    related_to: int | None = None,
    url: str = "",
    dated: bool = True,
) -> Article:
    when = T0 + timedelta(hours=hours)
    return Article(
        id=id,
        feed_id=id,
        key=f"k{id}",
        title=title,
        text=text,
        url=url or f"https://news.example/{id}",
        published=when if dated else None,
        added=when,
        feed_title=feed,
        related_to=related_to,
    )


def corpus_articles(events: tuple[int, ...]) -> list[tuple[int, Article]]:
    folder = need_corpora("giveme5w1h-news-cluster", "data")
    found: list[tuple[int, Article]] = []
    for n, path in enumerate(sorted(folder.glob("*.json"))):
        doc = json.loads(path.read_text(encoding="utf-8"))
        raw = doc["newsCluster"]
        event = int((raw if isinstance(raw, dict) else ast.literal_eval(raw))["EventId"])
        if event in events:
            found.append(
                (
                    event,
                    article(n, doc["title"] or "", doc["text"] or "", feed=doc["source_domain"]),
                )
            )
    return found


def by_story(stories: list[cluster.Story]) -> dict[int, int]:
    return {a.id: s.key for s in stories for a in s.articles}


def bcubed_f1(pred: dict[int, int], gold: dict[int, int]) -> float:
    pairs = Counter((pred[k], gold[k]) for k in gold)
    by_pred, by_gold = Counter(pred[k] for k in gold), Counter(gold.values())
    p = sum(c * c / by_pred[a] for (a, _), c in pairs.items()) / len(gold)
    r = sum(c * c / by_gold[b] for (_, b), c in pairs.items()) / len(gold)
    return 2 * p * r / (p + r)


@pytest.mark.shared
def test_real_events_group_by_event() -> None:
    items = corpus_articles(ALL)
    stories = cluster.group_articles(
        [a for _, a in items], replace(DEFAULT_SETTINGS, window_hours=0)
    )
    story_of = by_story(stories)
    for event in EVENTS:
        members = Counter(story_of[a.id] for e, a in items if e == event)
        main, size = members.most_common(1)[0]
        assert size >= 0.8 * sum(members.values()), (event, members)
        # The event's main story holds nothing from another event.
        others = [e for e, a in items if story_of[a.id] == main and e != event]
        assert others == [], (event, others)
    # The whole corpus: the benchmark's figure (docs/bench-cluster.md), as a regression guard.
    assert bcubed_f1(story_of, {a.id: e for e, a in items}) >= 0.93


@pytest.mark.shared
def test_related_but_different_events_stay_apart() -> None:
    # North Korea: a missile over Japan (70) and a satellite launch (71) share most words.
    items = corpus_articles((70, 71))
    stories = cluster.group_articles(
        [a for _, a in items], replace(DEFAULT_SETTINGS, window_hours=0)
    )
    story_of = by_story(stories)
    satellite = Counter(story_of[a.id] for e, a in items if e == 71)
    missile = Counter(story_of[a.id] for e, a in items if e == 70)
    shared = set(satellite) & set(missile)
    mixed = sum(min(satellite[s], missile[s]) for s in shared)
    assert mixed <= 1, (satellite, missile)


def test_bundled_samples_group_into_their_stories() -> None:
    with Store(":memory:") as store:
        load_samples(store, now=T0)
        articles = store.articles(ArticleQuery(limit=100))
    stories = cluster.group_articles(articles)
    title_story = {a.title: s for s in stories for a in s.articles}

    def story(start: str) -> cluster.Story:
        return next(s for t, s in title_story.items() if t.startswith(start))

    for starts in (
        ("Software update blamed", "Orrin Systems shares", "One firmware push"),
        ("Greyling Docks to be sold", "Halvorsen Marine agrees", "At Greyling Docks"),
        ("Robot sub finds", "A 14.2-km cold-water", "Meet Petrel-3"),
    ):
        keys = {story(s).key for s in starts}
        assert len(keys) == 1, starts
        assert len(story(starts[0]).articles) == 3
    # The wire story carried by two feeds: one entry, "also in" the other feed.
    avelar = story("Avelar Air grounds")
    assert len(avelar.entries) == 1 and len(avelar.articles) == 2
    assert avelar.lead.also_in and avelar.lead.also_in[0] != cluster.source_name(
        avelar.lead.article
    )
    # The saved page's related stories stay under its lead, which leads them.
    page = story("Meteorite hunters comb")
    page_lead = next(a for a in page.articles if a.title.startswith("Meteorite hunters comb"))
    followers = [a for a in articles if a.related_to == page_lead.id]
    assert len(followers) == 3 and all(title_story[f.title] is page for f in followers)
    assert page.lead.article.related_to is None
    # Single-source stories stay alone.
    assert len(story("Gulls rally").articles) == 1


def test_thousand_copies_of_a_wire_story_are_one_entry() -> None:
    wire = (
        "The regional carrier grounded its fleet of twelve turboprops on Tuesday after an "
        "inspection found cracked brackets in two engine mounts, cancelling ninety flights. "
    ) * 4
    copies = [
        article(i, f"Carrier grounds turboprops ({i})", wire, feed=f"Paper {i}", hours=i / 100)
        for i in range(1000)
    ]
    others = [
        article(5000, "Council approves ferry fares", "The council voted to raise fares. " * 5),
        article(5001, "Orchard posts record apple crop", "Growers harvested a record crop. " * 5),
    ]
    stories = cluster.group_articles(copies + others)
    wire_story = next(s for s in stories if s.lead.article.id < 1000)
    assert len(wire_story.entries) == 1
    assert len(wire_story.articles) == 1000
    assert len(wire_story.lead.also_in) == 999
    assert wire_story.lead.article.id == 0  # the earliest copy
    assert len(stories) == 3


def test_near_copy_with_new_headline_and_a_cut_paragraph_is_a_copy() -> None:
    paragraphs = [
        f"Paragraph {n} of the wire report says the bridge over the Tessaly river will close "
        f"for {n + 2} weeks of repairs starting Monday, officials said on day {n}."
        for n in range(8)
    ]
    first = article(1, "Bridge to close for repairs", "\n\n".join(paragraphs), feed="Gazette")
    trimmed = article(
        2, "Tessaly bridge shuts Monday", "\n\n".join(paragraphs[:-1]), feed="Ledger", hours=1
    )
    rewritten = article(
        3,
        "Bridge closure: what drivers need to know",
        "Drivers face detours when the Tessaly river bridge closes for repairs on Monday. "
        "Officials expect weeks of work; the wire report listed the dates.",
        feed="Post",
        hours=2,
    )
    story = cluster.assemble(1, [rewritten, trimmed, first])
    assert [e.article.id for e in story.entries if e.copies] == [1]
    assert story.lead.article.id == 1 and story.lead.also_in == ("Ledger",)
    assert [e.article.id for e in story.related] == [3]


def test_lead_is_central_and_informative_ties_to_earliest() -> None:
    text = "The museum reopens Saturday after a two-year renovation of the lighthouse tower. " * 6
    early = article(1, "Lighthouse museum reopens", text, hours=0)
    late = article(2, "Lighthouse museum reopens", text + " Tickets are free.", hours=3)
    teaser = article(3, "Lighthouse museum to reopen", "Museum reopens.", hours=-1)
    story = cluster.assemble(7, [late, teaser, early])
    assert story.key == 7
    # early and late are copies (same text but a line): one entry, the earliest leads it.
    assert story.lead.article.id == 1
    assert story.related[0].article.id == 3


def test_page_follower_never_leads() -> None:
    lead = article(1, "Short page lead", "A short lead.", feed="Aggregator")
    long_follower = article(
        2, "Long follower", "A long related story about the same thing. " * 40, related_to=1
    )
    story = cluster.assemble(1, [long_follower, lead])
    assert story.lead.article.id == 1


def test_window_keeps_distant_articles_apart() -> None:
    text = "Kestrel Energy restored power to 61,400 customers after a firmware update failed. " * 3
    a = article(1, "Kestrel outage ends", text, hours=0)
    b = article(2, "Kestrel outage ends", text + " More.", hours=5 * 24)
    c = article(3, "Unrelated harvest news", "Apple growers report a record season. " * 3)
    settings = GroupingSettings(window_hours=48)
    docs = cluster.story_docs([a, b, c], settings)
    assert sorted(map(sorted, cluster.group(docs, settings))) == [[1], [2], [3]]
    wide = replace(settings, window_hours=0)
    assert sorted(map(sorted, cluster.group(cluster.story_docs([a, b, c], wide), wide))) == [
        [1, 2],
        [3],
    ]


def test_undated_and_empty_articles_do_not_break_grouping() -> None:
    undated = article(1, "Storm warning for Friday", "Gusts of 55 mph expected. " * 4, dated=False)
    empty = article(2, "", "")
    stories = cluster.group_articles([undated, empty])
    assert sorted(len(s.articles) for s in stories) == [1, 1]
    assert cluster.group([], DEFAULT_SETTINGS) == []


@pytest.mark.shared
def test_extend_adds_to_existing_stories_without_regrouping() -> None:
    items = corpus_articles(ALL)
    settings = replace(DEFAULT_SETTINGS, window_hours=0)
    old = [a for n, (_, a) in enumerate(items) if n % 4]
    new = [a for n, (_, a) in enumerate(items) if not n % 4]
    event = {a.id: e for e, a in items}
    groups = cluster.group(cluster.story_docs(old, settings), settings)
    story_of = {k: n for n, keys in enumerate(groups) for k in keys}
    existing = [(d, story_of[d.key]) for d in cluster.story_docs(old, settings)]
    added = cluster.extend(existing, cluster.story_docs(new, settings), settings)
    assert sorted(k for _, keys in added for k in keys) == sorted(a.id for a in new)
    joined = right = 0
    for target, keys in added:
        if target is None:
            continue
        members = [k for k, s in story_of.items() if s == target]
        majority = Counter(event[k] for k in members).most_common(1)[0][0]
        right += sum(event[k] == majority for k in keys)
        joined += len(keys)
    # Most new articles find their event's story, and almost never the wrong one.
    assert joined >= 0.6 * len(new) and right >= 0.9 * joined, (joined, right, len(new))


def test_terms_round_trip_and_fold_plurals() -> None:
    terms = cluster.article_terms("Ferries and ferry fares", "The fares rise. Ferry's fares!")
    again = Terms.from_bytes(terms.to_bytes())
    assert np.array_equal(again.ids, terms.ids) and np.array_equal(again.counts, terms.counts)
    # ferry (ferries, ferry's: 2 in the title x 4, 1 in the text), fare (1 x 4 + 2), rise (1).
    assert sorted(terms.counts.tolist()) == [1.0, 6.0, 9.0]
    assert cluster.article_terms("The and of", "was were").ids.size == 0  # stop words only
    assert cluster.article_terms("", "").to_bytes() == b""


def reference_average_linkage(sims: np.ndarray, limit: float) -> list[set[int]]:
    """Textbook average linkage: merge the most similar pair of groups while it reaches limit."""
    groups = [{k} for k in range(len(sims))]
    while True:
        best, pair = -1.0, None
        for x in range(len(groups)):
            for y in range(x + 1, len(groups)):
                mean = float(np.mean([sims[a, b] for a in groups[x] for b in groups[y]]))
                if mean > best:
                    best, pair = mean, (x, y)
        if pair is None or best < limit:
            return groups
        x, y = pair
        groups[x] |= groups.pop(y)


@pytest.mark.parametrize("seed", range(4))
def test_linkage_matches_the_textbook_algorithm(seed: int) -> None:
    rng = np.random.default_rng(seed)
    points = rng.random((30, 6)) ** 3
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    sims = points @ points.T
    limit = float(np.quantile(sims, 0.85))
    i, j = np.triu_indices(30, 1)
    labels = cluster._average_linkage(30, i, j, sims[i, j], limit)
    ours = sorted(sorted(k for k in range(30) if labels[k] == label) for label in set(labels))
    expected = sorted(sorted(g) for g in reference_average_linkage(sims, limit))
    assert ours == expected


def test_grouping_does_not_depend_on_input_order() -> None:
    with Store(":memory:") as store:
        load_samples(store, now=T0)
        articles = store.articles(ArticleQuery(limit=100))
    forward = cluster.group_articles(articles)
    backward = cluster.group_articles(list(reversed(articles)))
    assert sorted(sorted(a.id for a in s.articles) for s in forward) == sorted(
        sorted(a.id for a in s.articles) for s in backward
    )
    assert {s.lead.article.id for s in forward} == {s.lead.article.id for s in backward}


def test_docs_carry_their_when() -> None:
    a = article(1, "Title words here", "Some body words here.", hours=2)
    (doc,) = cluster.story_docs([a])
    assert isinstance(doc, Doc) and doc.when == (T0 + timedelta(hours=2)).timestamp()
