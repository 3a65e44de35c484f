"""The app driven with Pilot: every key and action, asserted on state (store marks, cursor, focus).

Each test builds its own store in tmp (see conftest) and runs the real app headless with a fixed
clock. Assertions read the store through a separate connection, after the app's writer thread has
flushed, so a mark that was only drawn but never written fails the test.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from digest.config import Config, UiConfig
from digest.store import ArticleQuery
from tests.tui.conftest import NOW, AppFactory, Opened, entry, settle, store_of
from tui.app import DigestApp
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.screens.search import SearchDialog


async def waiting_for_index(pilot: Pilot[object], home: Path) -> int:
    """How many articles still wait for the full-text index once the app has had its chance
    to index them (up to 100 settles)."""
    for _ in range(100):
        with store_of(home) as store:
            waiting = store.pending_index()
        if not waiting:
            break
        await settle(pilot)
    return waiting


def main(app: DigestApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen), screen
    return screen


def notices(app: DigestApp) -> list[str]:
    return [n.message for n in app._notifications]


# -- start ----------------------------------------------------------------------------------------


async def test_opens_on_the_samples_with_a_notice(sample_home: Path, make_app: AppFactory) -> None:
    app = make_app(sample_home)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.source.key == "today"
        assert screen.stories.cards, "the first view is never empty"
        banner = str(screen.query_one("#banner").render())
        assert "sample" in banner and "digest add URL" in banner
        assert screen.ready and app.first_view_at is not None
        titles = [s.label for s in screen.sources.sources]
        assert titles[:4] == ["Today", "All stories", "Unread", "Starred"]
        assert "Sample saved pages" in titles


async def test_nothing_today_shows_the_most_recent_stories(
    home: Path, make_app: AppFactory
) -> None:
    with store_of(home) as store:
        feed = store.add_feed("https://old.example/feed", title="Old News")
        store.upsert_entries(feed.id, [entry(i, hours=72 + i) for i in range(3)], now=NOW)
    app = make_app(home, Config(path=home / "config.toml"))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert [c.article.title for c in screen.stories.cards] == [
            f"Test story {i}" for i in range(3)
        ]
        assert "Nothing arrived in the last 24 hours" in screen.page_note
        assert "most recent" in str(screen.query_one("#banner").render())
        assert screen.source.key == "today"  # Today falls back to the latest day with stories
        assert screen.sources.current is not None and screen.sources.current.key == "today"


# -- moving -----------------------------------------------------------------------------------------


async def test_j_k_arrows_g_and_G_move_the_cursor(feeds_home: Path, make_app: AppFactory) -> None:
    app = make_app(feeds_home)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        stories = main(app).stories
        assert stories.highlighted == 0
        await pilot.press("j")
        assert stories.highlighted == 1
        await pilot.press("down", "down")
        assert stories.highlighted == 3
        await pilot.press("k")
        assert stories.highlighted == 2
        await pilot.press("up")
        assert stories.highlighted == 1
        await pilot.press("G")
        assert stories.highlighted == len(stories.cards) - 1
        await pilot.press("g")
        assert stories.highlighted == 0


async def test_tab_and_shift_tab_change_pane(feeds_home: Path, make_app: AppFactory) -> None:
    app = make_app(feeds_home)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.pane == "stories" and screen.stories.has_focus
        await pilot.press("tab")
        assert screen.pane == "reader" and screen.reader.has_focus
        await pilot.press("tab")
        assert screen.pane == "sources" and screen.sources.has_focus
        await pilot.press("shift+tab")
        assert screen.pane == "reader"
        await pilot.press("shift+tab")
        assert screen.pane == "stories" and screen.stories.has_focus


async def test_choosing_a_source_lists_its_stories(feeds_home: Path, make_app: AppFactory) -> None:
    app = make_app(feeds_home)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("shift+tab")  # to the sources
        assert screen.pane == "sources"
        index = screen.sources.index_of("folder:Local")
        assert index is not None
        screen.sources.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        assert screen.source.key == "folder:Local"
        assert len(screen.stories.cards) == 10
        assert screen.pane == "stories"
        screen.sources.highlighted = screen.sources.index_of("tag:science")
        await pilot.press("shift+tab", "enter")
        await settle(pilot)
        assert {c.article.feed_title for c in screen.stories.cards} == {"Valley Times"}


# -- reading and marks -----------------------------------------------------------------------------


async def test_enter_opens_the_reader_and_marks_read(
    feeds_home: Path, make_app: AppFactory
) -> None:
    app = make_app(feeds_home)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("j", "enter")
        await settle(pilot)
        card = screen.stories.cards[1]
        assert screen.reader.data is not None and screen.reader.data.article.id == card.id
        assert screen.pane == "reader" and screen.reader.has_focus
        assert screen.stories.cards[1].article.read
        with store_of(feeds_home) as store:
            stored = store.article(card.id)
            assert stored is not None and stored.read
            assert store.count(ArticleQuery(unread=True)) == 9
        body = str(screen.query_one("#reader-body").render())
        assert "first sentence about the harbour ferry" in body
        assert screen.reader.data.summary.sentences


async def test_N_toggles_read_and_s_stars(feeds_home: Path, make_app: AppFactory) -> None:
    app = make_app(feeds_home)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        first = screen.stories.cards[0].id
        unread_row = screen.sources.source("unread")
        assert unread_row is not None and unread_row.unread == 10
        await pilot.press("N")
        await settle(pilot)
        with store_of(feeds_home) as store:
            assert store.article(first).read  # type: ignore[union-attr]
        unread_row = screen.sources.source("unread")
        assert unread_row is not None and unread_row.unread == 9
        await pilot.press("N")
        await settle(pilot)
        with store_of(feeds_home) as store:
            assert not store.article(first).read  # type: ignore[union-attr]
        await pilot.press("s")
        await settle(pilot)
        with store_of(feeds_home) as store:
            assert store.article(first).starred  # type: ignore[union-attr]
        assert screen.stories.cards[0].article.starred
        starred_row = screen.sources.source("starred")
        assert starred_row is not None and starred_row.unread == 1
        await pilot.press("s")
        await settle(pilot)
        with store_of(feeds_home) as store:
            assert not store.article(first).starred  # type: ignore[union-attr]


async def test_marks_in_the_reader_apply_to_the_open_story(
    feeds_home: Path, make_app: AppFactory
) -> None:
    app = make_app(feeds_home)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("enter")
        await settle(pilot)
        opened = screen.stories.cards[0].id
        await pilot.press("s", "N")
        await settle(pilot)
        with store_of(feeds_home) as store:
            article = store.article(opened)
            assert article is not None and article.starred and not article.read
        header = str(screen.query_one("#reader-header").render())
        assert "★ starred" in header and "unread" in header


async def test_n_and_p_go_to_unread_stories(feeds_home: Path, make_app: AppFactory) -> None:
    app = make_app(feeds_home)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        cards = screen.stories.cards
        with store_of(feeds_home) as store:
            store.mark([cards[1].id, cards[2].id], read=True)
        screen.stories.redraw(
            [replace(c, article=replace(c.article, read=True)) for c in cards[1:3]]
        )
        await pilot.press("enter")  # opens story 0, marks it read
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert screen.stories.highlighted == 3
        assert screen.reader.data is not None and screen.reader.data.article.id == cards[3].id
        with store_of(feeds_home) as store:
            assert store.article(cards[3].id).read  # type: ignore[union-attr]
        await pilot.press("N")  # story 3 unread again
        screen.stories.highlighted = 6
        await pilot.press("p")
        await settle(pilot)
        assert screen.stories.highlighted == 5


async def test_n_at_the_end_says_so(feeds_home: Path, make_app: AppFactory) -> None:
    app = make_app(feeds_home)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        with store_of(feeds_home) as store:
            for feed in store.feeds():
                store.mark_feed_read(feed.id)
        screen.show_source(screen.source)
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert any("No more unread" in text for text in notices(app))


async def test_A_marks_the_feed_read(feeds_home: Path, make_app: AppFactory) -> None:
    app = make_app(feeds_home)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        card = screen.stories.cards[0]
        feed_id = card.article.feed_id
        await pilot.press("A")
        await settle(pilot)
        with store_of(feeds_home) as store:
            assert store.count(ArticleQuery(feed_ids=(feed_id,), unread=True)) == 0
            assert store.count(ArticleQuery(unread=True)) == 5
        assert all(c.article.read for c in screen.stories.cards if c.article.feed_id == feed_id)
        assert not all(c.article.read for c in screen.stories.cards)
        row = screen.sources.source(f"feed:{feed_id}")
        assert row is not None and row.unread == 0
        assert any("read" in text for text in notices(app))


# -- links ---------------------------------------------------------------------------------------


async def test_o_opens_http_links_only(
    feeds_home: Path, make_app: AppFactory, opened: Opened
) -> None:
    app = make_app(feeds_home)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert opened == [main(app).stories.cards[0].article.url]


async def test_o_refuses_javascript_and_dash_links(
    hostile_home: Path, make_app: AppFactory, opened: Opened
) -> None:
    app = make_app(hostile_home)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        urls = {c.article.url for c in screen.stories.cards}
        assert urls == {"javascript:alert(1)", "-https://evil.example/"}
        for _ in screen.stories.cards:
            await pilot.press("o", "j")
        await settle(pilot)
        assert opened == []
        assert sum("Not opening this link" in text for text in notices(app)) == len(urls) + 3


# -- search, help, palette --------------------------------------------------------------------------


async def test_search_lists_results_and_q_goes_back(
    sample_home: Path, make_app: AppFactory
) -> None:
    app = make_app(sample_home)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash")
        assert isinstance(app.screen, SearchDialog)
        await pilot.press(*"light")
        field = app.screen.query_one(Input)
        assert field.value == "light"
        field.value = "lighthouse"  # typing every letter costs a second on a loaded machine
        await pilot.press("enter")
        await settle(pilot)
        assert screen.source.kind == "search" and screen.source.query == "lighthouse"
        titles = [c.article.title for c in screen.stories.cards]
        assert titles and all(
            "lighthouse" in (c.article.title + c.article.text).lower() for c in screen.stories.cards
        )
        await pilot.press("q")
        await settle(pilot)
        assert screen.source.key == "today"
        assert app.is_running


async def test_search_with_no_match_says_so(sample_home: Path, make_app: AppFactory) -> None:
    app = make_app(sample_home)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        app.screen.query_one(Input).value = "zzqxj"
        await pilot.press("enter")
        await settle(pilot)
        screen = main(app)
        assert screen.stories.cards == []
        assert "No stories match" in screen.page_note
        await pilot.press("slash", "escape")
        assert app.screen is screen


async def test_question_mark_shows_help(feeds_home: Path, make_app: AppFactory) -> None:
    app = make_app(feeds_home)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").render())
        for name in ("next_unread", "toggle_read", "mark_feed_read", "refresh_all", "search"):
            assert name in text
        await pilot.press("q")
        assert isinstance(app.screen, MainScreen)
        assert app.is_running


async def test_the_palette_has_every_action(feeds_home: Path, make_app: AppFactory) -> None:
    from tui import keys

    app = make_app(feeds_home)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        for action in keys.ACTIONS:
            assert action.help in commands
        assert "Theme" in commands
        first = main(app).stories.cards[0].id
        result = commands["Star or unstar the story"].callback()
        if result is not None:
            await result  # type: ignore[misc]
        await settle(pilot)
        with store_of(feeds_home) as store:
            assert store.article(first).starred  # type: ignore[union-attr]
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CommandPalette"


# -- q, state, themes, keys ---------------------------------------------------------------------------


async def test_q_leaves_the_reader_then_quits(feeds_home: Path, make_app: AppFactory) -> None:
    app = make_app(feeds_home)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.pane == "reader"
        await pilot.press("q")
        assert screen.pane == "stories" and app.is_running
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_reopening_returns_to_the_same_source_and_story(
    feeds_home: Path, make_app: AppFactory
) -> None:
    app = make_app(feeds_home)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.show_source(screen.sources.source("feed:2") or screen.source)
        await settle(pilot)
        await pilot.press("j", "j")
        await settle(pilot)
        chosen = screen.stories.current
        assert chosen is not None and screen.source.key == "feed:2"
        await pilot.press("q")
        await pilot.pause()
    again = make_app(feeds_home)
    async with again.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(again)
        assert screen.source.key == "feed:2"
        assert screen.stories.current is not None and screen.stories.current.id == chosen.id
        assert screen.sources.current is not None and screen.sources.current.key == "feed:2"


async def test_theme_is_remembered(feeds_home: Path, make_app: AppFactory) -> None:
    app = make_app(feeds_home)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await settle(pilot)
    with store_of(feeds_home) as store:
        assert store.setting("tui.theme") == "nord"
    again = make_app(feeds_home)
    async with again.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert again.theme == "nord"


async def test_config_theme_wins_and_a_bad_one_is_a_notice(
    feeds_home: Path, make_app: AppFactory
) -> None:
    app = make_app(feeds_home, Config(path=feeds_home / "c.toml", ui=UiConfig(theme="gruvbox")))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert app.theme == "gruvbox"
    app = make_app(feeds_home, Config(path=feeds_home / "c.toml", ui=UiConfig(theme="no-such")))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        assert any("Unknown theme 'no-such'" in text for text in notices(app))


async def test_keys_rebound_from_the_config(feeds_home: Path, make_app: AppFactory) -> None:
    config = Config(
        path=feeds_home / "c.toml",
        ui=UiConfig(keys=(("cursor_down", "x"), ("star", "ctrl+s,z"), ("explode", "e"))),
    )
    app = make_app(feeds_home, config)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("x")
        assert screen.stories.highlighted == 1
        await pilot.press("j")  # no longer bound
        assert screen.stories.highlighted == 1
        await pilot.press("z")
        await settle(pilot)
        assert screen.stories.cards[1].article.starred
        assert any("unknown action 'explode'" in text for text in notices(app))
        await pilot.press("question_mark")
        help_text = str(app.screen.query_one("#help-text").render())
        assert "ctrl+s, z" in help_text


# -- refresh --------------------------------------------------------------------------------------


async def test_R_refreshes_everything_keeping_the_cursor(home: Path, make_app: AppFactory) -> None:
    from tests.digest.feedgen import rss
    from tests.httpserver import LocalServer

    with LocalServer() as server:
        server.add("/good.xml", rss("good", items=3, base=NOW - timedelta(hours=5)))
        server.add("/gone.xml", b"gone", status=404)
        with store_of(home) as store:
            good = store.add_feed(server.url("/good.xml"), title="Good Feed")
            store.add_feed(server.url("/gone.xml"), title="Gone Feed")
            store.upsert_entries(good.id, [entry(i, hours=10 + i) for i in range(30)], now=NOW)
        app = make_app(home, Config(path=home / "c.toml"))
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            screen = main(app)
            await pilot.press(*["j"] * 12)
            before = screen.stories.current
            assert before is not None
            top_line = screen.stories.scroll_y
            await pilot.press("R")
            await settle(pilot, rounds=6)
            assert server.hits("/good.xml") == 1 and server.hits("/gone.xml") == 1
            titles = [c.article.title for c in screen.stories.cards]
            assert titles[:3] == ["good item 0", "good item 1", "good item 2"]
            assert screen.stories.current is not None and screen.stories.current.id == before.id
            assert screen.stories.scroll_y == top_line + 3 * 4
            text = "\n".join(notices(app))
            assert "Gone Feed" in text and "404" in text
            row = screen.sources.source("feed:2")
            assert row is not None and row.error
            assert not screen.refreshing


async def test_refresh_uses_worker_processes_once_the_fork_server_started(
    home: Path, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """run_app starts the fork server before Textual takes the terminal; the app's refreshes
    then parse, summarize and store in worker processes, as `digest refresh` does."""
    import digest.refresh
    from digest.summaries import summary_key
    from digest.workers import start_quiet_fork_server
    from tests.digest.feedgen import rss
    from tests.httpserver import LocalServer
    from tui.app import _has_web_feeds

    pools: list[int] = []
    real_pool = digest.refresh._worker_pool

    def counted(count: int, **options: bool) -> object:
        pools.append(count)
        return real_pool(count, **options)

    monkeypatch.setattr(digest.refresh, "_worker_pool", counted)
    monkeypatch.setattr(digest.refresh, "INDEX_STEP", 5)  # the refresh leaves 7 to the app
    with LocalServer() as server:
        with store_of(home) as store:
            for n in range(6):
                server.add(f"/{n}.xml", rss(f"site{n}", items=2))
                store.add_feed(server.url(f"/{n}.xml"), title=f"Site {n}")
        app = make_app(home, Config(path=home / "c.toml"))
        assert _has_web_feeds(app.library.path)
        app.worker_processes = start_quiet_fork_server(True)
        assert app.worker_processes
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            await pilot.press("R")
            for _ in range(100):
                await settle(pilot)
                if not main(app).refreshing:
                    break
            assert not main(app).refreshing
            # The refresh indexed 5 of its 12 articles as it ended; the app indexes the rest.
            assert await waiting_for_index(pilot, home) == 0
        assert pools == [2]
        with store_of(home) as store:
            articles = store.articles()
            assert len(articles) == 12
            settings = app.config.summary
            assert all(store.summary(summary_key(a, settings)) is not None for a in articles)


async def test_the_app_indexes_what_a_command_line_refresh_left_waiting(
    home: Path, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Articles a `digest refresh` stored wait for the full-text index: the app indexes them
    on its writer thread, a step at a time (three steps of 4 here), without a search."""
    import tui.app
    from digest.models import Entry

    monkeypatch.setattr(tui.app, "INDEX_STEP", 4)
    with store_of(home) as store:
        feed = store.add_feed("https://a.example/feed.xml", title="A")
        entries = [
            Entry(title=f"Harbour note {n}", guid=f"g{n}", text="Ferries") for n in range(10)
        ]
        store.upsert_entries(feed.id, entries, index_at_least=None)
        assert store.pending_index() == 10
    app = make_app(home, Config(path=home / "c.toml"))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert await waiting_for_index(pilot, home) == 0
    with store_of(home) as store:
        assert len(store.search("harbour")) == 10
        store._db.execute(
            "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)"
        )


