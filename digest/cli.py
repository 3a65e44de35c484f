"""The ``digest`` command: subscribe, refresh, list, read, search and mark from a shell.

This module parses arguments, opens the config and the store, calls the engine and prints through
``digest.output``. It turns every :class:`DigestError` into one line on stderr and an exit code
(0 fine, 1 some feeds or inputs failed, 2 usage or config error); no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from digest import __version__
from digest.config import Config, config_path, data_dir, load_config
from digest.errors import ConfigError, DigestError, ParseError
from digest.store import ArticleQuery, Store

if TYPE_CHECKING:
    from rich.text import Text

    from digest.models import Article, Entry

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
MAX_INPUT_BYTES = 20 * 1024 * 1024
CHECK_MARKER = "check-store"
"""A file in the data dir asking the next run to check the whole store for damage."""

EPILOG = """\
examples:
  digest add https://example.org/feed.xml       subscribe to a feed
  digest add https://example.org/               find the site's feed and subscribe
  digest add ~/Downloads/article.html notes/    add saved pages (files or folders)
  digest refresh                                 fetch every feed (exit 1 if some failed)
  digest list --unread --since 24h               today's unread articles
  digest list --format json | jq '.articles[].title'
  digest read 42                                 print article 42 (marks it read)
  digest read https://example.org/story          read any page without subscribing
  digest search "climate summit"                 full-text search
  digest summarize story.html --sentences 2      summarize files, URLs or stdin (-)
  digest mark 42 43 --star                       star articles (for scripts)
  digest import-opml subscriptions.opml
  digest export-opml backup.opml
  digest build --format html --output ~/digest.html   today's digest, for cron

