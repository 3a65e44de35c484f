"""Digest's configuration: where it lives, what it may contain, and its validation.

The config is a TOML file read with ``tomllib``. Its path is ``--config``, else ``$DIGEST_CONFIG``,
else ``config.toml`` in the platform's config dir; the data dir is ``$DIGEST_HOME``, else the
platform's data dir. :func:`load_config` turns the file into frozen dataclasses and raises
:class:`ConfigError` with one sentence naming the file, the key and what is wrong. This module reads
the config file and the environment; it never writes anything and never touches the network.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from digest import __version__
from digest.errors import ConfigError

FULL_TEXT_MODES = ("auto", "always", "never")


@dataclass(frozen=True)
class FetchSettings:
    """Limits of the fetcher; the defaults suit a reader refreshing a few hundred feeds."""

    concurrency: int = 48
    """Most fetches in flight at once, over all hosts."""
    per_host: int = 8
    """Most fetches in flight at once to one host (host and port)."""
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    """Longest wait for the next bytes of a response."""
    total_timeout: float = 60.0
    """Wall-clock deadline of one fetch, redirects included, from the moment it first gets its
    slots (time spent queued behind other fetches does not count)."""
    max_bytes: int = 10 * 1024 * 1024
    """Cap on the decoded body; also the most a compressed body may inflate to."""
    max_redirects: int = 5
    user_agent: str = (
        f"Digest/{__version__} (terminal news reader; +https://example.invalid/digest)"
    )


CONFIG_NAME = "config.toml"


@dataclass(frozen=True)
class FeedConfig:
    """One subscription listed in the config file."""

    url: str
    title: str = ""
    folder: str = ""
    tags: tuple[str, ...] = ()
    full_text: str = "auto"
    priority: int = 0


@dataclass(frozen=True)
class SummaryConfig:
    """How articles are summarized (used by the summarizer)."""

    method: str = "digest"
    sentences: int = 3
    ratio: float | None = None
    during_refresh: bool = True
    """Summarize new articles while refreshing; False leaves it to when one is first shown."""


@dataclass(frozen=True)
class DigestConfig:
    """How stories are grouped for digests."""

    window_hours: float = 48.0
    """Articles further apart than this are never grouped into one story."""


@dataclass(frozen=True)
class UiConfig:
    """The app's settings."""

    theme: str = ""
    """A Textual theme name; empty means the one last chosen in the app (else the default)."""
    auto_refresh_minutes: float = 0.0
    """Refresh every feed this often while the app runs; 0 turns it off."""
    keys: tuple[tuple[str, str], ...] = ()
    """(action, keys) pairs rebinding the app's keys, e.g. ("next_unread", "n,ctrl+n")."""


@dataclass(frozen=True)
class Config:
    """The whole configuration, with defaults for everything the file leaves out."""

    path: Path | None = None
    """The file this came from; None when no config file exists (sample mode)."""
    feeds: tuple[FeedConfig, ...] = ()
    page_folders: tuple[Path, ...] = ()
    fetch: FetchSettings = field(default_factory=FetchSettings)
    summary: SummaryConfig = field(default_factory=SummaryConfig)
    ui: UiConfig = field(default_factory=UiConfig)
    digest: DigestConfig = field(default_factory=DigestConfig)

    @property
    def exists(self) -> bool:
        """Whether a config file was found (without one Digest opens on its sample content)."""
        return self.path is not None


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The config file's path: the explicit one, else $DIGEST_CONFIG, else the platform's."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("DIGEST_CONFIG")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir("digest")) / CONFIG_NAME


def data_dir() -> Path:
    """The data dir: $DIGEST_HOME, else the platform's user data dir for digest."""
    env = os.environ.get("DIGEST_HOME")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("digest"))


def load_config(explicit: str | os.PathLike[str] | None = None) -> Config:
    """Read and validate the config; a missing file gives the defaults (and ``exists`` False).

    A file named explicitly (``--config``) must exist.

    Raises:
        ConfigError: the file is unreadable, not TOML, or has an unknown key or a wrong value.
    """
    path = config_path(explicit)
    if not path.exists():
        if explicit:
            raise ConfigError(f"{path}: config file not found")
        return Config()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror or exc})") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: the config file is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    return parse_config(data, path)


