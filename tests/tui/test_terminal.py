"""The real ``digest`` command on a real pseudo-terminal: it opens the app, and q quits cleanly.

No Pilot here: the installed entry point runs in a subprocess whose stdin/stdout are a pty of
100x30, with DIGEST_HOME in tmp and no config (so it opens on the samples).
"""

from __future__ import annotations

import fcntl
import os
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest


def digest_command() -> str:
    found = Path(sys.executable).with_name("digest")
    if found.exists():
        return str(found)
    on_path = shutil.which("digest")
    if on_path is None:
        pytest.skip("the digest command is not installed (pip install -e .)")
    return on_path


def read_until(fd: int, wanted: bytes, timeout: float) -> bytes:
    """Read the pty until ``wanted`` appears (or the time is up); returns everything read."""
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and wanted not in seen:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def open_app_on_pty(
    env: dict[str, str], rows: int, columns: int
) -> tuple[subprocess.Popen[bytes], int]:
    """Start the installed ``digest`` (the app) on a new pseudo-terminal of ``columns`` x
    ``rows``; returns the process and the terminal's leader end, to read and type on."""
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    process = subprocess.Popen(
        [digest_command()],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        start_new_session=True,
    )
    os.close(follower)
    return process, leader


def test_digest_opens_the_app_and_q_quits(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DIGEST_HOME": str(tmp_path / "home"),
        "DIGEST_CONFIG": str(tmp_path / "none.toml"),
        "TERM": "xterm-256color",
        "COLUMNS": "100",
        "LINES": "30",
    }
    process, leader = open_app_on_pty(env, 30, 100)
    try:
        screen = read_until(leader, b"Today", timeout=20)  # the stories pane's title
        if b"Next" not in screen:  # the footer, maybe later in the same frame
            screen += read_until(leader, b"Next", timeout=5)
        assert b"Today" in screen and b"Next" in screen, screen[-2000:]
        screen += read_until(leader, b"\x00never", timeout=0.5)  # let the first load settle
        os.write(leader, b"q")
        # Keep draining the pty while waiting: a full pty buffer would block the app's writes.
        rest = b""
        deadline = time.monotonic() + 15
        while process.poll() is None and time.monotonic() < deadline:
            rest += read_until(leader, b"\x00never", timeout=0.1)
        code = process.wait(timeout=1)
        assert code == 0, rest[-2000:]
        assert b"\x1b[?1049l" in rest, "the terminal's main screen was not restored"
        assert b"Traceback" not in screen + rest
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(leader)
    db = tmp_path / "home" / "digest.sqlite3"
    assert db.exists()