files:
  config  --config PATH, else $DIGEST_CONFIG, else the platform's config dir (config.toml)
  data    $DIGEST_HOME, else the platform's data dir
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"digest: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="digest",
        description="Digest: feeds and saved pages, summarized and grouped into a daily digest.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"digest {__version__}")
    parser.add_argument("--config", metavar="PATH", help="the config file to use")
    parser.add_argument(
        "--plain", action="store_true", help="with no command: print the latest stories, no app"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help_text: str, example: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=f"example:\n  {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    p = command(
        "add",
        "subscribe to feeds (or a site's feed) and add saved pages",
        "digest add https://example.org/feed.xml ~/saved/page.html",
    )
    p.add_argument("targets", nargs="+", metavar="URL|PATH")
    p.add_argument("--title", default="", help="title to show for the feed")
    p.add_argument("--folder", default="", help="folder to put the feed in")
    p.add_argument("--tag", action="append", default=[], help="a tag (repeatable)")
    p.add_argument(
        "--full-text",
        choices=("auto", "always", "never"),
        default="auto",
        help="fetch article pages when the feed gives teasers (default auto)",
    )

    p = command("remove", "unsubscribe from feeds and delete their articles", "digest remove 3")
    p.add_argument("feeds", nargs="+", metavar="FEED", help="feed id, URL or exact title")

    p = command(
        "feeds",
        "list subscriptions with unread counts and last errors",
        "digest feeds --format json",
    )
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = command(
        "refresh",
        "fetch feeds and saved-page folders",
        "digest refresh        (or: digest refresh 3 https://example.org/feed.xml)",
    )
    p.add_argument("feeds", nargs="*", metavar="FEED", help="only these feeds (id, URL or title)")

    p = command("list", "list stored articles, newest first", "digest list --unread --since 24h")
    p.add_argument("--unread", action="store_true", help="only unread articles")
    p.add_argument("--starred", action="store_true", help="only starred articles")
    p.add_argument(
        "--feed", action="append", default=[], metavar="FEED", help="only this feed (repeatable)"
    )
    p.add_argument("--since", metavar="WHEN", help="24h, 7d, 90m or YYYY-MM-DD")
    p.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = command(
        "read",
        "print one article: stored (ID) or any URL or file without subscribing",
        "digest read 42",
    )
    p.add_argument("target", metavar="ID|URL|PATH")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--keep-unread", action="store_true", help="do not mark a stored article read")

    p = command("search", "full-text search over titles and text", 'digest search "rate cut"')
    p.add_argument("query", nargs="+")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = command("mark", "set read/starred marks (for scripts)", "digest mark 42 43 --read")
    p.add_argument("ids", nargs="+", type=int, metavar="ID")
    group = p.add_mutually_exclusive_group(required=True)
    for flag in ("read", "unread", "star", "unstar"):
        group.add_argument(f"--{flag}", action="store_true")

    p = command(
        "summarize",
        "summarize files, URLs or stdin (-) without subscribing",
        "digest summarize article.txt https://example.org/story - --sentences 2 --format jsonl",
    )
    p.add_argument("inputs", nargs="+", metavar="PATH|URL|-")
    length = p.add_mutually_exclusive_group()
    length.add_argument("--sentences", type=int, help="sentences per summary (default: config, 3)")
    length.add_argument("--ratio", type=float, help="share of the article's sentences (0 to 1)")
    p.add_argument(
        "--method",
        help="digest (default), lead, lexrank, textrank, lsa, luhn, "
        "edmundson, kl, sumbasic or reduction",
    )
    p.add_argument("--format", choices=("text", "json", "jsonl"), default="text")

    from digest import cli_build

    cli_build.add_parser(sub)

    p = command(
        "import-opml",
        "subscribe to the feeds of an OPML file",
        "digest import-opml subscriptions.opml",
    )
    p.add_argument("file", type=Path)

    p = command(
        "export-opml",
        "write subscriptions as OPML (stdout, or FILE)",
        "digest export-opml backup.opml",
    )
    p.add_argument("file", nargs="?", type=Path)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _dispatch(args)
    except ConfigError as exc:
        _error(str(exc))
        return EXIT_USAGE
    except DigestError as exc:
        _error(str(exc))
        return EXIT_FAILED
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except sqlite3.DatabaseError as exc:
        # Damage found mid-command: the next run checks the whole file and sets it aside.
        try:
            (data_dir() / CHECK_MARKER).touch()
        except OSError:
            pass
        _error(
            f"the store looks damaged ({' '.join(str(exc).split())}): run the command again "
            "to keep a copy of it and start a new store"
        )
        return EXIT_FAILED
    except BrokenPipeError:
        return EXIT_OK


def _error(message: str) -> None:
    from digest.textclean import clean_line

    sys.stderr.write(f"digest: error: {clean_line(message)}\n")


