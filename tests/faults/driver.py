"""A process for the crash tests to kill: runs one `digest` command over and over, in-process
(``digest.cli.main``, the same code the installed command runs), and reports each one finished.

Usage (``DIGEST_HOME`` and ``DIGEST_CONFIG`` in the environment)::

    python -m tests.faults.driver refresh          digest refresh, forever
    python -m tests.faults.driver build OUTPUT     digest build --since 72h --output OUTPUT, forever
    python -m tests.faults.driver mark SEED        digest mark ID --read/--unread/--star/--unstar
                                                   on random stored articles, forever

Protocol lines on stdout start with ``@`` and are flushed at once: ``@ready`` after the imports,
then ``@done CODE`` after every command (for ``mark``, ``@try ID FLAG`` before it). A line is
printed only after the command returned, so a reported command had committed its writes. The
commands' own output is line-buffered too (a refresh's "ok ..." line follows a feed's commit).
"""

from __future__ import annotations

import random
import sys

from digest.cli import main
from digest.config import data_dir
from digest.store import ArticleQuery, Store

MARK_FLAGS = ("read", "unread", "star", "unstar")


def say(line: str) -> None:
    sys.stdout.write(f"\n{line}\n")
    sys.stdout.flush()


def run(argv: list[str]) -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # each line at once
    mode = argv[0]
    if mode == "mark":
        rng = random.Random(int(argv[1]))
        with Store.open_default(data_dir()) as store:
            ids = [a.id for a in store.articles(ArticleQuery(limit=100_000))]
        say("@ready")
        while True:
            article, flag = rng.choice(ids), rng.choice(MARK_FLAGS)
            say(f"@try {article} {flag}")
            say(f"@done {main(['mark', str(article), f'--{flag}'])}")
    command = {
        "refresh": ["refresh"],
        "build": ["build", "--since", "72h", "--format", "html", "--output", argv[-1]],
    }[mode]
    say("@ready")
    while True:
        say(f"@done {main(command)}")


if __name__ == "__main__":
    run(sys.argv[1:])
