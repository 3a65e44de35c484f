"""The Sources pane: views, feeds by folder, tags and saved pages, with unread counts.

Shows the :class:`~tui.model.Source` rows it is given and posts :class:`SourceList.Chosen` when
one is picked (Enter or a click). Headings are disabled rows. It never reads the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui import render
from tui.model import Source


class SourceList(OptionList):
    """The list of sources; the highlighted row is the one shown in the Stories pane."""

    @dataclass
    class Chosen(Message):
        source: Source

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.sources: list[Source] = []

    def show(self, sources: Sequence[Source], current: str | None) -> None:
        """Replace the rows, keeping the highlight on ``current`` (a source key) when present."""
        self.sources = list(sources)
        options = []
        for source in self.sources:
            if source.kind == "heading":
                options.append(Option(render.heading(source.label), disabled=True))
            else:
                options.append(Option(render.source_label(source, self._width), id=source.key))
        with self.prevent(OptionList.OptionHighlighted):
            self.set_options(options)
            index = self.index_of(current) if current else None
            self.highlighted = index if index is not None else 0

    def index_of(self, key: str) -> int | None:
        for index, source in enumerate(self.sources):
            if source.key == key:
                return index
        return None

    def source(self, key: str) -> Source | None:
        index = self.index_of(key)
        return None if index is None else self.sources[index]

    def adjust_unread(self, deltas: dict[str, int]) -> None:
        """Change the unread counts of some rows (keys -> delta) after marks."""
        from dataclasses import replace

        for index, source in enumerate(self.sources):
            delta = deltas.get(source.key)
            if delta:
                updated = replace(source, unread=max(0, source.unread + delta))
                self.sources[index] = updated
                self.replace_option_prompt_at_index(
                    index, render.source_label(updated, self._width)
                )

    @property
    def _width(self) -> int:
        return max(0, self.scrollable_content_region.width - 2)

    def on_resize(self) -> None:
        if self.sources:
            current = self.current
            self.show(self.sources, current.key if current else None)

    @property
    def current(self) -> Source | None:
        index = self.highlighted
        if index is None or not (0 <= index < len(self.sources)):
            return None
        return self.sources[index]

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        source = self.current
        if source is not None and source.selectable:
            self.post_message(self.Chosen(source))