def _dispatch(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    handlers: dict[str | None, Callable[[argparse.Namespace, Config, Store], int]] = {
        None: _cmd_today,
        "add": _cmd_add,
        "remove": _cmd_remove,
        "feeds": _cmd_feeds,
        "refresh": _cmd_refresh,
        "list": _cmd_list,
        "read": _cmd_read,
        "search": _cmd_search,
        "build": _cmd_build,
        "summarize": _cmd_summarize,
        "mark": _cmd_mark,
        "import-opml": _cmd_import_opml,
        "export-opml": _cmd_export_opml,
    }
    from digest.recovery import open_store_safely

    home = data_dir()
    marker = home / CHECK_MARKER
    store, notice = open_store_safely(home, check=marker.exists())
    marker.unlink(missing_ok=True)
    if notice:
        sys.stderr.write(f"digest: warning: {notice}\n")
    with store:
        _sync_config(store, config)
        return handlers[args.command](args, config, store)


def _sync_config(store: Store, config: Config) -> None:
    """Make the store's subscriptions include the config's feeds (with their settings)."""
    if config.feeds:
        store.sync_feeds(config.feeds)


def _now() -> datetime:
    return datetime.now(UTC)


# -- commands ------------------------------------------------------------------------------


def _cmd_today(args: argparse.Namespace, config: Config, store: Store) -> int:
    """No subcommand: open the app on a terminal, else print the latest stories."""
    if not config.exists and not store.feeds():
        from digest.refresh import load_samples

        load_samples(store, summary=config.summary)
    if sys.stdin.isatty() and sys.stdout.isatty() and not args.plain:
        from tui.app import run_app

        store.close()
        return run_app(config, data_dir())
    return _print_latest(args, config, store)


def _print_latest(args: argparse.Namespace, config: Config, store: Store) -> int:
    """The latest stories as text (what `digest --plain` prints)."""
    from rich.rule import Rule
    from rich.text import Text

    from digest import output

    now = _now()
    con = output.console()
    articles = store.articles(ArticleQuery(since=now - timedelta(hours=24), limit=200))
    heading = "The last 24 hours"
    if not articles:
        articles = store.articles(ArticleQuery(limit=30))
        heading = "Nothing arrived in the last 24 hours: the most recent stories"
    if not config.exists:
        con.print(
            Text(
                f"Showing Digest's sample content. Add feeds with `digest add URL` or write a config "
                f"at {config_path(args.config)} (see config.example.toml).",
                style="yellow",
            )
        )
    con.print(Rule(Text(heading, style="bold")))
    if not articles:
        con.print(Text("No articles yet: add feeds with `digest add URL`, then `digest refresh`."))
        return EXIT_OK
    by_lead: dict[int, list[int]] = {}
    for a in articles:
        if a.related_to is not None:
            by_lead.setdefault(a.related_to, []).append(a.id)
    shown = {a.id: a for a in articles}
    for a in articles:
        if a.related_to is not None and a.related_to in shown:
            continue
        con.print(_story_text(a, now, lead=True))
        for rid in by_lead.get(a.id, []):
            con.print(_story_text(shown[rid], now, lead=False))
    return EXIT_OK


def _story_text(article: Article, now: datetime, *, lead: bool) -> Text:
    from rich.text import Text

    from digest import output
    from digest.timefmt import relative_time

    indent = "" if lead else "    ↳ "
    text = Text(indent)
    text.append_text(output.safe(article.title or "(untitled)", "bold" if lead else ""))
    text.append("\n" + " " * len(indent))
    text.append_text(
        output.safe(
            f"{article.source or article.feed_title} · {relative_time(article.when, now)}  [{article.id}]",
            "dim",
        )
    )
    if lead:
        first = (article.text or article.summary).strip().split("\n", 1)[0]
        if first:
            text.append("\n")
            text.append_text(output.safe(first[:300] + ("…" if len(first) > 300 else "")))
        text.append("\n")
    return text


def _cmd_add(args: argparse.Namespace, config: Config, store: Store) -> int:
    from rich.text import Text

    from digest import output
    from digest.refresh import ingest_pages

    con = output.console()
    failed = 0
    for target in args.targets:
        if target.startswith(("http://", "https://")):
            try:
                title, url, new = _subscribe(store, config, target, args)
            except DigestError as exc:
                failed += 1
                _error(f"{target}: {exc}")
                continue
            line = Text("Subscribed to ")
            line.append_text(output.safe(title or url, "bold"))
            line.append(" ")
            line.append_text(output.safe(f"({url}): {new} articles"))
            con.print(line)
            continue
        path = Path(target).expanduser()
        if not path.exists():
            failed += 1
            _error(f"{target}: no such file or folder (URLs must start with http:// or https://)")
            continue
        for outcome in ingest_pages(store, [path], summary=config.summary):
            if outcome.error:
                failed += 1
                _error(f"{outcome.path}: {outcome.error}")
                continue
            line = Text("Added ")
            line.append_text(output.safe(outcome.path.name, "bold"))
            titles = "; ".join(outcome.titles[:4]) + ("; …" if len(outcome.titles) > 4 else "")
            what = f"{len(outcome.titles)} article{'s' if len(outcome.titles) != 1 else ''}"
            state = "" if outcome.new else " (already added: updated in place)"
            line.append_text(output.safe(f": {what}{state}: {titles}"))
            con.print(line)
    return EXIT_FAILED if failed else EXIT_OK


def _subscribe(
    store: Store, config: Config, url: str, args: argparse.Namespace
) -> tuple[str, str, int]:
    """Fetch ``url``; if it is a web page, find its feed; subscribe and store its items."""
    from digest.discover import discover_feeds, looks_like_html
    from digest.fetch import fetch_sync
    from digest.parse import parse_feed

    now = _now()
    result = fetch_sync(url, config.fetch)
    if looks_like_html(result.content, result.content_type):
        found = discover_feeds(result.content, result.url)
        if not found:
            raise ParseError("the page links to no feed; to read it once, use: digest read URL")
        result = fetch_sync(found[0], config.fetch)
    parsed = parse_feed(result.content, url=result.url, content_type=result.content_type, now=now)
    feed_url = result.url
    feed = store.add_feed(
        feed_url, title=args.title, folder=args.folder, tags=args.tag, full_text=args.full_text
    )
    stored = store.upsert_entries(feed.id, parsed.entries, now=now)
    from digest.refresh import summarize_entries

    asyncio.run(summarize_entries(store, parsed.entries, config.summary, None))
    store.record_fetch(
        feed.id,
        when=now,
        etag=result.etag,
        last_modified=result.last_modified,
        title=parsed.title,
        site_url=parsed.link,
        language=parsed.language,
    )
    return args.title or parsed.title, feed_url, len(stored.new)


def _resolve_feeds(store: Store, names: Sequence[str]) -> list[int]:
    feeds = store.feeds()
    ids: list[int] = []
    for name in names:
        matches = [
            f.id
            for f in feeds
            if str(f.id) == name or f.url == name or f.title.casefold() == name.casefold()
        ]
        if not matches:
            raise DigestError(f"no feed {name!r}: give an id, URL or title from `digest feeds`")
        ids.extend(m for m in matches if m not in ids)
    return ids


def _cmd_remove(args: argparse.Namespace, config: Config, store: Store) -> int:
    from rich.text import Text

    from digest import output

    con = output.console()
    configured = {f.url for f in config.feeds}
    for feed_id in _resolve_feeds(store, args.feeds):
        feed = store.feed(feed_id)
        assert feed is not None
        store.remove_feed(feed_id)
        line = Text("Removed ")
        line.append_text(output.safe(feed.title or feed.url, "bold"))
        line.append(f" and its {feed.total} articles")
        con.print(line)
        if feed.url in configured:
            _error(f"{feed.url} is listed in {config.path}: remove it there too, or it returns")
    return EXIT_OK


def _cmd_feeds(args: argparse.Namespace, config: Config, store: Store) -> int:
    from digest import output

    feeds = store.feeds()
    if args.format == "json":
        output.print_json("feeds", [output.feed_json(f) for f in feeds])
        return EXIT_OK
    output.console().print(output.feeds_table(feeds, _now()))
    return EXIT_OK


def _cmd_refresh(args: argparse.Namespace, config: Config, store: Store) -> int:
    feeds = store.feeds(kind="feed")
    if args.feeds:
        wanted = set(_resolve_feeds(store, args.feeds))
        feeds = [f for f in feeds if f.id in wanted]
    from digest.workers import expects_bodies, start_fork_server

    if expects_bodies(feeds):
        # Start the worker processes' fork server now, beside the imports below (a refresh of
        # 304s never needs it).
        start_fork_server(config.summary.during_refresh)

    from digest.refresh import FeedOutcome, ingest_folders, refresh_feeds

    interactive = sys.stdout.isatty()
    failures: list[str] = []
    summary = config.summary if config.summary.during_refresh else None

    def plain(outcome: FeedOutcome) -> None:
        name = outcome.feed.title or outcome.feed.url
        if outcome.status == "failed":
            text = f"failed  {name}: {outcome.error}"
        elif outcome.status == "not_modified":
            text = f"same    {name}: not modified"
        else:
            text = f"ok      {name}: {outcome.new} new, {outcome.updated} updated"
        from digest.textclean import clean_line

        sys.stdout.write(clean_line(text) + "\n")

    if interactive and feeds:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        from digest import output

        with Progress(
            TextColumn("Refreshing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            console=output.console(),
            transient=True,
        ) as progress:
            task = progress.add_task("", total=len(feeds))

            def advance(outcome: FeedOutcome) -> None:
                from digest.textclean import clean_line

                progress.update(
                    task,
                    advance=1,
                    description=clean_line(outcome.feed.title or outcome.feed.url)[:40],
                )

            report = refresh_feeds(store, feeds, config.fetch, on_progress=advance, summary=summary)
    else:
        report = refresh_feeds(store, feeds, config.fetch, on_progress=plain, summary=summary)
    for outcome in report.failed:
        failures.append(f"{outcome.feed.title or outcome.feed.url}: {outcome.error}")
    pages = 0
    if not args.feeds and config.page_folders:
        for page in ingest_folders(store, config.page_folders, summary=summary):
            if page.error:
                failures.append(f"{page.path}: {page.error}")
            pages += page.new
    closing = (
        f"Refreshed {report.feeds} feed{'s' if report.feeds != 1 else ''}: "
        f"{report.new_articles + pages} new article{'s' if report.new_articles + pages != 1 else ''}, "
        f"{report.not_modified} not modified, {len(failures)} failed"
    )
    if failures:
        closing += " (" + "; ".join(failures) + ")"
    from digest.textclean import clean_line

    sys.stdout.write(clean_line(closing) + "\n")
    return EXIT_FAILED if failures else EXIT_OK


def _cmd_list(args: argparse.Namespace, config: Config, store: Store) -> int:
    from digest import output
    from digest.timefmt import parse_since

    now = _now()
    query = ArticleQuery(
        feed_ids=tuple(_resolve_feeds(store, args.feed)) if args.feed else (),
        unread=args.unread,
        starred=args.starred,
        since=parse_since(args.since, now) if args.since else None,
        limit=max(1, args.limit),
    )
    articles = store.articles(query)
    if args.format == "json":
        output.print_json("articles", [output.article_json(a) for a in articles])
        return EXIT_OK
    output.console().print(output.articles_table(articles, now))
    return EXIT_OK


def _cmd_read(args: argparse.Namespace, config: Config, store: Store) -> int:
    from digest import output

    now = _now()
    target: str = args.target
    article: Article | None = None
    related: list[Article] = []
    if target.isdigit():
        article = store.article(int(target))
        if article is None:
            raise DigestError(f"no article {target}: see `digest list` for ids")
    elif target.startswith(("http://", "https://")):
        stored = store.articles_by_url(target)
        article = stored[0] if stored else _read_url(target, config, now)
    else:
        path = Path(target).expanduser()
        if not path.is_file():
            raise DigestError(f"{target}: not an article id, an http(s) URL or a file")
        from digest.refresh import read_page_file

        parsed = read_page_file(path, now=now)
        if not parsed.entries:
            raise ParseError(f"{path.name}: no article found in the file")
        articles = [
            _transient(e, i, parsed.title or path.name, now) for i, e in enumerate(parsed.entries)
        ]
        article = articles[0]
        related = [a for a in articles[1:] if a.related_to == 0]
    if article.id > 0:
        related = store.related(article.id)
        if not args.keep_unread and not article.read:
            store.mark([article.id], read=True)
    from digest.summaries import article_summary

    summary = article_summary(store, article, config.summary)
    if args.format == "json":
        data = output.article_json(article, with_text=True)
        data["digest_summary"] = output.summary_json(summary)
        data["related"] = [output.article_json(r) for r in related]
        output.print_json("article", data)
        return EXIT_OK
    output.console().print(output.article_text(article, now, related, summary))
    return EXIT_OK


def _read_url(url: str, config: Config, now: datetime) -> Article:
    from digest.extract import extract_article, page_entry
    from digest.fetch import fetch_sync

    result = fetch_sync(url, config.fetch)
    page = extract_article(result.content, url=result.url)
    return _transient(page_entry(page, link=result.url), 0, page.site_name, now)


def _transient(entry: Entry, index: int, feed_title: str, now: datetime) -> Article:
    """An Article for an entry that is not stored (reading a file or URL once)."""
    from digest.models import Article

    return Article(
        id=-index,
        feed_id=0,
        key=entry.key,
        title=entry.title,
        url=entry.link,
        author=entry.author,
        published=entry.published,
        updated=entry.updated,
        added=now,
        text=entry.text,
        summary=entry.summary,
        categories=entry.categories,
        enclosures=entry.enclosures,
        language=entry.language,
        source=entry.source,
        related_to=entry.related_to,
        feed_title=feed_title,
    )


def _cmd_build(args: argparse.Namespace, config: Config, store: Store) -> int:
    from digest import cli_build

    return cli_build.run(args, config, store)


def _cmd_search(args: argparse.Namespace, config: Config, store: Store) -> int:
    from digest import output

    articles = store.search(" ".join(args.query), limit=max(1, args.limit))
    if args.format == "json":
        output.print_json("articles", [output.article_json(a) for a in articles])
        return EXIT_OK
    if not articles:
        sys.stderr.write("digest: no articles match\n")
        return EXIT_OK
    output.console().print(output.articles_table(articles, _now()))
    return EXIT_OK


def _cmd_summarize(args: argparse.Namespace, config: Config, store: Store) -> int:
    """Summarize inputs without storing them; one result per input, in order."""
    import json

    from digest import output
    from digest.summarize import METHODS, summarize_many

    method = args.method or config.summary.method
    if method not in METHODS:
        raise ConfigError(f"unknown method {method!r}: choose one of {', '.join(METHODS)}")
    if args.sentences is not None and args.sentences < 1:
        raise ConfigError("--sentences must be at least 1")
    if args.ratio is not None and not 0 < args.ratio <= 1:
        raise ConfigError("--ratio must be above 0 and at most 1")
    if args.sentences is not None or args.ratio is not None:
        ratio = args.ratio
    else:
        ratio = config.summary.ratio
    sentences = args.sentences or config.summary.sentences
    docs: list[tuple[str, str, str, str]] = []  # source, title, text, language
    failed: dict[int, str] = {}
    for number, source in enumerate(args.inputs):
        try:
            docs.append((source, *_input_text(source, config)))
        except DigestError as exc:
            failed[number] = str(exc)
            docs.append((source, "", "", ""))
        except OSError as exc:
            failed[number] = f"cannot read ({exc.strerror or exc})"
            docs.append((source, "", "", ""))
    todo = [i for i in range(len(docs)) if i not in failed]
    results = summarize_many(
        [docs[i][2] for i in todo],
        sentences=sentences,
        ratio=ratio,
        method=method,
        languages=[docs[i][3] or "english" for i in todo],
        titles=[docs[i][1] for i in todo],
    )
    by_index = dict(zip(todo, results, strict=True))
    objects: list[dict[str, object]] = []
    for number, (source, title, _, _) in enumerate(docs):
        obj: dict[str, object] = {"source": source, "title": title, "method": method}
        if number in failed:
            _error(f"{source}: {failed[number]}")
            obj.update(sentences=[], error=failed[number])
        else:
            summary = by_index[number]
            obj["sentences"] = [{"index": i, "text": t} for i, t in summary.sentences]
            if summary.note:
                obj["note"] = summary.note
        objects.append(obj)
        if args.format == "jsonl":
            sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    if args.format == "json":
        output.print_json("summaries", objects)
    elif args.format == "text":
        con = output.console()
        for number, (source, title, _, _) in enumerate(docs):
            if number not in failed:
                con.print(output.summary_text(source, title, by_index[number]))
    return EXIT_FAILED if failed else EXIT_OK


def _input_text(source: str, config: Config) -> tuple[str, str, str]:
    """(title, text, language) of one summarize input: '-' is stdin, a URL, or a file."""
    from digest.extract import decode_page, extract_article

    if source.startswith(("http://", "https://")):
        from digest.fetch import fetch_sync

        result = fetch_sync(source, config.fetch)
        page = extract_article(result.content, url=result.url)
        return page.title, page.text, page.language
    if source == "-":
        text = decode_page(sys.stdin.buffer.read(MAX_INPUT_BYTES))
        head = text.lstrip()[:1000].lower()
        if head.startswith(("<!doctype html", "<html")) or "<body" in head:
            page = extract_article(text)
            return page.title, page.text, page.language
        return "", text, ""
    from digest.refresh import PAGE_SUFFIXES, read_page_file

    path = Path(source).expanduser()
    if path.suffix.lower() in PAGE_SUFFIXES:
        parsed = read_page_file(path)
        if not parsed.entries:
            raise ParseError(f"{path.name}: no article found in the file")
        lead = parsed.entries[0]
        return lead.title, lead.text, lead.language
    with path.open("rb") as handle:
        return "", decode_page(handle.read(MAX_INPUT_BYTES)), ""


def _cmd_mark(args: argparse.Namespace, config: Config, store: Store) -> int:
    missing = [i for i in args.ids if store.article(i) is None]
    if missing:
        raise DigestError(f"no article {', '.join(map(str, missing))}: see `digest list` for ids")
    read = True if args.read else False if args.unread else None
    starred = True if args.star else False if args.unstar else None
    store.mark(args.ids, read=read, starred=starred)
    return EXIT_OK


def _cmd_import_opml(args: argparse.Namespace, config: Config, store: Store) -> int:
    from digest.opml import parse_opml
    from digest.textclean import clean_line

    try:
        content = args.file.read_bytes()
    except OSError as exc:
        raise DigestError(f"{args.file}: cannot read ({exc.strerror or exc})") from exc
    result = parse_opml(content)
    known = {f.url for f in store.feeds()}
    added = 0
    for feed in result.feeds:
        if feed.url not in known:
            added += 1
        store.add_feed(
            feed.url, title=feed.title, folder=feed.folder, tags=feed.tags, site_url=feed.site_url
        )
    for warning in result.warnings:
        sys.stderr.write(f"digest: warning: {clean_line(warning)}\n")
    skipped = sum(w.startswith("skipped ") for w in result.warnings)
    sys.stdout.write(
        f"Imported {added} new feed{'s' if added != 1 else ''} "
        f"({len(result.feeds) - added} already subscribed, {skipped} skipped); "
        "run `digest refresh` to fetch them\n"
    )
    return EXIT_OK


def _cmd_export_opml(args: argparse.Namespace, config: Config, store: Store) -> int:
    from digest.opml import OpmlFeed, write_opml

    feeds = [
        OpmlFeed(url=f.url, title=f.title, folder=f.folder, tags=f.tags, site_url=f.site_url)
        for f in store.feeds(kind="feed")
    ]
    content = write_opml(feeds)
    if args.file is None:
        sys.stdout.buffer.write(content)
        return EXIT_OK
    try:
        args.file.write_bytes(content)
    except OSError as exc:
        raise DigestError(f"{args.file}: cannot write ({exc.strerror or exc})") from exc
    sys.stderr.write(f"Exported {len(feeds)} feeds to {args.file}\n")
    return EXIT_OK


__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]
