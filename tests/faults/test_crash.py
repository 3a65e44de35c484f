"""kill -9 at random moments during a refresh, a digest build and a loop of marks: afterwards the
store always opens, passes ``PRAGMA integrity_check`` and ``foreign_key_check``, and keeps every
article and every mark that was committed before the kill (a mark counts as committed when its
`digest mark` returned 0). A built digest file is always whole (written to a temporary file and
renamed), never cut.

The processes run :mod:`tests.faults.driver`, which calls ``digest.cli.main`` in a loop and says
when each command returned; the kill lands anywhere in that loop: fetching, parsing, writing,
grouping, committing, checkpointing the write-ahead log.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from digest.models import Entry
from digest.store import ArticleQuery, Store
from tests.faults.conftest import MeasureLog
from tests.hostile.documents import item, rss
from tests.httpserver import LocalServer

ROOT = Path(__file__).resolve().parents[2]
KILLS = {"refresh": 6, "build": 12, "mark": 12}
"""30 kills in all; each one lands 0.05 to 0.9 s after the process is ready (a refresh: 0.05 to
1.2 s after its first feed is stored)."""


@dataclass
class Killed:
    """What a killed driver reported before it died."""

    lines: list[str]
    ready: bool

    @property
    def done(self) -> int:
        return sum(line.startswith("@done 0") for line in self.lines)


def start(mode: str, home: Path, config: Path, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, DIGEST_HOME=str(home), DIGEST_CONFIG=str(config), TZ="UTC")
    return subprocess.Popen(
        [sys.executable, "-m", "tests.faults.driver", mode, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def run_and_kill(
    process: subprocess.Popen[str], rng: random.Random, most: float = 0.9, after: str = ""
) -> Killed:
    """Wait until the driver is ready (and, with ``after``, until it printed a line starting so),
    let it work for a random moment, then SIGKILL it with every process it started (a refresh's
    parsing workers), as a crash or the OOM killer would."""
    assert process.stdout is not None
    ready = False
    early: list[str] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        early.append(line)
        ready = ready or line.startswith("@ready")
        if ready and (not after or line.startswith(after)):
            break
    time.sleep(rng.uniform(0.05, most))
    os.killpg(process.pid, signal.SIGKILL)
    # Read through the same buffered file as readline() above: communicate() would read the raw
    # pipe and miss what readline() had already buffered (the first commands' reports).
    out = "".join(early) + process.stdout.read()
    assert process.stderr is not None
    err = process.stderr.read()
    process.wait(timeout=20)
    lines = [line for line in out.splitlines() if line.startswith("@")]
    assert process.returncode == -signal.SIGKILL, err[-2000:]
    assert "Traceback" not in err, err[-3000:]
    return Killed(lines, ready)


def stopwatch() -> Callable[[], str]:
    started = time.monotonic()
    return lambda: f"{time.monotonic() - started:.1f} s"


def check_store(home: Path) -> dict[tuple[int, str], tuple[int, bool, bool]]:
    """Open the store as the next `digest` would; (feed, key) -> (id, read, starred)."""
    with Store.open_default(home) as store:
        assert store.integrity_ok()
        articles = store.articles(ArticleQuery(limit=1_000_000))
    with sqlite3.connect(home / "digest.sqlite3") as db:
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    return {(a.feed_id, a.key): (a.id, a.read, a.starred) for a in articles}


def write_config(path: Path, urls: list[str]) -> Path:
    feeds = "".join(f'[[feeds]]\nurl = "{u}"\nfull_text = "never"\n' for u in urls)
    path.write_text(
        "[fetch]\nconnect_timeout = 2\nread_timeout = 3\ntotal_timeout = 5\n"
        "[summary]\nduring_refresh = true\n" + feeds
    )
    return path


def stored_home(home: Path, articles: int = 240) -> None:
    """A store with feeds and articles from the last two days (no network needed)."""
    now = datetime.now(UTC)
    topics = ["ferry timetable", "harbour bridge", "school budget", "river flood", "rail strike"]
    with Store.open_default(home) as store:
        for f in range(4):
            # Not an http(s) address: a refresh leaves these feeds alone (no DNS lookups).
            feed = store.add_feed(f"test:source{f}", title=f"Source {f}")
            entries = []
            for i in range(articles // 4):
                topic = topics[(i + f) % len(topics)]
                entries.append(
                    Entry(
                        title=f"Council {topic} vote {i} from source {f}",
                        link=f"https://source{f}.example/{i}",
                        guid=f"s{f}-{i}",
                        published=now - timedelta(minutes=10 * i + f),
                        text=(
                            f"The council discussed the {topic} on Tuesday, item {i}. "
                            f"Residents of ward {i % 7} asked for changes to the {topic}. "
                            f"A decision on the {topic} is expected next week, officials said."
                        ),
                    )
                )
            store.upsert_entries(feed.id, entries, now=now)


class GrowingFeeds:
    """Feeds on the server that gain items while the refreshes run, so every refresh writes."""

    def __init__(self, server: LocalServer, feeds: int = 6) -> None:
        # More than four feeds: the refresh then parses, summarizes and stores in worker
        # processes, and the kills land in those too.
        self.server = server
        self.paths = [f"/grow/{n}.xml" for n in range(feeds)]
        self.items = 5
        self._stop = threading.Event()
        self._publish()
        self._thread = threading.Thread(target=self._grow, daemon=True)

    def urls(self) -> list[str]:
        return [self.server.url(p) for p in self.paths]

    def _publish(self) -> None:
        for n, path in enumerate(self.paths):
            body = rss(
                f"Growing {n}",
                [
                    item(
                        f"Growing {n} story {i}",
                        guid=f"g{n}-{i}",
                        link=f"https://grow{n}.example/{i}",
                        hours=i / 60,
                        description=f"Paragraph about story {i} of feed {n}, ferry and bridge.",
                    )
                    for i in range(self.items)
                ],
            )
            self.server.add(path, body.encode(), delay=0.05)

    def _grow(self) -> None:
        while not self._stop.wait(0.15):
            self.items = min(self.items + 2, 300)
            self._publish()

    def __enter__(self) -> GrowingFeeds:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


@pytest.fixture
def rng() -> random.Random:
    seed = int(os.environ.get("DIGEST_CRASH_SEED", "0")) or random.randrange(1, 10**9)
    print(f"crash seed: {seed} (DIGEST_CRASH_SEED={seed} repeats it)")
    return random.Random(seed)


def refresh_kills(server: LocalServer, tmp_path: Path, rng: random.Random) -> str:
    clock = stopwatch()
    home = tmp_path / "refresh-home"
    with GrowingFeeds(server) as feeds:
        config = write_config(tmp_path / "refresh.toml", feeds.urls())
        seen: dict[tuple[int, str], tuple[int, bool, bool]] = {}
        finished = 0
        for _ in range(KILLS["refresh"]):
            # Killed after its first feed is committed ("ok ..."), while the others are written.
            killed = run_and_kill(start("refresh", home, config), rng, most=1.2, after="ok ")
            assert killed.ready
            finished += killed.done
            if not (home / "digest.sqlite3").exists():
                continue  # killed before the store was created
            now = check_store(home)
            lost = set(seen) - set(now)
            assert not lost, f"{len(lost)} committed articles lost"
            assert all(now[key][0] == seen[key][0] for key in seen), "an article changed its id"
            seen = now
    assert len(seen) > 40, "the refreshes never got to write: the kills tested nothing"
    return f"refresh: {len(seen)} articles kept, {finished} refreshes finished ({clock()})"


def build_kills(tmp_path: Path, rng: random.Random) -> str:
    clock = stopwatch()
    home = tmp_path / "build-home"
    stored_home(home)
    config = write_config(tmp_path / "build.toml", [])
    output = tmp_path / "digest.html"
    before = check_store(home)
    complete = 0
    for _ in range(KILLS["build"]):
        killed = run_and_kill(start("build", home, config, str(output)), rng)
        assert killed.ready
        complete += killed.done
        assert check_store(home) == before, "a build changed or lost articles"
        if output.exists():
            text = output.read_text()
            assert text.rstrip().endswith("</html>"), "a cut digest file"
    with Store.open_default(home) as store:
        assert len(store.builds()) >= min(complete, 1)
    return f"build: {complete} builds finished, {len(before)} articles kept ({clock()})"


def mark_kills(tmp_path: Path, rng: random.Random) -> str:
    clock = stopwatch()
    home = tmp_path / "mark-home"
    stored_home(home, articles=80)
    config = write_config(tmp_path / "mark.toml", [])
    state = {v[0]: (v[1], v[2]) for v in check_store(home).values()}
    confirmed = 0
    history: list[str] = []
    for run in range(KILLS["mark"]):
        killed = run_and_kill(start("mark", home, config, str(rng.randrange(10**6))), rng)
        assert killed.ready
        history += [f"run {run}: {line}" for line in killed.lines]
        in_flight: tuple[int, str] | None = None
        for line in killed.lines:
            if line.startswith("@try"):
                _, number, flag = line.split()
                in_flight = (int(number), flag)
            elif line.startswith("@done") and in_flight is not None:
                assert line == "@done 0"
                state[in_flight[0]] = apply(state[in_flight[0]], in_flight[1])
                confirmed += 1
                in_flight = None
        now = {v[0]: (v[1], v[2]) for v in check_store(home).values()}
        if in_flight is not None:  # killed mid-write: either outcome is right, for that mark only
            article, flag = in_flight
            assert now[article] in (state[article], apply(state[article], flag))
            state[article] = now[article]
        lost = {a: (now[a], state[a]) for a in state if now[a] != state[a]}
        assert not lost, (
            f"confirmed marks lost (stored, expected): {lost}",
            [h for h in history if any(f" {a} " in h for a in lost)][-12:],
        )
    assert confirmed >= 20, "too few marks got written between the kills to test anything"
    return f"marks: {confirmed} confirmed marks, none lost ({clock()})"


def test_kill_9_at_random_points_loses_nothing_committed(
    http_server: LocalServer, tmp_path: Path, rng: random.Random, record: type[MeasureLog]
) -> None:
    """The three loops run side by side (each on a store of its own), 30 kills in all."""
    seeds = [rng.randrange(10**9) for _ in range(3)]
    started = time.monotonic()
    with ThreadPoolExecutor(3) as pool:
        jobs = [
            pool.submit(refresh_kills, http_server, tmp_path, random.Random(seeds[0])),
            pool.submit(build_kills, tmp_path, random.Random(seeds[1])),
            pool.submit(mark_kills, tmp_path, random.Random(seeds[2])),
        ]
        outcomes = [job.result() for job in jobs]
    elapsed = time.monotonic() - started
    record.add(f"kill -9 x{sum(KILLS.values())}", elapsed, note="; ".join(outcomes))


def apply(marks: tuple[bool, bool], flag: str) -> tuple[bool, bool]:
    read, starred = marks
    if flag in ("read", "unread"):
        return (flag == "read", starred)
    return (read, flag == "star")
