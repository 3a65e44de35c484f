"""Benchmark of the summarizer on the BBC News Summary corpus (2,225 article/summary pairs).

Runs every method of :mod:`digest.summarize` (our ``digest``, Lead-3 and sumy's eight, all on the
same offline tokenizer) on every pair of ``../shared/corpora/bbc-news-summary``, three sentences
per summary, and scores them with ROUGE-1, ROUGE-2 and ROUGE-L F1 from the ``rouge-score`` package
with stemming. Prints the table (R1, R2, RL, median ms/article) and writes it, with the machine,
the date and the command, to ``docs/bench-summarize.md``. The work is spread over a process pool
(both cores); each worker times every method on the same chunk of articles, method after method.

Other modes: ``--tune`` chooses the ``digest`` parameters by 5-fold cross-validation (grid search
on four folds, score on the fifth); ``--splitters`` compares sentence splitters on the hard cases
of ``tests/digest/test_sentences.py`` and on the corpus; ``--many N`` times
:func:`digest.summarize.summarize_many` on N articles at once. It never touches the network.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from multiprocessing import Pool
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from digest.sentences import split_sentences  # noqa: E402
from digest.summarize import (  # noqa: E402
    DIGEST_PARAMS,
    METHODS,
    DigestFeatures,
    DigestParams,
    Summary,
    candidate_sentences,
    choose,
    digest_features,
    digest_select,
    is_boilerplate,
    reading_minutes,
    summarize,
    summarize_many,
    summary_length,
)

CORPUS = ROOT.parent / "shared" / "corpora" / "bbc-news-summary"
REPORT = ROOT / "docs" / "bench-summarize.md"
SENTENCES = 3
ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")


@dataclass(frozen=True)
class Pair:
    """One article of the corpus with its reference summary."""

    key: str
    """``category/NNN``."""
    title: str
    article: str
    """The article without its title line."""
    reference: str
    """The reference summary, one sentence a line."""


def read_text(path: Path) -> str:
    """A corpus file as text: UTF-8, else Latin-1 (``sport/199.txt`` is Latin-1)."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def split_article(text: str) -> tuple[str, str]:
    """(title, body) of a corpus article: line 1 is the title."""
    title, _, body = text.strip().partition("\n")
    return title.strip(), body.strip()


_GLUED_STOP = re.compile(r"[.!?](?=[\"\u201c\u201d]{0,2}[A-Z0-9])")
_QUOTES = '"\u201c\u201d'


def separate_reference(summary: str) -> str:
    """The reference summary with one sentence a line.

    The corpus runs sentences together with no space: ``$10.9bn.For the full-year``. A stop glued
    to an upper-case letter, a digit or a quote starts a new sentence, except after an initial or
    a dotted acronym (``J.K.``, ``U.S.``) and in numbers (``10.9``: a digit after the stop starts
    a sentence only after a letter or ``%``). A quote right after the stop closes the sentence
    when the sentence holds an odd number of quotes, and opens the next one otherwise.
    """
    lines: list[str] = []
    for paragraph in summary.splitlines():
        start = 0
        for match in _GLUED_STOP.finditer(paragraph):
            at = match.start()
            before = paragraph[at - 1] if at else " "
            before2 = paragraph[at - 2] if at > 1 else " "
            quotes = len(paragraph[at + 1 :]) - len(paragraph[at + 1 :].lstrip(_QUOTES))
            after = paragraph[at + 1 + quotes : at + 2 + quotes]
            if after.isdigit() and not (before.isalpha() or before == "%"):
                continue
            if before.isupper() and not before2.isalpha():
                continue  # an initial or a dotted acronym: "J.K." "U.S."
            sentence = paragraph[start : at + 1]
            cut = at + 1
            if quotes and sum(sentence.count(q) for q in _QUOTES) % 2 == 1:
                sentence += paragraph[cut]
                cut += 1
            lines.append(sentence.strip())
            start = cut
        tail = paragraph[start:].strip()
        if tail:
            lines.append(tail)
    return "\n".join(line for line in lines if line)


