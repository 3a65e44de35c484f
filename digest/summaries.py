"""Summaries of stored articles: computed once, kept in the store, keyed by text and settings.

This module joins the pure summarizer (``digest.summarize``) to the store: it works out each
article's summary key from its text, title, language and the configured method and length, asks
the store which keys are missing, summarizes only those (in a process pool when there are many)
and stores the results. Nothing is summarized twice. It does no network IO.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor

from digest.config import SummaryConfig
from digest.models import Article, ArticleSummary, Entry
from digest.store import Store
from digest.summarize import Summary, summarize, summary_cache_key


def summary_key(item: Article | Entry, settings: SummaryConfig) -> str:
    """The store key of an article's (or a not yet stored entry's) summary under ``settings``."""
    return summary_cache_key(
        item.text or item.summary,
        settings.method,
        settings.sentences,
        settings.ratio,
        language=item.language or "english",
        title=item.title,
    )


def stored_summary(summary: Summary) -> ArticleSummary:
    """The summarizer's result in the form the store keeps."""
    return ArticleSummary(
        method=summary.method,
        sentences=summary.sentences,
        reading_minutes=summary.reading_minutes,
        language=summary.language,
        note=summary.note,
    )


def compute_summary(item: Article | Entry, settings: SummaryConfig) -> ArticleSummary:
    """Summarize an article or entry now (pure CPU work: a worker's job for many)."""
    return stored_summary(
        summarize(
            item.text or item.summary,
            sentences=settings.sentences,
            ratio=settings.ratio,
            method=settings.method,
            language=item.language or "english",
            title=item.title,
        )
    )


def article_summary(store: Store, article: Article, settings: SummaryConfig) -> ArticleSummary:
    """The article's summary: from the store, else computed now (in this thread) and stored."""
    key = summary_key(article, settings)
    found = store.summary(key)
    if found is not None:
        return found
    summary = compute_summary(article, settings)
    store.put_summaries([(key, summary)])
    return summary


def summarize_articles(
    store: Store,
    articles: Sequence[Article],
    settings: SummaryConfig,
    *,
    executor: Executor | None = None,
) -> int:
    """Summarize and store every article in ``articles`` that has no stored summary yet.

    Returns how many summaries were computed. With many articles the work is spread over a
    process pool (``executor``, else one made for the call).
    """
    from digest.summarize import summarize_many

    keys = [summary_key(a, settings) for a in articles]
    have = store.summary_keys(keys)
    todo: dict[str, Article] = {}
    for key, article in zip(keys, articles, strict=True):
        if key not in have and key not in todo:
            todo[key] = article
    if not todo:
        return 0
    items = list(todo.values())
    results = summarize_many(
        [a.text or a.summary for a in items],
        sentences=settings.sentences,
        ratio=settings.ratio,
        method=settings.method,
        languages=[a.language or "english" for a in items],
        titles=[a.title for a in items],
        executor=executor,
    )
    store.put_summaries((key, stored_summary(s)) for key, s in zip(todo, results, strict=True))
    return len(items)
