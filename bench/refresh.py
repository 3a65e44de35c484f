"""Benchmark of a whole refresh: Digest against Debian's newsboat on the same loopback feeds.

The bench generates ``--feeds`` original synthetic RSS 2.0 feeds of ``--items`` items each (a few
paragraphs of invented words per item, an ETag and a Last-Modified per feed) and serves them from a
separate process (``tests/httpserver.py`` servers on 127.0.0.2, 127.0.0.3, ..., one per
``--hosts``), every answer, 304s included, delayed by ``--latency`` seconds. It then times, each in
a fresh data folder:

* Digest, driven as a user drives it: ``DIGEST_HOME=<tmp> digest --config <tmp>/config.toml
  refresh`` with Digest's own fetch defaults (or ``--digest-concurrency``), once cold (every body
  downloaded) and once warm (every feed answers 304), then the first ``digest search`` (which adds
  the articles the refresh left waiting to the full-text index); twice over: with the default
  summaries during refresh, and with ``[summary] during_refresh = false``;
* newsboat (``newsboat -x reload`` with ``reload-threads`` = ``--newsboat-threads``) on the same
  URLs: cold on its first reload, warm on its third (newsboat 2.21 first sends conditional headers
  on a feed's third reload).

For each run it reports wall time, CPU time, requests and bodies the server sent, articles stored,
and peak memory: the main process's ``ru_maxrss`` from ``wait4`` and, for the process tree (which
includes Digest's worker processes), the sampled sum of PSS, so pages the forked workers share with
the parent count once. It prints a table and writes the figures, with the machine, date, load and
command, to ``docs/bench-refresh.md``. It sends traffic to loopback addresses only and every run has
a time limit. ``--stub`` replaces Digest by a bare fetch of every URL with
:class:`digest.fetch.Fetcher` (for testing the harness). It must not touch the user's own Digest
data: every run gets its own ``DIGEST_HOME``."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from hashlib import sha1
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "bench-refresh.md"
DIGEST = ROOT / ".venv" / "bin" / "digest"
STUB = "digest fetcher only (stub)"
NEWSBOAT_WARM = "warm (3rd reload)"
FIRST_SEARCH = "first search (indexes)"
RUN_LIMIT = 300.0
"""Seconds any one timed run may take before the bench gives up on it."""

# -- synthetic feeds (pure) ---------------------------------------------------------------------

_ONSETS = ["b", "br", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "st", "t", "v", "z", ""]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ou", "ea"]
_CODAS = ["", "", "n", "r", "s", "l", "nd", "st", "m"]


def _word(rng: random.Random) -> str:
    return "".join(
        rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
        for _ in range(rng.randint(1, 3))
    )


def _sentence(rng: random.Random) -> str:
    words = [_word(rng) for _ in range(rng.randint(8, 16))]
    return " ".join(words).capitalize() + rng.choice([".", ".", ".", "!", "?"])


def make_feed(number: int, items: int, base_url: str) -> bytes:
    """Feed ``number`` as RSS 2.0: ``items`` items, each 3-4 paragraphs of invented sentences."""
    rng = random.Random(number)
    newest = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
        f"<title>Synthetic feed {number}</title><link>{base_url}/</link>",
        f"<description>{escape(_sentence(rng))}</description><language>en</language>",
    ]
    for item in range(items):
        paragraphs = "".join(
            "<p>" + " ".join(_sentence(rng) for _ in range(rng.randint(3, 5))) + "</p>"
            for _ in range(rng.randint(3, 4))
        )
        title = " ".join(_word(rng) for _ in range(rng.randint(5, 9))).capitalize()
        published = format_datetime(newest - timedelta(hours=item * 7 + number % 5), usegmt=True)
        parts.append(
            f"<item><title>{escape(title)}</title>"
            f"<link>{base_url}/article/{number}/{item}.html</link>"
            f'<guid isPermaLink="false">synthetic-{number}-{item}</guid>'
            f"<pubDate>{published}</pubDate><author>desk{number % 7}@example.org (Desk)</author>"
            f"<description><![CDATA[{paragraphs}]]></description></item>"
        )
    parts.append("</channel></rss>\n")
    return "".join(parts).encode("utf-8")


# -- the feed server (runs in its own process) --------------------------------------------------


def serve(feeds: int, items: int, latency: float, hosts: int) -> None:
    """Serve the feeds until stdin closes; answer 'stats' lines with a JSON line of counters."""
    sys.path.insert(0, str(ROOT))
    from tests.httpserver import LocalServer

    servers = [LocalServer(f"127.0.0.{2 + h}").start() for h in range(hosts)]
    last_modified = format_datetime(datetime(2025, 3, 4, 12, 0, tzinfo=UTC), usegmt=True)
    urls = []
    for number in range(1, feeds + 1):
        server = servers[number % hosts]
        body = make_feed(number, items, f"http://{server.host}:{server.port}")
        path = f"/feed/{number}.xml"
        etag = sha1(body, usedforsecurity=False).hexdigest()[:16]
        server.add(path, body, etag=etag, last_modified=last_modified, delay=latency)
        urls.append(server.url(path))
    print(json.dumps({"urls": urls}), flush=True)
    try:
        for line in sys.stdin:
            if line.strip() == "stats":
                stats = {
                    "hits": sum(s.total_hits() for s in servers),
                    "bodies": sum(s.total_bodies_sent() for s in servers),
                    "max_in_flight": [s.max_in_flight() for s in servers],
                }
                print(json.dumps(stats), flush=True)
    finally:
        for server in servers:
            server.stop()


class FeedServer:
    """The parent's handle on the server process."""

    def __init__(self, feeds: int, items: int, latency: float, hosts: int) -> None:
        command = [sys.executable, __file__, "--serve", "--feeds", str(feeds)]
        command += ["--items", str(items), "--latency", str(latency), "--hosts", str(hosts)]
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
        )
        self.urls: list[str] = json.loads(self._readline())["urls"]

    def _readline(self) -> str:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the feed server process died")
        return line

    def stats(self) -> dict[str, Any]:
        assert self._process.stdin is not None
        self._process.stdin.write("stats\n")
        self._process.stdin.flush()
        stats: dict[str, Any] = json.loads(self._readline())
        return stats

    def close(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


# -- measuring a run ----------------------------------------------------------------------------


@dataclass
class Run:
    """One timed run of one tool."""

    tool: str
    phase: str
    wall: float
    exit_code: int
    requests: int
    bodies: int
    articles: int | None
    rss_main_mb: float
    """Peak resident set of the main process (``ru_maxrss``)."""
    pss_tree_mb: float
    """Peak of the sampled sum of PSS over the process tree: pages shared between the forked
    workers and the parent counted once, split between the processes that map them."""
    rss_tree_mb: float
    """Peak of the sampled sum of RSS over the process tree (counts shared pages once per
    process: an upper bound, kept for comparison with older figures)."""
    cpu: float
    """User + system CPU seconds of the process and the children it waited for."""


@dataclass
class _Sampler:
    """Samples the summed PSS and RSS of a process and its descendants from /proc, and notes
    each descendant's CPU time, parent and start (for :func:`_tree_cpu`)."""

    root: int
    interval: float = 0.05
    peak_pss_kb: int = 0
    peak_rss_kb: int = 0
    seen: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    """pid -> (parent pid, start time, CPU ticks of its own) at its last sample."""
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self._stop.is_set():
            pss, rss = _tree_memory_kb(self.root)
            self.peak_pss_kb = max(self.peak_pss_kb, pss)
            self.peak_rss_kb = max(self.peak_rss_kb, rss)
            for pid in _tree(self.root):
                stat = _stat(pid)
                if stat is not None:
                    self.seen[pid] = (stat[0], stat[1], stat[2])
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()


def _stat(pid: int) -> tuple[int, int, int, int] | None:
    """(parent pid, start time, own CPU ticks, CPU ticks of its reaped children) from
    /proc/<pid>/stat; None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    return (
        int(fields[1]),
        int(fields[19]),
        int(fields[11]) + int(fields[12]),
        int(fields[13]) + int(fields[14]),
    )


def _tree_cpu(seen: dict[int, tuple[int, int, int]]) -> float:
    """CPU seconds of a finished process tree: the root (an unreaped zombie) and any process
    still there count their own time plus their reaped children's; a process gone before the
    end counts its time at its last sample (within the sampling interval) unless a process
    still there reaped it. This counts the workers of a fork server too, which the root never
    waits for (its own rusage misses them)."""
    there: dict[int, int] = {}
    for pid, (_, start, _) in seen.items():
        stat = _stat(pid)
        if stat is not None and stat[1] == start:
            there[pid] = stat[2] + stat[3]
    gone = sum(
        own for pid, (parent, _, own) in seen.items() if pid not in there and parent not in there
    )
    return (sum(there.values()) + gone) / os.sysconf("SC_CLK_TCK")


def _tree(root: int) -> list[int]:
    """``root`` and its descendants, from the parent pids in /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def _smaps_kb(pid: int) -> tuple[int, int]:
    """(Pss, Rss) of one process in kB from /proc/<pid>/smaps_rollup; zeros once it is gone."""
    pss = rss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith(b"Rss:"):
                    rss = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return 0, 0
    return pss, rss


def _tree_memory_kb(root: int) -> tuple[int, int]:
    """(summed PSS, summed RSS) in kB over ``root`` and its descendants."""
    pss = rss = 0
    for pid in _tree(root):
        one_pss, one_rss = _smaps_kb(pid)
        pss += one_pss
        rss += one_rss
    return pss, rss


@dataclass(frozen=True)
class Measured:
    """What :func:`measure` saw of one process run."""

    wall: float
    exit_code: int
    rss_main_mb: float
    pss_tree_mb: float
    rss_tree_mb: float
    cpu: float


def measure(command: Sequence[str], env: dict[str, str], log: IO[str]) -> Measured:
    """Run ``command`` with a time limit, sampling its process tree's memory every 50 ms."""
    log.write(f"$ {' '.join(command)}\n")
    log.flush()
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=log, stderr=log, cwd=ROOT)
    sampler = _Sampler(process.pid)
    thread = threading.Thread(target=sampler.run, daemon=True)
    thread.start()
    timer = threading.Timer(RUN_LIMIT, process.kill)
    timer.start()
    try:
        # Wait without reaping, so the root's final times (and its reaped children's) can still
        # be read from /proc; then reap it.
        os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
        wall = time.perf_counter() - started
        sampler.stop()
        thread.join()
        cpu = _tree_cpu(sampler.seen)
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
        sampler.stop()
        thread.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    return Measured(
        wall=wall,
        exit_code=process.returncode,
        rss_main_mb=usage.ru_maxrss / 1024,
        pss_tree_mb=sampler.peak_pss_kb / 1024,
        rss_tree_mb=sampler.peak_rss_kb / 1024,
        cpu=max(cpu, usage.ru_utime + usage.ru_stime),
    )


