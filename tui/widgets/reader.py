"""The Reader pane: one article's header, summary bullets, full text and related stories.

It shows the :class:`~tui.library.ReaderData` it is given; the summary's sentences are
highlighted in place in the text. Picking a related story posts :class:`ReaderPane.RelatedOpened`.
All text goes through ``tui.render``. It never reads the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui import keys, render
from tui.library import ReaderData


class RelatedList(OptionList):
    """Related stories under the article; Enter or a click opens one."""


class ReaderPane(VerticalScroll, can_focus=True):
    """The article being read (or a hint when there is none)."""

    BINDINGS: ClassVar[list[BindingType]] = list(keys.story_bindings())

    @dataclass
    class RelatedOpened(Message):
        article_id: int

    def __init__(self, now: datetime, *, id: str | None = None, classes: str = "") -> None:
        super().__init__(id=id, classes=classes)
        self.now = now
        self.data: ReaderData | None = None

    def compose(self) -> ComposeResult:
        yield Static(
            Content.styled("Pick a story and press Enter to read it.", "$text-muted"),
            id="reader-header",
        )
        summary = Static("", id="reader-summary")
        summary.display = False
        yield summary
        yield Static("", id="reader-body")
        yield Static("", id="reader-related-title")
        yield RelatedList(id="reader-related", markup=False)

    def show(self, data: ReaderData) -> None:
        """Show an article from the top."""
        self.data = data
        self.query_one("#reader-header", Static).update(
            render.article_header(data.article, self.now)
        )
        summary = Content.assemble(
            ("Summary", "bold $accent"), "\n", render.summary_bullets(data.summary)
        )
        self.query_one("#reader-summary", Static).update(summary)
        self.query_one("#reader-summary").display = True
        highlighted = [index for index, _ in data.summary.sentences]
        self.query_one("#reader-body", Static).update(
            render.article_body(data.paragraphs, highlighted)
        )
        related = self.query_one(RelatedList)
        title = self.query_one("#reader-related-title", Static)
        if data.related:
            count = len(data.related)
            title.update(Content.styled(f"Related stories ({count})", "bold $accent"))
            related.set_options(
                Option(render.related_item(c.article, c.teaser), id=str(c.id)) for c in data.related
            )
            related.highlighted = 0
            related.display = True
            title.display = True
        else:
            related.clear_options()
            related.display = False
            title.display = False
        self.scroll_home(animate=False, immediate=True)

    def refresh_header(self, data: ReaderData) -> None:
        """Redraw the header only (after a mark), keeping the scroll position."""
        self.data = data
        self.query_one("#reader-header", Static).update(
            render.article_header(data.article, self.now)
        )

    def clear(self) -> None:
        self.data = None
        self.query_one("#reader-header", Static).update(
            Content.styled("Pick a story and press Enter to read it.", "$text-muted")
        )
        for name in ("#reader-summary", "#reader-body", "#reader-related-title"):
            self.query_one(name, Static).update("")
        self.query_one("#reader-summary").display = False
        self.query_one(RelatedList).clear_options()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id is not None:
            self.post_message(self.RelatedOpened(int(event.option_id)))
