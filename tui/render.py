"""The one door through which outside text reaches the screen.

Every string that came from a feed, a page, a config file or the user (titles, authors, article
text, feed names, search words, error reasons) is turned into a Textual :class:`Content` here, and
only here: control characters, escape sequences and bidi overrides are stripped with
``digest.textclean``, and the text is wrapped as literal characters with styles attached as spans.
Nothing here ever parses markup, so ``[/]`` or ``[@click=app.quit]`` is just text. This module
does no IO and reads no clock: the caller passes ``now``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from textual.content import Content, Span

from digest.models import Article, ArticleSummary
from digest.textclean import clean_line, clean_text
from digest.timefmt import relative_time
from tui.model import Source, StoryCard

DOT = " · "


def line(text: str | None, style: str = "") -> Content:
    """One line of outside text as literal, styled content (controls stripped, never markup)."""
    return Content.styled(clean_line(text), style)


def block(text: str | None, style: str = "") -> Content:
    """Multi-line outside text as literal, styled content (controls stripped, never markup)."""
    return Content.styled(clean_text(text), style)


def plain(text: str | None) -> str:
    """Outside text as a clean one-line ``str``, for places that take strings (notices, titles)."""
    return clean_line(text)


def join(parts: Iterable[Content], separator: str = "") -> Content:
    """Join pieces that already went through this module."""
    return Content(separator).join(parts)


def reading_time(minutes: float) -> str:
    if minutes <= 0:
        return ""
    if minutes < 1:
        return "<1 min read"
    return f"{round(minutes)} min read"


def when(article: Article, now: datetime) -> str:
    return relative_time(article.when, now)


def source_name(article: Article) -> str:
    return clean_line(article.source or article.feed_title) or "unknown source"


def card(story: StoryCard, now: datetime) -> Content:
    """A story card for the Stories pane: three lines (headline, meta, first summary sentence)."""
    article = story.article
    marker = ("★ " if article.starred else "") + ("● " if not article.read else "  ")
    title_style = "bold" if not article.read else "$text-muted"
    headline = Content.assemble(
        (marker, "$accent" if not article.read else "$text-muted"),
        line(article.title or "(untitled)", title_style),
    )
    meta_parts = [source_name(article), when(article, now)]
    if story.related_count:
        meta_parts.append(f"{story.related_count} related")
    minutes = reading_time(story.reading_minutes)
    if minutes:
        meta_parts.append(minutes)
    meta = Content.assemble("  ", (DOT.join(meta_parts), "$text-muted"))
    teaser = Content.assemble("  ", line(story.teaser or " ", "italic" if story.teaser else ""))
    return Content("\n").join([headline, meta, teaser])


def source_label(source: Source, width: int = 0) -> Content:
    """A row of the Sources pane: indented name, a failure mark, the unread count at the right."""
    indent = "  " * source.depth
    name_style = "bold" if source.kind in ("view", "folder") else ""
    mark = Content.styled("⚠ ", "$error") if source.error else Content("")
    count = Content.styled(f" {source.unread}", "$accent") if source.unread else Content("")
    name = line(source.label, name_style)
    room = width - len(indent) - mark.cell_length - count.cell_length
    if width and name.cell_length > room:
        name = name.truncate(max(1, room), ellipsis=True)
    gap = max(0, room - name.cell_length) if width else 1
    return join([Content(indent), mark, name, Content(" " * gap), count])


def heading(text: str) -> Content:
    """A group heading in the Sources pane (text from the config's folders and tags)."""
    return line(text, "bold $text-muted")


def article_header(article: Article, now: datetime) -> Content:
    """Title, then source · author · date, then the link."""
    rows: list[Content] = [line(article.title or "(untitled)", "bold")]
    meta = [source_name(article)]
    if article.author:
        meta.append(clean_line(article.author))
    if article.when is not None:
        stamp = article.when.strftime("%Y-%m-%d %H:%M UTC")
        meta.append(f"{stamp} ({relative_time(article.when, now)})")
    flags = []
    if article.starred:
        flags.append("★ starred")
    flags.append("read" if article.read else "unread")
    meta.append(", ".join(flags))
    rows.append(Content.styled(DOT.join(meta), "$text-muted"))
    if article.url:
        rows.append(line(article.url, "underline $text-primary"))
    return Content("\n").join(rows)


def summary_bullets(summary: ArticleSummary | None) -> Content:
    """The summary as bullets, or a line that says why there is none."""
    if summary is None:
        return Content.styled("Summarizing…", "$text-muted italic")
    if not summary.sentences:
        reason = clean_line(summary.note) or "no summary"
        return Content.styled(f"No summary: {reason}.", "$text-muted italic")
    bullets = [Content.assemble(("• ", "$accent"), line(text)) for _, text in summary.sentences]
    return Content("\n").join(bullets)


def article_body(paragraphs: Sequence[Sequence[str]], highlighted: Iterable[int]) -> Content:
    """The full text, one paragraph per block, with the summary's sentences highlighted in place.

    ``paragraphs`` are the article's sentences grouped by paragraph (``split_paragraphs``), so
    sentence numbers count across paragraphs exactly as the summary's indices do.
    """
    marked = set(highlighted)
    text_parts: list[str] = []
    spans: list[Span] = []
    position = 0
    index = 0
    for number, paragraph in enumerate(paragraphs):
        if number:
            text_parts.append("\n\n")
            position += 2
        for offset, sentence in enumerate(paragraph):
            clean = clean_line(sentence)
            if offset:
                text_parts.append(" ")
                position += 1
            if index in marked and clean:
                spans.append(Span(position, position + len(clean), "bold $text-accent"))
                spans.append(Span(position, position + len(clean), "on $accent 15%"))
            text_parts.append(clean)
            position += len(clean)
            index += 1
    if not text_parts:
        return Content.styled("(this article has no text)", "$text-muted italic")
    return Content("".join(text_parts), spans)


def related_item(story: Article, teaser: str) -> Content:
    """A related story in the Reader pane: title, source, one-line summary."""
    rows = [
        Content.assemble(("↳ ", "$accent"), line(story.title or "(untitled)", "bold")),
        Content.assemble("  ", (source_name(story), "$text-muted")),
    ]
    if teaser:
        rows.append(Content.assemble("  ", line(teaser, "italic")))
    return Content("\n").join(rows)