def _count(database: Path, table: str) -> int | None:
    if not database.exists():
        return None
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        row = connection.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
    return int(row[0])


# -- the tools ----------------------------------------------------------------------------------


DIGEST_SUMMARIES = "digest"
DIGEST_NO_SUMMARIES = "digest, during_refresh = false"


def _timed(
    tool: str,
    phase: str,
    command: Sequence[str],
    env: dict[str, str],
    server: FeedServer,
    log: IO[str],
    count: Callable[[], int | None],
) -> Run:
    """Time one run; ``count()`` reads the articles stored afterwards."""
    before = server.stats()
    seen = measure(command, env, log)
    after = server.stats()
    return Run(
        tool=tool,
        phase=phase,
        wall=seen.wall,
        exit_code=seen.exit_code,
        requests=after["hits"] - before["hits"],
        bodies=after["bodies"] - before["bodies"],
        articles=count(),
        rss_main_mb=seen.rss_main_mb,
        pss_tree_mb=seen.pss_tree_mb,
        rss_tree_mb=seen.rss_tree_mb,
        cpu=seen.cpu,
    )


def digest_config(urls: Sequence[str], concurrency: int | None, summaries: bool) -> str:
    """A Digest config for ``urls``: Digest's own fetch defaults unless ``concurrency`` is set,
    and ``[summary] during_refresh = false`` unless ``summaries``."""
    lines = []
    if concurrency is not None:
        lines += ["[fetch]", f"concurrency = {concurrency}", ""]
    if not summaries:
        lines += ["[summary]", "during_refresh = false", ""]
    for url in urls:
        lines += ["[[feeds]]", f'url = "{url}"', ""]
    return "\n".join(lines)


