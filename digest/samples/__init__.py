"""The sample content shipped inside the package, so a first run without any config shows a digest.

Four feeds (RSS 2.0, Atom 1.0, RSS 1.0/RDF, JSON Feed 1.1) from invented publications and two
saved pages (a browser-saved HTML article and an aggregator page saved as text), all original and
fictional, dated 2026-11-24..27 around :data:`BASE_DATE`. This module only locates the files
through :mod:`importlib.resources`, so it works from a wheel, a zip or a source checkout; it never
reads, parses or re-dates them (the loader does that, and may shift dates relative to
:data:`BASE_DATE`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib.resources import files
from importlib.resources.abc import Traversable

BASE_DATE = datetime(2026, 11, 26, tzinfo=UTC)
"""The "today" the sample dates were written around; a loader may re-base dates from it."""

FEED_SUFFIXES = (".xml", ".atom", ".rdf", ".json")
"""File endings of the bundled feeds."""

PAGE_SUFFIXES = (".html", ".txt")
"""File endings of the bundled saved pages."""


def _files_in(folder: str, suffixes: tuple[str, ...]) -> list[Traversable]:
    """The files in one samples sub-folder whose names end with one of ``suffixes``, by name."""
    root = files(__name__).joinpath(folder)
    found = [item for item in root.iterdir() if item.is_file() and item.name.endswith(suffixes)]
    return sorted(found, key=lambda item: item.name)


def feed_files() -> list[Traversable]:
    """The bundled feed files (``feeds/*``), sorted by name; read them with ``read_bytes()``."""
    return _files_in("feeds", FEED_SUFFIXES)


def page_files() -> list[Traversable]:
    """The bundled saved pages (``pages/*``), sorted by name; read them with ``read_bytes()``."""
    return _files_in("pages", PAGE_SUFFIXES)


def sample_files() -> list[Traversable]:
    """Every bundled sample: the feeds, then the saved pages."""
    return feed_files() + page_files()
