"""The Stories pane's list: story cards drawn line by line, with a cursor that survives updates.

It shows the cards it is given (attributes down) and posts :class:`StoryList.Highlighted`,
:class:`StoryList.Opened` and :class:`StoryList.NearEnd` (messages up); it never reads the store.
Every card is exactly :data:`CARD_LINES` lines (headline, meta, teaser, rule), so the list is a
Line API widget: only the lines on screen are drawn, a moved cursor redraws two cards, and
inserting newer stories above keeps both the cursor's story and what is on screen where they were.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual

from tui import keys, render
from tui.model import StoryCard

CARD_LINES = 4
"""Headline, source line, teaser, and a rule under the card."""
NEAR_END = 20
"""Ask for more cards when the cursor is this close to the last loaded one."""


class StoryList(ScrollView, can_focus=True):
    """Story cards; ``highlighted`` is the cursor's index."""

    DEFAULT_CSS = """
    StoryList {
        background: $surface;
    }
    StoryList > .story-list--cursor {
        background: $block-cursor-blurred-background;
    }
    StoryList:focus > .story-list--cursor {
        color: $block-cursor-foreground;
        background: $block-cursor-background;
        text-style: $block-cursor-text-style;
    }
    StoryList > .story-list--hover {
        background: $block-hover-background;
    }
    StoryList > .story-list--rule {
        color: $foreground 15%;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "story-list--card",
        "story-list--cursor",
        "story-list--hover",
        "story-list--rule",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", tooltip="Open the story in the reader"),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        *keys.story_bindings(),
    ]

    @dataclass
    class Highlighted(Message):
        card: StoryCard

    @dataclass
    class Opened(Message):
        card: StoryCard

    @dataclass
    class NearEnd(Message):
        loaded: int

    def __init__(self, now: datetime, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.now = now
        self.cards: list[StoryCard] = []
        self._index: dict[int, int] = {}
        self._cursor: int | None = None
        self._hover: int | None = None
        self._drawn: dict[int, tuple[StoryCard, int, str, bool, list[Strip]]] = {}
        """card id -> (the card drawn, width, state, focused, its strips)."""

    # -- attributes down --------------------------------------------------------------------------

    def _reindex(self) -> None:
        self._index = {card.id: i for i, card in enumerate(self.cards)}

    def _resize_virtual(self) -> None:
        height = max(0, len(self.cards) * CARD_LINES - 1)
        self.virtual_size = Size(self.scrollable_content_region.width, height)

    def show(self, cards: Sequence[StoryCard], *, cursor: int | None = None) -> None:
        """Replace the cards; the cursor goes to story ``cursor`` if present, else the first."""
        self.cards = list(cards)
        self._reindex()
        self._drawn.clear()
        self._cursor = None
        self._resize_virtual()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()
        if self.cards:
            self.highlighted = self._index.get(cursor, 0) if cursor is not None else 0

    def extend(self, cards: Sequence[StoryCard]) -> None:
        """Add cards at the end (a further page); ones already shown are skipped."""
        fresh = [c for c in cards if c.id not in self._index]
        if not fresh:
            return
        start = len(self.cards)
        self.cards.extend(fresh)
        self._index.update({c.id: start + i for i, c in enumerate(fresh)})
        self._resize_virtual()
        self.refresh()
        if self._cursor is None:
            self.highlighted = 0

    def prepend(self, cards: Sequence[StoryCard]) -> int:
        """Insert newer cards at the top without moving the cursor's story or the view.

        Returns how many were inserted.
        """
        fresh = [c for c in cards if c.id not in self._index]
        if not fresh:
            return 0
        self.cards = fresh + self.cards
        self._reindex()
        self._resize_virtual()
        if self._cursor is not None:
            self._cursor += len(fresh)
        if self._hover is not None:
            self._hover += len(fresh)
        self.scroll_to(
            y=self.scroll_y + len(fresh) * CARD_LINES, animate=False, immediate=True, force=True
        )
        self.refresh()
        return len(fresh)

    def redraw(self, cards: Iterable[StoryCard]) -> None:
        """Redraw cards whose data changed (a mark, a summary); order and cursor stay."""
        for card in cards:
            index = self._index.get(card.id)
            if index is None:
                continue
            self.cards[index] = card
            self._refresh_card(index)

    # -- the cursor -----------------------------------------------------------------------------------

    @property
    def highlighted(self) -> int | None:
        return self._cursor

    @highlighted.setter
    def highlighted(self, index: int | None) -> None:
        if index is not None:
            if not self.cards:
                index = None
            else:
                index = max(0, min(index, len(self.cards) - 1))
        old, self._cursor = self._cursor, index
        if old == index:
            return
        if old is not None:
            self._refresh_card(old)
        if index is None:
            return
        self._refresh_card(index)
        self.scroll_to_cursor()
        self.post_message(self.Highlighted(self.cards[index]))
        if index >= len(self.cards) - NEAR_END:
            self.post_message(self.NearEnd(len(self.cards)))

    def scroll_to_cursor(self) -> None:
        if self._cursor is None:
            return
        region = Region(0, self._cursor * CARD_LINES, self.scrollable_content_region.width, 3)
        self.scroll_to_region(region, animate=False, force=True, immediate=True)

    @property
    def current(self) -> StoryCard | None:
        index = self._cursor
        if index is None or not (0 <= index < len(self.cards)):
            return None
        return self.cards[index]

    def index_of(self, article_id: int) -> int | None:
        return self._index.get(article_id)

    def card(self, article_id: int) -> StoryCard | None:
        index = self._index.get(article_id)
        return None if index is None else self.cards[index]

    def move_to(self, article_id: int) -> bool:
        index = self._index.get(article_id)
        if index is None:
            return False
        self.highlighted = index
        return True

    def action_cursor_down(self) -> None:
        self.highlighted = 0 if self._cursor is None else self._cursor + 1

    def action_cursor_up(self) -> None:
        self.highlighted = 0 if self._cursor is None else self._cursor - 1

    def action_first(self) -> None:
        self.highlighted = 0

    def action_last(self) -> None:
        self.highlighted = len(self.cards) - 1

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height // CARD_LINES)

    def action_page_down(self) -> None:
        self.highlighted = (self._cursor or 0) + self._page()

    def action_page_up(self) -> None:
        self.highlighted = (self._cursor or 0) - self._page()

    def action_select(self) -> None:
        card = self.current
        if card is not None:
            self.post_message(self.Opened(card))

    # -- drawing --------------------------------------------------------------------------------------

    def _refresh_card(self, index: int) -> None:
        self.refresh_lines(index * CARD_LINES, CARD_LINES)

    def notify_style_update(self) -> None:
        self._drawn.clear()
        super().notify_style_update()

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line = self.scroll_offset.y + y
        index, row = divmod(line, CARD_LINES)
        if index >= len(self.cards):
            return Strip.blank(width, self.get_visual_style("story-list--card").rich_style)
        return self._card_strips(index, width)[row]

    def _card_strips(self, index: int, width: int) -> list[Strip]:
        card = self.cards[index]
        state = (
            "story-list--cursor"
            if index == self._cursor
            else "story-list--hover"
            if index == self._hover
            else ""
        )
        focused = self.has_focus
        drawn = self._drawn.get(card.id)
        if drawn is not None:
            was, drawn_width, drawn_state, drawn_focus, strips = drawn
            if was is card and (drawn_width, drawn_state, drawn_focus) == (width, state, focused):
                return strips
        classes = ("story-list--card", state) if state else ("story-list--card",)
        style = self.get_visual_style(*classes)
        strips = []
        lines = render.card(card, self.now).split("\n")[: CARD_LINES - 1]
        if card.also_in and len(lines) > 1:
            lines[1] = with_also_in(lines[1], card)
        for text in lines:
            fitted = Content.assemble(" ", text.truncate(max(1, width - 2), ellipsis=True), " ")
            rendered = Visual.to_strips(self, fitted, width, 1, style, pad=True)
            strips.append(rendered[0].crop(0, width).apply_meta({"story": index}))
        while len(strips) < CARD_LINES - 1:
            strips.append(Strip.blank(width, style.rich_style))
        rule = self.get_visual_style("story-list--rule")
        strips.append(Strip([Segment("─" * width, rule.rich_style)], width))
        if len(self._drawn) > 400:
            self._drawn.clear()
        self._drawn[card.id] = (card, width, state, focused, strips)
        return strips

    # -- the mouse ------------------------------------------------------------------------------------

    def _story_at(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        index = (offset.y + int(self.scroll_y)) // CARD_LINES
        return index if 0 <= index < len(self.cards) else None

    async def _on_click(self, event: events.Click) -> None:
        index = self._story_at(event)
        if index is not None:
            self.highlighted = index
            self.action_select()

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        index = self._story_at(event)
        if index != self._hover:
            old, self._hover = self._hover, index
            for changed in (old, index):
                if changed is not None:
                    self._refresh_card(changed)

    def _on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            old, self._hover = self._hover, None
            self._refresh_card(old)

    def on_resize(self) -> None:
        self._resize_virtual()
        self.scroll_to_cursor()


def with_also_in(meta: Content, card: StoryCard) -> Content:
    """The card's source line with "also in: A, B" after the source, time and related count
    (before the reading time), where a narrow pane cuts it last."""
    parts = meta.plain.split(render.DOT)
    keep = 3 if card.related_count else 2
    at = len(render.DOT.join(parts[:keep]))
    also = render.line(f"{render.DOT}also in: {', '.join(card.also_in)}", "$text-muted")
    return Content.assemble(meta[:at], also, meta[at:])
