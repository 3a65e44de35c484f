"""Benchmark of article extraction on the article-extraction-benchmark corpus (181 saved pages).

Runs Digest's :func:`digest.extract.extract_article` and the trafilatura variants it was chosen
from on every page of ``../shared/corpora/article-extraction-benchmark``, scores them with the
benchmark's own metric (re-implemented here from its ``evaluate.py``: 4-token shingles of ``\\w+``
tokens counted per page, true/false positives and false negatives normalised per page, precision
and recall averaged over pages, F1 of the two averages), prints F1, precision, recall and ms/page,
and writes the figures with the machine, date and command to ``docs/bench-extract.md``.

The metric functions are pure and importable (the tests check them on hand-made cases); only
:func:`main` reads the corpus and writes the report. It never touches the network.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "article-extraction-benchmark"
REPORT = ROOT / "docs" / "bench-extract.md"

_TOKEN = re.compile(r"\w+")

PageScore = tuple[float, float, float]
"""(tp, fp, fn) of one page, normalised to sum to 1 when any is non-zero."""


@dataclass(frozen=True)
class Scores:
    """The benchmark's figures for one extractor over a set of pages."""

    f1: float
    precision: float
    recall: float


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Counts of the runs of ``n`` consecutive ``\\w+`` tokens (one shorter run for short texts)."""
    tokens = _TOKEN.findall(text or "")
    runs = (tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))
    return Counter(run for run in runs if run)


def page_score(true: str, pred: str, n: int = 4) -> PageScore:
    """True positives, false positives and false negatives of shingles on one page, normalised."""
    gold, got = shingles(true, n), shingles(pred, n)
    tp = fp = fn = 0.0
    for key in gold.keys() | got.keys():
        expected, found = gold.get(key, 0), got.get(key, 0)
        tp += min(expected, found)
        fp += max(0, found - expected)
        fn += max(0, expected - found)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (tp, fp, fn)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def page_precision(score: PageScore) -> float:
    """Precision of one page (1.0 when both texts are empty)."""
    return _precision(*score)


def page_recall(score: PageScore) -> float:
    """Recall of one page (1.0 when both texts are empty)."""
    return _recall(*score)


def overall(scores: Iterable[PageScore]) -> Scores:
    """Precision averaged over pages with a prediction, recall over pages with a truth, their F1."""
    rows = list(scores)
    precisions = [_precision(*row) for row in rows if row[0] + row[1] > 0]
    recalls = [_recall(*row) for row in rows if row[0] + row[2] > 0]
    precision = statistics.mean(precisions) if precisions else 0.0
    recall = statistics.mean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(f1=f1, precision=precision, recall=recall)


# --- running extractors on the corpus ----------------------------------------------------------

Extractor = Callable[[str, str], str]
"""An extractor under test: (html, url) -> text."""


def load_corpus(folder: Path = CORPUS) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The pages (id -> HTML) and the ground truth (id -> {articleBody, url})."""
    truth: dict[str, dict[str, str]] = json.loads(
        (folder / "ground-truth.json").read_text(encoding="utf-8")
    )
    pages = {
        key: gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8")
        for key in sorted(truth)
    }
    return pages, truth


@dataclass(frozen=True)
class Run:
    """The figures of one extractor on the corpus."""

    name: str
    scores: Scores
    ms_per_page: float
    failures: int


def run(
    name: str, extractor: Extractor, pages: dict[str, str], truth: dict[str, dict[str, str]]
) -> Run:
    """Extract every page, timing the extraction only, and score the texts."""
    rows: list[PageScore] = []
    elapsed = 0.0
    failures = 0
    for key, page in pages.items():
        started = time.process_time()
        try:
            text = extractor(page, truth[key].get("url", ""))
        except Exception:  # an extractor that fails on a page scores nothing there
            text = ""
            failures += 1
        elapsed += time.process_time() - started
        rows.append(page_score(truth[key].get("articleBody", ""), text))
    return Run(name, overall(rows), 1000 * elapsed / max(1, len(pages)), failures)


def _trafilatura(**options: Any) -> Extractor:
    import trafilatura

    def extract(page: str, url: str) -> str:
        return trafilatura.extract(page, url=url or None, **options) or ""

    return extract


def _digest(page: str, url: str) -> str:
    from digest.extract import extract_article

    return extract_article(page, url=url).text


def variants() -> list[tuple[str, Extractor]]:
    """The extractors compared: Digest's choice first, then trafilatura alone with options."""
    return [
        ("digest extract_article (chosen)", _digest),
        ("trafilatura.extract defaults", _trafilatura()),
        ("include_comments=False", _trafilatura(include_comments=False)),
        (
            "include_comments=False, favor_precision",
            _trafilatura(include_comments=False, favor_precision=True),
        ),
        (
            "include_comments=False, favor_recall",
            _trafilatura(include_comments=False, favor_recall=True),
        ),
        ("include_comments=False, fast", _trafilatura(include_comments=False, fast=True)),
        (
            "include_comments=False, favor_precision, fast",
            _trafilatura(include_comments=False, favor_precision=True, fast=True),
        ),
        (
            "include_comments=False, include_tables=False",
            _trafilatura(include_comments=False, include_tables=False),
        ),
        (
            "include_comments=False, deduplicate",
            _trafilatura(include_comments=False, deduplicate=True),
        ),
        (
            "include_comments=False, include_formatting",
            _trafilatura(include_comments=False, include_formatting=True),
        ),
    ]


