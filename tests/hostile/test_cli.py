"""Every hostile feed through the `digest` command: refreshed beside two good feeds, then listed,
read, searched and printed, in-process (each case alone) and as the installed command on a
pseudo-terminal (all cases in one refresh). Outputs hold text only: no control, escape, bidi or
zero-width character; markup is shown literally; no local file or URL named by the feed is read;
every stored link is http(s); the good feeds come through untouched."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from digest.store import ArticleQuery, Store
from tests.hostile.conftest import (
    GOOD,
    Ran,
    Site,
    command_env,
    json_strings,
    run_command,
    run_main,
    run_on_terminal,
    store_bytes,
    write_config,
)
from tests.hostile.documents import (
    SECRET_MARKER,
    Hostile,
    foreign_escapes,
    good_titles,
    hostile_feeds,
    hostile_page,
    unsafe_characters,
)

CASES = [case.name for case in hostile_feeds(Path("/nonexistent"), "http://127.0.0.1:1")]
REFRESH_SECONDS = 15.0
"""A hostile feed's refresh (two good feeds beside it) ends within this, on a loaded machine."""


def words(text: str) -> str:
    """Text with every run of whitespace (Rich wraps long lines) as one space."""
    return " ".join(text.split())


def check_output(ran: Ran, case: Hostile | None, where: str) -> None:
    for stream in (ran.out, ran.err):
        assert not unsafe_characters(stream), (where, unsafe_characters(stream)[:3])
        assert "Traceback" not in stream, (where, stream[-2000:])
        for hidden in (case.hidden if case else ()) + (SECRET_MARKER,):
            assert hidden not in stream, (where, hidden)


def check_json(ran: Ran, where: str) -> object:
    data = json.loads(ran.out)
    for value in json_strings(data):
        assert not unsafe_characters(value), (where, value[:200])
    return data


def check_links(store: Store) -> None:
    for article in store.articles(ArticleQuery(limit=10_000)):
        for url in (article.url, *(e.url for e in article.enclosures)):
            assert url == "" or url.startswith(("http://", "https://")), url


def check_good_feeds(store: Store, site: Site) -> None:
    for name in GOOD:
        feed = store.feed_by_url(site.good_url(name))
        assert feed is not None and feed.last_error == "", feed
        titles = {a.title for a in store.articles(ArticleQuery(feed_ids=(feed.id,)))}
        assert titles == good_titles(name)


