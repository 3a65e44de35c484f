"""Every hostile feed in the app: refreshed from inside the app (R) beside two good feeds, then
every story opened in the reader. The screen shows text only (no control, escape, bidi or
zero-width character in what is drawn or in the SVG a snapshot would store), markup is drawn
literally and carries no action (clicking it runs nothing, the app keeps running), no link but
http(s) is ever handed to the browser, and the good feeds' stories are all there. Then the real
app on a pseudo-terminal: none of the hostile escape sequences' payloads reaches the terminal.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from textual.pilot import Pilot

from digest.config import Config
from digest.fetch import FetchSettings
from digest.store import ArticleQuery, Store
from tests.hostile.conftest import GOOD, Site, command_env, run_command, write_config
from tests.hostile.documents import MARKUP, SECRET_MARKER, good_titles, unsafe_characters
from tests.tui.conftest import settle
from tests.tui.test_terminal import open_app_on_pty, read_until
from tui.app import DigestApp
from tui.screens.main import MainScreen
from tui.widgets.reader import ReaderPane

FAST = FetchSettings(connect_timeout=2.0, read_timeout=3.0, total_timeout=5.0)
SIZE = (200, 50)


def subscribe(home: Path, site: Site) -> None:
    with Store.open_default(home) as store:
        store.add_feed(site.good_url("alpha"), folder="Good")
        for case in site.cases.values():
            store.add_feed(site.url(case), full_text=case.full_text, folder="Hostile")
        store.add_feed(site.good_url("bravo"), folder="Good")


def screen_lines(app: DigestApp) -> tuple[list[str], list[str]]:
    """What the screen shows, line by line, and every @click action attached to it (Textual's
    own widgets carry some; feed text must carry none)."""
    lines: list[str] = []
    actions: list[str] = []
    for strip in app.screen._compositor.render_strips():
        lines.append(strip.text)
        for segment in strip:
            if segment.style is not None and segment.style.meta:
                action = segment.style.meta.get("@click")
                if action:
                    actions.append(str(action))
    return lines, actions


def check_screen(app: DigestApp, where: str) -> str:
    lines, actions = screen_lines(app)
    text = "\n".join(lines)
    assert not unsafe_characters(text), (where, unsafe_characters(text)[:3])
    assert SECRET_MARKER not in text, where
    for action in actions:
        assert "quit" not in action and "probe" not in action, (where, action)
    return text


async def settled(pilot: Pilot[int]) -> None:
    """tests/tui's settle (typed for any app)."""
    await settle(pilot)  # type: ignore[arg-type]