def _table(runs: list[Run]) -> str:
    lines = [
        "| extractor | F1 | precision | recall | ms/page | failures |",
        "|---|---|---|---|---|---|",
    ]
    for item in runs:
        s = item.scores
        lines.append(
            f"| {item.name} | {s.f1:.4f} | {s.precision:.4f} | {s.recall:.4f} "
            f"| {item.ms_per_page:.1f} | {item.failures} |"
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class Sweep:
    """Figures of the fallback rule and post-filters, computed from one pair of passes per page."""

    published_reference: Scores | None
    by_ratio: dict[float, Scores]
    post_filters: dict[str, Scores]


_URL_LINE = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$")
_SENTENCE_END = re.compile(r"[.!?…:;\"”’)\]]\s*$")


def _drop_url_lines(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not _URL_LINE.match(line))


def _drop_menu_runs(text: str, run_length: int) -> str:
    """Drop runs of ``run_length`` or more short lines without sentence punctuation."""

    def menu_like(line: str) -> bool:
        words = line.split()
        return 0 < len(words) <= 5 and len(line) <= 40 and not _SENTENCE_END.search(line)

    lines, kept, i = text.split("\n"), [], 0
    while i < len(lines):
        j = i
        while j < len(lines) and menu_like(lines[j]):
            j += 1
        if j - i >= run_length:
            i = j
        elif j > i:
            kept.extend(lines[i:j])
            i = j
        else:
            kept.append(lines[i])
            i += 1
    return "\n".join(kept)


def sweep(pages: dict[str, str], truth: dict[str, dict[str, str]], folder: Path) -> Sweep:
    """Re-score Digest's fallback share and candidate post-filters without re-extracting."""
    from trafilatura import extract_metadata

    from digest import extract as ex
    from digest.textclean import clean_text

    passes = {}
    for key, page in pages.items():
        tree = ex._parse(page)
        url = truth[key].get("url") or None
        title = extract_metadata(tree, default_url=url).title or ""
        passes[key] = (ex._body(tree, url, **ex._PRECISE), ex._body(tree, url, **ex._BROAD), title)

    def score(choose: Callable[[str, str, str], str]) -> Scores:
        return overall(
            page_score(truth[key].get("articleBody", ""), choose(*texts))
            for key, texts in passes.items()
        )

    def chosen(ratio: float) -> Callable[[str, str, str], str]:
        def choose(precise: str, broad: str, title: str) -> str:
            words = len(_TOKEN.findall(precise)), len(_TOKEN.findall(broad))
            text = precise if words[0] >= ratio * words[1] else broad
            return clean_text(ex._drop_repeated_headline(clean_text(text), title))

        return choose

    base = chosen(ex.FALLBACK_RATIO)
    filters: dict[str, Callable[[str, str, str], str]] = {
        "precise pass only": lambda p, b, t: chosen(0.0)(p, b, t),
        "broad pass only": lambda p, b, t: chosen(float("inf"))(p, b, t),
        "chosen, headline kept": lambda p, b, t: base(p, b, ""),
        "chosen + drop bare-URL lines": lambda p, b, t: _drop_url_lines(base(p, b, t)),
    }

    def menus(length: int) -> Callable[[str, str, str], str]:
        return lambda p, b, t: _drop_menu_runs(base(p, b, t), length)

    for length in (4, 8, 12):
        filters[f"chosen + drop runs of >= {length} menu-like lines"] = menus(length)
    reference = None
    published = folder / "output" / "trafilatura.json"
    if published.exists():
        data = json.loads(published.read_text(encoding="utf-8"))
        output = data.get("output", data)
        reference = overall(
            page_score(truth[key].get("articleBody", ""), output[key].get("articleBody") or "")
            for key in truth
        )
    return Sweep(
        published_reference=reference,
        by_ratio={r: score(chosen(r)) for r in (0.3, 0.4, 0.5, 0.55, 0.6, 0.7, 0.8)},
        post_filters={name: score(choose) for name, choose in filters.items()},
    )


@dataclass(frozen=True)
class SavedPages:
    """Reading the corpus pages as saved ``.html`` files: what they became and how fast."""

    pages: int
    single_articles: int
    ms_per_page: float


def saved_pages(pages: dict[str, str]) -> SavedPages:
    """Read every page with :func:`digest.pages.read_saved_page`; all are single articles."""
    from digest.pages import read_saved_page

    single = 0
    elapsed = 0.0
    for key, page in pages.items():
        content = page.encode("utf-8")
        started = time.process_time()
        parsed = read_saved_page(content, name=f"{key}.html", key_base=key)
        elapsed += time.process_time() - started
        single += parsed.kind == "html" and len(parsed.entries) == 1
    return SavedPages(len(pages), single, 1000 * elapsed / max(1, len(pages)))


def _scores_table(title: str, rows: dict[str, Scores]) -> str:
    lines = [f"| {title} | F1 | precision | recall |", "|---|---|---|---|"]
    for name, s in rows.items():
        lines.append(f"| {name} | {s.f1:.4f} | {s.precision:.4f} | {s.recall:.4f} |")
    return "\n".join(lines)


def _report(
    runs: list[Run], found: Sweep | None, saved: SavedPages | None, pages: int, command: str
) -> str:
    import trafilatura

    from digest.extract import FALLBACK_RATIO

    machine = (
        f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    check = ""
    if found and found.published_reference:
        check = (
            "  Check: the benchmark's published `output/trafilatura.json` (trafilatura 2.0.0) scores "
            f"F1 {found.published_reference.f1:.3f} with this code (README: 0.958).\n"
        )
    text = f"""# Benchmark: article extraction

- Corpus: `../shared/corpora/article-extraction-benchmark` ({pages} pages, `html/*.html.gz`,
  gold `ground-truth.json`).
- Metric: the benchmark's own (`evaluate.py`): shingles of 4 consecutive `\\w+` tokens counted per
  page; tp/fp/fn normalised per page; precision and recall averaged over pages; F1 of the averages.
{check}- Machine: {machine} (load average {load} when the report was written: the machine is
  shared); Python {platform.python_version()}; trafilatura {trafilatura.__version__}.
- Date: {datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}.
- Command: `{command}` (from the repo root).
- ms/page is the CPU time (`time.process_time`) of the extraction alone (no decompression, no
  scoring), one thread: CPU time, so that other work on the shared machine counts less.

{_table(runs)}

Digest's choice (`digest/extract.py`): parse the page once; run trafilatura twice in fast mode
without comments, once with `favor_precision` and once without; keep the precise text unless it
has fewer than {FALLBACK_RATIO:.0%} of the broad text's `\\w+` words (the precise pass sometimes
keeps only a fragment); drop the first line when it repeats the page's headline (the title is
shown apart); clean the text. Metadata (title, author, date, site name) comes from trafilatura's
`extract_metadata`, included in the ms/page above.
"""
    if saved:
        text += f"""
## Saved pages

`digest.pages.read_saved_page` on the same pages saved as `.html` files (extraction plus the
search for a multi-story aggregator layout): {saved.single_articles} of {saved.pages} read as one
article, {saved.pages - saved.single_articles} as anything else; {saved.ms_per_page:.1f} ms/page.
"""
    if found:
        ratios = {f"{r:g}": s for r, s in found.by_ratio.items()}
        text += f"""
## How the settings were chosen

Same two passes per page, re-scored with other rules (no timing):

{_scores_table("share of the broad pass's words the precise pass must keep", ratios)}

{_scores_table("variant", found.post_filters)}
"""
    return text


def main(argv: list[str] | None = None) -> int:
    """Run every variant on the corpus, print the table and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument(
        "--quick", action="store_true", help="only Digest's choice and trafilatura's defaults"
    )
    args = parser.parse_args(argv)
    if not (args.corpus / "ground-truth.json").exists():
        print(f"corpus absent: {args.corpus}", file=sys.stderr)
        return 2
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import logging

    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    pages, truth = load_corpus(args.corpus)
    chosen = variants()[:2] if args.quick else variants()
    runs: list[Run] = []
    for name, extractor in chosen:
        result = run(name, extractor, pages, truth)
        s = result.scores
        print(
            f"{name:<48} F1={s.f1:.4f} P={s.precision:.4f} R={s.recall:.4f} "
            f"{result.ms_per_page:6.1f} ms/page  failures={result.failures}",
            flush=True,
        )
        runs.append(result)
    found = None if args.quick else sweep(pages, truth, args.corpus)
    if found:
        for ratio, s in found.by_ratio.items():
            print(f"  share {ratio:<5g} F1={s.f1:.4f} P={s.precision:.4f} R={s.recall:.4f}")
        for name, s in found.post_filters.items():
            print(f"  {name:<46} F1={s.f1:.4f} P={s.precision:.4f} R={s.recall:.4f}")
    saved = None if args.quick else saved_pages(pages)
    if saved:
        print(
            f"read_saved_page: {saved.single_articles}/{saved.pages} single articles, "
            f"{saved.ms_per_page:.1f} ms/page"
        )
    command = "python bench/extract.py" + ("".join(f" {a}" for a in (argv or sys.argv[1:])))
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(_report(runs, found, saved, len(pages), command), encoding="utf-8")
    print(f"wrote {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