def load_pairs(corpus: Path = CORPUS, limit: int | None = None) -> list[Pair]:
    """The corpus pairs, categories interleaved (so ``limit`` samples every category)."""
    articles = corpus / "News Articles"
    by_category = []
    for category in sorted(p.name for p in articles.iterdir() if p.is_dir()):
        names = sorted(p.name for p in (articles / category).glob("*.txt"))
        by_category.append([(category, name) for name in names])
    ordered = [
        item for group in itertools.zip_longest(*by_category) for item in group if item is not None
    ]
    pairs = []
    for category, name in ordered[:limit] if limit else ordered:
        title, body = split_article(read_text(articles / category / name))
        reference = separate_reference(read_text(corpus / "Summaries" / category / name))
        pairs.append(Pair(f"{category}/{name[:-4]}", title, body, reference))
    return pairs


# -- ROUGE ----------------------------------------------------------------------------------------


class _MemoTokenizer:
    """rouge-score's own tokenizer (with Porter stemming), memoised: same tokens, less time."""

    def __init__(self) -> None:
        from rouge_score.tokenizers import DefaultTokenizer

        self._inner = DefaultTokenizer(use_stemmer=True)
        self._memo: dict[str, list[str]] = {}

    def tokenize(self, text: str) -> list[str]:
        tokens = self._memo.get(text)
        if tokens is None:
            if len(self._memo) > 50_000:
                self._memo.clear()
            tokens = self._memo[text] = self._inner.tokenize(text)
        return tokens


def make_scorer() -> Any:
    """rouge-score's scorer for R1, R2 and RL with stemming."""
    from rouge_score.rouge_scorer import RougeScorer

    return RougeScorer(list(ROUGE_TYPES), use_stemmer=True, tokenizer=_MemoTokenizer())


def rouge_f1(scorer: Any, reference: str, summary: str) -> tuple[float, float, float]:
    """(R1, R2, RL) F1 of a summary against the reference."""
    scores = scorer.score(reference, summary)
    return tuple(scores[name].fmeasure for name in ROUGE_TYPES)  # type: ignore[return-value]


# -- the main benchmark ---------------------------------------------------------------------------

_clock = time.thread_time
"""Per-article times are CPU time of the worker's thread: the machine is shared (2 cores, other
work running), and waiting for a core is no cost of a method. Wall times are given for whole runs."""

Row5 = tuple[float, float, float, float, float]
Result = dict[str, list[Row5]]
"""Per method, (R1, R2, RL, seconds end to end, seconds of the summarizer step) of each article."""

_scorer: Any = None


def _score_chunk(job: tuple[str, Sequence[Pair], int]) -> tuple[str, list[Row5]]:
    """Summarize a chunk of articles with one method; ROUGE and times of each.

    With ``repeat`` above 1 the chunk is timed that many times over and each article keeps its
    least CPU time (whole and step): on a shared machine the others' load only ever adds time.
    """
    global _scorer
    if _scorer is None:
        _scorer = make_scorer()
    method, pairs, repeat = job
    # Time the whole chunk first, back to back as a refresh would run; score it afterwards, so
    # ROUGE's own work does not sit between two timed calls.
    timed = [_timed_summary(pair, method) for pair in pairs]
    for _ in range(repeat - 1):
        again = [_timed_summary(pair, method) for pair in pairs]
        timed = [
            (first[0], min(first[1], second[1]), min(first[2], second[2]))
            for first, second in zip(timed, again, strict=True)
        ]
    rows = []
    for number, (pair, (summary, whole, step)) in enumerate(zip(pairs, timed, strict=True)):
        if number % 8 == 0:  # the timed copy of summarize() must say what summarize() says
            expected = summarize(pair.article, method=method, title=pair.title)
            assert summary == expected, (pair.key, method)
        text = "\n".join(sentence for _, sentence in summary.sentences)
        rows.append((*rouge_f1(_scorer, pair.reference, text), whole, step))
    return method, rows


def _timed_summary(pair: Pair, method: str) -> tuple[Summary, float, float]:
    """:func:`summarize` step by step, timed whole and for its summarizer step (:func:`choose`)."""
    started = _clock()
    minutes = reading_minutes(pair.article)
    paragraphs, note = candidate_sentences(pair.article)
    step_started = _clock()
    total = sum(len(paragraph) for paragraph in paragraphs)
    count = summary_length(total, SENTENCES, None)
    chosen = set(choose(method, paragraphs, count, title=pair.title)) if paragraphs else set()
    step = _clock() - step_started
    picked = tuple(pair for paragraph in paragraphs for pair in paragraph if pair[0] in chosen)
    summary = Summary(method, picked, minutes, "english", note)
    return summary, _clock() - started, step


