"""Benchmark of ``digest build``: a day of 2,000 articles, the real command in a subprocess.

Prepares a data dir (``DIGEST_HOME``) holding one day of 2,000 articles from 40 feeds (variants of
the BBC News Summary articles, as in ``bench/cluster.py``: each base article told by 1 to 8 feeds,
some sentences dropped, spread over the day), then times ``digest build --date DAY --output
FILE`` from process start to exit, start-up included: first on the fresh store (the day's articles
are grouped and the leads summarized then), then again (grouping and summaries kept in the store),
then as JSON. Writes the figures into ``docs/bench-cluster.md`` (section "digest build") with the
machine, the date and the load average. ``--command`` runs another ``digest`` executable.
Never touches the network.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.cluster import synthetic  # noqa: E402
from digest.models import Entry  # noqa: E402
from digest.store import Store  # noqa: E402

REPORT = ROOT / "docs" / "bench-cluster.md"
DAY = date(2026, 11, 20)
ARTICLES = 2000
FEEDS = 40
MARK = "## digest build"


def prepare(home: Path) -> None:
    """A data dir with ``ARTICLES`` articles dated on ``DAY`` (UTC) from ``FEEDS`` feeds."""
    start = datetime.combine(DAY, datetime.min.time(), tzinfo=UTC)
    items = synthetic(ARTICLES, seed=7)
    with Store(home / "digest.sqlite3") as store:
        feeds = [
            store.add_feed(f"https://feed{n}.example/rss", title=f"Paper {n}") for n in range(FEEDS)
        ]
        batches: dict[int, list[Entry]] = {}
        for n, (title, text, seconds) in enumerate(items):
            when = start + timedelta(seconds=seconds / 2)  # 48 h of spread folded into the day
            batches.setdefault(n % FEEDS, []).append(
                Entry(
                    title=title,
                    link=f"https://feed{n % FEEDS}.example/{n}",
                    guid=f"a{n}",
                    published=when,
                    text=text,
                )
            )
        for index, entries in batches.items():
            store.upsert_entries(feeds[index].id, entries, now=start + timedelta(days=1))


def timed_run(
    command: list[str], env: dict[str, str]
) -> tuple[float, subprocess.CompletedProcess[str]]:
    begin = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    return time.perf_counter() - begin, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--command", default=str(Path(sys.executable).parent / "digest"), help="digest executable"
    )
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        prepare(home)
        env = dict(
            os.environ, DIGEST_HOME=str(home), DIGEST_CONFIG=str(home / "absent.toml"), TZ="UTC"
        )
        out = Path(tmp) / "digest.html"
        build = [args.command, "build", "--date", DAY.isoformat(), "--output", str(out)]
        runs = []
        for label, command in (
            ("first build (groups 2,000 articles, summarizes the leads)", build),
            ("second build (grouping and summaries kept)", build),
            ("JSON to stdout", [*build[:-2], "--format", "json"]),
        ):
            seconds, result = timed_run(command, env)
            if result.returncode != 0:
                print(
                    f"{label}: exit {result.returncode}: {result.stderr.strip()}", file=sys.stderr
                )
                return 1
            runs.append((label, seconds))
            print(f"{label}: {seconds:.2f} s", flush=True)
        size = out.stat().st_size
        start_up, _ = timed_run([args.command, "--version"], env)
    load = os.getloadavg()
    default = str(Path(sys.executable).parent / "digest")
    custom = "" if args.command == default else f" --command {args.command}"
    section = [
        MARK,
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average at the end {load[0]:.2f} / {load[1]:.2f} / "
        f"{load[2]:.2f}. Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}. Command: "
        f"`.venv/bin/python bench/build.py{custom}`.",
        "",
        f"A data dir with one day of {ARTICLES:,} articles from {FEEDS} feeds (BBC News Summary "
        "articles, each told by 1 to 8 feeds with sentences dropped); `digest build --date "
        f"{DAY.isoformat()} --output digest.html` timed from process start to exit, in a "
        "subprocess.",
        "",
        "| run | seconds |",
        "|---|---|",
        *(f"| {label} | {seconds:.2f} |" for label, seconds in runs),
        f"| (`digest --version`, the interpreter's start-up alone) | {start_up:.2f} |",
        "",
        f"The HTML page: {size / 1024:.0f} KB, 30 stories.",
        "",
    ]
    if custom:
        section[-1:-1] = [
            "Run through another `digest` executable (`--command`): until `digest/cli.py` lists "
            "`build`, a stand-in script that adds it exactly as the CLI will "
            "(`digest.cli_build.add_parser` and `run`).",
            "",
        ]
    if not args.no_write:
        text = (
            REPORT.read_text(encoding="utf-8")
            if REPORT.exists()
            else "# Story grouping benchmark\n"
        )
        if MARK in text:
            text = text[: text.index(MARK)].rstrip() + "\n"
        REPORT.write_text(text.rstrip() + "\n\n" + "\n".join(section), encoding="utf-8")
        print(f"wrote {REPORT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
