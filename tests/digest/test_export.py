"""The renderers: HTML parsed for structure and for URLs, Markdown escaping, JSON against the
documented schema, text, and hostile input everywhere."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from digest import cluster, export
from digest.export import Digest, DigestStory
from digest.models import Article
from digest.rank import rank_stories

ROOT = Path(__file__).resolve().parent.parent.parent
END = datetime(2026, 11, 28, tzinfo=UTC)
HOSTILE = "<script>alert(1)</script> [x](javascript:y) *bold* _it_ `code` \x1b[31mred\x1b[0m"


def art(
    id: int, title: str, *, feed: str = "Gazette", hours_ago: float = 2.0, url: str = "", **kw: Any
) -> Article:
    when = END - timedelta(hours=hours_ago)
    return Article(
        id=id,
        feed_id=id,
        key=f"k{id}",
        title=title,
        url=url or f"https://news.example/{id}?a=1&b=2",
        text=f"Body of {id}.",
        published=when,
        added=when,
        feed_title=feed,
        **kw,
    )


def sample_digest() -> Digest:
    first = cluster.Story(
        1,
        cluster.StoryEntry(
            art(1, "Ferry fares rise", feed="Gazette"),
            (art(2, "Ferry fares rise", feed="Ledger"), art(3, "Ferry fares rise", feed="Post")),
        ),
        (
            cluster.StoryEntry(art(4, HOSTILE, feed=HOSTILE, url="javascript:alert(1)")),
            cluster.StoryEntry(art(5, "Council explains the vote", feed="Chronicle", hours_ago=30)),
        ),
    )
    second = cluster.Story(
        2, cluster.StoryEntry(replace(art(6, "Storm warning", hours_ago=5), published=None))
    )
    ranked = rank_stories([second, first], now=END)
    stories = tuple(
        DigestStory(
            r,
            ("The council raised fares.", HOSTILE) if r.story.key == 1 else (),
            {a.id: f"One line for {a.id} {HOSTILE if a.id == 4 else ''}" for a in r.story.articles},
        )
        for r in ranked
    )
    return Digest(
        title="Digest for Friday, 27 November 2026",
        start=END - timedelta(days=1),
        end=END,
        as_of=END,
        stories=stories,
        total_stories=2,
        total_articles=6,
    )


class Collect(HTMLParser):
    """Every start tag with its attributes, and the page's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.text: list[str] = []
        self.style = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "style":
            self.style += data
        else:
            self.text.append(data)

    def having(self, tag: str, cls: str | None = None) -> list[dict[str, str | None]]:
        return [
            a
            for t, a in self.tags
            if t == tag and (cls is None or cls in (a.get("class") or "").split())
        ]


def parse(page: str) -> Collect:
    parser = Collect()
    parser.feed(page)
    parser.close()
    return parser


def test_html_structure() -> None:
    page = export.to_html(sample_digest())
    assert page.startswith("<!DOCTYPE html>")
    doc = parse(page)
    assert len(doc.having("h1")) == 1
    assert len(doc.having("nav", "toc")) == 1
    toc_links = [a["href"] for a in doc.having("a") if (a.get("href") or "").startswith("#")]
    stories = doc.having("article", "story")
    assert toc_links == [f"#{s['id']}" for s in stories] and len(stories) == 2
    assert len(doc.having("section", "related")) == 1
    assert len(doc.having("li")) == 2 + 2  # two in the contents, two related
    text = " ".join(doc.text)
    assert "also in: Ledger, Post" in text
    assert "2 related" in text and "+2 related" in text
    assert "2 hours ago" in text and "yesterday" in text  # against the period's end
    assert "undated, added 5 hours ago" in text
    assert "prefers-color-scheme: dark" in doc.style


def test_html_is_self_contained_and_escapes_everything() -> None:
    page = export.to_html(sample_digest())
    doc = parse(page)
    assert not doc.having("script") and not doc.having("img") and not doc.having("link")
    assert not any("src" in attrs for _, attrs in doc.tags)
    assert not any(k.startswith("on") for _, attrs in doc.tags for k in attrs)
    assert "url(" not in doc.style and "@import" not in doc.style
    external = [a["href"] for a in doc.having("a") if not (a.get("href") or "").startswith("#")]
    # Only the article links, and the javascript: one is gone (its title is plain text).
    assert external == [
        "https://news.example/1?a=1&b=2",
        "https://news.example/5?a=1&b=2",
        "https://news.example/6?a=1&b=2",
    ]
    assert "&amp;b=2" in page
    assert "<script>" not in page and "\x1b" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert re.findall(r"https?://[^\s\"'<>]+", page) == [
        "https://news.example/1?a=1&amp;b=2",
        "https://news.example/5?a=1&amp;b=2",
        "https://news.example/6?a=1&amp;b=2",
    ]