def _warm_up(methods: Sequence[str]) -> None:
    for method in methods:
        summarize("A first sentence here. A second one there. A third one.", method=method)


def evaluate(
    pairs: Sequence[Pair], methods: Sequence[str], workers: int, repeat: int = 1
) -> Result:
    """Score every method on every pair over ``workers`` processes.

    The jobs run method after method (all of ``digest``'s chunks, then all of the next
    method's), so each method runs on its own over the corpus as it would in use, rather than
    sharing the processor's caches with the others article by article.
    """
    jobs = [
        (method, pairs[i : i + 64], repeat) for method in methods for i in range(0, len(pairs), 64)
    ]
    merged: Result = {method: [] for method in methods}
    with Pool(workers, initializer=_warm_up, initargs=(methods,)) as pool:
        for method, rows in pool.imap(_score_chunk, jobs):
            merged[method].extend(rows)
    return merged


@dataclass(frozen=True)
class Row:
    method: str
    r1: float
    r2: float
    rl: float
    ms: float
    """Median ms/article of :func:`summarize`, end to end (cleaning, splitting, choosing)."""
    step_ms: float
    """Median ms/article of :func:`choose` alone, given the article's sentences."""


def table(result: Result) -> list[Row]:
    """Mean F1 (in %) and median ms/article of each method."""
    rows = []
    for method, scores in result.items():
        rows.append(
            Row(
                method,
                100 * statistics.fmean(s[0] for s in scores),
                100 * statistics.fmean(s[1] for s in scores),
                100 * statistics.fmean(s[2] for s in scores),
                1000 * statistics.median(s[3] for s in scores),
                1000 * statistics.median(s[4] for s in scores),
            )
        )
    return rows


def format_table(rows: Sequence[Row]) -> str:
    lines = [
        "| method | ROUGE-1 F1 | ROUGE-2 F1 | ROUGE-L F1 | CPU ms/article, end to end | "
        "CPU ms/article, summarizer step |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.method} | {row.r1:.2f} | {row.r2:.2f} | {row.rl:.2f} | {row.ms:.3f} | "
            f"{row.step_ms:.3f} |"
        )
    return "\n".join(lines)


def verdict(rows: Sequence[Row]) -> list[str]:
    """The issue's targets, each with whether this run meets it."""
    by = {row.method: row for row in rows}
    lines = []
    if "digest" not in by:
        return lines
    ours = by["digest"]
    others = [row for row in rows if row.method != "digest"]
    beaten = [row.method for row in others if ours.r1 > row.r1 and ours.r2 > row.r2]
    lost = [row.method for row in others if row.method not in beaten]
    lines.append(
        f"- digest beats on R1 and R2: {', '.join(beaten) or 'none'}"
        + (f"; does not beat: {', '.join(lost)}" if lost else " (all others)")
    )
    if "lexrank" in by:
        for label, theirs, mine in (
            ("end to end", by["lexrank"].ms, ours.ms),
            ("summarizer step", by["lexrank"].step_ms, ours.step_ms),
        ):
            speedup = theirs / mine if mine else float("inf")
            mark = "met" if speedup >= 20 else "NOT met"
            lines.append(
                f"- {label}: digest is {speedup:.1f}x faster than lexrank "
                f"(medians; target 20x: {mark})"
            )
    return lines


# -- tuning by cross-validation ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    features: dict[bool, DigestFeatures]
    """The article's features with and without stemming."""
    tokens: list[list[str]]
    """rouge-score tokens of each candidate sentence."""
    reference: tuple[Counter[tuple[str, ...]], Counter[tuple[str, ...]]]
    """Unigram and bigram counts of the reference."""


def _ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _f1(reference: Counter[tuple[str, ...]], summary: Counter[tuple[str, ...]]) -> float:
    """rouge-score's n-gram F1 (its ``_score_ngrams``): clipped overlap over both totals."""
    overlap = sum((reference & summary).values())
    if not overlap:
        return 0.0
    precision = overlap / max(1, sum(summary.values()))
    recall = overlap / max(1, sum(reference.values()))
    return 2 * precision * recall / (precision + recall)


