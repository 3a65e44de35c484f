"""Fixtures for the fault suite: a loopback server, the good feeds every faulty refresh carries
beside the fault, and a record of the time and memory each fault case took (printed at the end
of the run; docs/reliability.md quotes it). Cases measured with tracemalloc report their peak;
the longest and most memory are taken over those."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.httpserver import LocalServer


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    with LocalServer() as server:
        yield server


@dataclass(frozen=True)
class Measure:
    case: str
    seconds: float
    peak_bytes: int
    note: str = ""


MEASURES: list[Measure] = []


@pytest.fixture
def record() -> type[MeasureLog]:
    return MeasureLog


class MeasureLog:
    @staticmethod
    def add(case: str, seconds: float, peak_bytes: int = 0, note: str = "") -> None:
        MEASURES.append(Measure(case, seconds, peak_bytes, note))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not MEASURES:
        return
    faults = [m for m in MEASURES if m.peak_bytes] or MEASURES
    slowest = max(faults, key=lambda m: m.seconds)
    biggest = max(faults, key=lambda m: m.peak_bytes)
    write = terminalreporter.write_line
    terminalreporter.section("fault cases: time and memory")
    for m in sorted(MEASURES, key=lambda m: m.case):
        memory = f"{m.peak_bytes / 2**20:8.1f} MiB" if m.peak_bytes else " " * 12
        write(f"{m.case:48} {m.seconds:7.2f} s {memory} {m.note}".rstrip())
    write(f"longest fault case: {slowest.case} ({slowest.seconds:.2f} s)")
    write(f"most memory: {biggest.case} ({biggest.peak_bytes / 2**20:.1f} MiB traced)")
