"""The main screen: Sources, Stories and Reader panes, the keys, and the workers behind them.

The screen decides; the widgets only show what it hands them and post messages back. Every read
of the store, every summary and every refresh runs in a thread worker (``@work(thread=True)``)
that posts a message from ``tui.messages``; marks and settings go to the app's single writer
thread, after the screen has already shown them. At 120 columns and more the three panes sit side
by side; below that one pane shows at a time and Tab, Enter and q swap between them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.events import DescendantFocus, Resize
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from digest.errors import DigestError
from digest.models import Article
from digest.store import Store
from tui import keys, render
from tui.library import Library
from tui.messages import (
    ArticleLoaded,
    CardsSummarized,
    NewStories,
    RefreshFinished,
    RefreshProgress,
    SourcesLoaded,
    StoriesLoaded,
    WriteFailed,
)
from tui.model import (
    PAGE_SIZE,
    TODAY_SOURCE,
    Source,
    StoryCard,
    build_sources,
    day_source,
    feed_source,
    next_unread,
    resolve_source,
    safe_link,
    search_source,
    unread_deltas,
)
from tui.widgets.keybar import KeyBar
from tui.widgets.reader import ReaderPane
from tui.widgets.sources import SourceList
from tui.widgets.stories import StoryList

if TYPE_CHECKING:
    from tui.app import DigestApp

PANES = ("sources", "stories", "reader")
NARROW_BELOW = 120
"""Terminal widths below this show one pane at a time."""
PREVIEW_DELAY = 0.12
"""Seconds the cursor rests on a story before the wide layout previews it in the reader."""
SUMMARY_CHUNK = 8
SUMMARY_WINDOW = 30
"""Cards around the cursor whose teasers come from their summaries (computed as needed)."""


class MainScreen(Screen[None]):
    """The reader: sources, stories and the article, driven from the keyboard or the mouse."""

    BINDINGS: ClassVar[list[BindingType]] = list(keys.bindings())

    pane: reactive[str] = reactive("stories", init=False)
    """The pane with the focus (in the narrow layout, the one on screen)."""
    narrow: reactive[bool] = reactive(False, init=False)

    def __init__(self, library: Library, *, has_config: bool, notices: tuple[str, ...]) -> None:
        super().__init__()
        self.library = library
        self.has_config = has_config
        self.sample_mode = False
        """No config and nothing but the bundled samples: the banner says how to add feeds."""
        self.startup_notices = notices
        self.source: Source = TODAY_SOURCE
        self.previous_source: Source | None = None
        self.generation = 0
        self.next_offset = 0
        self.exhausted = True
        self.loading_more = False
        self.total = 0
        self.page_note = ""
        self.reader_id: int | None = None
        self.digest_day: date | None = None
        """The day whose digest Today shows (it may be an earlier one when today is empty)."""
        self.refreshing = False
        self.want_unread: int = 0
        """Pending n/p (+1/-1) waiting for a further page of stories."""
        self.summarized: set[int] = set()
        self._summarizing: frozenset[int] = frozenset()
        self._preview_timer: Timer | None = None
        self._progress = ""
        self.ready = False
        """True once the first stories are on screen (the first interactive frame)."""
        self._painted = False

    @property
    def digest_app(self) -> DigestApp:
        from tui.app import DigestApp

        assert isinstance(self.app, DigestApp)
        return self.app

    def now(self) -> datetime:
        return self.digest_app.clock()

    # -- layout -----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        now = self.now()
        with Horizontal(id="panes"):
            with Vertical(id="sources-pane", classes="pane"):
                yield Static(Content.styled("Sources", "bold"), classes="pane-title")
                yield SourceList(id="sources")
            with Vertical(id="stories-pane", classes="pane"):
                yield Static(
                    Content.styled("Loading…", "bold"), id="stories-title", classes="pane-title"
                )
                yield Static("", id="banner")
                yield StoryList(now, id="stories")
            yield ReaderPane(now, id="reader", classes="pane")
        yield Static("", id="status")
        yield KeyBar()

    @property
    def stories(self) -> StoryList:
        return self.query_one(StoryList)

    @property
    def sources(self) -> SourceList:
        return self.query_one(SourceList)

    @property
    def reader(self) -> ReaderPane:
        return self.query_one(ReaderPane)

    def pane_widget(self, pane: str) -> Widget:
        return {"sources": self.sources, "stories": self.stories, "reader": self.reader}[pane]

    def on_mount(self) -> None:
        self.narrow = self.app.size.width < NARROW_BELOW
        self._apply_layout()
        self.stories.focus()
        self._show_banner()
        for notice in self.startup_notices:
            self.notify(render.plain(notice), severity="warning", timeout=12, markup=False)
        self._start()

    def on_resize(self, event: Resize) -> None:
        self.narrow = event.size.width < NARROW_BELOW

    def watch_narrow(self, narrow: bool) -> None:
        self._apply_layout()

    def watch_pane(self, pane: str) -> None:
        self._apply_layout()
        widget = self.pane_widget(pane)
        if not widget.has_focus and not (pane == "reader" and self.reader.has_focus_within):
            widget.focus()
        self.refresh_bindings()

    def _apply_layout(self) -> None:
        self.set_class(self.narrow, "-narrow")
        for name in PANES:
            self.query_one(f"#{name}-pane" if name != "reader" else "#reader").set_class(
                name == self.pane, "-current"
            )

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        focused = self.focused
        if focused is None:
            return
        for name in PANES:
            widget = self.pane_widget(name)
            if focused is widget or widget in focused.ancestors:
                if self.pane != name:
                    self.pane = name
                return

    def _show_banner(self) -> None:
        lines: list[Content] = []
        if self.sample_mode:
            lines.append(
                Content.styled(
                    "Showing Digest's sample stories. Add your feeds with `digest add URL` "
                    "or a config file (see config.example.toml), then press R.",
                    "$warning",
                )
            )
        if self.source.error:
            lines.append(render.line(f"⚠ The last refresh failed: {self.source.error}", "$error"))
        if self.page_note:
            lines.append(render.line(self.page_note, "$text-muted italic"))
        elif self.ready and not self.stories.cards:
            lines.append(Content.styled("No stories here yet.", "$text-muted italic"))
        banner = self.query_one("#banner", Static)
        banner.update(Content("\n").join(lines))
        banner.display = bool(lines)

    def _show_title(self) -> None:
        label = render.line(self.source.label or "Stories", "bold")
        count = len(self.stories.cards)
        if self.exhausted:
            shown = f"{count} {'story' if count == 1 else 'stories'}"
        else:
            shown = f"{count} of {self.total:,} stories"
        self.query_one("#stories-title", Static).update(
            Content.assemble(label, (f"  {shown}", "$text-muted"))
        )

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(render.line(text, "$text-muted"))

    # -- starting up --------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="stories")
    def _start(self) -> None:
        """Open on the remembered source and story (else Today), never on an empty list."""
        store = self.library.store()
        key = store.setting("tui.source", "today")
        story = store.setting("tui.story", "")
        feeds = None if not key.startswith(("folder:", "tag:")) else store.feeds()
        source = resolve_source(key, feeds)
        if source is not None and source.kind == "feed":
            feed = store.feed(source.feed_ids[0])
            source = feed_source(feed) if feed is not None else None
        source = source or TODAY_SOURCE
        now = self.now()
        page = self.library.stories(source, now, 0, PAGE_SIZE)
        if not page.cards and source.key != "today":
            page = self.library.stories(TODAY_SOURCE, now, 0, PAGE_SIZE)
        restore = int(story) if story.isdigit() else None
        self.post_message(StoriesLoaded(page, self.generation, restore))
        self.post_message(SourcesLoaded(self.library.sources(self.now())))

    # -- loading ------------------------------------------------------------------------------------

    def show_source(self, source: Source, *, restore: int | None = None) -> None:
        """Switch the Stories pane to ``source`` (the cursor starts on ``restore`` if given)."""
        if source.kind != "search":
            self.previous_source = None
        self.generation += 1
        self.source = source
        self.page_note = ""
        self.want_unread = 0
        self.query_one("#stories-title", Static).update(
            Content.assemble(render.line(source.label, "bold"), ("  loading…", "$text-muted"))
        )
        self._load_stories(source, self.generation, restore)
        if source.kind != "search":
            self._remember("tui.source", source.key)

    @work(thread=True, exclusive=True, exit_on_error=False, group="stories")
    def _load_stories(self, source: Source, generation: int, restore: int | None) -> None:
        page = self.library.stories(source, self.now(), 0, PAGE_SIZE)
        if not get_current_worker().is_cancelled:
            self.post_message(StoriesLoaded(page, generation, restore))

    @work(thread=True, exclusive=True, exit_on_error=False, group="more")
    def _load_more(self, source: Source, generation: int, offset: int) -> None:
        page = self.library.stories(source, self.now(), offset, PAGE_SIZE)
        self.post_message(StoriesLoaded(page, generation))

    @work(thread=True, exclusive=True, exit_on_error=False, group="sources")
    def _load_sources(self) -> None:
        self.post_message(SourcesLoaded(self.library.sources(self.now())))

    @work(thread=True, exclusive=True, exit_on_error=False, group="summaries")
    def _summarize(self, cards: tuple[StoryCard, ...], generation: int) -> None:
        worker = get_current_worker()
        for start in range(0, len(cards), SUMMARY_CHUNK):
            if worker.is_cancelled:
                return
            chunk = self.library.summarized(cards[start : start + SUMMARY_CHUNK])
            self.post_message(CardsSummarized(tuple(chunk), generation))

    @work(thread=True, exclusive=True, exit_on_error=False, group="newer")
    def _load_newer(self, source: Source, generation: int, since: datetime | None) -> None:
        cards = self.library.newer(source, self.now(), since)
        self.post_message(NewStories(tuple(cards), generation))

    @work(thread=True, exclusive=True, exit_on_error=False, group="article")
    def _load_article(
        self, article_id: int, focus: bool, related: tuple[Article, ...] = ()
    ) -> None:
        data = self.library.reader(article_id, related)
        if not get_current_worker().is_cancelled:
            self.post_message(ArticleLoaded(article_id, data, focus))

    def _first_frame_drawn(self) -> None:
        """The first stories are on screen: background work may start now, not before."""
        self._painted = True
        self._summarize_pending()

    def _summarize_pending(self) -> None:
        """Summarize the cards around the cursor that still show their first sentence."""
        if not self._painted:
            return  # the summarizer's first use is slow; it must not delay the first frame
        cards = self.stories.cards
        start = max(0, (self.stories.highlighted or 0) - 5)
        todo = tuple(
            c for c in cards[start : start + SUMMARY_WINDOW] if c.id not in self.summarized
        )
        wanted = frozenset(c.id for c in todo)
        if todo and not wanted <= self._summarizing:
            self._summarizing = wanted
            self._summarize(todo, self.generation)

    # -- worker answers -----------------------------------------------------------------------------

    def on_stories_loaded(self, message: StoriesLoaded) -> None:
        if message.generation != self.generation:
            return
        page = message.page
        self.stories.now = self.now()
        if page.offset == 0:
            self.source = page.source
            self.digest_day = page.day
            self.stories.show(page.cards, cursor=message.restore)
            self.total = page.total
            self.page_note = page.note
            self.summarized.clear()
            self._summarizing = frozenset()
            self._show_banner()
            if not page.cards:
                self.reader_id = None
                self.reader.clear()
            if page.source.kind != "search" and self.sources.sources:
                self.sources.show(self.sources.sources, self.source.key)
        else:
            self.stories.extend(page.cards)
            self.loading_more = False
        self.next_offset = page.next_offset
        self.exhausted = page.exhausted
        self._show_title()
        self._status_line()
        self._summarize_pending()
        if not self.ready:
            self.ready = True
            self._show_banner()
            self.digest_app.first_view_shown()
            self.call_after_refresh(self._first_frame_drawn)
        if self.want_unread:
            step, self.want_unread = self.want_unread, 0
            self._go_unread(step)
        self.refresh_bindings()  # Link/Read/Star depend on there being a story under the cursor

    def on_sources_loaded(self, message: SourcesLoaded) -> None:
        feeds = message.data.feeds
        sample_mode = not self.has_config and all(f.kind == "sample" for f in feeds)
        if sample_mode != self.sample_mode:
            self.sample_mode = sample_mode
            self._show_banner()
        rows = build_sources(feeds, message.data.counts)
        key = (
            self.source.key
            if self.source.kind != "search"
            else (self.previous_source.key if self.previous_source else "today")
        )
        self.sources.show(rows, key)
        failed = [f for f in message.data.feeds if f.last_error]
        if failed:
            self._status_line()

    def on_cards_summarized(self, message: CardsSummarized) -> None:
        if message.generation != self.generation:
            return
        current = {c.id: c for c in message.cards}
        merged = []
        for card in message.cards:
            shown = self.stories.card(card.id)
            if shown is None:
                continue
            # Marks made since the card was loaded win over the worker's copy.
            merged.append(replace(shown, teaser=card.teaser, reading_minutes=card.reading_minutes))
        self.summarized.update(current)
        self.stories.redraw(merged)

    def on_new_stories(self, message: NewStories) -> None:
        if message.generation != self.generation:
            return
        added = self.stories.prepend(message.cards)
        if added:
            self.next_offset += added
            self.total += added
            self._show_title()
            self._summarize_pending()

    def on_article_loaded(self, message: ArticleLoaded) -> None:
        data = message.data
        if data is None:
            self.notify("That story is no longer in the store.", severity="warning", markup=False)
            return
        shown = self.stories.card(data.article.id)
        if shown is not None:
            data = replace(
                data,
                article=replace(
                    data.article, read=shown.article.read, starred=shown.article.starred
                ),
            )
            if data.summary.sentences and shown.id not in self.summarized:
                card = replace(
                    shown,
                    teaser=data.summary.sentences[0][1],
                    reading_minutes=data.summary.reading_minutes,
                )
                self.summarized.add(card.id)
                self.stories.redraw([card])
        self.reader_id = data.article.id
        self.reader.now = self.now()
        self.reader.show(data)
        if message.focus:
            self.pane = "reader"
        self.refresh_bindings()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed (the store unreadable, say) becomes a notice, never a crash."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        what = event.worker.group or "work"
        self.notify(render.plain(f"Could not load {what}: {error}"), severity="error", markup=False)
        if event.worker.group == "refresh":
            self.refreshing = False
            self._progress = ""
            self._status_line()
        elif event.worker.group == "more":
            self.loading_more = False

    def on_write_failed(self, message: WriteFailed) -> None:
        self.notify(
            render.plain(f"Could not save: {message.reason}"), severity="error", markup=False
        )

    # -- widget messages ------------------------------------------------------------------------------

    @on(SourceList.Chosen)
    def _source_chosen(self, event: SourceList.Chosen) -> None:
        self.show_source(event.source)
        self.pane = "stories"

    @on(StoryList.Highlighted)
    def _story_highlighted(self, event: StoryList.Highlighted) -> None:
        self.digest_app.remember("tui.story", str(event.card.id), soon=True)
        self._summarize_pending()
        if self._preview_timer is not None:
            self._preview_timer.stop()
            self._preview_timer = None
        if not self.narrow and event.card.id != self.reader_id:
            card_id = event.card.id
            self._preview_timer = self.set_timer(PREVIEW_DELAY, lambda: self._preview(card_id))

    def _preview(self, card_id: int) -> None:
        self._preview_timer = None
        card = self.stories.card(card_id)
        self._load_article(card_id, False, card.related if card is not None else ())

    @property
    def busy(self) -> bool:
        """Whether a preview is about to load (for tests and the benchmark to wait on)."""
        return self._preview_timer is not None

    @on(StoryList.Opened)
    def _story_opened(self, event: StoryList.Opened) -> None:
        self.open_story(event.card)

    @on(StoryList.NearEnd)
    def _near_end(self, event: StoryList.NearEnd) -> None:
        self._more()

    @on(ReaderPane.RelatedOpened)
    def _related_opened(self, event: ReaderPane.RelatedOpened) -> None:
        self._load_article(event.article_id, True)
        card = self.stories.card(event.article_id)
        if card is None:
            self.digest_app.write(lambda store: store.mark([event.article_id], read=True))

    def _more(self) -> bool:
        if self.exhausted or self.loading_more or self.source.kind == "search":
            return False
        self.loading_more = True
        self._load_more(self.source, self.generation, self.next_offset)
        return True

    # -- the things keys do -------------------------------------------------------------------------

    def open_story(self, card: StoryCard) -> None:
        if self._preview_timer is not None:
            self._preview_timer.stop()
            self._preview_timer = None
        if not card.article.read:
            self._mark(card, read=True)
        if self.reader_id == card.id and self.reader.data is not None:
            self.pane = "reader"
        else:
            self._load_article(card.id, True, card.related)

    def _target(self) -> StoryCard | None:
        """The story an action applies to: the one in the reader when it has focus, else the cursor."""
        if self.pane == "reader" and self.reader_id is not None:
            card = self.stories.card(self.reader_id)
            if card is not None:
                return card
            if self.reader.data is not None:
                return StoryCard(self.reader.data.article)
        return self.stories.current

    def _mark(
        self, card: StoryCard, *, read: bool | None = None, starred: bool | None = None
    ) -> None:
        article = card.article
        changed = replace(
            article,
            read=article.read if read is None else read,
            starred=article.starred if starred is None else starred,
        )
        if changed == article:
            return
        new = replace(card, article=changed)
        self.stories.redraw([new])
        deltas: dict[str, int] = {}
        if read is not None and read != article.read:
            deltas = unread_deltas(self.sources.sources, article, -1 if read else 1, self.now())
        if starred is not None and starred != article.starred:
            deltas["starred"] = 1 if starred else -1
        self.sources.adjust_unread(deltas)
        if self.reader.data is not None and self.reader.data.article.id == article.id:
            self.reader.refresh_header(replace(self.reader.data, article=changed))
        article_id = article.id
        self.digest_app.write(lambda store: store.mark([article_id], read=read, starred=starred))

    def _remember(self, key: str, value: str) -> None:
        self.digest_app.remember(key, value)

    def can_auto_refresh(self) -> bool:
        """Whether the auto-refresh timer may start a refresh now: none is running, and the
        screen's panes exist (the timer can fire while they are still being built or already
        taken down, as the app quits)."""
        return not self.refreshing and bool(self.query(SourceList))

    def _status_line(self) -> None:
        failed = [s for s in self.sources.sources if s.kind in ("feed", "pages") and s.error]
        parts = []
        if failed:
            parts.append(f"⚠ {len(failed)} feed{'s' if len(failed) != 1 else ''} failed to refresh")
        if self.refreshing:
            parts.append(self._progress)
        self._status(" · ".join(parts))

    def _go_unread(self, step: int) -> None:
        index = next_unread(self.stories.cards, self.stories.highlighted, step)
        if index is None:
            if step > 0 and self._more():
                self.want_unread = step
                return
            self.notify("No more unread stories here.", markup=False)
            return
        self.stories.highlighted = index
        self.open_story(self.stories.cards[index])

    # -- actions (see tui.keys) ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("toggle_read", "star", "open_link"):
            try:
                if self._target() is None:
                    return None
            except NoMatches:  # asked while the panes are still being built
                return True
        if action == "open" and self.pane == "reader":
            return False
        return True

    def action_cursor_down(self) -> None:
        if self.pane == "sources":
            self.sources.action_cursor_down()
        elif self.pane == "reader":
            self.reader.scroll_down(animate=False)
        else:
            self.stories.action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.pane == "sources":
            self.sources.action_cursor_up()
        elif self.pane == "reader":
            self.reader.scroll_up(animate=False)
        else:
            self.stories.action_cursor_up()

    def action_first(self) -> None:
        if self.pane == "reader":
            self.reader.scroll_home(animate=False)
        elif self.pane == "sources":
            self.sources.action_first()
        else:
            self.stories.action_first()

    def action_last(self) -> None:
        if self.pane == "reader":
            self.reader.scroll_end(animate=False)
        elif self.pane == "sources":
            self.sources.action_last()
        else:
            self.stories.action_last()

    def action_next_unread(self) -> None:
        self._go_unread(1)

    def action_prev_unread(self) -> None:
        self._go_unread(-1)

    def action_open(self) -> None:
        if self.pane == "sources":
            self.sources.action_select()
            return
        card = self.stories.current
        if card is not None:
            self.open_story(card)

    def action_open_link(self) -> None:
        card = self._target()
        if card is None:
            return
        url = safe_link(card.article.url)
        if url is None:
            shown = render.plain(card.article.url) or "none"
            self.notify(
                f"Not opening this link (only http and https links open): {shown}",
                severity="warning",
                markup=False,
            )
            return
        self.digest_app.open_link(url)

    def action_refresh_feed(self) -> None:
        if self.source.feed_based:
            ids = self.source.feed_ids
        else:
            card = self._target()
            if card is None:
                return
            ids = (card.article.feed_id,)
        self._refresh(ids)

    def action_refresh_all(self) -> None:
        self._refresh(None)

    def action_search(self) -> None:
        from tui.screens.search import SearchDialog

        def searched(words: str | None) -> None:
            if words and words.strip():
                if self.source.kind != "search":
                    self.previous_source = self.source
                previous = self.previous_source
                self.show_source(search_source(words))
                self.previous_source = previous
                self.pane = "stories"

        self.app.push_screen(SearchDialog(), searched)

    def action_toggle_read(self) -> None:
        card = self._target()
        if card is not None:
            self._mark(card, read=not card.article.read)

    def action_star(self) -> None:
        card = self._target()
        if card is not None:
            self._mark(card, starred=not card.article.starred)

    def action_mark_feed_read(self) -> None:
        if self.source.feed_based:
            feed_ids = self.source.feed_ids
            label = self.source.label
        else:
            card = self._target()
            if card is None:
                return
            feed_ids = (card.article.feed_id,)
            label = card.article.feed_title
        marked = [
            c for c in self.stories.cards if c.article.feed_id in feed_ids and not c.article.read
        ]
        self.stories.redraw(replace(c, article=replace(c.article, read=True)) for c in marked)
        if self.reader.data is not None and self.reader.data.article.feed_id in feed_ids:
            self.reader.refresh_header(
                replace(self.reader.data, article=replace(self.reader.data.article, read=True))
            )

        def job(store: Store) -> int:
            return sum(store.mark_feed_read(feed_id) for feed_id in feed_ids)

        self.digest_app.write(job, then=self._load_sources)
        self.notify(render.plain(f"Marked every story of {label} read."), markup=False)

    def action_prev_day(self) -> None:
        self._go_day(-1)

    def action_next_day(self) -> None:
        self._go_day(1)

    def _go_day(self, step: int) -> None:
        """Show the digest of the day before (-1) or after (+1) the one shown (from any other
        source, of the day before or after today); never past today."""
        from tui.library import local_day

        today = local_day(self.now())
        shown = (self.digest_day or today) if self.source.key == "today" else today
        day = shown + timedelta(days=step)
        if day > today:
            self.notify("This is today's digest: there is no later one yet.", markup=False)
            return
        self.show_source(day_source(day))
        self.pane = "stories"

    def action_next_pane(self) -> None:
        self.pane = PANES[(PANES.index(self.pane) + 1) % len(PANES)]

    def action_prev_pane(self) -> None:
        self.pane = PANES[(PANES.index(self.pane) - 1) % len(PANES)]

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.digest_app.keymap))

    def action_back(self) -> None:
        """q: leave the reader, then the search, then the sources; at the list, quit."""
        if self.pane == "reader":
            self.pane = "stories"
        elif self.source.kind == "search":
            self.show_source(self.previous_source or TODAY_SOURCE)
        elif self.pane == "sources" and self.narrow:
            self.pane = "stories"
        else:
            self.digest_app.action_quit_app()

    # -- refreshing ---------------------------------------------------------------------------------

    def _refresh(self, feed_ids: tuple[int, ...] | None) -> None:
        if self.refreshing:
            self.notify("A refresh is already running.", markup=False)
            return
        self.refreshing = True
        self._progress = "Refreshing…"
        self._status_line()
        self._run_refresh(feed_ids)

    @work(thread=True, exclusive=True, exit_on_error=False, group="refresh")
    def _run_refresh(self, feed_ids: tuple[int, ...] | None) -> None:
        from digest.refresh import ingest_folders, refresh_feeds

        app = self.digest_app
        store = self.library.store()
        try:
            pages_failed: tuple[str, ...] = ()
            if feed_ids is None and app.config.page_folders:
                outcomes = ingest_folders(store, app.config.page_folders)
                pages_failed = tuple(o.error for o in outcomes if o.error)
            feeds = [f for f in store.feeds() if feed_ids is None or f.id in feed_ids]
            web = [f for f in feeds if f.is_web]
            done = 0

            def progress(outcome: object) -> None:
                nonlocal done
                done += 1
                from digest.refresh import FeedOutcome

                assert isinstance(outcome, FeedOutcome)
                self.post_message(RefreshProgress(outcome, done, len(web)))

            # Worker processes (and summaries as articles arrive) only when the fork server
            # started before the app took the terminal; else threads, and summaries when shown.
            processes = app.worker_processes
            summary = app.config.summary
            report = refresh_feeds(
                store,
                web,
                app.config.fetch,
                on_progress=progress,
                workers=None if processes else 0,
                summary=summary if processes and summary.during_refresh else None,
                stop=lambda: app.stopping,
            )
        except DigestError as exc:
            self.post_message(RefreshFinished(None, str(exc)))
            return
        self.post_message(RefreshFinished(report, pages_failed=pages_failed))

    def on_refresh_progress(self, message: RefreshProgress) -> None:
        self._progress = f"Refreshing {message.done}/{message.total} feeds…"
        self._status_line()

    def on_refresh_finished(self, message: RefreshFinished) -> None:
        self.refreshing = False
        self._progress = ""
        report = message.report
        if report is not None and report.new_articles:
            self.digest_app.index_for_search()
        if report is None:
            self.notify(
                render.plain(f"Refresh failed: {message.error}"), severity="error", markup=False
            )
            self._status_line()
            return
        if not report.outcomes and not message.pages_failed:
            text = (
                "Nothing to refresh here: the sample feeds are built in. Add your own with "
                "`digest add URL`."
                if self.sample_mode
                else "Nothing to refresh here (saved pages and samples are not fetched)."
            )
            self.notify(text, markup=False)
        else:
            failed = report.failed
            summary = (
                f"Refreshed {report.feeds} feed{'s' if report.feeds != 1 else ''}: "
                f"{report.new_articles} new" + (f", {len(failed)} failed" if failed else "")
            )
            self.notify(summary, markup=False, timeout=4)
            lines = [
                f"{render.plain(o.feed.title or o.feed.url)}: {render.plain(o.error)}"
                for o in failed
            ]
            lines += [render.plain(reason) for reason in message.pages_failed]
            if lines:
                shown = lines[:5] + ([f"…and {len(lines) - 5} more"] if len(lines) > 5 else [])
                self.notify(
                    "\n".join(shown),
                    title="Refresh problems",
                    severity="warning",
                    markup=False,
                    timeout=10,
                )
        self._load_sources()
        top = self.stories.cards[0].article.when if self.stories.cards else None
        self._load_newer(self.source, self.generation, top)
        self._status_line()