def _prepare(pair: Pair) -> _Prepared:
    tokenizer = _MemoTokenizer()
    sentences = [s for s in split_sentences(pair.article) if not is_boilerplate(s)]
    features = {
        stem: digest_features(sentences, "english", pair.title, stem=stem)
        for stem in GRID["stem_english"]
    }
    reference = tokenizer.tokenize(pair.reference)
    return _Prepared(
        features,
        [tokenizer.tokenize(s) for s in sentences],
        (_ngrams(reference, 1), _ngrams(reference, 2)),
    )


def _r1_r2(prepared: _Prepared, rows: Sequence[int]) -> tuple[float, float]:
    tokens = [token for row in rows for token in prepared.tokens[row]]
    one, two = prepared.reference
    return _f1(one, _ngrams(tokens, 1)), _f1(two, _ngrams(tokens, 2))


GRID: dict[str, tuple[Any, ...]] = {
    "stem_english": (False, True),
    "position_weight": (0.0, 0.05, 0.1, 0.2, 0.4),
    "position_decay": (1.0,),
    "length_exponent": (0.2, 0.3, 0.4, 0.5, 0.6, 0.8),
    "title_weight": (0.0, 0.1, 0.3),
    "redundancy": (0.0, 0.1, 0.2, 0.3),
}


def _grid() -> list[DigestParams]:
    names = list(GRID)
    return [
        replace(DIGEST_PARAMS, **dict(zip(names, values, strict=True)))
        for values in itertools.product(*(GRID[name] for name in names))
    ]


def _grid_scores(prepared: Sequence[_Prepared]) -> list[list[tuple[float, float]]]:
    """(R1, R2) of every grid point on every article, memoised on the chosen rows."""
    grid = _grid()
    out: list[list[tuple[float, float]]] = []
    for item in prepared:
        memo: dict[tuple[int, ...], tuple[float, float]] = {}
        row_scores = []
        for params in grid:
            rows = tuple(digest_select(item.features[params.stem_english], SENTENCES, params))
            score = memo.get(rows)
            if score is None:
                score = memo[rows] = _r1_r2(item, rows)
            row_scores.append(score)
        out.append(row_scores)
    return out


def _grid_job(pairs: Sequence[Pair]) -> list[list[tuple[float, float]]]:
    return _grid_scores([_prepare(pair) for pair in pairs])


def tune(pairs: Sequence[Pair], workers: int) -> str:
    """Leave-one-category-out cross-validation of the grid: each fold's choice and held-out score.

    The folds are the corpus's five categories, so each fold's parameters are chosen on the
    other four categories and scored on articles of a kind they never saw.
    """
    chunks = [pairs[i : i + 32] for i in range(0, len(pairs), 32)]
    with Pool(workers) as pool:
        scores = [row for part in pool.map(_grid_job, chunks) for row in part]
    grid = _grid()
    categories = sorted({pair.key.split("/")[0] for pair in pairs})
    fold_of = [categories.index(pair.key.split("/")[0]) for pair in pairs]
    folds = len(categories)
    lines = [
        f"Leave-one-category-out cross-validation ({folds} folds: {', '.join(categories)}) "
        f"over {len(pairs)} articles, {len(grid)} grid points;",
        "objective: mean of (R1 + R2) F1 on the training folds; scored on the held-out fold.",
        "",
        "| fold | chosen parameters | held-out R1 | held-out R2 |",
        "|---|---|---:|---:|",
    ]
    held_out: list[tuple[float, float]] = []
    choices: Counter[DigestParams] = Counter()
    for fold in range(folds):
        train = [s for s, f in zip(scores, fold_of, strict=True) if f != fold]
        test = [s for s, f in zip(scores, fold_of, strict=True) if f == fold]
        totals = [sum(row[g][0] + row[g][1] for row in train) for g in range(len(grid))]
        best = max(range(len(grid)), key=totals.__getitem__)
        choices[grid[best]] += 1
        fold_scores = [row[best] for row in test]
        held_out.extend(fold_scores)
        lines.append(
            f"| {categories[fold]} | {_describe(grid[best])} | "
            f"{100 * statistics.fmean(s[0] for s in fold_scores):.2f} | "
            f"{100 * statistics.fmean(s[1] for s in fold_scores):.2f} |"
        )
    everything = [sum(row[g][0] + row[g][1] for row in scores) for g in range(len(grid))]
    overall = max(range(len(grid)), key=everything.__getitem__)
    current = grid.index(DIGEST_PARAMS) if DIGEST_PARAMS in grid else None
    lines += [
        "",
        f"Out-of-fold (each article scored with parameters chosen without it): "
        f"R1 {100 * statistics.fmean(s[0] for s in held_out):.2f}, "
        f"R2 {100 * statistics.fmean(s[1] for s in held_out):.2f}.",
        f"Most chosen: {_describe(choices.most_common(1)[0][0])} "
        f"({choices.most_common(1)[0][1]} of {folds} folds).",
        f"Chosen on all articles (the procedure refitted, as shipped): {_describe(grid[overall])}: "
        f"R1 {100 * statistics.fmean(row[overall][0] for row in scores):.2f}, "
        f"R2 {100 * statistics.fmean(row[overall][1] for row in scores):.2f}.",
    ]
    if current is not None:
        lines.append(
            f"Shipped DIGEST_PARAMS ({_describe(DIGEST_PARAMS)}) on all articles: "
            f"R1 {100 * statistics.fmean(row[current][0] for row in scores):.2f}, "
            f"R2 {100 * statistics.fmean(row[current][1] for row in scores):.2f}."
        )
    return "\n".join(lines)


