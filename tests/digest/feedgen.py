"""Small feeds written for the tests (original text), as bytes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

BASE = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def rss(
    name: str,
    items: int = 3,
    *,
    base: datetime = BASE,
    title: str | None = None,
    extra_item: str = "",
    teaser: bool = False,
    link_base: str = "",
) -> bytes:
    """An RSS 2.0 feed whose items have guids, links, dates and a few paragraphs."""
    link_base = link_base or f"https://{name}.example"
    parts = []
    for i in range(items):
        when = format_datetime(base - timedelta(hours=i))
        if teaser:
            body = f"<p>The council of {name} met on item {i}…</p>"
        else:
            body = "".join(
                f"<p>Paragraph {p} of item {i} from {name}: the harbour council voted on the "
                f"new ferry timetable, and residents said they wanted later boats.</p>"
                for p in range(3)
            )
        parts.append(
            f"<item><title>{escape(name)} item {i}</title>"
            f"<link>{link_base}/story/{i}</link>"
            f"<guid>{name}-{i}</guid><pubDate>{when}</pubDate>"
            f"<description>{escape(body)}</description></item>"
        )
    channel_title = escape(title if title is not None else f"The {name} Times")
    xml = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{channel_title}</title><link>https://{name}.example/</link>"
        f"<description>News from {name}</description>{''.join(parts)}{extra_item}"
        "</channel></rss>"
    )
    return xml.encode("utf-8")


def article_page(title: str, paragraphs: int = 6) -> bytes:
    """A web page with one long article, for full-text extraction."""
    body = "".join(
        f"<p>{title}: paragraph {p} tells, at length and with detail, how the harbour ferry "
        f"timetable changed after the vote, what the mayor said, and what happens next week.</p>"
        for p in range(paragraphs)
    )
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body>"
        f"<nav><a href='/'>Home</a><a href='/sport'>Sport</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        f"<footer>Copyright the example site. All rights reserved.</footer></body></html>"
    ).encode()
