"""The Stories pane's list: story cards, one option each, with a cursor that survives updates.

It shows the cards it is given (attributes down) and posts :class:`StoryList.Highlighted`,
:class:`StoryList.Opened` and :class:`StoryList.NearEnd` (messages up); it never reads the store.
Cards are three lines that never wrap, so inserting new stories above the cursor can keep both the
cursor's story and what is on screen exactly where they were.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui import keys, render
from tui.model import StoryCard

NEAR_END = 20
"""Ask for more cards when the cursor is this close to the last loaded one."""


class StoryList(OptionList):
    """Story cards; the cursor is the highlighted option."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", tooltip="Open the story in the reader"),
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
        super().__init__(id=id, markup=False)
        self.now = now
        self.cards: list[StoryCard] = []
        self._index: dict[int, int] = {}

    # -- attributes down --------------------------------------------------------------------------

    def _option(self, card: StoryCard) -> Option:
        return Option(render.card(card, self.now), id=str(card.id))

    def _reindex(self) -> None:
        self._index = {card.id: i for i, card in enumerate(self.cards)}

    def _entries(self, cards: Iterable[StoryCard]) -> list[Option | None]:
        entries: list[Option | None] = []
        for card in cards:
            entries.append(self._option(card))
            entries.append(None)
        return entries

    def show(self, cards: Sequence[StoryCard], *, cursor: int | None = None) -> None:
        """Replace the cards; the cursor goes to story ``cursor`` if present, else the first."""
        self.cards = list(cards)
        self._reindex()
        self.set_options(self._entries(self.cards))
        if self.cards:
            self.highlighted = self._index.get(cursor, 0) if cursor is not None else 0

    def extend(self, cards: Sequence[StoryCard]) -> None:
        """Add cards at the end (a further page); ones already shown are skipped."""
        fresh = [c for c in cards if c.id not in self._index]
        if not fresh:
            return
        had_cursor = self.highlighted
        start = len(self.cards)
        self.cards.extend(fresh)
        self._index.update({c.id: start + i for i, c in enumerate(fresh)})
        self.add_options(self._entries(fresh))
        if had_cursor is None and self.cards:
            self.highlighted = 0

    def prepend(self, cards: Sequence[StoryCard]) -> int:
        """Insert newer cards at the top without moving the cursor's story or the view.

        Returns how many were inserted.
        """
        fresh = [c for c in cards if c.id not in self._index]
        if not fresh:
            return 0
        current = self.current
        old_lines = len(self._lines)
        scroll_y = self.scroll_y
        self.cards = fresh + self.cards
        self._reindex()
        with self.prevent(OptionList.OptionHighlighted):
            self.set_options(self._entries(self.cards))
            added = len(self._lines) - old_lines
            self.scroll_to(y=scroll_y + added, animate=False, immediate=True, force=True)
            if current is not None:
                self.highlighted = self._index[current.id]
        return len(fresh)

    def redraw(self, cards: Iterable[StoryCard]) -> None:
        """Redraw cards whose data changed (a mark, a summary); order and cursor stay."""
        for card in cards:
            index = self._index.get(card.id)
            if index is None:
                continue
            self.cards[index] = card
            self.replace_option_prompt_at_index(index, render.card(card, self.now))

    # -- reading ------------------------------------------------------------------------------------

    @property
    def current(self) -> StoryCard | None:
        index = self.highlighted
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

    # -- messages up ----------------------------------------------------------------------------------

    def _on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        card = self.current
        if card is None:
            return
        self.post_message(self.Highlighted(card))
        if event.option_index >= len(self.cards) - NEAR_END:
            self.post_message(self.NearEnd(len(self.cards)))

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        card = self.current
        if card is not None:
            self.post_message(self.Opened(card))