async def shown_in_reader(pilot: Pilot[int], screen: MainScreen, article_id: int) -> None:
    """Wait until the reader holds the article, then one frame more so it is drawn."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        data = screen.reader.data
        if data is not None and data.article.id == article_id:
            break
        await pilot.pause(0.02)
    assert screen.reader.data is not None and screen.reader.data.article.id == article_id
    await pilot.pause(0.02)


async def wait_for_refresh(pilot: Pilot[int], screen: MainScreen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while screen.refreshing and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert not screen.refreshing, "the refresh did not end"
    await settled(pilot)


async def test_every_hostile_story_in_the_app(site: Site, tmp_path: Path) -> None:
    home = tmp_path / "home"
    subscribe(home, site)
    opened: list[str] = []
    probes: list[str] = []

    def open_link(url: str) -> bool:
        opened.append(url)
        return True

    app = DigestApp(Config(path=tmp_path / "config.toml", fetch=FAST), home, open_link=open_link)
    app.action_hostile_probe = lambda: probes.append("app")  # type: ignore[attr-defined]
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        started = time.monotonic()
        await pilot.press("R")
        await wait_for_refresh(pilot, screen, timeout=40)
        assert time.monotonic() - started < 40
        notices = [n.message for n in app._notifications]
        feeds = len(site.cases) + len(GOOD)
        assert any(f"Refreshed {feeds} feeds" in n and "failed" not in n for n in notices), notices

        everything = screen.sources.source("all")
        assert everything is not None
        screen.show_source(everything)
        await settled(pilot)
        while screen._more():  # load every page of stories
            await settled(pilot)
        cards = list(screen.stories.cards)
        # The app groups articles about one story under one card (the good feeds' alike items).
        listed = [card.article for card in cards] + [a for card in cards for a in card.related]
        titles = {article.title for article in listed}
        for name in GOOD:
            assert good_titles(name) <= titles
        with Store.open_default(home) as store:
            stored = {a.id for a in store.articles(ArticleQuery(limit=10_000))}
            links_feed = store.feed_by_url(site.url(site.cases["links"]))
        assert links_feed is not None
        assert {article.id for article in listed} == stored

        drawn = check_screen(app, "the story list and the sources")
        links = {a.id for a in listed if a.feed_id == links_feed.id}
        good = good_titles("alpha") | good_titles("bravo")
        seen: set[int] = set()
        for card in cards:
            for number, article in enumerate((card.article, *card.related)):
                if article.title in good:
                    continue  # ordinary stories: already seen drawn in the list
                if number == 0:
                    screen.open_story(card)
                else:  # as picking it in the reader's list of related stories does
                    screen.reader.post_message(ReaderPane.RelatedOpened(article.id))
                await shown_in_reader(pilot, screen, article.id)
                seen.add(article.id)
                drawn += check_screen(app, f"reader: {article.title[:60]!r}")
                if article.id in links:
                    screen.pane = "reader"  # "o" then opens the reader's story
                    await pilot.press("o")
                    await settled(pilot)
        assert seen == {a.id for a in listed if a.title not in good}
        assert "[@click=app.quit]quit-now[/]" in drawn
        assert "Alpha Bravo Click here Charlie" in drawn
        assert len(opened) == 2, opened  # the two relative "-..." links, resolved to http URLs
        assert all(url.startswith(("http://", "https://")) for url in opened), opened

        # Click every place the markup is drawn: nothing may run.
        markup_card = next(i for i, c in enumerate(cards) if c.article.title == MARKUP)
        screen.open_story(cards[markup_card])
        await settled(pilot)
        lines, _ = screen_lines(app)
        targets = [
            (line.index(word), row)
            for row, line in enumerate(lines)
            for word in ("quit-now", "loud", "[link=")
            if word in line
        ]
        assert len(targets) >= 3, lines
        for x, y in targets:
            await pilot.click(offset=(x + 1, y))
            await settled(pilot)
            assert app.is_running
        assert probes == []
        svg = app.export_screenshot()
        assert not unsafe_characters(svg)
        assert "quit-now" in svg
        app.exit(0)


def test_the_real_app_sends_no_hostile_escape_to_the_terminal(site: Site, tmp_path: Path) -> None:
    home = tmp_path / "home"
    feeds = [(site.good_url("alpha"), "never")]
    feeds += [(site.url(case), case.full_text) for case in site.cases.values()]
    config = write_config(tmp_path / "config.toml", feeds)
    env = command_env(home, config)
    assert run_command(["refresh"], env).code == 0
    process, leader = open_app_on_pty(env, 40, 160)
    try:
        seen = read_until(leader, b"alpha story", timeout=20)
        assert b"alpha story" in seen, seen[-2000:]
        for _ in range(20):  # open stories in turn (n: next unread, opens it)
            os.write(leader, b"n")
            seen += read_until(leader, b"\x00never", timeout=0.1)
        os.write(leader, b"\x11")  # ctrl+q
        deadline = time.monotonic() + 15
        while process.poll() is None and time.monotonic() < deadline:
            seen += read_until(leader, b"\x00never", timeout=0.1)
        seen += read_until(leader, b"\x00never", timeout=0.2)
        assert process.wait(timeout=1) == 0, seen[-2000:]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(leader)
    assert b"Traceback" not in seen
    for case in site.cases.values():
        for hidden in case.hidden:
            assert hidden.encode() not in seen, hidden
    assert SECRET_MARKER.encode() not in seen
    assert b"\xc2\x9b" not in seen and b"\xc2\x9d" not in seen  # 8-bit CSI/OSC as UTF-8
    assert b"\x1b]8;" not in seen  # no hyperlink escape at all: links are drawn as text
    drawn = [b"quit-now", b"Alpha Bravo", b"Echo Foxtrot", b"Invoicegnp", b"Tango", b"Zulu"]
    assert any(fragment in seen for fragment in drawn), "no hostile story was drawn"