def digest_runs(
    server: FeedServer,
    work: Path,
    concurrency: int | None,
    *,
    summaries: bool,
    stub: bool,
    log: IO[str],
) -> list[Run]:
    """A cold then a warm ``digest refresh`` (or the stub) in a fresh DIGEST_HOME."""
    home = work / "digest-home"
    home.mkdir(parents=True)
    config = work / "config.toml"
    config.write_text(digest_config(server.urls, concurrency, summaries))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGEST_")}
    env["DIGEST_HOME"] = str(home)
    # The bench measures this working tree's code, however the package happens to be installed.
    env["PYTHONPATH"] = str(ROOT)
    if stub:
        command = [sys.executable, __file__, "--fetch-only", str(config)]
        tool = STUB
    else:
        command = [str(DIGEST), "--config", str(config), "refresh"]
        tool = DIGEST_SUMMARIES if summaries else DIGEST_NO_SUMMARIES
    database = home / "digest.sqlite3"

    def count() -> int | None:
        return None if stub else _count(database, "articles")

    runs = [_timed(tool, phase, command, env, server, log, count) for phase in ("cold", "warm")]
    if not stub:
        # A refresh leaves new articles waiting for the full-text index and the first search adds
        # them: time that search too, so the work moved out of the refresh is on the record.
        search = [str(DIGEST), "--config", str(config), "search", _a_title_word(database)]
        runs.append(_timed(tool, FIRST_SEARCH, search, env, server, log, count))
    return runs


