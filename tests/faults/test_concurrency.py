"""Two `digest` processes on one store at once: a refresh, a cron `digest build` and a loop of
marks all work side by side; the app keeps marking while a build runs; a writer that finds the
store locked waits for it (busy timeout, BEGIN IMMEDIATE), and one that waits too long says why
in one line. Never a "database is locked" traceback."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from digest.config import Config
from digest.errors import StoreError
from digest.store import ArticleQuery, Store
from tests.faults.test_crash import (
    ROOT,
    GrowingFeeds,
    apply,
    check_store,
    stored_home,
    write_config,
)
from tests.hostile.documents import unsafe_characters
from tests.httpserver import LocalServer
from tests.tui.conftest import settle
from tui.app import DigestApp
from tui.screens.main import MainScreen

DIGEST = Path(sys.executable).with_name("digest")


def env_for(home: Path, config: Path) -> dict[str, str]:
    return dict(os.environ, DIGEST_HOME=str(home), DIGEST_CONFIG=str(config), TZ="UTC")


def popen(args: list[str], env: dict[str, str], *, module: bool = False) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", *args] if module else [str(DIGEST), *args]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def assert_clean(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr[-3000:]
    assert "locked" not in stderr, stderr[-3000:]
    assert not unsafe_characters(stderr)


def test_refresh_build_and_marks_at_once(http_server: LocalServer, tmp_path: Path) -> None:
    home = tmp_path / "home"
    stored_home(home)
    with GrowingFeeds(http_server, feeds=12) as feeds:
        config = write_config(tmp_path / "config.toml", feeds.urls())
        env = env_for(home, config)
        marks = popen(["tests.faults.driver", "mark", "7"], env, module=True)
        refresh = popen(["refresh"], env)
        builds = [popen(["build", "--since", "72h", "-o", str(tmp_path / "d.html")], env)]
        while refresh.poll() is None:
            if builds[-1].poll() is not None:
                builds.append(
                    popen(["build", "--since", "72h", "-o", str(tmp_path / "d.html")], env)
                )
            time.sleep(0.05)
        refreshed = refresh.communicate(timeout=60)
        built = [b.communicate(timeout=60) for b in builds]
        os.killpg(marks.pid, signal.SIGKILL)
        marked, marks_err = marks.communicate(timeout=20)
    assert refresh.returncode == 0, refreshed
    assert_clean(refreshed[1])
    assert "Refreshed 12 feeds" in refreshed[0] and "0 failed" in refreshed[0]
    for build, (_, err) in zip(builds, built, strict=True):
        assert build.returncode == 0, err
        assert_clean(err)
    assert_clean(marks_err)
    done = [line for line in marked.splitlines() if line.startswith("@done")]
    assert len(done) >= 10 and set(done) == {"@done 0"}, done[:5]
    assert len(builds) >= 2, "the refresh ended before a second build could overlap it"
    check_store(home)


def test_a_writer_waits_for_a_lock_held_by_another_process(tmp_path: Path) -> None:
    home = tmp_path / "home"
    stored_home(home, articles=8)
    config = write_config(tmp_path / "config.toml", [])
    with Store.open_default(home) as store:
        first = store.articles(ArticleQuery(limit=1))[0]
    holder = sqlite3.connect(home / "digest.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE articles SET title = title")
    started = time.monotonic()
    mark = popen(["mark", str(first.id), "--star"], env_for(home, config))
    time.sleep(1.5)
    assert mark.poll() is None, "the mark did not wait for the lock"
    holder.execute("COMMIT")
    holder.close()
    out, err = mark.communicate(timeout=30)
    waited = time.monotonic() - started
    assert mark.returncode == 0, err
    assert_clean(err)
    assert waited >= 1.5
    with Store.open_default(home) as store:
        marked = store.article(first.id)
        assert marked is not None and marked.starred


def test_a_writer_that_waits_too_long_says_why_in_one_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    stored_home(home, articles=4)
    holder = sqlite3.connect(home / "digest.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Store(home / "digest.sqlite3", timeout=0.3) as store:
            started = time.monotonic()
            with pytest.raises(StoreError) as caught:
                store.mark([1], starred=True)
            assert 0.25 <= time.monotonic() - started < 3
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert str(caught.value) == "the store is busy or unwritable (database is locked)"


async def test_the_app_marks_while_a_cron_build_runs(tmp_path: Path) -> None:
    home = tmp_path / "home"
    stored_home(home, articles=120)
    config = write_config(tmp_path / "config.toml", [])
    env = env_for(home, config)
    app = DigestApp(Config(path=config), home)
    expected: dict[int, tuple[bool, bool]] = {}
    builds: list[subprocess.Popen[str]] = []
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)  # type: ignore[arg-type]
        screen = app.screen
        assert isinstance(screen, MainScreen)
        everything = screen.sources.source("all")
        assert everything is not None
        screen.show_source(everything)
        await settle(pilot)  # type: ignore[arg-type]
        builds.append(popen(["build", "--since", "72h", "-o", str(tmp_path / "d.html")], env))
        for step in range(16):
            if builds[-1].poll() is not None and len(builds) < 4:
                builds.append(
                    popen(["build", "--since", "72h", "-o", str(tmp_path / "d.html")], env)
                )
            card = screen.stories.current
            assert card is not None
            key = "s" if step % 2 else "N"
            before = expected.get(card.id, (card.article.read, card.article.starred))
            await pilot.press(key)
            expected[card.id] = apply(
                before,
                ("unread" if before[0] else "read")
                if key == "N"
                else ("unstar" if before[1] else "star"),
            )
            await pilot.press("j")
            await pilot.pause(0.05)
        await settle(pilot)  # type: ignore[arg-type]
        failures = [n.message for n in app._notifications if n.severity == "error"]
        app.exit(0)
    for build in builds:
        out, err = build.communicate(timeout=60)
        assert build.returncode == 0, err
        assert_clean(err)
    assert failures == []
    assert len(builds) >= 2
    with Store.open_default(home) as store:
        for article_id, marks in expected.items():
            article = store.article(article_id)
            assert article is not None
            assert (article.read, article.starred) == marks, article_id
