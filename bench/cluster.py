"""Benchmark of story grouping: quality on the GiveMe5W1H news-cluster corpus, and speed.

Quality: the 383 articles of ``../shared/corpora/giveme5w1h-news-cluster`` (69 gold events) are
grouped with :mod:`digest.cluster` and scored with B-cubed precision/recall/F1 and the adjusted
Rand index. The thresholds are chosen by 5-fold cross-validation over the events (grid search on
four folds plus the bundled samples, score on the held-out fold, which is grouped on its own); the
library defaults must be the settings the folds agree on, and the full-set score is reported with
those defaults. In the same run, the baseline: plain TF-IDF over title + text (raw and sublinear
term frequency) with average linkage, its threshold tuned on this very set (its best score is
reported, an optimistic figure). Robustness rows group the same events from teasers only and from
the first 600 characters only, with the same defaults; an incremental row adds the articles in ten
date-ordered batches with :func:`digest.cluster.extend`.

Speed: 10,000 articles (variants of the BBC News Summary articles: sentences dropped, titles
trimmed, spread over 48 hours) grouped from scratch, then 500 more added to that window.

Writes ``docs/bench-cluster.md`` with the machine, the date, the load average and the command.
``--quick`` skips the cross-validation. Never touches the network.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from math import comb
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from digest import cluster  # noqa: E402
from digest.cluster import DEFAULT_SETTINGS, Doc, GroupingSettings  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "giveme5w1h-news-cluster" / "data"
BBC = ROOT.parent / "shared" / "corpora" / "bbc-news-summary" / "News Articles"
REPORT = ROOT / "docs" / "bench-cluster.md"
BASES = (0.06, 0.07, 0.08, 0.09, 0.10, 0.11, 0.12, 0.13, 0.14, 0.16)
FACTORS = (2.0, 3.0, 4.0)
FOLDS = 5

# The bundled samples' stories told by several sources (digest/samples/README.md), by title start.
SAMPLE_EVENTS = (
    ("Software update blamed", "Orrin Systems shares", "One firmware push"),
    ("Greyling Docks to be sold", "Halvorsen Marine agrees", "At Greyling Docks"),
    ("Robot sub finds", "A 14.2-km cold-water", "Meet Petrel-3"),
    ("What lit up the Tessaly", "The Tessaly fireball", "Meteorite hunters comb"),
    ("Avelar Air grounds", "Avelar Air shares slide"),
)


@dataclass(frozen=True)
class Item:
    """One article to group, with its gold event."""

    title: str
    text: str
    teaser: str
    when: float
    event: int


def load_corpus() -> list[Item]:
    items: list[Item] = []
    for path in sorted(CORPUS.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        raw = doc["newsCluster"]
        gold = raw if isinstance(raw, dict) else ast.literal_eval(raw)
        published = doc.get("date_publish")
        when = (
            datetime.fromisoformat(published).replace(tzinfo=UTC).timestamp()
            if published and published != "None"
            else 0.0
        )
        description = doc.get("description") or ""
        text = doc.get("text") or ""
        items.append(
            Item(
                title=doc.get("title") or "",
                text=text,
                teaser=description if description not in ("", "None") else text[:300],
                when=when,
                event=int(gold["EventId"]),
            )
        )
    return items


def load_samples() -> list[Item]:
    """The bundled sample articles (not the saved page's own related stories), gold by title."""
    from digest.refresh import load_samples as store_samples
    from digest.store import ArticleQuery, Store

    with Store(":memory:") as store:
        store_samples(store, now=datetime(2026, 11, 27, 12, tzinfo=UTC))
        articles = [a for a in store.articles(ArticleQuery(limit=1000)) if a.related_to is None]
    items: list[Item] = []
    for n, article in enumerate(sorted(articles, key=lambda a: a.id)):
        event = 1000 + n
        for k, starts in enumerate(SAMPLE_EVENTS):
            if article.title.startswith(starts):
                event = k
        when = article.when.timestamp() if article.when else 0.0
        items.append(Item(article.title, article.text, article.summary, when, event))
    return items


# -- scores ---------------------------------------------------------------------------------------


def bcubed(pred: Sequence[int], gold: Sequence[int]) -> tuple[float, float, float]:
    """B-cubed (precision, recall, F1) of a clustering against gold labels."""
    pairs = Counter(zip(pred, gold, strict=True))
    by_pred = Counter(pred)
    by_gold = Counter(gold)
    n = len(pred)
    precision = sum(c * c / by_pred[p] for (p, _), c in pairs.items()) / n
    recall = sum(c * c / by_gold[g] for (_, g), c in pairs.items()) / n
    return precision, recall, 2 * precision * recall / (precision + recall)


def ari(pred: Sequence[int], gold: Sequence[int]) -> float:
    """Adjusted Rand index."""
    n = len(pred)
    together = sum(comb(c, 2) for c in Counter(zip(pred, gold, strict=True)).values())
    a = sum(comb(c, 2) for c in Counter(pred).values())
    b = sum(comb(c, 2) for c in Counter(gold).values())
    expected = a * b / comb(n, 2)
    best = (a + b) / 2
    return (together - expected) / (best - expected) if best != expected else 1.0


def labels_of(groups: Sequence[Sequence[int]], n: int) -> list[int]:
    labels = [0] * n
    for label, keys in enumerate(groups):
        for key in keys:
            labels[key] = label
    return labels


def ours(items: Sequence[Item], settings: GroupingSettings, field: str = "text") -> list[int]:
    docs = [
        Doc(k, it.when, cluster.article_terms(it.title, getattr(it, field), settings))
        for k, it in enumerate(items)
    ]
    return labels_of(cluster.group(docs, settings), len(items))


def incremental(items: Sequence[Item], settings: GroupingSettings, batches: int) -> list[int]:
    """Group in date-ordered batches: the first from scratch, the rest with ``extend``."""
    order = sorted(range(len(items)), key=lambda k: (items[k].when, k))
    story: dict[int, int] = {}
    docs = {
        k: Doc(k, items[k].when, cluster.article_terms(items[k].title, items[k].text, settings))
        for k in order
    }
    next_story = 0
    for chunk in np.array_split(np.array(order), batches):
        existing = [(docs[k], story[k]) for k in sorted(story)]
        for target, keys in cluster.extend(existing, [docs[int(k)] for k in chunk], settings):
            if target is None:
                target = next_story
                next_story += 1
            for key in keys:
                story[key] = target
    return [story[k] for k in range(len(items))]


# -- the baseline ---------------------------------------------------------------------------------

_TOKEN = re.compile(r"\b\w\w+\b")


def baseline_similarities(items: Sequence[Item], sublinear: bool) -> np.ndarray[Any, Any]:
    """Cosine similarities of plain TF-IDF vectors of title + text (scikit-learn's defaults)."""
    counts = [Counter(_TOKEN.findall((it.title + "\n" + it.text).lower())) for it in items]
    vocab = {w: k for k, w in enumerate(sorted({w for c in counts for w in c}))}
    matrix = np.zeros((len(items), len(vocab)))
    for row, c in enumerate(counts):
        for word, count in c.items():
            matrix[row, vocab[word]] = 1 + np.log(count) if sublinear else count
    df = (matrix > 0).sum(axis=0)
    matrix *= np.log((1 + len(items)) / (1 + df)) + 1
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-12
    sims: np.ndarray[Any, Any] = matrix @ matrix.T
    return sims


def baseline(items: Sequence[Item]) -> tuple[float, float, str]:
    """The baseline's best (F1, ARI, setting) over thresholds, tuned on ``items`` themselves."""
    gold = [it.event for it in items]
    best = (0.0, 0.0, "")
    n = len(items)
    i, j = np.triu_indices(n, 1)
    for sublinear in (False, True):
        sims = baseline_similarities(items, sublinear)
        for t in np.arange(0.05, 0.40, 0.01):
            labels = cluster._average_linkage(n, i, j, sims[i, j], float(t))
            f1 = bcubed(labels, gold)[2]
            if f1 > best[0]:
                tf = "sublinear" if sublinear else "raw"
                best = (f1, ari(labels, gold), f"{tf} tf, threshold {t:.2f}")
    return best


# -- cross-validation -----------------------------------------------------------------------------


def folds(items: Sequence[Item], k: int) -> list[list[int]]:
    """Split the events (not the articles) into ``k`` folds, seeded, sizes balanced."""
    events = sorted({it.event for it in items})
    rng = np.random.default_rng(5)
    rng.shuffle(events)
    size = Counter(it.event for it in items)
    buckets: list[list[int]] = [[] for _ in range(k)]
    loads = [0] * k
    for event in sorted(events, key=lambda e: -size[e]):
        target = loads.index(min(loads))
        buckets[target].append(event)
        loads[target] += size[event]
    return [[n for n, it in enumerate(items) if it.event in set(b)] for b in buckets]


def f1_of(items: Sequence[Item], settings: GroupingSettings) -> float:
    return bcubed(ours(items, settings), [it.event for it in items])[2]


def cross_validate(
    items: Sequence[Item], samples: Sequence[Item], base: GroupingSettings
) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    grid = [replace(base, base_threshold=b, background_factor=f) for b in BASES for f in FACTORS]
    sample_f1 = {s: f1_of(samples, s) for s in grid}
    for k, test in enumerate(folds(items, FOLDS)):
        held = set(test)
        train = [it for n, it in enumerate(items) if n not in held]
        scored = [(f1_of(train, s) + sample_f1[s], s) for s in grid]
        top = max(score for score, _ in scored)
        chosen = next(s for score, s in scored if score == top)
        test_items = [items[n] for n in test]
        labels = ours(test_items, chosen)
        gold = [it.event for it in test_items]
        results.append(
            {
                "fold": k + 1,
                "events": len(set(gold)),
                "articles": len(test_items),
                "base": chosen.base_threshold,
                "factor": chosen.background_factor,
                "train_f1": f1_of(train, chosen),
                "samples_f1": sample_f1[chosen],
                "test": bcubed(labels, gold),
                "test_ari": ari(labels, gold),
            }
        )
        print(f"fold {k + 1}: {results[-1]}", flush=True)
    return results


# -- speed ----------------------------------------------------------------------------------------


def synthetic(n: int, seed: int) -> list[tuple[str, str, float]]:
    """``n`` articles made from the BBC corpus: each base article told 1-8 times, varied."""
    bases: list[tuple[str, str]] = []
    for path in sorted(BBC.glob("*/*.txt")):
        head, _, body = path.read_bytes().decode("utf-8", "replace").strip().partition("\n")
        bases.append((head.strip(), body.strip()))
    rng = np.random.default_rng(seed)
    out: list[tuple[str, str, float]] = []
    story = int(rng.integers(len(bases)))
    while len(out) < n:
        title, text = bases[story % len(bases)]
        sentences = re.split(r"(?<=[.!?])\s+", text)
        for version in range(int(min(8, rng.geometric(0.35)))):
            kept = [s for s in sentences if rng.random() < 0.75] or sentences[:1]
            words = title.split()
            if version:
                words = [w for w in words if rng.random() < 0.8] or words
            out.append((" ".join(words), " ".join(kept), float(rng.uniform(0, 48 * 3600))))
            if len(out) >= n:
                break
        story += 1
    return out


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def speed(settings: GroupingSettings) -> dict[str, float]:
    window = synthetic(10_000, seed=1)
    extra = synthetic(500, seed=2)
    terms_s, docs = timed(
        lambda: [
            Doc(k, w, cluster.article_terms(t, x, settings)) for k, (t, x, w) in enumerate(window)
        ]
    )
    group_s, groups = timed(lambda: cluster.group(docs, settings))
    story = {key: n for n, keys in enumerate(groups) for key in keys}
    existing = [(d, story[d.key]) for d in docs]
    add_terms_s, new = timed(
        lambda: [
            Doc(10_000 + k, w, cluster.article_terms(t, x, settings))
            for k, (t, x, w) in enumerate(extra)
        ]
    )
    extend_s, added = timed(lambda: cluster.extend(existing, new, settings))
    return {
        "terms_10k": terms_s,
        "group_10k": group_s,
        "stories_10k": float(len(groups)),
        "terms_500": add_terms_s,
        "extend_500": extend_s,
        "joined": float(sum(1 for target, _ in added if target is not None)),
        "new_groups": float(sum(1 for target, _ in added if target is None)),
    }


# -- report ---------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the cross-validation")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    if not CORPUS.exists():
        print(f"corpus {CORPUS} is absent", file=sys.stderr)
        return 2
    items = load_corpus()
    samples = load_samples()
    gold = [it.event for it in items]
    corpus_settings = replace(DEFAULT_SETTINGS, window_hours=0)
    lines: list[str] = []

    base_f1, base_ari, base_setting = baseline(items)
    print(f"baseline: F1 {base_f1:.4f} ARI {base_ari:.4f} ({base_setting})", flush=True)

    cv: list[dict[str, Any]] = []
    if not args.quick:
        cv = cross_validate(items, samples, corpus_settings)
        chosen = Counter((r["base"], r["factor"]) for r in cv).most_common()
        print(f"chosen settings by fold: {chosen}", flush=True)

    full = ours(items, corpus_settings)
    p, r, f1 = bcubed(full, gold)
    full_ari = ari(full, gold)
    print(f"ours (defaults): P {p:.4f} R {r:.4f} F1 {f1:.4f} ARI {full_ari:.4f}", flush=True)
    rows: list[tuple[str, tuple[float, float, float], float]] = [
        ("title + text (the product's input)", (p, r, f1), full_ari)
    ]
    for name, field in (("teasers only (description)", "teaser"),):
        labels = ours(items, corpus_settings, field)
        rows.append((name, bcubed(labels, gold), ari(labels, gold)))
    first = [replace(it, text=it.text[:600]) for it in items]
    labels = ours(first, corpus_settings)
    rows.append(("first 600 characters of text", bcubed(labels, gold), ari(labels, gold)))
    labels = incremental(items, corpus_settings, 10)
    rows.append(("incremental: 10 date-ordered batches", bcubed(labels, gold), ari(labels, gold)))
    sample_labels = ours(samples, DEFAULT_SETTINGS)
    sample_score = bcubed(sample_labels, [it.event for it in samples])
    for name, score, adj in rows:
        print(f"{name}: F1 {score[2]:.4f} ARI {adj:.4f}", flush=True)

    timing = speed(DEFAULT_SETTINGS)
    print(f"speed: {timing}", flush=True)

    load = os.getloadavg()
    lines += [
        "# Story grouping benchmark",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}; load average at the end {load[0]:.2f} / {load[1]:.2f} / "
        f"{load[2]:.2f} (the machine is shared: timings are upper bounds).",
        f"Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}. "
        f"Command: `.venv/bin/python bench/cluster.py{' --quick' if args.quick else ''}`.",
        "",
        "## Quality on GiveMe5W1H news-cluster (383 articles, 69 events)",
        "",
        "Settings: the library defaults (`digest.cluster.DEFAULT_SETTINGS`) except the 48-hour "
        "window, which is off here because the corpus's events span months (its dates run from "
        "2013 to 2018). Nothing below was tuned on the full set except the baseline.",
        "",
        "What was chosen how: the thresholds (`base_threshold`, `background_factor`) by the "
        "cross-validation below. The representation (title x4, first 150 words, plurals folded, "
        "terms in one article or in over 2% of the window dropped, each article's 60 strongest "
        "terms, pairs under half the threshold ignored, 30 neighbours per article) was settled "
        "while exploring this corpus, the samples and the 10,000-article speed set, and checked "
        "to hold within a few thousandths of F1 across nearby values; the time decay the issue "
        "suggests was tried and dropped (it lost up to 0.1 F1 here, since events run for "
        "months): time enters only through the window.",
        "",
        "| method | B-cubed P | B-cubed R | B-cubed F1 | ARI |",
        "|---|---|---|---|---|",
    ]
    for name, score, adj in rows:
        lines.append(
            f"| Digest, {name} | {score[0]:.4f} | {score[1]:.4f} | **{score[2]:.4f}** | {adj:.4f} |"
        )
    lines.append(
        f"| baseline: plain TF-IDF (title + text) + average linkage, threshold tuned on this set "
        f"({base_setting}) | | | {base_f1:.4f} | {base_ari:.4f} |"
    )
    lines += [
        "",
        f"The bundled samples (digest/samples, {len(samples)} articles, 5 stories told by several "
        f"sources) with the defaults and the 48-hour window: B-cubed F1 {sample_score[2]:.4f}.",
        "",
    ]
    if cv:
        test_f1 = [r["test"][2] for r in cv]
        lines += [
            "## Cross-validation (how the thresholds were chosen)",
            "",
            f"The events are split into {FOLDS} folds (seeded, balanced by article count). For each "
            "fold, the grid `base_threshold` in "
            f"{list(BASES)} x `background_factor` in {list(FACTORS)} is scored on the other four "
            "folds plus the bundled samples (F1 on the training folds + F1 on the samples), and "
            "the best setting groups the held-out fold on its own.",
            "",
            "| fold | events | articles | chosen base | chosen factor | train F1 | samples F1 "
            "| held-out P | held-out R | held-out F1 | held-out ARI |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in cv:
            lines.append(
                f"| {r['fold']} | {r['events']} | {r['articles']} | {r['base']:.2f} | "
                f"{r['factor']:.1f} | {r['train_f1']:.4f} | {r['samples_f1']:.4f} | "
                f"{r['test'][0]:.4f} | {r['test'][1]:.4f} | {r['test'][2]:.4f} | "
                f"{r['test_ari']:.4f} |"
            )
        lines += [
            "",
            f"Held-out F1: mean {statistics.mean(test_f1):.4f}, min {min(test_f1):.4f}. "
            f"The defaults are base {DEFAULT_SETTINGS.base_threshold:.2f}, factor "
            f"{DEFAULT_SETTINGS.background_factor:.1f}.",
            "",
        ]
    lines += [
        "## Speed",
        "",
        "10,000 articles made from the BBC News Summary corpus (each article told 1 to 8 times "
        "with a quarter of its sentences dropped and title words trimmed, spread over 48 hours), "
        "grouped from scratch; then 500 more added to that window with `extend`.",
        "",
        "| step | seconds |",
        "|---|---|",
        f"| terms of 10,000 articles (`article_terms`) | {timing['terms_10k']:.2f} |",
        f"| grouping 10,000 from scratch (`group`) | {timing['group_10k']:.2f} |",
        f"| **total from scratch** | **{timing['terms_10k'] + timing['group_10k']:.2f}** |",
        f"| terms of 500 new articles | {timing['terms_500']:.2f} |",
        f"| adding 500 to the 10,000 window (`extend`) | {timing['extend_500']:.2f} |",
        f"| **total incremental** | **{timing['terms_500'] + timing['extend_500']:.2f}** |",
        "",
        f"{int(timing['stories_10k'])} stories from scratch; of the 500 added, "
        f"{int(timing['joined'])} groups joined existing stories and {int(timing['new_groups'])} "
        "started new ones.",
        "",
    ]
    if not args.no_write:
        REPORT.write_text("\n".join(lines), encoding="utf-8")
        print(f"wrote {REPORT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
