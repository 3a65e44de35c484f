"""The fork server that a refresh's worker processes come from (see digest.refresh).

Kept apart from the refresh, with nothing heavier than the standard library, so the ``digest
refresh`` command can start the server before it imports the HTTP client: the server's own
start (a fresh interpreter importing the parsers, and numpy when the workers summarize) then
overlaps the command's imports and first fetches. It never forks this process and never touches
the store.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Sequence
from multiprocessing.context import ForkServerContext

from digest.models import Feed

__all__ = [
    "APP_WORKER_NICE",
    "PROCESS_MIN_FEEDS",
    "context",
    "expects_bodies",
    "preload",
    "start_fork_server",
    "start_quiet_fork_server",
]

PROCESS_MIN_FEEDS = 5
"""A refresh of fewer feeds parses in threads: starting processes would cost it more."""

APP_WORKER_NICE = 10
"""How much lower the priority of an app's worker processes is (see ``os.nice``)."""


def expects_bodies(feeds: Sequence[Feed]) -> bool:
    """Whether a refresh of ``feeds`` will have bodies to parse early on: some feed has no
    validators (ETag, Last-Modified) and cannot be answered 304, and there are enough feeds
    for worker processes (:data:`PROCESS_MIN_FEEDS`)."""
    return len(feeds) >= PROCESS_MIN_FEEDS and any(not (f.etag or f.last_modified) for f in feeds)


def preload(summarize: bool) -> list[str]:
    """What the fork server imports once, so no worker imports it again (numpy only when the
    workers summarize). digest.workerinit comes first: it sets the workers' environment."""
    parsers = ["digest.ingest", "digest.parse", "digest.teaser"]
    return ["digest.workerinit", *parsers] + (["digest.summaries", "numpy"] if summarize else [])


def context(summarize: bool, *, imports: bool = True) -> ForkServerContext:
    """The fork-server context, with the server's imports chosen (they count only until the
    server has started: one server serves a process for its whole life). Without ``imports``
    the server only sets up the workers' environment, and each worker imports what its jobs
    need."""
    forkserver = multiprocessing.get_context("forkserver")
    forkserver.set_forkserver_preload(preload(summarize) if imports else ["digest.workerinit"])
    return forkserver


def start_fork_server(summarize: bool) -> threading.Thread:
    """Start the fork server on a thread and return at once.

    A server that cannot start (no usable stderr to hand it, say) is left alone here: the
    refresh meets the same error when it asks for its workers, and parses in threads instead.
    """

    def start() -> None:
        from multiprocessing import forkserver

        context(summarize)
        try:
            forkserver.ensure_running()
        except (OSError, ValueError, RuntimeError):
            pass

    thread = threading.Thread(target=start, name="digest-forkserver", daemon=True)
    thread.start()
    return thread


def start_quiet_fork_server(summarize: bool) -> bool:
    """Start the fork server now, with /dev/null as its stderr (and so its workers'), for a
    process about to hand its terminal to a full-screen app; returns whether it started.

    Inside Textual the server could not start later: Textual's stand-in for stderr has no file
    descriptor to hand to multiprocessing's resource tracker. Started here, before the app runs,
    the server (and the tracker) keep working for the app's whole life, and nothing they might
    print can reach the app's screen. The server imports nothing heavy (the app's start-up
    would share the CPU with it): the workers import the parsers at their first refresh.
    """
    from multiprocessing import forkserver

    context(summarize, imports=False)
    sys.stderr.flush()
    saved = os.dup(2)
    # Read by digest.workerinit in the server: the app's interface comes first on the CPU
    # (its start-up too, while the server imports the parsers on the other core).
    os.environ["DIGEST_WORKER_NICE"] = str(APP_WORKER_NICE)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            forkserver.ensure_running()
    except (OSError, ValueError, RuntimeError):
        return False
    finally:
        os.environ.pop("DIGEST_WORKER_NICE", None)
        os.dup2(saved, 2)
        os.close(saved)
    return True
