"""Fixtures for the app's tests: stores with known content, a fixed clock, and an app factory.

Every store is built in the test's tmp folder (the autouse fixture in tests/conftest.py already
keeps the user's config and data out). The clock is fixed so relative times and "Today" do not
depend on when the tests run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot

from digest.config import Config
from digest.models import Entry
from digest.refresh import load_samples
from digest.store import Store
from tui.app import DigestApp

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

HOSTILE_TITLES = (
    "[/]",
    "[@click=app.quit]x[/]",
    "[link=http://evil]x[/link]",
    "Title with \x1b]0;PWN\x07 an OSC",
    "Clear \x1b[2J the screen",
)


def entry(i: int, *, title: str = "", hours: float = 1, text: str = "", link: str = "") -> Entry:
    """An article written for these tests."""
    body = text or (
        f"Story {i} opens with a plain first sentence about the harbour ferry. "
        f"The council met on Tuesday to discuss item {i} of the timetable. "
        "Residents asked for later boats in the summer months.\n\n"
        "A second paragraph adds detail about fares, crews and the new pier. "
        "The vote is expected next week."
    )
    return Entry(
        title=title or f"Test story {i}",
        link=link or f"https://news.example/story/{i}",
        guid=f"test-{i}",
        author="Test Writer",
        published=NOW - timedelta(hours=hours),
        text=body,
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def sample_home(home: Path) -> Path:
    """A data dir holding the bundled samples, dated around NOW."""
    with Store.open_default(home) as store:
        load_samples(store, now=NOW)
    return home


@pytest.fixture
def feeds_home(home: Path) -> Path:
    """Two feeds in a folder and one with a tag, 5 stories each; one feed failed to refresh."""
    with Store.open_default(home) as store:
        harbour = store.add_feed(
            "https://harbour.example/feed", title="Harbour News", folder="Local"
        )
        valley = store.add_feed(
            "https://valley.example/feed", title="Valley Times", folder="Local", tags=["science"]
        )
        broken = store.add_feed("https://broken.example/feed", title="Broken Feed")
        store.upsert_entries(harbour.id, [entry(i, hours=i + 1) for i in range(5)], now=NOW)
        store.upsert_entries(valley.id, [entry(10 + i, hours=i + 1.5) for i in range(5)], now=NOW)
        store.record_fetch(broken.id, when=NOW, error="HTTP 404 Not Found")
    return home


@pytest.fixture
def hostile_home(home: Path) -> Path:
    """A feed whose title and stories are hostile text, stored raw (bypassing the parser)."""
    with Store.open_default(home) as store:
        feed = store.add_feed(
            "https://hostile.example/feed", title="[@click=app.quit]Evil[/] \x1b[2J"
        )
        entries = [
            entry(
                i,
                title=title,
                hours=i + 1,
                text=f"{title} in the text, \x1b[31mred\x1b[0m and \u202eright-to-left\u202c.",
                link="javascript:alert(1)" if i == 0 else "-https://evil.example/",
            )
            for i, title in enumerate(HOSTILE_TITLES)
        ]
        store.upsert_entries(feed.id, entries, now=NOW)
    return home


class Opened(list[str]):
    """Links the app asked the browser to open."""

    def __call__(self, url: str) -> bool:
        self.append(url)
        return True


AppFactory = Callable[..., DigestApp]


@pytest.fixture
def opened() -> Opened:
    return Opened()


@pytest.fixture
def make_app(opened: Opened) -> AppFactory:
    def make(
        home: Path, config: Config | None = None, clock: Callable[[], datetime] | None = None
    ) -> DigestApp:
        return DigestApp(config or Config(), home, clock=clock or (lambda: NOW), open_link=opened)

    return make


async def settle(pilot: Pilot[object], rounds: int = 1) -> None:
    """Let workers finish and their messages land, and pending writes reach the store."""
    from tui.screens.main import MainScreen

    app = pilot.app
    assert isinstance(app, DigestApp)
    for _ in range(rounds):
        for _ in range(400):
            # pause(delay) waits for the screen's pending events; pause() would also wait for
            # the CPU to idle, which a summarizing worker thread keeps it from doing.
            await pilot.pause(0.01)
            await app.workers.wait_for_complete()
            await pilot.pause(0.01)
            screens = [s for s in app.screen_stack if isinstance(s, MainScreen)]
            if any(s.busy for s in screens) or any(w.is_running for w in app.workers):
                await asyncio.sleep(0.02)
                continue
            break
    app.writer.flush()
    await pilot.pause(0.01)


def store_of(home: Path) -> Store:
    return Store.open_default(home)
