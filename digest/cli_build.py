"""The ``digest build`` command: write the day's digest as HTML, Markdown, text or JSON (for cron).

It parses the command's options, checks the date, refreshes first when asked, builds through
:mod:`digest.build` and writes the result to a file (atomically: a temporary file renamed into
place) or to stdout. It is quiet on success; every failure is a :class:`DigestError` whose one line
the CLI prints before exiting non-zero, so cron mails only problems.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from digest.config import Config
from digest.errors import ConfigError, DigestError
from digest.store import Store

EXIT_OK, EXIT_FAILED = 0, 1
FORMATS = ("html", "md", "txt", "json")
"""The same as ``digest.export.FORMATS`` (not imported here: it pulls in numpy at start-up)."""
SUFFIXES = {".html": "html", ".htm": "html", ".md": "md", ".txt": "txt", ".json": "json"}


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Add ``build`` to the CLI's subcommands (``sub`` is argparse's subparsers object)."""
    p: argparse.ArgumentParser = sub.add_parser(
        "build",
        help="build the day's digest (HTML, Markdown, text or JSON)",
        description=(
            "Build the digest of a day (default today, local time) or of the last hours: "
            "stories grouped across sources and ranked. Quiet on success; one line on stderr "
            "and a non-zero exit on failure."
        ),
        epilog=(
            "examples:\n"
            "  digest build --output ~/digest.html\n"
            "  digest build --date 2026-11-27 --format md\n"
            "  digest build --since 24h --format json --max-stories 10\n"
            "crontab (every morning at 7, refreshing first):\n"
            "  0 7 * * * digest build --refresh --output ~/digest.html"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    when = p.add_mutually_exclusive_group()
    when.add_argument("--date", metavar="YYYY-MM-DD", help="the day to build (default today)")
    when.add_argument("--since", metavar="SPAN", help="the last hours instead: 24h, 90m, 2d")
    p.add_argument(
        "--format",
        choices=FORMATS,
        help="output format (default: from the --output suffix, else html)",
    )
    p.add_argument("--output", "-o", metavar="PATH", help="write here instead of stdout")
    p.add_argument(
        "--max-stories",
        type=int,
        default=30,
        metavar="N",
        help="at most N stories (default 30)",
    )
    p.add_argument("--refresh", action="store_true", help="refresh every feed first")
    return p


def _day(value: str, today: date) -> date:
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"--date {value!r} is not a date: use YYYY-MM-DD") from None
    if day > today:
        raise ConfigError(
            f"--date {day.isoformat()} is in the future (today is {today.isoformat()}): "
            "there is no digest for it yet"
        )
    return day


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    if args.output and args.output != "-":
        return SUFFIXES.get(Path(args.output).suffix.lower(), "html")
    return "html"


def write_output(path: Path, content: str) -> None:
    """Write ``content`` to ``path`` atomically (a temporary file beside it, then renamed)."""
    folder = path.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise DigestError(f"cannot write {path} ({exc.strerror or exc})") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise DigestError(f"cannot write {path} ({exc.strerror or exc})") from exc


def run(args: argparse.Namespace, config: Config, store: Store) -> int:
    """Run ``digest build``: returns the exit code; raises DigestError with the reason."""
    from digest import build
    from digest.timefmt import parse_since

    now = datetime.now(UTC)
    if args.max_stories < 1:
        raise ConfigError(f"--max-stories must be at least 1 (got {args.max_stories})")
    fmt = _format(args)
    if args.since:
        try:
            since = parse_since(args.since, now)
        except DigestError as exc:
            raise ConfigError(f"--since: {exc}") from None
        period = build.since_period(since, now)
        if period.start >= period.end:
            raise ConfigError(f"--since {args.since!r} is not in the past")
    else:
        today = datetime.now().astimezone().date()
        day = _day(args.date, today) if args.date else today
        period = build.day_period(day)
    output = Path(args.output).expanduser() if args.output and args.output != "-" else None
    if output is not None and output.is_dir():
        raise DigestError(f"cannot write {output}: it is a folder (give a file name)")
    if output is not None and not output.parent.is_dir():
        raise DigestError(f"cannot write {output}: the folder {output.parent} does not exist")
    failures: list[str] = []
    if args.refresh:
        failures = _refresh(store, config)
    content = build.build_and_store(store, config, period, fmt, max_stories=args.max_stories)
    if output is None:
        sys.stdout.write(content)
        sys.stdout.flush()
    else:
        write_output(output, content)
    if failures:
        from digest.textclean import clean_line

        sys.stderr.write(
            clean_line(
                f"digest: error: built the digest, but {len(failures)} feed"
                f"{'s' if len(failures) != 1 else ''} failed to refresh: " + "; ".join(failures)
            )
            + "\n"
        )
        return EXIT_FAILED
    return EXIT_OK


def _refresh(store: Store, config: Config) -> list[str]:
    """Refresh every feed and saved-page folder; returns one line per failure."""
    from digest.refresh import ingest_folders, refresh_feeds

    report = refresh_feeds(store, store.feeds(kind="feed"), config.fetch)
    failures = [f"{o.feed.title or o.feed.url}: {o.error}" for o in report.failed]
    if config.page_folders:
        failures += [
            f"{p.path}: {p.error}" for p in ingest_folders(store, config.page_folders) if p.error
        ]
    return failures
