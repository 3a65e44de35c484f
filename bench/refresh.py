"""Benchmark of a whole refresh: Digest against Debian's newsboat on the same loopback feeds.

The bench generates ``--feeds`` original synthetic RSS 2.0 feeds of ``--items`` items each (a few
paragraphs of invented words per item, an ETag and a Last-Modified per feed) and serves them from a
separate process (``tests/httpserver.py`` servers on 127.0.0.2, 127.0.0.3, ..., one per
``--hosts``), every answer, 304s included, delayed by ``--latency`` seconds. It then times, each in
a fresh data folder:

* Digest, driven as a user drives it: ``DIGEST_HOME=<tmp> digest --config <tmp>/config.toml
  refresh``, once cold (every body downloaded) and once warm (every feed answers 304);
* newsboat (``newsboat -x reload`` with ``reload-threads`` = ``--concurrency``) on the same URLs:
  cold on its first reload, warm on its third (newsboat 2.21 first sends conditional headers on a
  feed's third reload).

For each run it reports wall time, requests and bodies the server sent, articles stored, and peak
memory (the main process's ``ru_maxrss`` from ``wait4``, and the sampled sum over its process tree,
which counts Digest's parser workers). It prints a table and writes the figures, with the machine,
date and command, to ``docs/bench-refresh.md``. It sends traffic to loopback addresses only and
every run has a time limit. ``--stub`` replaces Digest by a bare fetch of every URL with
:class:`digest.fetch.Fetcher` (for testing the harness before the CLI exists).
"""

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
from collections.abc import Sequence
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
    rss_tree_mb: float
    cpu: float
    """User + system CPU seconds of the process and the children it waited for."""


@dataclass
class _Sampler:
    """Samples the summed RSS of a process and its descendants from /proc."""

    root: int
    interval: float = 0.05
    peak_kb: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(self.root))
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()