def _describe(params: DigestParams) -> str:
    return ", ".join(f"{f.name}={getattr(params, f.name)}" for f in fields(params))


# -- sentence splitters -------------------------------------------------------------------------------


def _candidate_splitters() -> dict[str, Callable[[str], list[str]]]:
    """Our splitter and the offline ones from PyPI that are installed (pysbd, blingfire, syntok)."""
    found: dict[str, Callable[[str], list[str]]] = {"digest": split_sentences}
    try:
        import pysbd

        segmenter = pysbd.Segmenter(language="en", clean=False)
        found["pysbd"] = lambda text: [s.strip() for s in segmenter.segment(text) if s.strip()]
    except ImportError:
        pass
    try:
        import blingfire

        found["blingfire"] = lambda text: [
            s.strip() for s in blingfire.text_to_sentences(text).split("\n") if s.strip()
        ]
    except ImportError:
        pass
    try:
        import syntok.segmenter as syntok_segmenter

        def syntok_split(text: str) -> list[str]:
            return [
                "".join(token.spacing + token.value for token in sentence).strip()
                for paragraph in syntok_segmenter.process(text)
                for sentence in paragraph
            ]

        found["syntok"] = syntok_split
    except ImportError:
        pass
    return found


def _per_line(split: Callable[[str], list[str]]) -> Callable[[str], list[str]]:
    """A splitter given one line (paragraph, headline, list item) at a time."""
    return lambda text: [s for line in text.splitlines() for s in split(line) if s.strip()]


def compare_splitters(pairs: Sequence[Pair]) -> str:
    """Errors on the hard cases, recall of the corpus's own sentences, and speed, per splitter."""
    from tests.digest.test_sentences import HARD_CASES

    lines = [
        f"| splitter | hard cases wrong (of {len(HARD_CASES)}) | same, fed line by line | reference sentences "
        "found whole | ms/article (median) |",
        "|---|---:|---:|---:|---:|",
    ]
    notes = []
    for name, split in _candidate_splitters().items():
        wrong = [c[0] for c in HARD_CASES if _normal(split(c[1])) != c[2]]
        wrong_lines = [c[0] for c in HARD_CASES if _normal(_per_line(split)(c[1])) != c[2]]
        found = total = 0
        times = []
        for pair in pairs:
            started = time.perf_counter()
            sentences = split(pair.article)
            times.append(time.perf_counter() - started)
            got = set(_normal(sentences))
            for sentence in pair.reference.splitlines():
                total += 1
                found += " ".join(sentence.split()) in got
        lines.append(
            f"| {name} | {len(wrong)} | {len(wrong_lines)} | {100 * found / max(1, total):.1f}% | "
            f"{1000 * statistics.median(times):.3f} |"
        )
        if wrong:
            notes.append(f"- {name} gets wrong: {'; '.join(wrong)}")
    return "\n".join(lines + [""] + notes)


def _normal(sentences: Iterable[str]) -> list[str]:
    return [" ".join(s.split()) for s in sentences]