def _a_title_word(database: Path) -> str:
    """The first word of the first stored title (a word the search will find)."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        row = connection.execute("SELECT title FROM articles ORDER BY id LIMIT 1").fetchone()
    return str(row[0]).split()[0] if row and str(row[0]).split() else "the"


def newsboat_runs(server: FeedServer, work: Path, threads: int, log: IO[str]) -> list[Run]:
    """newsboat's 1st, 2nd and 3rd reload of the same URLs in a fresh folder."""
    folder = work / "newsboat"
    folder.mkdir(parents=True)
    (folder / "urls").write_text("\n".join(server.urls) + "\n")
    (folder / "config").write_text(f"reload-threads {threads}\n")
    cache = folder / "cache.db"
    command = ["newsboat", "-u", str(folder / "urls"), "-c", str(cache)]
    command += ["-C", str(folder / "config"), "-x", "reload"]
    env = dict(os.environ, HOME=str(folder))

    def count() -> int | None:
        return _count(cache, "rss_item")

    return [
        _timed("newsboat", phase, command, env, server, log, count)
        for phase in ("cold", "second reload", NEWSBOAT_WARM)
    ]


def fetch_only(config_path: Path) -> int:
    """The stub: fetch every URL of a Digest config once, conditionally, with Digest's Fetcher."""
    sys.path.insert(0, str(ROOT))
    from digest.fetch import Fetcher, FetchSettings

    config = tomllib.loads(config_path.read_text())
    urls = [feed["url"] for feed in config["feeds"]]
    state_path = Path(os.environ["DIGEST_HOME"]) / "stub-state.json"
    state: dict[str, list[str]] = json.loads(state_path.read_text()) if state_path.exists() else {}
    fetch = config.get("fetch", {})
    settings = (
        FetchSettings(concurrency=int(fetch["concurrency"]))
        if "concurrency" in fetch
        else FetchSettings()
    )

    async def run() -> list[Any]:
        async with Fetcher(settings) as fetcher:

            async def one(url: str) -> Any:
                etag, modified = state.get(url, ["", ""])
                return await fetcher.fetch(url, etag=etag, last_modified=modified)

            return await asyncio.gather(*(one(u) for u in urls), return_exceptions=True)

    results = asyncio.run(run())
    failed = [r for r in results if isinstance(r, BaseException)]
    for url, result in zip(urls, results, strict=True):
        if not isinstance(result, BaseException):
            state[url] = [result.etag, result.last_modified]
    state_path.write_text(json.dumps(state))
    print(f"{len(urls) - len(failed)} fetched, {len(failed)} failed")
    return 1 if failed else 0