def parse_config(data: Mapping[str, Any], path: Path) -> Config:
    """Validate an already-decoded TOML document (pure; see :func:`load_config`)."""
    reader = _Reader(path)
    reader.keys(data, "", {"feeds", "pages", "fetch", "summary", "ui", "keys", "digest"})
    feeds = tuple(
        _feed(reader, item, f"feeds[{i}]")
        for i, item in enumerate(reader.table_list(data, "feeds", ""))
    )
    seen: set[str] = set()
    for i, feed in enumerate(feeds):
        if feed.url in seen:
            raise ConfigError(f"{path}: feeds[{i}].url {feed.url!r} is listed twice")
        seen.add(feed.url)

    pages = reader.table(data, "pages", "")
    reader.keys(pages, "pages", {"folders"})
    folders = tuple(
        Path(p).expanduser() for p in reader.str_list(pages, "folders", "pages", default=[])
    )

    fetch_t = reader.table(data, "fetch", "")
    reader.keys(
        fetch_t,
        "fetch",
        {
            "concurrency",
            "per_host",
            "connect_timeout",
            "read_timeout",
            "total_timeout",
            "max_size_mb",
            "max_redirects",
            "user_agent",
        },
    )
    d = FetchSettings()
    fetch = FetchSettings(
        concurrency=reader.int_(fetch_t, "concurrency", "fetch", d.concurrency, 1, 256),
        per_host=reader.int_(fetch_t, "per_host", "fetch", d.per_host, 1, 64),
        connect_timeout=reader.num(fetch_t, "connect_timeout", "fetch", d.connect_timeout),
        read_timeout=reader.num(fetch_t, "read_timeout", "fetch", d.read_timeout),
        total_timeout=reader.num(fetch_t, "total_timeout", "fetch", d.total_timeout),
        max_bytes=int(
            reader.num(fetch_t, "max_size_mb", "fetch", d.max_bytes / 1024 / 1024) * 1024 * 1024
        ),
        max_redirects=reader.int_(fetch_t, "max_redirects", "fetch", d.max_redirects, 0, 30),
        user_agent=reader.str_(fetch_t, "user_agent", "fetch", "") or d.user_agent,
    )

    summary_t = reader.table(data, "summary", "")
    reader.keys(summary_t, "summary", {"method", "sentences", "ratio", "during_refresh"})
    during = summary_t.get("during_refresh", True)
    if not isinstance(during, bool):
        raise ConfigError(f"{path}: summary.during_refresh must be true or false")
    ratio = reader.num(summary_t, "ratio", "summary", 0.0)
    if ratio < 0 or ratio > 1:
        raise ConfigError(f"{path}: summary.ratio must be between 0 and 1 (got {ratio})")
    summary = SummaryConfig(
        method=reader.str_(summary_t, "method", "summary", "digest") or "digest",
        sentences=reader.int_(summary_t, "sentences", "summary", 3, 1, 50),
        ratio=ratio or None,
        during_refresh=during,
    )
    ui_t = reader.table(data, "ui", "")
    reader.keys(ui_t, "ui", {"theme", "auto_refresh_minutes"})
    keys_t = reader.table(data, "keys", "")
    bindings = tuple((action, reader.str_(keys_t, action, "keys", "")) for action in keys_t)
    for action, keys in bindings:
        if not keys.strip():
            raise ConfigError(f'{path}: keys.{action} must name at least one key, like "j,down"')
    ui = UiConfig(
        theme=reader.str_(ui_t, "theme", "ui", ""),
        auto_refresh_minutes=reader.num(ui_t, "auto_refresh_minutes", "ui", 0.0),
        keys=bindings,
    )
    digest_t = reader.table(data, "digest", "")
    reader.keys(digest_t, "digest", {"window_hours"})
    window = reader.num(digest_t, "window_hours", "digest", 48.0)
    if not 1 <= window <= 24 * 365:
        raise ConfigError(
            f"{path}: digest.window_hours must be between 1 and 8760 (got {window:g})"
        )
    return Config(
        path=path,
        feeds=feeds,
        page_folders=folders,
        fetch=fetch,
        summary=summary,
        ui=ui,
        digest=DigestConfig(window_hours=window),
    )


def _feed(reader: _Reader, item: Mapping[str, Any], where: str) -> FeedConfig:
    reader.keys(item, where, {"url", "title", "folder", "tags", "full_text", "priority"})
    url = reader.str_(item, "url", where, "")
    if not url:
        raise ConfigError(f"{reader.path}: {where}.url is missing (every feed needs a url)")
    if not url.startswith(("http://", "https://")):
        raise ConfigError(
            f"{reader.path}: {where}.url must start with http:// or https:// (got {url!r})"
        )
    full_text = reader.str_(item, "full_text", where, "auto")
    if full_text not in FULL_TEXT_MODES:
        raise ConfigError(
            f"{reader.path}: {where}.full_text must be one of auto, always, never (got {full_text!r})"
        )
    return FeedConfig(
        url=url,
        title=reader.str_(item, "title", where, ""),
        folder=reader.str_(item, "folder", where, ""),
        tags=tuple(reader.str_list(item, "tags", where, default=[])),
        full_text=full_text,
        priority=reader.int_(item, "priority", where, 0, -100, 100),
    )


class _Reader:
    """Typed access to TOML tables that raises ConfigError naming the file and the key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _fail(self, where: str, key: str, what: str) -> ConfigError:
        name = f"{where}.{key}" if where else key
        return ConfigError(f"{self.path}: {name} {what}")

    def keys(self, table: Mapping[str, Any], where: str, allowed: set[str]) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                place = f"[{where}]" if where else "the top level"
                raise ConfigError(f"{self.path}: unknown key {key!r} in {place}{hint}")

    def table(self, data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise self._fail(where, key, f"must be a table, like [{key}]")
        return value

    def table_list(self, data: Mapping[str, Any], key: str, where: str) -> list[Mapping[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self._fail(where, key, f"must be a list of tables, like [[{key}]]")
        return value

    def str_(self, data: Mapping[str, Any], key: str, where: str, default: str) -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            raise self._fail(where, key, f"must be a string (got {_type(value)})")
        return value

    def str_list(
        self, data: Mapping[str, Any], key: str, where: str, default: list[str]
    ) -> list[str]:
        value = data.get(key, default)
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._fail(where, key, "must be a list of strings")
        return value

    def int_(
        self, data: Mapping[str, Any], key: str, where: str, default: int, lo: int, hi: int
    ) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(where, key, f"must be a whole number (got {_type(value)})")
        if not lo <= value <= hi:
            raise self._fail(where, key, f"must be between {lo} and {hi} (got {value})")
        return value

    def num(self, data: Mapping[str, Any], key: str, where: str, default: float) -> float:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._fail(where, key, f"must be a number (got {_type(value)})")
        if value < 0:
            raise self._fail(where, key, f"must not be negative (got {value})")
        return float(value)


def _type(value: object) -> str:
    return {
        str: "a string",
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)
