"""Fixtures for the engine's tests: a real HTTP server on 127.0.0.1 (see tests/httpserver.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.httpserver import LocalServer


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    """A fresh loopback HTTP server for one test, stopped (and its scripted waits ended) after it."""
    with LocalServer() as server:
        yield server
