"""Building digests from a store: incremental grouping kept in the store, determinism, bad
inputs, and the `digest build` command in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from digest import build, export
from digest.config import SummaryConfig
from digest.models import Entry
from digest.refresh import load_samples
from digest.store import ArticleQuery, Store
from tests.httpserver import LocalServer

DIGEST = Path(sys.executable).parent / "digest"
NOW = datetime(2026, 11, 27, 15, tzinfo=UTC)
ZONE = UTC
SUMMARY = SummaryConfig()


def sample_store(path: Path | str = ":memory:") -> Store:
    store = Store(path)
    load_samples(store, now=NOW)
    return store


def day(d: int) -> build.Period:
    return build.day_period(date(2026, 11, d), ZONE)


def wire_entry(n: int, hours: float, text: str, title: str = "") -> Entry:
    return Entry(
        title=title or f"Headline {n}",
        link=f"https://wire.example/{n}",
        guid=f"g{n}",
        published=NOW - timedelta(hours=hours),
        text=text,
    )


KESTREL = (
    "Kestrel Energy said a firmware update pushed to 214 Orrin Systems controllers left 61,400 "
    "customers in Port Calloway and Linwick without power from 6:12 a.m. to 3:41 p.m. on "
    "Tuesday. Chief executive Dana Whitcombe apologized and promised credits of $68 per customer."
)


def test_day_digest_groups_ranks_and_summarizes() -> None:
    with sample_store() as store:
        digest = build.build_digest(store, day(26), SUMMARY)
    assert digest.total_articles == 10 and digest.total_stories == 7
    first = digest.stories[0].ranked.story
    # The fireball: Valley Science and the saved page's lead with its three related stories.
    assert len(first.entries) == 5 and len(first.sources) == 5
    assert any(a.title.startswith("Meteorite hunters comb") for a in first.articles)
    reef = next(
        s.ranked.story for s in digest.stories if "reef" in s.ranked.story.lead.article.title
    )
    assert len(reef.entries) == 3  # the robot sub and the reef, from three sources
    assert digest.stories[0].summary  # the lead's summary sentences
    assert all(digest.stories[0].line(e.article) for e in first.entries)
    # Relative times are measured against the day's newest article, not the clock.
    assert digest.as_of == datetime(2026, 11, 26, 23, 10, tzinfo=UTC)


def test_same_store_and_date_give_the_same_output_and_builds_are_stored(tmp_path: Path) -> None:
    from digest.config import Config

    with sample_store(tmp_path / "a.sqlite3") as store:
        outputs = {
            fmt: build.build_and_store(store, Config(), day(25), fmt) for fmt in export.FORMATS
        }
        again = {
            fmt: build.build_and_store(store, Config(), day(25), fmt) for fmt in export.FORMATS
        }
        assert outputs == again
        assert store.build("2026-11-25", "html", '{"max_stories": 30}') == outputs["html"]
        assert {b[1] for b in store.builds()} == set(export.FORMATS)
    # A second store with the same content gives the same bytes (story ids included).
    with sample_store(tmp_path / "b.sqlite3") as other:
        assert build.build_and_store(other, Config(), day(25), "json") == outputs["json"]


def test_grouping_is_incremental_and_kept() -> None:
    with Store(":memory:") as store:
        feeds = [store.add_feed(f"https://f{n}.example/feed") for n in range(3)]
        store.upsert_entries(
            feeds[0].id, [wire_entry(1, 5, KESTREL, "Kestrel outage: 61,400 lose power")]
        )
        store.upsert_entries(
            feeds[1].id,
            [wire_entry(2, 4, "Apple growers in the Tessaly Valley harvested a record crop. " * 3)],
        )
        start, end = NOW - timedelta(days=1), NOW
        assert build.update_stories(store, start, end) == 2
        assert build.update_stories(store, start, end) == 0  # nothing regrouped
        before = store.story_ids([1, 2])
        # A refresh brings a new article on the outage from another feed.
        other_view = KESTREL.replace("Tuesday", "Tuesday morning") + " Regulators will review."
        store.upsert_entries(
            feeds[2].id, [wire_entry(3, 1, other_view, "Kestrel blames firmware for outage")]
        )
        assert build.update_stories(store, start, end) == 1
        after = store.story_ids([1, 2, 3])
        assert {k: after[k] for k in before} == before
        assert after[3] == after[1] != after[2]


def test_exact_copies_join_the_story_of_their_original() -> None:
    with Store(":memory:") as store:
        feeds = [store.add_feed(f"https://f{n}.example/feed") for n in range(2)]
        store.upsert_entries(feeds[0].id, [wire_entry(1, 5, KESTREL, "Outage")])
        build.update_stories(store, NOW - timedelta(days=1), NOW)
        store.upsert_entries(feeds[1].id, [wire_entry(2, 4, KESTREL, "Power cut")])
        build.update_stories(store, NOW - timedelta(days=1), NOW)
        ids = store.story_ids([1, 2])
        assert ids[1] == ids[2]
        stories, count = build.stories_between(store, NOW - timedelta(days=1), NOW)
        assert count == 2 and len(stories) == 1 and len(stories[0].lead.copies) == 1


def test_a_thousand_copies_of_one_wire_story() -> None:
    with Store(":memory:") as store:
        for f in range(10):
            feed = store.add_feed(f"https://paper{f}.example/feed", title=f"Paper {f}")
            store.upsert_entries(
                feed.id,
                [
                    wire_entry(f * 100 + n, 3 + n / 100, KESTREL, f"Outage ({n})")
                    for n in range(100)
                ],
            )
        other = store.add_feed("https://other.example/feed", title="Other")
        store.upsert_entries(
            other.id, [wire_entry(5000, 2, "The council voted to raise ferry fares. " * 5)]
        )
        digest = build.build_digest(
            store, build.since_period(NOW - timedelta(days=1), NOW), SUMMARY
        )
    assert digest.total_articles == 1001 and digest.total_stories == 2
    wire = next(s for s in digest.stories if len(s.ranked.story.articles) == 1000).ranked
    assert len(wire.story.entries) == 1 and len(wire.story.lead.also_in) == 9
    assert wire.sources == 1 + 0.5 * 9


def test_single_source_undated_and_empty_day() -> None:
    with Store(":memory:") as store:
        feed = store.add_feed("https://only.example/feed", title="Only")
        undated = Entry(title="Undated note", guid="u", text="A note without a date. " * 5)
        store.upsert_entries(feed.id, [undated, wire_entry(1, 2, KESTREL)], now=NOW)
        digest = build.build_digest(store, build.day_period(NOW.date(), ZONE), SUMMARY)
        assert digest.total_articles == 2 and digest.total_stories == 2
        assert "undated, added" in export.to_text(digest)
        empty = build.build_digest(store, build.day_period(date(2026, 11, 1), ZONE), SUMMARY)
    assert empty.total_stories == 0 and empty.stories == () and empty.note
    assert empty.as_of == empty.end


def test_saved_page_keeps_its_grouping_across_days() -> None:
    with sample_store() as store:
        on_26 = build.build_digest(store, day(26), SUMMARY)
        page = next(
            s.ranked.story
            for s in on_26.stories
            if any(a.title.startswith("Meteorite hunters comb") for a in s.ranked.story.articles)
        )
        page_lead = next(a for a in page.articles if a.title.startswith("Meteorite hunters"))
        related = store.related(page_lead.id)
        assert len(related) == 3
        # The page's related stories are dated the 27th: they still show under the lead.
        assert {a.id for a in related} <= {a.id for a in page.articles}
        on_27 = build.build_digest(store, day(27), SUMMARY)
    for item in on_27.stories:
        ids = {a.id for a in item.ranked.story.articles}
        if ids & {a.id for a in related}:
            assert page_lead.id in {a.id for a in item.ranked.story.articles}


def test_one_line_skips_a_repeated_title_and_cuts_long_sentences() -> None:
    with sample_store() as store:
        article = store.articles(ArticleQuery(limit=1))[0]
    from dataclasses import replace

    long = replace(article, summary="word " * 100 + ".", text="")
    line = build.one_line(long)
    assert len(line) <= build.ONE_LINE_CHARS and line.endswith("…")
    titled = replace(article, summary=f"{article.title}. The second sentence says more.")
    assert build.one_line(titled) == "The second sentence says more."


# -- the command ----------------------------------------------------------------------------------


def run(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DIGEST_HOME=str(home), DIGEST_CONFIG=str(home / "absent.toml"), TZ="UTC")
    return subprocess.run(
        [str(DIGEST), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    sample_store(folder / "digest.sqlite3").close()
    return folder


def test_build_command_quiet_on_success_and_deterministic(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "digest.html"
    first = run(["build", "--date", "2026-11-26", "--output", str(out)], home)
    assert (first.returncode, first.stdout, first.stderr) == (0, "", "")
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Robot sub finds" in page
    again = run(["build", "--date", "2026-11-26", "--output", str(out)], home)
    assert again.returncode == 0 and out.read_text(encoding="utf-8") == page
    as_json = run(["build", "--date", "2026-11-26", "--format", "json", "--max-stories", "2"], home)
    data = json.loads(as_json.stdout)["digest"]
    assert len(data["stories"]) == 2 and data["total_stories"] == 7
    md = run(["build", "--date", "2026-11-26", "-o", str(tmp_path / "d.md")], home)
    assert md.returncode == 0 and (tmp_path / "d.md").read_text().startswith("# Digest for")


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--date", "2999-01-01"], 2, "in the future"),
        (["--date", "2026-13-45"], 2, "is not a date"),
        (["--since", "soon"], 2, "is not a date"),
        (["--max-stories", "0"], 2, "at least 1"),
        (["--output", "/nonexistent-folder/x.html"], 1, "cannot write"),
    ],
)
def test_build_command_bad_inputs_one_line_nonzero(
    home: Path, args: list[str], code: int, words: str
) -> None:
    result = run(["build", *args], home)
    assert result.returncode == code, result.stderr
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
    assert words in result.stderr and "Traceback" not in result.stderr


def test_build_command_unwritable_file_and_empty_day(home: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = run(["build", "--output", str(locked / "d.html")], home)
        if os.geteuid() != 0:  # root writes anywhere; the folder check above still applies
            assert result.returncode == 1 and "cannot write" in result.stderr
    finally:
        locked.chmod(0o700)
    empty = run(["build", "--date", "2026-01-01", "--format", "txt"], home)
    assert empty.returncode == 0 and "No articles in this period" in empty.stdout
    folder = run(["build", "--output", str(tmp_path)], home)
    assert folder.returncode == 1 and "is a folder" in folder.stderr


def test_app_api_day_stories_and_stories_of_any_list() -> None:
    with sample_store() as store:
        listed = build.day_stories(store, date(2026, 11, 26), zone=ZONE)
        assert listed.period.key == "2026-11-26" and listed.articles == 10
        assert [r.rank for r in listed.stories] == list(range(1, 8))
        leads = [r.story.lead.article.id for r in listed.stories]
        # The same grouping for a plain list of articles (e.g. one feed's), in the list's order.
        articles = store.articles(ArticleQuery(limit=100))
        stories = build.stories_of(store, articles)
    assert sum(len(s.articles) for s in stories) == len(articles)
    first_ids = [s.articles[0].id for s in stories]
    positions = {a.id: n for n, a in enumerate(articles)}
    assert [min(positions[a.id] for a in s.articles) for s in stories] == sorted(
        min(positions[a.id] for a in s.articles) for s in stories
    )
    assert first_ids and set(leads) <= {a.id for s in stories for a in s.articles}
    avelar = next(s for s in stories if s.lead.article.title.startswith("Avelar Air"))
    assert avelar.lead.also_in and len(avelar.entries) == 1


def test_build_command_refreshes_first(tmp_path: Path, http_server: LocalServer) -> None:
    from tests.digest.feedgen import rss

    http_server.add("/a.xml", rss("alpha", 3), etag='"v1"')
    http_server.add("/gone.xml", b"", status=404)
    home = tmp_path / "home"
    config = tmp_path / "config.toml"
    config.write_text(
        "[fetch]\ntotal_timeout = 3\nread_timeout = 2\n"
        f'[[feeds]]\nurl = "{http_server.url("/a.xml")}"\n'
        f'[[feeds]]\nurl = "{http_server.url("/gone.xml")}"\n'
    )
    env = dict(os.environ, DIGEST_HOME=str(home), DIGEST_CONFIG=str(config), TZ="UTC")
    result = subprocess.run(
        [str(DIGEST), "build", "--refresh", "--date", "2026-11-27", "--format", "txt"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    # The digest is built from the fresh items; the failed feed is the one line on stderr.
    assert "alpha item 0" in result.stdout
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "1 feed failed to refresh" in result.stderr and "404" in result.stderr
