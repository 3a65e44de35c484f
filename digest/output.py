"""The CLI's output layer: the only place in ``digest/`` that uses Rich.

Every string that came from outside (titles, text, feed names, error reasons that quote them) is
turned into a ``rich.text.Text`` through :func:`safe` — control characters stripped, never parsed
as markup — before it reaches a table or the console. JSON output is built here too, with the
stable, documented shapes of ``docs/json-format.md``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from digest.models import Article, ArticleSummary, Feed
from digest.store import iso
from digest.textclean import clean_line, clean_text
from digest.timefmt import relative_time

JSON_VERSION = 1


def console(file: TextIO | None = None, *, stderr: bool = False) -> Console:
    """A console that never interprets markup, emoji codes or highlighting in what it prints."""
    return Console(
        file=file, stderr=stderr, markup=False, emoji=False, highlight=False, soft_wrap=False
    )


def safe(value: object, style: str = "") -> Text:
    """Outside text as a Rich Text: controls stripped, shown literally."""
    return Text(clean_line(str(value)), style=style)


def safe_block(value: str, style: str = "") -> Text:
    return Text(clean_text(value), style=style)


def article_json(article: Article, *, with_text: bool = False) -> dict[str, Any]:
    """An article in the stable JSON shape (see docs/json-format.md)."""
    data: dict[str, Any] = {
        "id": article.id,
        "feed_id": article.feed_id,
        "feed": article.feed_title,
        "title": article.title,
        "url": article.url,
        "author": article.author,
        "source": article.source,
        "published": iso(article.published),
        "updated": iso(article.updated),
        "added": iso(article.added),
        "read": article.read,
        "starred": article.starred,
        "categories": list(article.categories),
        "related_to": article.related_to,
    }
    if with_text:
        data["summary"] = article.summary
        data["text"] = article.text
        data["enclosures"] = [
            {"url": e.url, "type": e.type, "length": e.length} for e in article.enclosures
        ]
    return data


def feed_json(feed: Feed) -> dict[str, Any]:
    return {
        "id": feed.id,
        "url": feed.url,
        "title": feed.title,
        "site_url": feed.site_url,
        "kind": feed.kind,
        "folder": feed.folder,
        "tags": list(feed.tags),
        "full_text": feed.full_text,
        "unread": feed.unread,
        "total": feed.total,
        "last_fetched": iso(feed.last_fetched),
        "last_error": feed.last_error,
    }


def print_json(key: str, items: Any, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    json.dump({"version": JSON_VERSION, key: items}, out, ensure_ascii=False, indent=2)
    out.write("\n")


def articles_table(articles: Sequence[Article], now: datetime) -> Table:
    table = Table(box=None, pad_edge=False, show_edge=False, expand=False)
    table.add_column("id", justify="right", style="dim", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("when", style="cyan", no_wrap=True)
    table.add_column("feed", style="green", no_wrap=True, max_width=24, overflow="ellipsis")
    table.add_column("title", overflow="fold")
    for a in articles:
        marks = ("*" if a.starred else " ") + (" " if a.read else "N")
        table.add_row(
            Text(str(a.id)),
            Text(marks, style="bold yellow"),
            Text(relative_time(a.when, now)),
            safe(a.source or a.feed_title),
            safe(a.title or "(untitled)", "" if a.read else "bold"),
        )
    return table


def feeds_table(feeds: Iterable[Feed], now: datetime) -> Table:
    table = Table(box=None, pad_edge=False, show_edge=False)
    table.add_column("id", justify="right", style="dim", no_wrap=True)
    table.add_column("title", overflow="fold")
    table.add_column("unread", justify="right", no_wrap=True)
    table.add_column("folder", style="green")
    table.add_column("fetched", style="cyan", no_wrap=True)
    table.add_column("last error", style="red", overflow="fold")
    for f in feeds:
        table.add_row(
            Text(str(f.id)),
            safe(f.title or f.url, "bold" if f.unread else ""),
            Text(f"{f.unread}/{f.total}"),
            safe(f.folder or ", ".join(f.tags)),
            Text(relative_time(f.last_fetched, now) if f.last_fetched else "never"),
            safe(f.last_error),
        )
    return table


def summary_json(summary: ArticleSummary) -> dict[str, Any]:
    return {
        "method": summary.method,
        "sentences": [{"index": i, "text": t} for i, t in summary.sentences],
        "reading_minutes": summary.reading_minutes,
        "note": summary.note,
    }


def summary_text(source: str, title: str, summary: Any) -> Text:
    """One summarize result for a terminal: the source, the title, the sentences as bullets."""
    out = Text()
    out.append_text(safe(title or source, "bold"))
    if title:
        out.append("  ")
        out.append_text(safe(f"({source})", "dim"))
    out.append("\n")
    if not summary.sentences:
        out.append("  ")
        out.append_text(safe(f"(no summary: {summary.note or 'nothing to summarize'})", "dim"))
        out.append("\n")
    for _, sentence in summary.sentences:
        out.append("  • ")
        out.append_text(safe(sentence))
        out.append("\n")
    return out


def article_text(
    article: Article,
    now: datetime,
    related: Sequence[Article] = (),
    summary: ArticleSummary | None = None,
) -> Text:
    """One article for reading: title, source, date, link, the summary, then the text."""
    out = Text()
    out.append_text(safe(article.title or "(untitled)", "bold"))
    out.append("\n")
    meta = [article.source or article.feed_title]
    if article.author:
        meta.append(article.author)
    if article.when:
        meta.append(f"{article.when:%Y-%m-%d %H:%M} UTC ({relative_time(article.when, now)})")
    out.append_text(safe(" · ".join(m for m in meta if m), "dim"))
    out.append("\n")
    if article.url:
        out.append_text(safe(article.url, "blue"))
        out.append("\n")
    out.append("\n")
    if summary is not None and summary.sentences:
        minutes = f" · {summary.reading_minutes:g} min read" if summary.reading_minutes else ""
        out.append(f"Summary{minutes}\n", style="bold")
        for _, sentence in summary.sentences:
            out.append("  • ")
            out.append_text(safe(sentence))
            out.append("\n")
        out.append("\n")
    out.append_text(safe_block(article.text or article.summary or "(no text)"))
    out.append("\n")
    if related:
        out.append("\nRelated stories\n", style="bold")
        for r in related:
            out.append("  • ")
            out.append_text(safe(r.title or "(untitled)"))
            out.append(" ")
            out.append_text(safe(f"— {r.source or r.feed_title}", "dim"))
            out.append("\n")
    return out
