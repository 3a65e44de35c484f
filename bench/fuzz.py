"""The long runs of the reliability suite: fuzzing, every network fault in a process of its own,
and many more kill -9s than ``make test`` can afford.

    python bench/fuzz.py                      # all three, at the default sizes below
    python bench/fuzz.py --examples 5000      # hypothesis examples per fuzz test (x its weight)
    python bench/fuzz.py --only fuzz|faults|kills
    python bench/fuzz.py --kills 100          # kill -9s per loop (refresh, build, marks)

``fuzz`` runs ``tests/fuzz`` under pytest with ``DIGEST_FUZZ_EXAMPLES`` raised (the same
properties ``make test`` runs with 25). ``faults`` runs `digest refresh` as the installed command,
once per network fault of ``tests/faults/test_network.py`` (each beside two good feeds, each with
a loopback server of its own) and reports its wall time, the peak resident memory of the process
and its children (``ru_maxrss`` from ``wait4``: C allocations such as zlib's and libxml2's
included, which the tests' tracemalloc does not see) and the one-line reason. ``kills`` runs the
kill -9 loops of ``tests/faults/test_crash.py`` with ``--kills`` kills each. It prints what it
found; docs/reliability.md quotes it. It never touches the network beyond 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.faults import test_crash  # noqa: E402
from tests.faults.test_network import CONFIG, FAULTS, good_urls  # noqa: E402
from tests.httpserver import LocalServer  # noqa: E402

DIGEST = Path(sys.executable).with_name("digest")


def wait_with_usage(process: subprocess.Popen[bytes]) -> tuple[int, float]:
    """Exit code and peak RSS (MiB) of the process and the children it waited for."""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_maxrss / 1024


def run_fuzz(examples: int) -> None:
    env = dict(os.environ, DIGEST_FUZZ_EXAMPLES=str(examples))
    command = [sys.executable, "-m", "pytest", "tests/fuzz", "-p", "no:cacheprovider"]
    started = time.monotonic()
    process = subprocess.Popen(
        [*command, "--durations=0"], cwd=ROOT, env=env, stdout=subprocess.PIPE
    )
    assert process.stdout is not None
    out = process.stdout.read().decode()
    code, peak = wait_with_usage(process)
    elapsed = time.monotonic() - started
    print(f"## fuzz: {examples} examples per unit of weight")
    for line in out.splitlines():
        if " call " in line or "passed" in line or "failed" in line or line.startswith("E "):
            print("  " + line)
    print(f"  exit {code}, {elapsed:.1f} s, peak RSS {peak:.0f} MiB\n")


def run_faults() -> None:
    print("## every network fault: `digest refresh` beside two good feeds, a process each")
    print(f"  {'fault':24} {'exit':>4} {'seconds':>8} {'peak RSS':>9}  reason")
    worst_time = worst_memory = ("", 0.0)
    cases = [("(no fault)", None), *((fault.name, fault) for fault in FAULTS)]
    for name, fault in cases:
        with LocalServer() as server, tempfile.TemporaryDirectory() as folder:
            home = Path(folder)
            urls = good_urls(server)
            if fault is not None:
                urls.insert(1, fault.serve(server, "/fault.xml"))
            config = home / "config.toml"
            config.write_text(CONFIG + "".join(f'[[feeds]]\nurl = "{u}"\n' for u in urls))
            env = dict(os.environ, DIGEST_HOME=str(home / "home"), DIGEST_CONFIG=str(config))
            started = time.monotonic()
            process = subprocess.Popen(
                [str(DIGEST), "refresh"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            assert process.stdout is not None and process.stderr is not None
            out = process.stdout.read()
            err = process.stderr.read()
            code, peak = wait_with_usage(process)
            elapsed = time.monotonic() - started
        failed = [line for line in out.decode().splitlines() if line.startswith("failed")]
        reason = failed[0].split(": ", 1)[-1] if failed else "-"
        if b"Traceback" in err:
            reason += "  (TRACEBACK on stderr)"
        print(f"  {name:24} {code:>4} {elapsed:8.2f} {peak:7.0f} MiB  {reason}")
        if fault is not None:
            worst_time = max(worst_time, (name, elapsed), key=lambda pair: pair[1])
            worst_memory = max(worst_memory, (name, peak), key=lambda pair: pair[1])
    print(f"  longest: {worst_time[0]} ({worst_time[1]:.2f} s)")
    print(f"  most memory: {worst_memory[0]} ({worst_memory[1]:.0f} MiB peak RSS)\n")


def run_kills(kills: int, seed: int) -> None:
    test_crash.KILLS.update(refresh=kills, build=kills, mark=kills)
    rng = random.Random(seed)
    print(f"## kill -9: {kills} per loop, seed {seed}")
    with tempfile.TemporaryDirectory() as folder, LocalServer() as server:
        tmp = Path(folder)
        loops: list[tuple[str, Callable[[], str]]] = [
            ("refresh", partial(test_crash.refresh_kills, server, tmp, rng)),
            ("build", partial(test_crash.build_kills, tmp, rng)),
            ("marks", partial(test_crash.mark_kills, tmp, rng)),
        ]
        for name, loop in loops:
            started = time.monotonic()
            outcome = loop()
            print(
                f"  {name:8} {kills} kills survived in {time.monotonic() - started:.0f} s: {outcome}"
            )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=random.randrange(1, 10**9))
    parser.add_argument("--only", choices=("fuzz", "faults", "kills"))
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores\n")
    if args.only in (None, "fuzz"):
        run_fuzz(args.examples)
    if args.only in (None, "faults"):
        run_faults()
    if args.only in (None, "kills"):
        run_kills(args.kills, args.seed)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"bench process peak RSS {usage.ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