@pytest.mark.parametrize("name", CASES)
def test_hostile_feed_in_process(
    name: str,
    site: Site,
    tmp_path: Path,
    isolated_env: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    case = site.cases[name]
    config = write_config(
        tmp_path / "config.toml",
        [
            (site.good_url("alpha"), "never"),
            (site.url(case), case.full_text),
            (site.good_url("bravo"), "never"),
        ],
    )
    base = ["--config", str(config)]
    started = time.monotonic()
    refreshed = run_main([*base, "refresh"], capsys)
    elapsed = time.monotonic() - started
    check_output(refreshed, case, "refresh")
    assert refreshed.code == 0, refreshed.out + refreshed.err
    assert "Refreshed 3 feeds" in refreshed.out
    assert elapsed < REFRESH_SECONDS

    with Store.open_default(isolated_env) as store:
        check_good_feeds(store, site)
        check_links(store)
        feed = store.feed_by_url(site.url(case))
        assert feed is not None and feed.last_error == ""
        hostile_ids = [a.id for a in store.articles(ArticleQuery(feed_ids=(feed.id,)))]
    assert hostile_ids, "the hostile feed stored no article"

    shown_json = ""
    shown_text = ""
    for command in (["list"], ["feeds"], ["search", "ferry"], ["--plain"]):
        check_output(run_main([*base, *command], capsys), case, " ".join(command))
    for command in (["list", "--format", "json"], ["feeds", "--format", "json"]):
        ran = run_main([*base, *command], capsys)
        check_output(ran, case, " ".join(command))
        check_json(ran, " ".join(command))
    for article_id in hostile_ids:
        ran = run_main([*base, "read", str(article_id), "--keep-unread"], capsys)
        check_output(ran, case, f"read {article_id}")
        assert ran.code == 0
        shown_text += words(ran.out) + "\n"
        ran = run_main([*base, "read", str(article_id), "--format", "json"], capsys)
        check_output(ran, case, f"read {article_id} json")
        data = check_json(ran, f"read {article_id} json")
        assert isinstance(data, dict)
        article = data["article"]
        shown_json += " ".join(
            words(str(article[k])) for k in ("title", "text", "author", "summary", "categories")
        )
        shown_json += "\n"
    for text in case.shown:
        assert words(text) in shown_json, text
        assert words(text) in shown_text, text
    assert site.leak_hits() == 0
    stored = store_bytes(isolated_env)
    for hidden in (*case.hidden, SECRET_MARKER):
        assert hidden.encode() not in stored, hidden


def test_every_hostile_feed_at_once_with_the_installed_command(site: Site, tmp_path: Path) -> None:
    home = tmp_path / "home"
    feeds = [(site.good_url("alpha"), "never")]
    feeds += [(site.url(case), case.full_text) for case in site.cases.values()]
    feeds += [(site.good_url("bravo"), "never")]
    config = write_config(tmp_path / "config.toml", feeds)
    env = command_env(home, config)

    started = time.monotonic()
    refreshed = run_command(["refresh"], env)
    elapsed = time.monotonic() - started
    check_output(refreshed, None, "refresh")
    assert refreshed.code == 0, refreshed.out + refreshed.err
    assert f"Refreshed {len(feeds)} feeds" in refreshed.out
    assert "0 failed" in refreshed.out
    assert elapsed < 30

    with Store.open_default(home) as store:
        check_good_feeds(store, site)
        check_links(store)
        hostile = [
            a
            for a in store.articles(ArticleQuery(limit=1000))
            if a.feed_id not in {f.id for f in store.feeds() if f.url in map(site.good_url, GOOD)}
        ]
    everything: list[Ran] = []
    for command in (["list", "--limit", "200"], ["feeds"], ["--plain"]):
        ran = run_on_terminal(command, env)
        assert ran.code == 0, ran.out[-2000:]
        everything.append(ran)
    (escaped,) = [a for a in hostile if a.title == "Escapes in the body"]
    ran = run_on_terminal(["read", str(escaped.id), "--keep-unread"], env)
    assert ran.code == 0, ran.out[-2000:]
    assert "Body Alpha Bravo" in words(ran.out)
    everything.append(ran)
    for ran in everything:
        assert "\x1b[" in ran.out, "the terminal got no colours: this is not a terminal test"
        assert not foreign_escapes(ran.out), foreign_escapes(ran.out)[:3]
        assert "Traceback" not in ran.out
        assert SECRET_MARKER not in ran.out
        for case in site.cases.values():
            for hidden in case.hidden:
                assert hidden not in ran.out, hidden
    listed = words(everything[0].out)
    assert "[/] [@click=app.quit]quit-now[/]" in listed
    assert site.leak_hits() == 0
    assert SECRET_MARKER.encode() not in store_bytes(home)


def test_hostile_page_read_added_and_summarized(
    site: Site,
    tmp_path: Path,
    isolated_env: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    page_url = site.server.url("/hostile/page.html")
    saved = tmp_path / "saved.html"
    saved.write_bytes(hostile_page(depth=100))
    runs = {
        "read url": run_main(["read", page_url], capsys),
        "read url json": run_main(["read", page_url, "--format", "json"], capsys),
        "add file": run_main(["add", str(saved)], capsys),
        "read file": run_main(["read", str(saved)], capsys),
        "summarize": run_main(["summarize", str(saved), page_url], capsys),
        "list": run_main(["list"], capsys),
    }
    for where, ran in runs.items():
        check_output(ran, site.cases["page-full-text"], where)
        assert ran.code == 0, (where, ran.err)
    for where in ("read url", "read file"):
        assert "[@click=app.quit]page[/]" in runs[where].out, where
        assert "Page paragraph 3" in runs[where].out, where
    assert "Page paragraph" in runs["summarize"].out
    check_json(runs["read url json"], "read url json")
