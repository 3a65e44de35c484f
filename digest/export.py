"""Rendering a built digest as HTML, Markdown, plain text or JSON.

:class:`Digest` holds everything a renderer needs (the ranked stories, the lead summaries, the
one-line summaries of related articles, the period and the reference time for "3 hours ago"), so
every renderer is a pure function of it: the same digest gives the same bytes. Every string from
the outside world is treated as hostile: control characters are stripped, HTML is escaped with
:func:`html.escape`, Markdown's special characters are backslash-escaped, and only http(s) links
are kept. The HTML page is self-contained: inline CSS (light and dark through
``prefers-color-scheme``), no script, no external asset; the only URLs in it are article links.
The JSON layout is documented in ``docs/digest-json.md``. This module does no IO.
"""

from __future__ import annotations

import html
import json
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from digest.cluster import StoryEntry, source_name
from digest.models import Article
from digest.rank import RankedStory
from digest.textclean import clean_line
from digest.timefmt import relative_time

FORMATS = ("html", "md", "txt", "json")
JSON_VERSION = 1


@dataclass(frozen=True)
class DigestStory:
    """A ranked story with the text shown for it."""

    ranked: RankedStory
    summary: tuple[str, ...] = ()
    """The lead's summary sentences (empty: its one-line summary is shown instead)."""
    lines: dict[int, str] = field(default_factory=dict, compare=False, hash=False)
    """article id -> one-line summary, for every entry of the story."""

    def line(self, article: Article) -> str:
        return self.lines.get(article.id, "")


@dataclass(frozen=True)
class Digest:
    """One digest: a period's stories, best first."""

    title: str
    """e.g. "Digest for Friday, 27 November 2026"."""
    start: datetime
    end: datetime
    as_of: datetime
    """Relative times ("3 hours ago") are computed against this, never against the clock."""
    stories: tuple[DigestStory, ...] = ()
    total_stories: int = 0
    """Stories in the period (``stories`` may hold only the first N)."""
    total_articles: int = 0
    note: str = ""
    """A line for the reader (e.g. why the digest is empty)."""


def safe_url(url: str) -> str:
    """The URL if it is a plain http(s) URL without spaces or controls, else empty."""
    url = clean_line(url)
    if re.match(r"^https?://[^\s<>\"'`]+$", url, re.IGNORECASE):
        return url
    return ""


def _iso(when: datetime | None) -> str | None:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if when else None


def _when_label(article: Article, as_of: datetime) -> str:
    label = relative_time(article.when, as_of)
    if article.published is None and article.updated is None:
        return f"undated, added {label}"
    return label


def _headline(article: Article) -> str:
    return clean_line(article.title) or "(untitled)"


def _counts(digest: Digest) -> str:
    shown = len(digest.stories)
    stories = f"{digest.total_stories} stor{'y' if digest.total_stories == 1 else 'ies'}"
    articles = f"{digest.total_articles} article{'' if digest.total_articles == 1 else 's'}"
    more = f", the first {shown} shown" if shown < digest.total_stories else ""
    return f"{stories} from {articles}{more}"


# -- JSON -----------------------------------------------------------------------------------------


def _entry_json(entry: StoryEntry, story: DigestStory, as_of: datetime) -> dict[str, Any]:
    a = entry.article
    return {
        "id": a.id,
        "title": _headline(a),
        "url": safe_url(a.url),
        "source": clean_line(source_name(a)),
        "feed_id": a.feed_id,
        "published": _iso(a.published),
        "when": _iso(a.when),
        "relative": _when_label(a, as_of),
        "line": clean_line(story.line(a)),
        "also_in": [clean_line(s) for s in entry.also_in],
        "copies": [c.id for c in entry.copies],
        "read": a.read,
        "starred": a.starred,
    }