# -- many at once -----------------------------------------------------------------------------------


def time_many(pairs: Sequence[Pair], count: int) -> str:
    """Wall time of :func:`summarize_many` on ``count`` articles (pool start-up included)."""
    texts = [pair.article for pair in pairs[:count]]
    titles = [pair.title for pair in pairs[:count]]
    started = time.perf_counter()
    summaries = summarize_many(texts, titles=titles)
    elapsed = time.perf_counter() - started
    empty = sum(1 for s in summaries if not s.sentences)
    return (
        f"summarize_many on {len(texts)} articles with 2 processes: {elapsed:.2f} s wall "
        f"({1000 * elapsed / max(1, len(texts)):.2f} ms/article), {empty} empty summaries"
    )


def time_cli(pairs: Sequence[Pair], count: int) -> str:
    """Wall time of ``digest summarize FILE... --format jsonl`` on ``count`` articles, start-up
    included, each article a ``.txt`` file in a temporary folder (the config and data dirs too)."""
    import json
    import subprocess
    import tempfile

    chosen = pairs[:count]
    script = Path(sys.executable).with_name("digest")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "digest.cli"]
    with tempfile.TemporaryDirectory(prefix="digest-bench-summarize-") as tmp:
        folder = Path(tmp)
        files = []
        for number, pair in enumerate(chosen):
            path = folder / f"{number:05d}.txt"
            path.write_text(pair.article, encoding="utf-8")
            files.append(str(path))
        env = dict(os.environ, DIGEST_HOME=str(folder / "home"))
        env["DIGEST_CONFIG"] = str(folder / "no-config.toml")
        started = time.perf_counter()
        done = subprocess.run(
            [*command, "summarize", *files, "--format", "jsonl"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        elapsed = time.perf_counter() - started
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    summarized = sum(1 for line in lines if line.get("sentences"))
    status = "met" if elapsed < 15 and done.returncode == 0 else "NOT met"
    return (
        f"`digest summarize` on {len(files)} files at once (jsonl): {elapsed:.2f} s wall, "
        f"start-up included; exit {done.returncode}; {summarized} summaries "
        f"(target < 15 s: {status})"
    )


# -- the command --------------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N pairs")
    parser.add_argument("--methods", default=",".join(METHODS), help="comma-separated methods")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--repeat", type=int, default=1, help="time each article N times, keep its least time"
    )
    parser.add_argument("--tune", action="store_true", help="cross-validate digest's parameters")
    parser.add_argument("--splitters", action="store_true", help="compare sentence splitters")
    parser.add_argument("--many", type=int, default=0, help="time summarize_many on N articles")
    parser.add_argument("--cli", type=int, default=0, help="time `digest summarize` on N files")
    parser.add_argument("--write", action="store_true", help=f"append the figures to {REPORT}")
    args = parser.parse_args(argv)
    if not CORPUS.exists():
        print(f"corpus not found: {CORPUS}", file=sys.stderr)
        return 2
    command = "python bench/summarize.py " + " ".join(argv if argv is not None else sys.argv[1:])
    pairs = load_pairs(CORPUS, args.limit)
    sections: list[str] = []
    started = time.perf_counter()
    if args.splitters:
        sections.append(compare_splitters(pairs))
    if args.tune:
        sections.append(tune(pairs, args.workers))
    if args.many:
        sections.append(time_many(load_pairs(CORPUS, args.many), args.many))
    if args.cli:
        sections.append(time_cli(load_pairs(CORPUS, args.cli), args.cli))
    if not (args.splitters or args.tune or args.many or args.cli):
        methods = [m.strip() for m in args.methods.split(",") if m.strip()]
        unknown = [m for m in methods if m not in METHODS]
        if unknown:
            parser.error(f"unknown methods: {', '.join(unknown)}")
        rows = table(evaluate(pairs, methods, args.workers, max(1, args.repeat)))
        sections.append(format_table(rows))
        sections.append("\n".join(verdict(rows)))
    elapsed = time.perf_counter() - started
    header = (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}; {len(pairs)} pairs; "
        f"{elapsed:.0f} s wall\n`{command}`"
    )
    report = header + "\n\n" + "\n\n".join(s for s in sections if s)
    print(report)
    if args.write:
        with REPORT.open("a", encoding="utf-8") as out:
            out.write("\n\n" + report + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
