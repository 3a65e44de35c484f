"""The search prompt: a one-line dialog that returns the words to search for (or None).

The main screen runs the search (the store's full-text index, in a worker) and lists the results
in the Stories pane. This dialog only collects the words.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class SearchDialog(ModalScreen[str | None]):
    """Asks for search words; Enter searches, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="search_cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            yield Static(Content.styled("Search titles and text", "bold"))
            yield Input(placeholder="words to find…", id="search-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
