"""SVG snapshots of the app's main states (pytest-textual-snapshot).

Each snapshot runs the real app on a store built here with a fixed clock, waits until every
worker is done, then compares the screen with ``__snapshots__/``. Create or update them with
``pytest tests/tui --snapshot-update`` and look at the SVGs before accepting them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from digest.config import Config
from tests.tui.conftest import AppFactory, settle
from tui.screens.main import MainScreen

SnapCompare = Callable[..., bool]


def prepare(*keys: str, source: str | None = None) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Wait for the first view, optionally switch source, press keys, wait again."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        if source is not None:
            screen = pilot.app.screen
            assert isinstance(screen, MainScreen)
            chosen = screen.sources.source(source)
            assert chosen is not None
            screen.show_source(chosen)
            await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        # The key bar follows focus and the highlighted story: let its last redraw land.
        await pilot.pause(0.1)
        await settle(pilot)

    return run


def snap(
    snap_compare: SnapCompare,
    app: object,
    size: tuple[int, int],
    keys: Sequence[str] = (),
    source: str | None = None,
) -> bool:
    return snap_compare(app, terminal_size=size, run_before=prepare(*keys, source=source))


def test_sample_content(snap_compare: SnapCompare, sample_home: Path, make_app: AppFactory) -> None:
    assert snap(snap_compare, make_app(sample_home), (200, 60))


def test_small_terminal(snap_compare: SnapCompare, sample_home: Path, make_app: AppFactory) -> None:
    assert snap(snap_compare, make_app(sample_home), (80, 24))


def test_small_terminal_reader(
    snap_compare: SnapCompare, sample_home: Path, make_app: AppFactory
) -> None:
    assert snap(snap_compare, make_app(sample_home), (80, 24), keys=["j", "enter"])


def test_reader_with_related_stories(
    snap_compare: SnapCompare, sample_home: Path, make_app: AppFactory
) -> None:
    assert snap(
        snap_compare, make_app(sample_home), (160, 45), keys=["j", "enter", "G"], source="feed:5"
    )


def test_help(snap_compare: SnapCompare, sample_home: Path, make_app: AppFactory) -> None:
    assert snap(snap_compare, make_app(sample_home), (120, 40), keys=["question_mark"])


def test_search_results(snap_compare: SnapCompare, sample_home: Path, make_app: AppFactory) -> None:
    async def search(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("slash")
        pilot.app.screen.query_one(Input).value = "fireball"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause(0.05)

    assert snap_compare(make_app(sample_home), terminal_size=(160, 45), run_before=search)


def test_failed_feed(snap_compare: SnapCompare, feeds_home: Path, make_app: AppFactory) -> None:
    app = make_app(feeds_home, Config(path=feeds_home / "config.toml"))
    assert snap(snap_compare, app, (160, 45), source="feed:3")


def test_hostile_feed(snap_compare: SnapCompare, hostile_home: Path, make_app: AppFactory) -> None:
    app = make_app(hostile_home, Config(path=hostile_home / "config.toml"))
    assert snap(snap_compare, app, (160, 45), keys=["j", "j", "enter"])