def test_empty_digest_renders_a_note_in_every_format() -> None:
    empty = Digest(
        title="Digest for Friday, 27 November 2026",
        start=END - timedelta(days=1),
        end=END,
        as_of=END,
        note="No articles in this period.",
    )
    for fmt in export.FORMATS:
        out = export.render(empty, fmt)
        assert "No articles in this period" in out, fmt
    doc = parse(export.to_html(empty))
    assert not doc.having("nav") and not doc.having("article")
    with pytest.raises(ValueError):
        export.render(empty, "pdf")


def test_markdown_escapes_and_links() -> None:
    md = export.to_markdown(sample_digest())
    assert md.startswith("# Digest for Friday, 27 November 2026\n")
    assert "## 1\\. [Ferry fares rise](https://news.example/1?a=1&b=2)" in md
    assert "also in: Ledger, Post" in md
    assert "](javascript" not in md
    assert "\\[x\\]\\(javascript:y\\)" in md
    assert "\\*bold\\*" in md and "\\_it\\_" in md and "\\`code\\`" in md
    assert "<script>" not in md and "\\<script\\>" in md
    assert "\x1b" not in md
    assert export.md_escape("a_b*c[d](e)#!") == "a\\_b\\*c\\[d\\]\\(e\\)\\#\\!"


def test_markdown_link_parentheses_are_encoded() -> None:
    story = cluster.Story(
        9, cluster.StoryEntry(art(9, "Odd URL", url="https://news.example/a_(b)"))
    )
    digest = replace(
        sample_digest(),
        stories=(DigestStory(rank_stories([story], now=END)[0]),),
    )
    assert "(https://news.example/a_%28b%29)" in export.to_markdown(digest)


def test_text_has_no_markup_or_controls() -> None:
    txt = export.to_text(sample_digest())
    assert txt.splitlines()[0] == "Digest for Friday, 27 November 2026"
    assert "1. Ferry fares rise" in txt and "2. Storm warning" in txt
    assert "https://news.example/1?a=1&b=2" in txt and "javascript:alert" not in txt
    assert "\x1b" not in txt
    assert all(len(line) <= 78 or "://" in line for line in txt.splitlines())


# -- JSON against the documented schema -----------------------------------------------------------


def documented_schema() -> dict[str, Any]:
    doc = (ROOT / "docs" / "digest-json.md").read_text(encoding="utf-8")
    block = doc.split("```json", 1)[1].split("```", 1)[0]
    schema: dict[str, Any] = json.loads(block)
    return schema


def validate(value: Any, schema: dict[str, Any], root: dict[str, Any], path: str = "$") -> None:
    """A JSON Schema subset: type, const, minimum, pattern, required, properties,
    additionalProperties, items, $ref."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return validate(value, root["$defs"][name], root, path)
    types = schema.get("type")
    if types is not None:
        allowed = types if isinstance(types, list) else [types]
        checks = {
            "object": lambda v: isinstance(v, dict),
            "array": lambda v: isinstance(v, list),
            "string": lambda v: isinstance(v, str),
            "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
            "boolean": lambda v: isinstance(v, bool),
            "null": lambda v: v is None,
        }
        assert any(checks[t](value) for t in allowed), f"{path}: {value!r} is not {allowed}"
    if "const" in schema:
        assert value == schema["const"], path
    if "minimum" in schema:
        assert value >= schema["minimum"], path
    if "pattern" in schema and isinstance(value, str):
        assert re.search(schema["pattern"], value), f"{path}: {value!r}"
    if isinstance(value, dict):
        for key in schema.get("required", []):
            assert key in value, f"{path}: missing {key}"
        props = schema.get("properties", {})
        if schema.get("additionalProperties") is False:
            extra = set(value) - set(props)
            assert not extra, f"{path}: undocumented {extra}"
        for key, sub in props.items():
            if key in value:
                validate(value[key], sub, root, f"{path}.{key}")
    if isinstance(value, list) and "items" in schema:
        for n, item in enumerate(value):
            validate(item, schema["items"], root, f"{path}[{n}]")
    return None


def test_json_matches_the_documented_schema() -> None:
    schema = documented_schema()
    data = json.loads(export.to_json(sample_digest()))
    validate(data, schema, schema)
    stories = data["digest"]["stories"]
    assert [s["rank"] for s in stories] == [1, 2]
    first = stories[0]
    assert first["lead"]["also_in"] == ["Ledger", "Post"] and first["lead"]["copies"] == [2, 3]
    assert first["score"]["total"] == pytest.approx(sum(first["score"]["parts"].values()), abs=1e-3)
    assert first["related"][0]["url"] == ""  # javascript: dropped
    assert "\x1b" not in json.dumps(data)
    # The validator itself rejects what the schema forbids.
    broken = json.loads(export.to_json(sample_digest()))
    broken["digest"]["stories"][0]["score"]["parts"]["mystery"] = 1.0
    with pytest.raises(AssertionError):
        validate(broken, schema, schema)


def test_every_format_is_deterministic() -> None:
    for fmt in export.FORMATS:
        assert export.render(sample_digest(), fmt) == export.render(sample_digest(), fmt)


def test_cli_formats_match_the_renderers() -> None:
    from digest import cli_build

    assert cli_build.FORMATS == export.FORMATS