async def test_quitting_stops_a_running_refresh(
    home: Path, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Quitting while slow servers are still answering does not wait for them: the refresh
    drops the feeds it has not finished, and records nothing about them."""
    import threading

    import digest.refresh
    from digest.refresh import STOPPED, RefreshReport
    from tests.digest.feedgen import rss
    from tests.httpserver import LocalServer

    reports: list[RefreshReport] = []
    finished = threading.Event()
    real_refresh = digest.refresh.refresh_feeds

    def recorded(*args: object, **options: object) -> RefreshReport:
        try:
            report = real_refresh(*args, **options)  # type: ignore[arg-type]
            reports.append(report)
            return report
        finally:
            finished.set()

    monkeypatch.setattr(digest.refresh, "refresh_feeds", recorded)
    with LocalServer() as server:
        with store_of(home) as store:
            for n in range(3):
                server.add(f"/slow{n}.xml", rss(f"slow{n}", items=2), delay=5.0)
                store.add_feed(server.url(f"/slow{n}.xml"), title=f"Slow {n}")
        app = make_app(home, Config(path=home / "c.toml"))
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            await pilot.press("R")
            await pilot.pause(0.5)  # not settle(): that waits for the refresh to end
            assert main(app).refreshing
            await pilot.press("ctrl+q")
        assert finished.wait(timeout=4.5), "the refresh went on after the app quit"
        (report,) = reports
        assert [o.error for o in report.outcomes] == [STOPPED] * 3
        with store_of(home) as store:
            assert all(f.last_fetched is None and not f.last_error for f in store.feeds())


FERRY = (
    "Ferry fares on the island route will rise by 40 cents in January, the operator said. "
    "Commuters called the increase unfair. The operator blamed fuel and crew costs."
)
ORCHARD = (
    "Apple growers in the valley finished the harvest a week early after a warm autumn. "
    "Prices at the packing houses slipped. Growers plan to plant more cider varieties."
)


async def test_r_refreshes_only_the_current_feed(home: Path, make_app: AppFactory) -> None:
    from tests.digest.feedgen import rss
    from tests.httpserver import LocalServer

    with LocalServer() as server:
        server.add("/a.xml", rss("a", items=2))
        server.add("/b.xml", rss("b", items=2))
        with store_of(home) as store:
            a = store.add_feed(server.url("/a.xml"), title="A")
            b = store.add_feed(server.url("/b.xml"), title="B")
            # Two unrelated stories, so the engine does not group them into one.
            store.upsert_entries(a.id, [entry(1, title="Ferry fares rise", text=FERRY)], now=NOW)
            store.upsert_entries(
                b.id, [entry(2, hours=2, title="Orchard harvest ends", text=ORCHARD)], now=NOW
            )
        app = make_app(home, Config(path=home / "c.toml"))
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            assert main(app).stories.cards[0].article.feed_id == a.id
            await pilot.press("r")
            await settle(pilot, rounds=6)
            assert server.hits("/a.xml") == 1 and server.hits("/b.xml") == 0


async def test_refresh_in_sample_mode_explains(sample_home: Path, make_app: AppFactory) -> None:
    app = make_app(sample_home)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert any("sample feeds are built in" in text for text in notices(app))


async def test_auto_refresh_runs_on_its_own(home: Path, make_app: AppFactory) -> None:
    from tests.digest.feedgen import rss
    from tests.httpserver import LocalServer

    with LocalServer() as server:
        server.add("/a.xml", rss("a", items=2))
        with store_of(home) as store:
            store.add_feed(server.url("/a.xml"), title="A")
        config = Config(path=home / "c.toml", ui=UiConfig(auto_refresh_minutes=0.2 / 60))
        app = make_app(home, config)
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            await pilot.pause(0.4)
            await settle(pilot, rounds=4)
            assert server.hits("/a.xml") >= 1
            cards = main(app).stories.cards
            # The feed's two items are near copies: grouped, they make one story of two articles.
            assert sum(1 + c.related_count + len(c.also_in) for c in cards) == 2


# -- paging, related, mouse, narrow ---------------------------------------------------------------------


async def test_stories_load_a_page_at_a_time(home: Path, make_app: AppFactory) -> None:
    with store_of(home) as store:
        feed = store.add_feed("https://many.example/feed", title="Many")
        store.upsert_entries(feed.id, [entry(i, hours=i / 100) for i in range(450)], now=NOW)
    app = make_app(home, Config(path=home / "c.toml"))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert len(screen.stories.cards) == 200
        assert screen.total == 450
        await pilot._post_mouse_events([events.MouseScrollDown], "#stories", offset=(5, 5))
        await pilot._post_mouse_events([events.MouseScrollDown], "#stories", offset=(5, 5))
        assert screen.stories.scroll_y > 0  # the wheel scrolls...
        assert screen.stories.highlighted == 0  # ...without moving the cursor
        await pilot.press("G")
        await settle(pilot)
        assert len(screen.stories.cards) == 400
        await pilot.press("G")
        await settle(pilot)
        assert len(screen.stories.cards) == 450 and screen.exhausted
        assert len({c.id for c in screen.stories.cards}) == 450


async def test_related_stories_show_and_open(sample_home: Path, make_app: AppFactory) -> None:
    app = make_app(sample_home)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.show_source(screen.sources.source("all") or screen.source)
        await settle(pilot)
        cards = screen.stories.cards
        page_lead = next(c for c in cards if c.article.key.endswith("fireball.txt#0"))
        # The page's own three related stories, plus what other feeds said of the same event.
        assert page_lead.related_count >= 3
        with store_of(sample_home) as store:
            on_page = {a.id for a in store.related(page_lead.id)}
        assert len(on_page) == 3 and on_page <= {a.id for a in page_lead.related}
        assert all(c.article.related_to is None for c in cards)
        screen.stories.move_to(page_lead.id)
        await pilot.press("enter")
        await settle(pilot)
        data = screen.reader.data
        assert data is not None and len(data.related) == page_lead.related_count
        related = screen.query_one("#reader-related")
        related.focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        assert screen.reader.data is not None
        assert screen.reader.data.article.id == data.related[1].id
        with store_of(sample_home) as store:
            assert store.article(data.related[1].id).read  # type: ignore[union-attr]


async def test_mouse_click_opens_a_story(feeds_home: Path, make_app: AppFactory) -> None:
    app = make_app(feeds_home)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.click("#stories", offset=(5, 5))  # the second card
        await settle(pilot)
        assert screen.reader.data is not None
        assert screen.reader.data.article.id == screen.stories.cards[1].id
        await pilot.click("#sources", offset=(3, 1))  # "All stories"
        await settle(pilot)
        assert screen.source.key == "all"


async def test_narrow_terminal_swaps_panes(feeds_home: Path, make_app: AppFactory) -> None:
    app = make_app(feeds_home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.narrow
        assert screen.query_one("#stories-pane").display
        assert not screen.query_one("#reader").display
        await pilot.press("enter")
        await settle(pilot)
        assert screen.query_one("#reader").display and not screen.query_one("#stories-pane").display
        await pilot.press("q")
        assert screen.query_one("#stories-pane").display
        await pilot.press("tab", "tab")
        assert screen.pane == "sources" and screen.query_one("#sources-pane").display
        await pilot.press("q")
        assert screen.pane == "stories" and app.is_running


async def test_failed_feed_is_marked(feeds_home: Path, make_app: AppFactory) -> None:
    app = make_app(feeds_home)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        row = screen.sources.source("feed:3")
        assert row is not None and row.error == "HTTP 404 Not Found"
        assert "failed" in str(screen.query_one("#status").render())


async def test_a_failing_worker_is_a_notice_not_a_crash(
    feeds_home: Path, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from digest.errors import StoreError
    from tui.library import Library

    app = make_app(feeds_home)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)

        def broken(*args: object, **kwargs: object) -> None:
            raise StoreError("the store is busy or unwritable (disk I/O error)")

        monkeypatch.setattr(Library, "stories", broken)
        screen = main(app)
        screen.show_source(screen.sources.source("all") or screen.source)
        await settle(pilot)
        assert app.is_running
        assert any("disk I/O error" in text for text in notices(app))


async def test_own_feeds_without_a_config_are_not_called_samples(
    feeds_home: Path, make_app: AppFactory
) -> None:
    app = make_app(feeds_home)  # no config file, but feeds added with `digest add`
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert not screen.sample_mode
        assert "sample" not in str(screen.query_one("#banner").render())


async def test_hostile_titles_are_inert(hostile_home: Path, make_app: AppFactory) -> None:
    from tests.tui.conftest import HOSTILE_TITLES

    app = make_app(hostile_home, Config(path=hostile_home / "c.toml"))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        shown = {c.article.title for c in screen.stories.cards}
        assert "[@click=app.quit]x[/]" in shown and "[/]" in shown
        for index in range(len(screen.stories.cards)):
            await pilot.click("#stories", offset=(4, index * 4))  # each headline
        await settle(pilot)
        assert screen.reader.data is not None
        assert screen.reader.data.article.title == HOSTILE_TITLES[-1]  # the last one clicked
        await pilot.click("#reader", offset=(4, 1))  # the reader's title line
        await pilot.click("#sources", offset=(4, 6))  # the feed named with markup
        await settle(pilot)
        assert app.is_running
        rendered = "".join(str(app.screen.query_one(sel).render()) for sel in ("#reader-header",))
        assert "\x1b" not in rendered
        assert len(HOSTILE_TITLES) == len(screen.stories.cards)


async def test_an_unreadable_store_is_a_notice(home: Path, make_app: AppFactory) -> None:
    home.mkdir(parents=True)
    (home / "digest.sqlite3").write_bytes(b"this is not a database, " * 200)
    app = make_app(home, Config(path=home / "c.toml"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.is_running
        assert any("cannot open the store" in text for text in notices(app))
        await pilot.press("q")
    assert app.return_code == 0
