"""Fuzzing the two doors outside text goes through to reach a terminal: the app's
``tui/render.py`` and the CLI's ``digest.output``.

For any text: what is drawn is the cleaned text, literally (markup is never parsed, so ``[/]``
neither crashes nor vanishes and ``[@click=...]`` attaches no action); no control, escape, bidi or
zero-width character is drawn; and what the CLI's console sends to a real terminal holds no
escape sequence but its own colours.
"""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime, timedelta
from unittest.mock import patch

from hypothesis import given
from hypothesis import strategies as st
from textual.content import Content

from digest import output
from digest.models import Article, ArticleSummary, Feed
from digest.sentences import split_paragraphs
from digest.textclean import clean_line, clean_text
from tests.fuzz.strategies import UNSAFE, fuzz, hostile_text, links
from tests.hostile.documents import foreign_escapes
from tui import render
from tui.model import Source, StoryCard

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

articles = st.builds(
    Article,
    id=st.integers(1, 10**6),
    feed_id=st.integers(1, 100),
    key=st.text(max_size=5),
    title=hostile_text,
    url=links,
    author=hostile_text,
    published=st.one_of(st.none(), st.just(NOW - timedelta(hours=3))),
    text=hostile_text,
    summary=hostile_text,
    source=hostile_text,
    feed_title=hostile_text,
    read=st.booleans(),
    starred=st.booleans(),
)


def check_content(content: Content) -> str:
    plain = content.plain
    assert not UNSAFE.search(plain), plain
    for span in content.spans:
        assert 0 <= span.start <= span.end <= len(plain)
        style = str(span.style)
        assert "@click" not in style and "link" not in style, style
    return plain


@fuzz(2.0)
@given(hostile_text, st.sampled_from(["", "bold", "$accent italic"]))
def test_app_text_is_the_cleaned_text_literally(text: str, style: str) -> None:
    assert check_content(render.line(text, style)) == clean_line(text)
    assert check_content(render.block(text, style)) == clean_text(text)
    assert render.plain(text) == clean_line(text)


@fuzz(2.0)
@given(articles, st.integers(0, 5), st.integers(0, 120))
def test_app_cards_headers_and_labels_draw_text_only(
    article: Article, related: int, width: int
) -> None:
    card = check_content(render.card(StoryCard(article, teaser=article.summary), NOW))
    assert clean_line(article.title) in card
    header = check_content(render.article_header(article, NOW))
    assert clean_line(article.title) in header
    if article.url:
        assert clean_line(article.url) in header
    source = Source(f"feed:{article.feed_id}", article.feed_title, "feed", error=article.author)
    check_content(render.source_label(source, width))
    check_content(render.related_item(article, article.summary))
    summary = ArticleSummary("digest", ((0, article.text), (1, article.title)), note=article.author)
    check_content(render.summary_bullets(summary))


@fuzz(1.0)
@given(hostile_text, st.sets(st.integers(0, 40)))
def test_app_article_body_highlights_within_the_text(text: str, marked: set[int]) -> None:
    paragraphs = split_paragraphs(text)
    check_content(render.article_body(paragraphs, marked))


def terminal(*renderables: object) -> str:
    """What a colour terminal receives when the CLI's own console prints these."""
    file = io.StringIO()
    with patch.dict(os.environ, {"FORCE_COLOR": "1", "COLORTERM": "truecolor", "COLUMNS": "100"}):
        console = output.console(file)
        for renderable in renderables:
            console.print(renderable)
    return file.getvalue()


@fuzz(2.0)
@given(articles, hostile_text)
def test_cli_output_sends_no_escape_but_its_colours(article: Article, error: str) -> None:
    safe = output.safe(article.title, "bold")
    assert safe.plain == clean_line(article.title)
    assert all("link" not in str(span.style) for span in safe.spans)
    feed = Feed(id=1, url="https://feeds.example/x", title=article.feed_title, last_error=error)
    sent = terminal(
        safe,
        output.articles_table([article], NOW),
        output.feeds_table([feed], NOW),
        output.article_text(article, NOW, [article], ArticleSummary("digest", ((0, error),))),
    )
    assert "\x1b[" in sent, "no colours: this did not test a terminal"
    assert not foreign_escapes(sent), foreign_escapes(sent)[:3]
    assert "\x1b]" not in sent  # no hyperlink or title escape at all
