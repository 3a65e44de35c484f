"""The app's digest view: Today is the day's stories grouped and ranked, ``[``/``]`` change day,
and other lists are grouped into stories too.

The store is written here: two sources cover one event in their own words, a wire service's copy
of one of them runs in a third feed, one unrelated story runs the same day and one the day before.
The clock is noon (local time) so the articles' local day does not depend on the machine's zone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot

from digest.config import Config, UiConfig
from digest.models import Entry
from digest.store import Store
from tests.tui.conftest import NOW, AppFactory, settle
from tui.app import DigestApp
from tui.library import local_day
from tui.screens.main import MainScreen

CLOCK = datetime.combine(NOW.date(), time(12)).astimezone()

STRIKE_HARBOUR = (
    "Ferry crews walked out at dawn on Thursday, halting every crossing between the harbour "
    "and the islands. The ferry union says the strike over night shifts and crew rest will "
    "last two days. Commuters queued at the harbour terminal while the operator arranged "
    "replacement buses along the coast road. Island schools closed early because teachers "
    "could not cross, and the harbour master warned that freight would pile up on the pier."
)
STRIKE_VALLEY = (
    "The ferry strike stranded island commuters on Thursday as crews stopped every crossing "
    "from the harbour. Union leaders said the ferry crews want safer night shifts and longer "
    "rest. The operator called the strike regrettable and ran buses on the coast road, while "
    "island schools sent pupils home early and freight waited on the harbour pier."
)
LIBRARY = (
    "The town library reopened its reading room after a year of repairs to the roof. "
    "Volunteers carried back four thousand books, and the children's corner now has a puppet "
    "theatre. The librarian thanked the donors who paid for the new windows and shelves."
)
MUSEUM = (
    "The railway museum unveiled a restored steam engine built a century ago in the valley "
    "works. Engineers spent three winters rebuilding the boiler and wheels, and the engine "
    "will pull a short heritage train along the old branch line every summer weekend."
)


def story(guid: str, title: str, text: str, when: datetime) -> Entry:
    return Entry(
        title=title,
        link=f"https://news.example/{guid}",
        guid=guid,
        author="",
        published=when,
        text=text,
    )


def make_store(home: Path) -> None:
    """Three feeds: the strike twice in its own words (plus a wire copy), a library, a museum."""
    with Store.open_default(home) as store:
        harbour = store.add_feed(
            "https://harbour.example/feed", title="Harbour News", folder="Local"
        )
        valley = store.add_feed("https://valley.example/feed", title="Valley Times", folder="Local")
        wire = store.add_feed("https://wire.example/feed", title="Coast Wire")
        store.upsert_entries(
            harbour.id,
            [
                story(
                    "h1",
                    "Ferry strike halts harbour crossings",
                    STRIKE_HARBOUR,
                    CLOCK - timedelta(hours=3),
                )
            ],
            now=CLOCK,
        )
        store.upsert_entries(
            wire.id,
            [
                story(
                    "w1",
                    "Ferry strike halts harbour crossings",
                    STRIKE_HARBOUR,
                    CLOCK - timedelta(hours=2),
                )
            ],
            now=CLOCK,
        )
        store.upsert_entries(
            valley.id,
            [
                story(
                    "v1",
                    "Island commuters stranded by ferry strike",
                    STRIKE_VALLEY,
                    CLOCK - timedelta(hours=1),
                ),
                story(
                    "v2",
                    "Town library reopens its reading room",
                    LIBRARY,
                    CLOCK - timedelta(hours=4),
                ),
                story("v3", "Restored steam engine unveiled", MUSEUM, CLOCK - timedelta(days=1)),
            ],
            now=CLOCK,
        )


@pytest.fixture
def digest_home(home: Path) -> Path:
    make_store(home)
    return home


def screen_of(app: DigestApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen), screen
    return screen


def start(make_app: AppFactory, home: Path) -> DigestApp:
    return make_app(home, Config(path=home / "config.toml"), clock=lambda: CLOCK)


def card_lines(screen: MainScreen) -> list[str]:
    """The Stories pane's lines as drawn (the cards on screen)."""
    stories = screen.stories
    return [stories.render_line(y).text for y in range(stories.scrollable_content_region.height)]


def title_of(screen: MainScreen) -> str:
    return str(screen.query_one("#stories-title").render())


