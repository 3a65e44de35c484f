"""The Sources pane: views, feeds by folder, tags and saved pages, with unread counts.

Shows the :class:`~tui.model.Source` rows it is given and posts :class:`SourceList.Chosen` when
one is picked (Enter or a click); headings cannot be picked. It is a Line API widget, one line per
row, each row drawn once and kept until it changes, so a new unread count redraws one line. It
never reads the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual

from tui import render
from tui.model import Source


class SourceList(ScrollView, can_focus=True):
    """The list of sources; ``highlighted`` is the cursor's row."""

    DEFAULT_CSS = """
    SourceList {
        background: $surface;
    }
    SourceList > .source-list--cursor {
        background: $block-cursor-blurred-background;
    }
    SourceList:focus > .source-list--cursor {
        color: $block-cursor-foreground;
        background: $block-cursor-background;
        text-style: $block-cursor-text-style;
    }
    SourceList > .source-list--hover {
        background: $block-hover-background;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "source-list--row",
        "source-list--cursor",
        "source-list--hover",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Show", tooltip="Show this source's stories"),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
    ]

    @dataclass
    class Chosen(Message):
        source: Source

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.sources: list[Source] = []
        self._cursor: int | None = None
        self._hover: int | None = None
        self._drawn: dict[int, tuple[Source, int, str, bool, Strip]] = {}

    # -- attributes down --------------------------------------------------------------------------

    def show(self, sources: Sequence[Source], current: str | None) -> None:
        """Replace the rows, keeping the cursor on ``current`` (a source key) when present."""
        self.sources = list(sources)
        self._drawn.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.sources))
        index = self.index_of(current) if current else None
        self._cursor = index if index is not None else self._first_selectable(0, 1)
        self.refresh()
        self._scroll_to_cursor()

    def adjust_unread(self, deltas: dict[str, int]) -> None:
        """Change the unread counts of some rows (keys -> delta) after marks."""
        for index, source in enumerate(self.sources):
            delta = deltas.get(source.key)
            if delta:
                self.sources[index] = replace(source, unread=max(0, source.unread + delta))
                self.refresh_line(index)

    def index_of(self, key: str) -> int | None:
        for index, source in enumerate(self.sources):
            if source.key == key:
                return index
        return None

    def source(self, key: str) -> Source | None:
        index = self.index_of(key)
        return None if index is None else self.sources[index]

    # -- the cursor -----------------------------------------------------------------------------------

    @property
    def highlighted(self) -> int | None:
        return self._cursor

    @highlighted.setter
    def highlighted(self, index: int | None) -> None:
        if index is not None and not (0 <= index < len(self.sources)):
            return
        old, self._cursor = self._cursor, index
        for changed in (old, index):
            if changed is not None:
                self.refresh_line(changed)
        self._scroll_to_cursor()

    @property
    def current(self) -> Source | None:
        index = self._cursor
        if index is None or not (0 <= index < len(self.sources)):
            return None
        return self.sources[index]

    def _first_selectable(self, start: int, step: int) -> int | None:
        index = start
        while 0 <= index < len(self.sources):
            if self.sources[index].selectable:
                return index
            index += step
        return None

    def _scroll_to_cursor(self) -> None:
        if self._cursor is not None:
            self.scroll_to_region(
                Region(0, self._cursor, 1, 1),
                animate=False,
                force=True,
                immediate=True,
            )

    def _move(self, step: int) -> None:
        start = (self._cursor if self._cursor is not None else -step) + step
        found = self._first_selectable(start, step)
        if found is not None:
            self.highlighted = found

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_first(self) -> None:
        found = self._first_selectable(0, 1)
        if found is not None:
            self.highlighted = found

    def action_last(self) -> None:
        found = self._first_selectable(len(self.sources) - 1, -1)
        if found is not None:
            self.highlighted = found

    def action_select(self) -> None:
        source = self.current
        if source is not None and source.selectable:
            self.post_message(self.Chosen(source))

    # -- drawing --------------------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        self._drawn.clear()
        super().notify_style_update()

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = self.scroll_offset.y + y
        if index >= len(self.sources):
            return Strip.blank(width, self.get_visual_style("source-list--row").rich_style)
        source = self.sources[index]
        state = (
            "source-list--cursor"
            if index == self._cursor
            else "source-list--hover"
            if index == self._hover and source.selectable
            else ""
        )
        focused = self.has_focus
        drawn = self._drawn.get(index)
        if drawn is not None and drawn[0] is source and drawn[1:4] == (width, state, focused):
            return drawn[4]
        classes = ("source-list--row", state) if state else ("source-list--row",)
        style = self.get_visual_style(*classes)
        if source.kind == "heading":
            content = render.heading(source.label)
        else:
            content = render.source_label(source, max(1, width - 2))
        padded = content.pad(1, 1).truncate(width)
        strip = Visual.to_strips(self, padded, width, 1, style, pad=True)[0].crop(0, width)
        self._drawn[index] = (source, width, state, focused, strip)
        return strip

    # -- the mouse ------------------------------------------------------------------------------------

    def _row_at(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        index = offset.y + int(self.scroll_y)
        return index if 0 <= index < len(self.sources) else None

    async def _on_click(self, event: events.Click) -> None:
        index = self._row_at(event)
        if index is not None and self.sources[index].selectable:
            self.highlighted = index
            self.action_select()

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        index = self._row_at(event)
        if index != self._hover:
            old, self._hover = self._hover, index
            for changed in (old, index):
                if changed is not None:
                    self.refresh_line(changed)

    def _on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            old, self._hover = self._hover, None
            self.refresh_line(old)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.sources))
