"""Fixtures for the hostile-input suite: a loopback server that serves every hostile feed beside
two ordinary ones, a local secret file that external entities point at, and helpers that run
`digest` (in-process and as the installed command, on a pipe or a pseudo-terminal)."""

from __future__ import annotations

import fcntl
import json
import os
import select
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from digest.cli import main
from tests.hostile.documents import (
    LEAK_PATH,
    SECRET_MARKER,
    Hostile,
    good_feed,
    hostile_feeds,
)
from tests.httpserver import LocalServer

DIGEST = Path(sys.executable).with_name("digest")
GOOD = ("alpha", "bravo")


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    with LocalServer() as server:
        yield server


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET_MARKER + "\n")
    return path


@dataclass
class Site:
    """The test server with the good and hostile feeds registered."""

    server: LocalServer
    cases: dict[str, Hostile]

    def good_url(self, name: str) -> str:
        return self.server.url(f"/good/{name}.xml")

    def url(self, case: Hostile) -> str:
        return self.server.url(case.path)

    def leak_hits(self) -> int:
        return self.server.hits(LEAK_PATH)


@pytest.fixture
def site(http_server: LocalServer, secret: Path) -> Site:
    for name in GOOD:
        http_server.add(f"/good/{name}.xml", good_feed(name))
    http_server.add(LEAK_PATH, SECRET_MARKER.encode(), content_type="text/plain")
    cases = hostile_feeds(secret, http_server.url(""))
    for case in cases:
        http_server.add(case.path, case.body, content_type=case.content_type)
        for path, (body, content_type) in case.pages.items():
            http_server.add(path, body, content_type=content_type)
    return Site(http_server, {case.name: case for case in cases})


def write_config(path: Path, feeds: Sequence[tuple[str, str]]) -> Path:
    """A config listing ``(url, full_text)`` feeds, with short timeouts."""
    lines = ["[fetch]", "connect_timeout = 2", "read_timeout = 3", "total_timeout = 5", ""]
    for url, full_text in feeds:
        lines += ["[[feeds]]", f"url = {json.dumps(url)}", f'full_text = "{full_text}"', ""]
    path.write_text("\n".join(lines))
    return path


@dataclass
class Ran:
    code: int
    out: str
    err: str


def run_main(args: Sequence[str], capsys: pytest.CaptureFixture[str]) -> Ran:
    """``digest ARGS`` in this process; stdout and stderr as the user would see them."""
    code = main(list(args))
    captured = capsys.readouterr()
    return Ran(code, captured.out, captured.err)


def command_env(home: Path, config: Path) -> dict[str, str]:
    return dict(
        os.environ,
        DIGEST_HOME=str(home),
        DIGEST_CONFIG=str(config),
        COLUMNS="200",
        LINES="50",
        TERM="xterm-256color",
    )


def run_command(args: Sequence[str], env: dict[str, str], timeout: float = 60) -> Ran:
    """The installed ``digest`` on pipes."""
    done = subprocess.run(
        [str(DIGEST), *args], capture_output=True, env=env, timeout=timeout, check=False
    )
    return Ran(
        done.returncode,
        done.stdout.decode("utf-8", "surrogateescape"),
        done.stderr.decode("utf-8", "surrogateescape"),
    )


def run_on_terminal(args: Sequence[str], env: dict[str, str], timeout: float = 60) -> Ran:
    """The installed ``digest`` with stdout and stderr on a 200x50 pseudo-terminal: what a
    terminal would receive, byte for byte (decoded with surrogateescape, so nothing is lost)."""
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    process = subprocess.Popen(
        [str(DIGEST), *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env=env,
        start_new_session=True,
    )
    os.close(follower)
    seen = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # EIO: every writer closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
            elif process.poll() is not None:
                break
        code = process.wait(timeout=max(0.1, deadline - time.monotonic()))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(leader)
    text = bytes(seen).decode("utf-8", "surrogateescape").replace("\r\n", "\n")
    return Ran(code, text, "")


def store_bytes(home: Path) -> bytes:
    """Everything the store holds on disk (the database and its write-ahead log)."""
    return b"".join(p.read_bytes() for p in sorted(home.glob("digest.sqlite3*")) if p.is_file())


def json_strings(value: object) -> Iterator[str]:
    """Every string (keys included) in a decoded JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item)