# -- reporting ----------------------------------------------------------------------------------


def _machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.machine()}, {os.cpu_count()} cores ({model}), Linux {platform.release()}"


def _revision() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "digest"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{head or 'unknown'}{' + uncommitted changes in digest/' if dirty else ''}"


def _newsboat_version() -> str:
    try:
        out = subprocess.run(["newsboat", "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "absent"
    return out.stdout.splitlines()[0] if out.stdout else "unknown"


def _median(runs: list[Run], tool: str, phase: str, what: str = "wall") -> float | None:
    values = [getattr(r, what) for r in runs if r.tool == tool and r.phase == phase]
    return statistics.median(values) if values else None


def table(runs: list[Run]) -> list[str]:
    rows = [
        "| tool | phase | wall s | CPU s | requests | bodies sent | articles stored "
        "| peak RSS MB (main) | peak PSS MB (process tree) | peak RSS sum MB (tree) | exit |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        articles = "n/a" if r.articles is None else str(r.articles)
        rows.append(
            f"| {r.tool} | {r.phase} | {r.wall:.2f} | {r.cpu:.2f} | {r.requests} | {r.bodies} "
            f"| {articles} | {r.rss_main_mb:.0f} | {r.pss_tree_mb:.0f} | {r.rss_tree_mb:.0f} "
            f"| {r.exit_code} |"
        )
    return rows


def digest_in_flight(args: argparse.Namespace) -> int:
    """Most fetches Digest has in flight: its global limit, or per-host limit x hosts."""
    sys.path.insert(0, str(ROOT))
    from digest.fetch import FetchSettings

    defaults = FetchSettings()
    concurrency = int(args.digest_concurrency or defaults.concurrency)
    return min(concurrency, defaults.per_host * int(args.hosts))


def _met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def verdicts(runs: list[Run], args: argparse.Namespace) -> list[str]:
    """One line per target and Digest configuration, against the medians of the runs."""
    digest_floor = args.feeds * args.latency / digest_in_flight(args)
    newsboat_floor = args.feeds * args.latency / args.newsboat_threads
    out = [
        f"- Floor set by latency alone ({args.feeds} feeds x {args.latency * 1000:.0f} ms / "
        f"fetches in flight), cold or warm: Digest {digest_floor:.2f} s "
        f"({digest_in_flight(args)} in flight), newsboat {newsboat_floor:.2f} s "
        f"({args.newsboat_threads} threads).",
    ]
    nb_cold = _median(runs, "newsboat", "cold")
    nb_warm = _median(runs, "newsboat", NEWSBOAT_WARM)
    for tool in (DIGEST_SUMMARIES, DIGEST_NO_SUMMARIES, STUB):
        mine = [r for r in runs if r.tool == tool]
        cold, warm = _median(runs, tool, "cold"), _median(runs, tool, "warm")
        if cold is None or warm is None:
            continue
        cold_cpu = _median(runs, tool, "cold", "cpu") or 0.0
        warm_cpu = _median(runs, tool, "warm", "cpu") or 0.0
        warm_bodies = max(r.bodies for r in mine if r.phase == "warm")
        peak = max(r.pss_tree_mb for r in mine if r.phase == "cold")
        articles = [r.articles for r in mine if r.phase == "cold" and r.articles]
        label = f"{articles[0]:,}-article" if articles else "cold"
        runs_each = sum(r.phase == "cold" for r in mine)
        out.append(f"- **{tool}** (medians over {runs_each} run(s)):")
        out.append(f"  - cold {cold:.2f} s, {cold_cpu:.2f} CPU s (target < 5 s: {_met(cold < 5)});")
        out.append(
            f"  - warm {warm:.2f} s, {warm_cpu:.2f} CPU s (target < 2 s: {_met(warm < 2)}), "
            f"bodies re-downloaded: {warm_bodies} (target 0: {_met(warm_bodies == 0)});"
        )
        out.append(
            f"  - peak memory of the {label} refresh, PSS summed over the process tree: "
            f"{peak:.0f} MB (target < 250 MB: {_met(peak < 250)});"
        )
        search = _median(runs, tool, FIRST_SEARCH)
        if search is not None:
            out.append(
                f"  - the first `digest search` after it, which adds the articles the cold refresh left "
                f"to the full-text index: {search:.2f} s (cold refresh + that search: "
                f"{cold + search:.2f} s);"
            )
        if nb_cold and nb_warm:
            out.append(
                f"  - newsboat / Digest wall time: cold {nb_cold / cold:.2f}x "
                f"({nb_cold:.2f} s / {cold:.2f} s), warm {nb_warm / warm:.2f}x "
                f"({nb_warm:.2f} s / {warm:.2f} s); above 1 means Digest is faster "
                f"(faster cold: {_met(cold < nb_cold)}, warm: {_met(warm < nb_warm)})."
            )
    return out


def write_report(runs: list[Run], args: argparse.Namespace, command: str) -> None:
    fetch = (
        f"`[fetch] concurrency = {args.digest_concurrency}`"
        if args.digest_concurrency
        else "its own default fetch settings (no `[fetch]` section)"
    )
    lines = [
        "# Benchmark: refresh (Digest and newsboat on loopback feeds)",
        "",
        f"- Feeds: {args.feeds} synthetic RSS 2.0 feeds x {args.items} items (3-4 paragraphs each), "
        f"each with ETag and Last-Modified, served from a separate process by "
        f"`tests/httpserver.py` on {args.hosts} loopback addresses (127.0.0.2-"
        f"127.0.0.{1 + args.hosts}), {args.latency * 1000:.0f} ms before every answer (304s too).",
        f"- Digest: `DIGEST_HOME=<tmp> digest --config <tmp>/config.toml refresh` with {fetch}, "
        f"cold then warm, then the first `digest search WORD` (a word of a stored title: it adds "
        f"the articles the refresh left waiting to the full-text index), in two configurations: "
        f"`{DIGEST_SUMMARIES}` (the default: new articles "
        f"are summarized during the refresh) and `{DIGEST_NO_SUMMARIES}` (`[summary] "
        f"during_refresh = false`: no summaries during the refresh).",
        f"- newsboat: `newsboat -u urls -c cache.db -C config -x reload` with "
        f"`reload-threads {args.newsboat_threads}`; cold is its 1st reload, warm its 3rd (2.21 "
        f"first sends conditional headers on a feed's 3rd reload).",
        f"- `{STUB}` (when present) is `bench/refresh.py --fetch-only`: the same URLs fetched "
        "with Digest's Fetcher and conditional headers, nothing parsed or stored: the floor the "
        "fetching layer sets for the CLI.",
        "- CPU s is user + system time of the whole process tree: the command, and every process "
        "it started (Digest's fork server and its worker processes, which the command never "
        "waits for itself), read from /proc (a process that ends before the command counts its "
        "time at its last 50 ms sample): less sensitive than wall time to other work on the "
        "cores.",
        "- Memory: peak RSS (main) is `ru_maxrss` of the main process. The process-tree figure "
        "used for the 250 MB target is the peak of the sum of PSS (`Pss:` of "
        "`/proc/<pid>/smaps_rollup`) over the process and its descendants, sampled every 50 ms: "
        "pages the forked workers share with the parent are counted once, not once per process. "
        "The sum of RSS over the tree (which counts shared pages in every process) is shown for "
        "comparison only.",
        f"- Machine: {_machine()}; Python {platform.python_version()}; {_newsboat_version()}.",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average (1 min) at the start "
        f"{args.load_before:.2f}, at the end {os.getloadavg()[0]:.2f} (other work shares the cores).",
        f"- Command: `{command}` (from the repo root); code: commit {args.revision}.",
        "",
        *table(runs),
        "",
        *verdicts(runs, args),
        "",
    ]
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds before each answer")
    parser.add_argument("--hosts", type=int, default=16, help="loopback addresses to serve from")
    parser.add_argument(
        "--digest-concurrency",
        type=int,
        default=None,
        metavar="N",
        help="write [fetch] concurrency = N (default: none, Digest's own defaults)",
    )
    parser.add_argument("--newsboat-threads", type=int, default=16, help="reload-threads")
    parser.add_argument("--runs", type=int, default=1, help="repeat each tool's runs")
    parser.add_argument("--skip-newsboat", action="store_true")
    parser.add_argument("--skip-digest", action="store_true")
    parser.add_argument(
        "--skip-no-summaries",
        action="store_true",
        help="time Digest only with its default summaries during refresh",
    )
    parser.add_argument("--stub", action="store_true", help="time a bare Fetcher, not the CLI")
    parser.add_argument(
        "--also-stub", action="store_true", help="time a bare Fetcher as well as the CLI"
    )
    parser.add_argument("--no-report", action="store_true", help="do not write docs/")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--fetch-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.feeds, args.items, args.latency, args.hosts)
        return 0
    if args.fetch_only is not None:
        return fetch_only(args.fetch_only)
    if not 1 <= args.hosts <= 250:
        parser.error("--hosts must be between 1 and 250 (127.0.0.2 onwards)")
    if not args.skip_newsboat and shutil.which("newsboat") is None:
        parser.error("newsboat is not installed (apt-get install newsboat), or use --skip-newsboat")
    command = "python bench/refresh.py " + " ".join(argv if argv is not None else sys.argv[1:])
    args.load_before = os.getloadavg()[0]
    args.revision = _revision()
    digest_configs: list[tuple[str, bool, bool]] = []
    if not args.skip_digest:
        digest_configs.append(("d", True, args.stub))
        if not args.stub and not args.skip_no_summaries:
            digest_configs.append(("q", False, False))
        if args.also_stub and not args.stub:
            digest_configs.append(("s", True, True))
    runs: list[Run] = []
    failed: list[Run] = []
    server = FeedServer(args.feeds, args.items, args.latency, args.hosts)
    try:
        with tempfile.TemporaryDirectory(prefix="digest-bench-") as tmp:
            with open(Path(tmp) / "runs.log", "w") as log:
                for n in range(args.runs):
                    for prefix, summaries, stub in digest_configs:
                        runs += digest_runs(
                            server,
                            Path(tmp) / f"{prefix}{n}",
                            args.digest_concurrency,
                            summaries=summaries,
                            stub=stub,
                            log=log,
                        )
                    if not args.skip_newsboat:
                        runs += newsboat_runs(
                            server, Path(tmp) / f"n{n}", args.newsboat_threads, log
                        )
            failed = [r for r in runs if r.exit_code != 0]
            if failed:
                print((Path(tmp) / "runs.log").read_text()[-3000:], file=sys.stderr)
    finally:
        server.close()
    print("\n".join(table(runs)))
    print("\n".join(verdicts(runs, args)))
    if not args.no_report:
        write_report(runs, args, command.strip())
        print(f"wrote {REPORT.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
