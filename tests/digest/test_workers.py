"""The fork server the refresh's worker processes come from."""

from __future__ import annotations

import threading

import pytest

from digest.workers import preload, start_fork_server, start_quiet_fork_server


def test_the_server_imports_the_worker_set_up_first_and_numpy_only_to_summarize() -> None:
    assert preload(False)[0] == "digest.workerinit" and "numpy" not in preload(False)
    assert preload(True)[0] == "digest.workerinit" and "numpy" in preload(True)


def test_a_server_that_cannot_start_is_left_to_the_refresh(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Starting early never raises: the refresh meets the same error later and uses threads."""
    from multiprocessing import forkserver

    def no_server() -> None:
        raise ValueError("bad value(s) in fds_to_keep")

    monkeypatch.setattr(forkserver, "ensure_running", no_server)
    raised: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: raised.append(args.exc_value))
    thread = start_fork_server(True)
    thread.join(timeout=30)
    assert not thread.is_alive() and raised == []


def test_a_quiet_start_gives_stderr_back() -> None:
    """The server gets /dev/null as its stderr; this process keeps its own."""
    import os

    before = os.fstat(2)
    assert start_quiet_fork_server(False)
    after = os.fstat(2)
    assert (before.st_dev, before.st_ino) == (after.st_dev, after.st_ino)


def test_an_apps_workers_yield_the_cpu_to_its_interface() -> None:
    """A quiet start (an app's) lowers the workers' priority; `digest refresh`'s keeps it."""
    import subprocess
    import sys

    script = (
        "import os, sys\n"
        "from digest import workers\n"
        "from digest.refresh import _worker_pool\n"
        "if sys.argv[1] == 'quiet':\n"
        "    assert workers.start_quiet_fork_server(False)\n"
        "else:\n"
        "    workers.start_fork_server(False).join()\n"
        "pool = _worker_pool(1)\n"
        "print(pool.submit(os.nice, 0).result() - os.nice(0))\n"
        "pool.shutdown()\n"
    )
    from digest.workers import APP_WORKER_NICE

    for mode, expected in (("quiet", str(APP_WORKER_NICE)), ("cli", "0")):
        done = subprocess.run(
            [sys.executable, "-c", script, mode], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == expected


def test_bodies_are_expected_from_enough_feeds_when_one_has_no_validators() -> None:
    """The rule digest refresh starts its fork server by, and the refresh its workers."""
    from digest.models import Feed
    from digest.workers import PROCESS_MIN_FEEDS, expects_bodies

    known = [Feed(id=n, url=f"https://x.example/{n}", etag=f'"{n}"') for n in range(6)]
    assert not expects_bodies(known)
    fresh = [*known[:-1], Feed(id=9, url="https://x.example/new")]
    assert expects_bodies(fresh)
    assert not expects_bodies(fresh[-(PROCESS_MIN_FEEDS - 1) :])