async def test_today_is_the_days_digest_grouped(digest_home: Path, make_app: AppFactory) -> None:
    app = start(make_app, digest_home)
    async with app.run_test(size=(200, 45)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        assert screen.source.key == "today" and screen.digest_day == local_day(CLOCK)
        cards = screen.stories.cards
        assert [c.article.title for c in cards] == [
            "Ferry strike halts harbour crossings",
            "Town library reopens its reading room",
        ]
        strike = cards[0]
        assert [a.title for a in strike.related] == ["Island commuters stranded by ferry strike"]
        assert strike.also_in == ("Coast Wire",) or strike.also_in == ("Harbour News",)
        assert cards[1].related == () and cards[1].also_in == ()
        shown = "\n".join(card_lines(screen))
        assert "1 related" in shown and f"also in: {strike.also_in[0]}" in shown
        assert "Today, " in title_of(screen) and "2 stories" in title_of(screen)
        # The reader lists the story's related article, and it opens from there.
        await pilot.press("enter")
        await settle(pilot)
        data = screen.reader.data
        assert data is not None and data.article.id == strike.id
        assert [c.article.title for c in data.related] == [strike.related[0].title]
        related = screen.query_one("#reader-related")
        related.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert screen.reader.data is not None
        assert screen.reader.data.article.id == strike.related[0].id


async def test_brackets_go_to_the_previous_and_next_day(
    digest_home: Path, make_app: AppFactory
) -> None:
    app = start(make_app, digest_home)
    today = local_day(CLOCK)
    async with app.run_test(size=(200, 45)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.digest_day == today - timedelta(days=1)
        assert [c.article.title for c in screen.stories.cards] == ["Restored steam engine unveiled"]
        assert "Yesterday, " in title_of(screen)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.digest_day == today - timedelta(days=2) and screen.stories.cards == []
        assert "No stories on" in screen.page_note
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert screen.digest_day == today
        assert screen.stories.cards[0].article.title == "Ferry strike halts harbour crossings"
        await pilot.press("right_square_bracket")  # never past today
        await settle(pilot)
        assert screen.digest_day == today and len(screen.stories.cards) == 2


async def test_brackets_can_be_rebound(digest_home: Path, make_app: AppFactory) -> None:
    config = Config(path=digest_home / "config.toml", ui=UiConfig(keys=(("prev_day", "comma"),)))
    app = make_app(digest_home, config, clock=lambda: CLOCK)
    async with app.run_test(size=(200, 45)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        await pilot.press("comma")
        await settle(pilot)
        assert screen.digest_day == local_day(CLOCK) - timedelta(days=1)


async def test_nothing_today_falls_back_to_the_latest_day(
    digest_home: Path, make_app: AppFactory
) -> None:
    later = CLOCK + timedelta(days=3)
    app = make_app(digest_home, Config(path=digest_home / "c.toml"), clock=lambda: later)
    async with app.run_test(size=(200, 45)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        assert screen.digest_day == local_day(CLOCK)
        assert len(screen.stories.cards) == 2
        assert "Nothing arrived" in screen.page_note
        await pilot.press("left_square_bracket")  # from the day shown, not from today
        await settle(pilot)
        assert screen.digest_day == local_day(CLOCK) - timedelta(days=1)


@pytest.mark.parametrize("source", ["all", "folder:Local"])
async def test_other_lists_are_grouped_in_list_order(
    digest_home: Path, make_app: AppFactory, source: str
) -> None:
    app = start(make_app, digest_home)
    async with app.run_test(size=(200, 45)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        chosen = screen.sources.source(source)
        assert chosen is not None
        screen.show_source(chosen)
        await settle(pilot)
        cards = screen.stories.cards
        assert [len(c.related) for c in cards] == [1, 0, 0]
        assert cards[0].article.title in (
            "Ferry strike halts harbour crossings",
            "Island commuters stranded by ferry strike",
        )
        assert [c.article.title for c in cards[1:]] == [
            "Town library reopens its reading room",
            "Restored steam engine unveiled",
        ]
        assert "1 related" in "\n".join(card_lines(screen))


def test_digest_view_snapshot(
    snap_compare: Callable[..., bool], digest_home: Path, make_app: AppFactory
) -> None:
    async def run_before(pilot: Pilot[object]) -> None:
        await settle(pilot)
        await pilot.pause(0.05)

    assert snap_compare(
        start(make_app, digest_home), terminal_size=(200, 30), run_before=run_before
    )