def _tree_rss_kb(root: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def measure(
    command: Sequence[str], env: dict[str, str], log: IO[str]
) -> tuple[float, int, float, float, float]:
    """Run ``command``; returns (wall s, exit code, main RSS MB, process-tree RSS MB, CPU s)."""
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
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
        sampler.stop()
        thread.join()
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return wall, process.returncode, usage.ru_maxrss / 1024, sampler.peak_kb / 1024, cpu


def _count(database: Path, table: str) -> int | None:
    if not database.exists():
        return None
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        row = connection.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
    return int(row[0])


# -- the tools ----------------------------------------------------------------------------------


def digest_runs(
    server: FeedServer, work: Path, concurrency: int, stub: bool, log: IO[str]
) -> list[Run]:
    home = work / "digest-home"
    home.mkdir(parents=True)
    config = work / "config.toml"
    lines = ["[fetch]", f"concurrency = {concurrency}", ""]
    for url in server.urls:
        lines += ["[[feeds]]", f'url = "{url}"', ""]
    config.write_text("\n".join(lines))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGEST_")}
    env["DIGEST_HOME"] = str(home)
    # The bench measures this working tree's code, however the package happens to be installed.
    env["PYTHONPATH"] = str(ROOT)
    if stub:
        command = [sys.executable, __file__, "--fetch-only", str(config)]
        tool = STUB
    else:
        command = [str(DIGEST), "--config", str(config), "refresh"]
        tool = "digest"
    runs = []
    for phase in ("cold", "warm"):
        before = server.stats()
        wall, code, rss_main, rss_tree, cpu = measure(command, env, log)
        after = server.stats()
        database = home / "digest.sqlite3"
        runs.append(
            Run(
                tool=tool,
                phase=phase,
                wall=wall,
                exit_code=code,
                requests=after["hits"] - before["hits"],
                bodies=after["bodies"] - before["bodies"],
                articles=None if stub else _count(database, "articles"),
                rss_main_mb=rss_main,
                rss_tree_mb=rss_tree,
                cpu=cpu,
            )
        )
    return runs


def newsboat_runs(server: FeedServer, work: Path, concurrency: int, log: IO[str]) -> list[Run]:
    folder = work / "newsboat"
    folder.mkdir(parents=True)
    (folder / "urls").write_text("\n".join(server.urls) + "\n")
    (folder / "config").write_text(f"reload-threads {concurrency}\n")
    cache = folder / "cache.db"
    command = ["newsboat", "-u", str(folder / "urls"), "-c", str(cache)]
    command += ["-C", str(folder / "config"), "-x", "reload"]
    env = dict(os.environ, HOME=str(folder))
    runs = []
    for phase in ("cold", "second reload", "warm (3rd reload)"):
        before = server.stats()
        wall, code, rss_main, rss_tree, cpu = measure(command, env, log)
        after = server.stats()
        runs.append(
            Run(
                tool="newsboat",
                phase=phase,
                wall=wall,
                exit_code=code,
                requests=after["hits"] - before["hits"],
                bodies=after["bodies"] - before["bodies"],
                articles=_count(cache, "rss_item"),
                rss_main_mb=rss_main,
                rss_tree_mb=rss_tree,
                cpu=cpu,
            )
        )
    return runs


def fetch_only(config_path: Path) -> int:
    """The stub: fetch every URL of a Digest config once, conditionally, with Digest's Fetcher."""
    sys.path.insert(0, str(ROOT))
    from digest.fetch import Fetcher, FetchSettings

    config = tomllib.loads(config_path.read_text())
    urls = [feed["url"] for feed in config["feeds"]]
    state_path = Path(os.environ["DIGEST_HOME"]) / "stub-state.json"
    state: dict[str, list[str]] = json.loads(state_path.read_text()) if state_path.exists() else {}
    settings = FetchSettings(concurrency=int(config.get("fetch", {}).get("concurrency", 16)))

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


def _median(runs: list[Run], tool: str, phase: str) -> float | None:
    walls = [r.wall for r in runs if r.tool == tool and r.phase == phase]
    return statistics.median(walls) if walls else None


def table(runs: list[Run]) -> list[str]:
    rows = [
        "| tool | phase | wall s | CPU s | requests | bodies sent | articles stored "
        "| peak RSS MB (main) | peak RSS MB (process tree) | exit |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        articles = "n/a" if r.articles is None else str(r.articles)
        rows.append(
            f"| {r.tool} | {r.phase} | {r.wall:.2f} | {r.cpu:.2f} | {r.requests} | {r.bodies} "
            f"| {articles} "
            f"| {r.rss_main_mb:.0f} | {r.rss_tree_mb:.0f} | {r.exit_code} |"
        )
    return rows


def verdicts(runs: list[Run], args: argparse.Namespace) -> list[str]:
    out = []
    tool = "digest" if any(r.tool == "digest" for r in runs) else STUB
    cold, warm = _median(runs, tool, "cold"), _median(runs, tool, "warm")
    floor = args.feeds * args.latency / args.concurrency
    out.append(
        f"- Floor set by latency alone: {args.feeds} feeds x {args.latency * 1000:.0f} ms / "
        f"{args.concurrency} in flight = {floor:.2f} s per refresh, cold or warm."
    )
    if cold is not None and warm is not None:
        digest_runs_ = [r for r in runs if r.tool == tool]
        warm_bodies = max(r.bodies for r in digest_runs_ if r.phase == "warm")
        peak = max(r.rss_tree_mb for r in digest_runs_ if r.phase == "cold")
        out.append(f"- {tool}: medians over {len(digest_runs_) // 2} run(s).")
        out.append(f"- Digest cold {cold:.2f} s (target < 5 s: {'met' if cold < 5 else 'MISSED'}).")
        out.append(
            f"- Digest warm {warm:.2f} s (target < 2 s: {'met' if warm < 2 else 'MISSED'}), "
            f"bodies re-downloaded: {warm_bodies} (target 0: {'met' if warm_bodies == 0 else 'MISSED'})."
        )
        articles = [r.articles for r in digest_runs_ if r.phase == "cold" and r.articles]
        label = f"{articles[0]:,}-article" if articles else "cold"
        out.append(
            f"- Digest peak memory of the {label} refresh, process tree: {peak:.0f} MB "
            f"(target < 250 MB: {'met' if peak < 250 else 'MISSED'})."
        )
    nb_cold = _median(runs, "newsboat", "cold")
    nb_warm = _median(runs, "newsboat", "warm (3rd reload)")
    if cold and warm and nb_cold and nb_warm:
        out.append(
            f"- newsboat / Digest: cold {nb_cold / cold:.2f}x, warm {nb_warm / warm:.2f}x "
            f"(above 1 means Digest is faster: cold {'yes' if cold < nb_cold else 'NO'}, "
            f"warm {'yes' if warm < nb_warm else 'NO'})."
        )
    return out


def write_report(runs: list[Run], args: argparse.Namespace, command: str) -> None:
    lines = [
        "# Benchmark: refresh (Digest and newsboat on loopback feeds)",
        "",
        f"- Feeds: {args.feeds} synthetic RSS 2.0 feeds x {args.items} items (3-4 paragraphs each), "
        f"each with ETag and Last-Modified, served from a separate process by "
        f"`tests/httpserver.py` on {args.hosts} loopback addresses (127.0.0.2-"
        f"127.0.0.{1 + args.hosts}), {args.latency * 1000:.0f} ms before every answer (304s too).",
        f"- Digest: `DIGEST_HOME=<tmp> digest --config <tmp>/config.toml refresh` with "
        f"`[fetch] concurrency = {args.concurrency}` (per-host limit: the default), cold then warm.",
        f"- newsboat: `newsboat -u urls -c cache.db -C config -x reload` with "
        f"`reload-threads {args.concurrency}`; cold is its 1st reload, warm its 3rd (2.21 first "
        f"sends conditional headers on a feed's 3rd reload).",
        f"- `{STUB}` (when present) is `bench/refresh.py --fetch-only`: the same URLs fetched "
        "with Digest's Fetcher and conditional headers, nothing parsed or stored: the floor the "
        "fetching layer sets for the CLI.",
        "- CPU s is user + system time of the process and the children it waited for (Digest's "
        "parser and summarizer workers): less sensitive than wall time to other work on the cores.",
        "- Peak RSS (main) is `ru_maxrss` of the process; (process tree) is the sampled sum over "
        "the process and its children (Digest's worker processes), every 50 ms.",
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
    parser.add_argument("--hosts", type=int, default=4, help="loopback addresses to serve from")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--runs", type=int, default=1, help="repeat each tool's runs")
    parser.add_argument("--skip-newsboat", action="store_true")
    parser.add_argument("--skip-digest", action="store_true")
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
    if not args.skip_newsboat and shutil.which("newsboat") is None:
        parser.error("newsboat is not installed (apt-get install newsboat), or use --skip-newsboat")
    command = "python bench/refresh.py " + " ".join(argv if argv is not None else sys.argv[1:])
    args.load_before = os.getloadavg()[0]
    args.revision = _revision()
    runs: list[Run] = []
    server = FeedServer(args.feeds, args.items, args.latency, args.hosts)
    try:
        with tempfile.TemporaryDirectory(prefix="digest-bench-") as tmp:
            with open(Path(tmp) / "runs.log", "w") as log:
                for n in range(args.runs):
                    if not args.skip_digest:
                        runs += digest_runs(
                            server, Path(tmp) / f"d{n}", args.concurrency, args.stub, log
                        )
                    if args.also_stub and not args.stub:
                        runs += digest_runs(
                            server, Path(tmp) / f"s{n}", args.concurrency, True, log
                        )
                    if not args.skip_newsboat:
                        runs += newsboat_runs(server, Path(tmp) / f"n{n}", args.concurrency, log)
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