def to_json(digest: Digest) -> str:
    """The digest as JSON (see docs/digest-json.md), keys in a fixed order, floats rounded."""
    stories = []
    for item in digest.stories:
        r = item.ranked
        lead = _entry_json(r.story.lead, item, digest.as_of)
        lead["summary"] = [clean_line(s) for s in item.summary]
        stories.append(
            {
                "rank": r.rank,
                "id": r.story.key,
                "score": {
                    "total": round(r.score.total, 4),
                    "parts": r.score.as_dict(),
                    "inputs": {
                        "sources": r.sources,
                        "newest": _iso(r.newest),
                        "age_hours": round(r.age_hours, 2),
                        "starred": any(a.starred for a in r.story.articles),
                        "unread_entries": sum(1 for e in r.story.entries if not e.article.read),
                        "entries": len(r.story.entries),
                        "priority": r.priority,
                    },
                },
                "sources": [clean_line(s) for s in r.story.sources],
                "articles": len(r.story.articles),
                "lead": lead,
                "related": [_entry_json(e, item, digest.as_of) for e in r.story.related],
            }
        )
    data = {
        "digest": {
            "version": JSON_VERSION,
            "title": clean_line(digest.title),
            "start": _iso(digest.start),
            "end": _iso(digest.end),
            "as_of": _iso(digest.as_of),
            "total_stories": digest.total_stories,
            "total_articles": digest.total_articles,
            "note": clean_line(digest.note),
            "stories": stories,
        }
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# -- Markdown -------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def md_escape(text: str) -> str:
    """Text safe inside Markdown: one line, every character with a meaning backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", clean_line(text))


def _md_url(url: str) -> str:
    return safe_url(url).replace("(", "%28").replace(")", "%29")


def _md_entry(entry: StoryEntry, item: DigestStory, as_of: datetime) -> str:
    a = entry.article
    url = _md_url(a.url)
    title = md_escape(_headline(a))
    head = f"[{title}]({url})" if url else title
    meta = f"{md_escape(source_name(a))}, {md_escape(_when_label(a, as_of))}"
    if entry.also_in:
        meta += f"; also in: {md_escape(', '.join(entry.also_in))}"
    line = item.line(a)
    return f"- {head} ({meta})" + (f"  \n  {md_escape(line)}" if line else "")


def to_markdown(digest: Digest) -> str:
    """The digest as Markdown, for email and notes."""
    out = [f"# {md_escape(digest.title)}", "", md_escape(_counts(digest)), ""]
    if digest.note:
        out += [md_escape(digest.note), ""]
    for item in digest.stories:
        r = item.ranked
        lead = r.story.lead
        a = lead.article
        url = _md_url(a.url)
        title = md_escape(_headline(a))
        out.append(f"## {r.rank}\\. {f'[{title}]({url})' if url else title}")
        out.append("")
        meta = f"{md_escape(source_name(a))}, {md_escape(_when_label(a, digest.as_of))}"
        if lead.also_in:
            meta += f"; also in: {md_escape(', '.join(lead.also_in))}"
        out += [f"*{meta}*", ""]
        text = " ".join(item.summary) or item.line(a)
        if text:
            out += [md_escape(text), ""]
        if r.story.related:
            out.append(f"Related ({len(r.story.related)}):")
            out.append("")
            out += [_md_entry(e, item, digest.as_of) for e in r.story.related]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# -- plain text -----------------------------------------------------------------------------------


def to_text(digest: Digest, width: int = 78) -> str:
    """The digest as plain text for a terminal or a mail body (no markup, controls stripped)."""
    wrap: Callable[..., list[str]] = textwrap.wrap
    out = [clean_line(digest.title), "=" * min(width, len(clean_line(digest.title))), ""]
    out += [_counts(digest), ""]
    if digest.note:
        out += wrap(clean_line(digest.note), width) + [""]
    for item in digest.stories:
        r = item.ranked
        lead = r.story.lead
        a = lead.article
        out += wrap(f"{r.rank}. {_headline(a)}", width, subsequent_indent="   ")
        meta = f"{clean_line(source_name(a))}, {_when_label(a, digest.as_of)}"
        if lead.also_in:
            meta += f"; also in: {', '.join(clean_line(s) for s in lead.also_in)}"
        out += wrap(meta, width, initial_indent="   ", subsequent_indent="   ")
        if safe_url(a.url):
            out.append(f"   {safe_url(a.url)}")
        text = clean_line(" ".join(item.summary) or item.line(a))
        if text:
            out += wrap(text, width, initial_indent="   ", subsequent_indent="   ")
        for entry in r.story.related:
            e = entry.article
            line = f"- {_headline(e)} ({clean_line(source_name(e))}, {_when_label(e, digest.as_of)}"
            line += (
                f"; also in: {', '.join(clean_line(s) for s in entry.also_in)})"
                if entry.also_in
                else ")"
            )
            out += wrap(line, width, initial_indent="   ", subsequent_indent="     ")
            if item.line(e):
                out += wrap(
                    clean_line(item.line(e)),
                    width,
                    initial_indent="     ",
                    subsequent_indent="     ",
                )
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# -- HTML -----------------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light dark; --bg: #fbfaf7; --fg: #1d1d1f; --muted: #5f6368; --rule: #dcdad3;
  --link: #1a4d8f; --card: #ffffff; --accent: #b3261e; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #151517; --fg: #e8e6e3; --muted: #a3a7ad; --rule: #34343a; --link: #8ab4f8;
    --card: #1e1e22; --accent: #f28b82; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 17px/1.55 Georgia, "Iowan Old Style", "Times New Roman", serif; }
header.top, main, footer { max-width: 46rem; margin: 0 auto; padding: 0 1.25rem; }
header.top { padding-top: 2rem; border-bottom: 3px double var(--rule); }
header.top h1 { font-size: 2rem; margin: 0 0 .25rem; letter-spacing: -.01em; }
.meta, .counts, .related .source, .related .when, footer { color: var(--muted);
  font: 14px/1.45 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
a { color: var(--link); text-decoration: none; } a:hover { text-decoration: underline; }
nav.toc { margin: 1.25rem 0; padding: 1rem 1.25rem; background: var(--card);
  border: 1px solid var(--rule); border-radius: 6px; }
nav.toc h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .08em; margin: 0 0 .5rem;
  color: var(--muted); font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
nav.toc ol { margin: 0; padding-left: 1.4rem; } nav.toc li { margin: .2rem 0; }
nav.toc .n { color: var(--muted); font-size: .85em; }
article.story { margin: 2rem 0; padding-bottom: 1.5rem; border-bottom: 1px solid var(--rule); }
article.story h2 { font-size: 1.55rem; line-height: 1.25; margin: 0 0 .35rem; }
.rank { color: var(--accent); font-weight: bold; margin-right: .35rem; }
.summary p { margin: .6rem 0; }
.related { margin-top: 1rem; }
.related h3 { font: bold 12px/1 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  text-transform: uppercase; letter-spacing: .08em; color: var(--muted); margin: 0 0 .5rem; }
.related ul { list-style: none; margin: 0; padding: 0; }
.related li { padding: .55rem 0 .55rem .9rem; border-left: 3px solid var(--rule); margin: .3rem 0; }
.related .title { font-weight: bold; font-size: 1.02rem; }
.related .line { margin: .15rem 0 0; font-size: .95rem; }
.also { color: var(--muted); font-style: italic; }
.empty { margin: 3rem 0; font-size: 1.2rem; color: var(--muted); }
footer { padding: 1rem 1.25rem 3rem; }
"""


def _h(text: str) -> str:
    return html.escape(clean_line(text), quote=True)


def _link(article: Article, css: str = "") -> str:
    url = safe_url(article.url)
    cls = f' class="{css}"' if css else ""
    if not url:
        return f"<span{cls}>{_h(_headline(article))}</span>"
    return f'<a{cls} href="{html.escape(url, quote=True)}">{_h(_headline(article))}</a>'


def to_html(digest: Digest) -> str:
    """The digest as one self-contained HTML page in the aggregator's look (no script)."""
    title = _h(digest.title)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        f"<title>{title}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        '<header class="top">',
        f"<h1>{title}</h1>",
        f'<p class="counts">{_h(_counts(digest))}</p>',
        "</header>",
        "<main>",
    ]
    if digest.note:
        parts.append(f'<p class="empty">{_h(digest.note)}</p>')
    if digest.stories:
        parts.append('<nav class="toc" aria-label="Contents"><h2>In this digest</h2><ol>')
        for item in digest.stories:
            r = item.ranked
            n = len(r.story.related)
            more = f' <span class="n">+{n} related</span>' if n else ""
            parts.append(
                f'<li><a href="#story-{r.rank}">{_h(_headline(r.story.lead.article))}</a>{more}</li>'
            )
        parts.append("</ol></nav>")
    for item in digest.stories:
        r = item.ranked
        lead = r.story.lead
        a = lead.article
        meta = f"{_h(source_name(a))} · {_h(_when_label(a, digest.as_of))}"
        if lead.also_in:
            meta += f' · <span class="also">also in: {_h(", ".join(lead.also_in))}</span>'
        parts += [
            f'<article class="story" id="story-{r.rank}">',
            f'<h2><span class="rank">{r.rank}</span>{_link(a)}</h2>',
            f'<p class="meta">{meta}</p>',
            '<div class="summary">',
        ]
        sentences = item.summary or ((item.line(a),) if item.line(a) else ())
        if sentences:
            parts.append(f"<p>{_h(' '.join(sentences))}</p>")
        parts.append("</div>")
        if r.story.related:
            parts.append(f'<section class="related"><h3>{len(r.story.related)} related</h3><ul>')
            for entry in r.story.related:
                e = entry.article
                also = (
                    f' · <span class="also">also in: {_h(", ".join(entry.also_in))}</span>'
                    if entry.also_in
                    else ""
                )
                line = f'<p class="line">{_h(item.line(e))}</p>' if item.line(e) else ""
                parts.append(
                    f'<li>{_link(e, "title")}<br><span class="source">{_h(source_name(e))}</span>'
                    f' · <span class="when">{_h(_when_label(e, digest.as_of))}</span>{also}{line}</li>'
                )
            parts.append("</ul></section>")
        parts.append("</article>")
    parts += [
        "</main>",
        f"<footer>Built by Digest · times relative to {_h(_iso(digest.as_of) or '')}</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


RENDERERS: dict[str, Callable[[Digest], str]] = {
    "html": to_html,
    "md": to_markdown,
    "txt": to_text,
    "json": to_json,
}


def render(digest: Digest, fmt: str) -> str:
    """The digest in ``fmt`` (one of :data:`FORMATS`)."""
    try:
        return RENDERERS[fmt](digest)
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}") from None
