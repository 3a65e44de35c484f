"""The Digest app: wires the config, the store's reader and writer, themes and the main screen.

It holds what outlives a screen (the :class:`~tui.library.Library`, the single
:class:`~tui.library.Writer`, the clock, the link opener, the keymap) and hands them down. It never
reads the store on the event loop: the screen's workers do, and writes go to the writer thread.
"""

from __future__ import annotations

import os
import sys
import time
import webbrowser
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer

from digest.config import Config
from digest.errors import DigestError
from digest.store import INDEX_STEP, Store
from tui import keys, render
from tui.library import Library, Writer
from tui.messages import WriteFailed
from tui.screens.main import MainScreen

SAVE_DELAY = 1.0
"""Seconds a remembered position waits before it is written (a burst of moves is one write)."""

Clock = Callable[[], datetime]
LinkOpener = Callable[[str], bool]


def open_in_browser(url: str) -> bool:
    """Ask the desktop's browser to open ``url``; False when only a terminal browser exists."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return False  # webbrowser would run lynx or w3m on top of the app
    return bool(webbrowser.open(url, new=2))


class DigestApp(App[int]):
    """Digest's reader."""

    TITLE = "Digest"
    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit_app", "Quit", show=False, priority=True, id="quit"),
        Binding("ctrl+c", "quit_app", "Quit", show=False, priority=True),
    ]

    def __init__(
        self,
        config: Config,
        home: Path,
        *,
        clock: Clock | None = None,
        open_link: LinkOpener | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.home = home
        self.clock: Clock = clock if clock is not None else (lambda: datetime.now(UTC))
        self.link_opener: LinkOpener = open_link if open_link is not None else open_in_browser
        self.library = Library(home, config.summary)
        self.writer = Writer(self.library.path)
        mapping, problems = keys.keymap(config.ui.keys)
        self.keymap: dict[str, str] = mapping
        self.notices: list[str] = list(problems)
        self.first_view_at: float | None = None
        """``time.perf_counter()`` when the first stories were on screen (for the benchmark)."""
        self._theme_ready = False
        self.worker_processes = False
        """Whether refreshes may use worker processes (see :func:`run_app`); else threads."""
        self.stopping = False
        """Set when the app quits: a running refresh drops the feeds it has not finished."""
        self._unsaved: dict[str, str] = {}
        self._save_timer: Timer | None = None

    # -- start and stop ----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.set_keymap(self.keymap)
        try:  # one quick read of a setting, before the first frame, so the theme never flashes
            with Store(self.library.path) as store:
                remembered = store.setting("tui.theme", "")
        except DigestError as exc:
            remembered = ""
            self.notices.append(str(exc))
        wanted = self.config.ui.theme or remembered
        if wanted:
            if wanted in self.available_themes:
                self.theme = wanted
            else:
                self.notices.append(f"Unknown theme {wanted!r}: using {self.theme!r}.")
        self._theme_ready = True
        self.push_screen(
            MainScreen(self.library, has_config=self.config.exists, notices=tuple(self.notices))
        )
        minutes = self.config.ui.auto_refresh_minutes
        if minutes > 0:
            self.set_interval(minutes * 60, self._refresh_everything)
        self.index_for_search()  # what a refresh from the command line left waiting

    def _refresh_everything(self) -> None:
        screen = self.screen
        if isinstance(screen, MainScreen) and screen.can_auto_refresh():
            screen.action_refresh_all()

    def first_view_shown(self) -> None:
        if self.first_view_at is None:
            self.first_view_at = time.perf_counter()

    def action_quit_app(self) -> None:
        """Quit after every pending mark and setting is written (a refresh stops early)."""
        self.stopping = True
        self.save_settings()
        self.writer.close()
        self.exit(0)

    def on_unmount(self) -> None:
        self.stopping = True
        self.save_settings()
        self.writer.close()
        self.library.close()

    # -- themes ------------------------------------------------------------------------------------

    def watch_theme(self, theme: str) -> None:
        if self._theme_ready:
            self.remember("tui.theme", theme)

    # -- writes ------------------------------------------------------------------------------------

    def index_for_search(self) -> None:
        """Bring the full-text index up to date (a refresh leaves new articles waiting for it),
        on the writer thread, :data:`~digest.store.INDEX_STEP` articles per write: a mark asked
        for meanwhile waits for one step at most, and the next search starts at once."""

        def step(store: Store) -> int:
            return 0 if self.stopping else store.index_pending(limit=INDEX_STEP)

        def done(future: Future[object]) -> None:
            if future.exception() is None and future.result() == INDEX_STEP:
                self.index_for_search()  # maybe more wait: after the writes asked for meanwhile

        try:
            self.writer.submit(step).add_done_callback(done)
        except RuntimeError:  # the writer is closed: the app is quitting
            pass

    def write(
        self, job: Callable[[Store], object], then: Callable[[], object] | None = None
    ) -> None:
        """Queue a write on the writer thread; a failure becomes a notice, ``then`` runs after."""

        def done(future: object) -> None:
            from concurrent.futures import Future

            assert isinstance(future, Future)
            error = future.exception()
            if error is not None:
                self.screen.post_message(WriteFailed(str(error)))
            elif then is not None:
                self.call_from_thread(then)

        try:
            self.writer.submit(job).add_done_callback(done)
        except RuntimeError:  # the writer is closed: the app is quitting
            pass

    def remember(self, key: str, value: str, *, soon: bool = False) -> None:
        """Keep a setting; with ``soon`` the write waits a moment so that a burst costs one."""
        if not soon:
            self.write(lambda store: store.set_setting(key, value))
            return
        self._unsaved[key] = value
        if self._save_timer is None:
            self._save_timer = self.set_timer(SAVE_DELAY, self.save_settings)

    def save_settings(self) -> None:
        """Write the settings kept with ``soon`` now."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        unsaved, self._unsaved = self._unsaved, {}
        if unsaved:

            def job(store: Store) -> None:
                for key, value in unsaved.items():
                    store.set_setting(key, value)

            self.write(job)

    # -- links -------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="browser")
    def open_link(self, url: str) -> None:
        """Open an already validated http(s) link; say so when there is no browser to ask."""
        opened = False
        try:
            opened = self.link_opener(url)
        except Exception:  # noqa: BLE001 - any failure of the browser is reported the same way
            opened = False
        if opened:
            self.call_from_thread(self.notify, "Opened in the browser.", timeout=2)
        else:
            self.call_from_thread(self.copy_to_clipboard, url)
            self.call_from_thread(
                self.notify,
                f"No browser to open it with; the link was copied: {render.plain(url)}",
                severity="warning",
                markup=False,
            )

    # -- the command palette -------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, MainScreen):
            for action in keys.ACTIONS:
                shown = keys.display_keys(keys.keys_for(action.name, self.keymap))
                yield SystemCommand(action.help, f"key: {shown}", _runner(screen, action.name))


def _runner(screen: MainScreen, name: str) -> Callable[[], object]:
    def run() -> object:
        return screen.run_action(name)

    return run


def run_app(config: Config, home: Path) -> int:
    """Run the app until the user quits; returns the process exit code.

    With feeds to refresh, the refresh's fork server starts first, while the terminal is still
    ours (see ``digest.workers.start_quiet_fork_server``): the app's refreshes then parse,
    summarize and store in worker processes on every core, as ``digest refresh`` does, instead
    of in threads that share the interface's GIL.
    """
    app = DigestApp(config, home)
    if _has_web_feeds(app.library.path):
        from digest.workers import start_quiet_fork_server

        app.worker_processes = start_quiet_fork_server(config.summary.during_refresh)
    result = app.run()
    return result if isinstance(result, int) else (app.return_code or 0)


def _has_web_feeds(path: Path) -> bool:
    try:
        with Store(path) as store:
            return any(f.is_web for f in store.feeds(kind="feed"))
    except DigestError:
        return False
