"""Fixtures for the fault suite: a loopback server, the good feeds every faulty refresh carries
beside the fault, and a record of the time and memory each fault case took (printed at the end
of the run; docs/reliability.md quotes it)."""

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


MEASURES: list[Measure] = []


@pytest.fixture
def record() -> type[MeasureLog]:
    return MeasureLog


class MeasureLog:
    @staticmethod
    def add(case: str, seconds: float, peak_bytes: int = 0) -> None:
        MEASURES.append(Measure(case, seconds, peak_bytes))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not MEASURES:
        return
    slowest = max(MEASURES, key=lambda m: m.seconds)
    biggest = max(MEASURES, key=lambda m: m.peak_bytes)
    write = terminalreporter.write_line
    terminalreporter.section("fault cases: time and memory")
    for m in sorted(MEASURES, key=lambda m: m.case):
        write(f"{m.case:48} {m.seconds:7.2f} s {m.peak_bytes / 2**20:8.1f} MiB")
    write(f"longest: {slowest.case} ({slowest.seconds:.2f} s)")
    write(f"most memory: {biggest.case} ({biggest.peak_bytes / 2**20:.1f} MiB traced)")
