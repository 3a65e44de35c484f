"""The help screen: every action with its keys (as rebound by the config), and the mouse.

A modal that reads the action table in ``tui.keys``; q, Escape or ? closes it. No store access.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui import keys, render


class HelpScreen(ModalScreen[None]):
    """Keys and what they do."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help_close"),
    ]

    def __init__(self, keymap: dict[str, str]) -> None:
        super().__init__()
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        rows = keys.help_rows(self.keymap)
        width = max(len(k) for k, _, _ in rows) + 2
        lines = [Content.styled("Digest keys", "bold $accent"), Content("")]
        for shown, name, text in rows:
            lines.append(
                Content.assemble(
                    (shown.ljust(width), "bold"), render.line(text), (f"  ({name})", "$text-muted")
                )
            )
        lines += [
            Content(""),
            Content.assemble(
                ("ctrl+p".ljust(width), "bold"), "Command palette: every action, themes"
            ),
            Content.assemble(("ctrl+q".ljust(width), "bold"), "Quit at once"),
            Content(""),
            Content.styled(
                "Mouse: click a source, a story or a related story to open it; the wheel scrolls.",
                "$text-muted",
            ),
            Content.styled(
                'Rebind keys in the config\'s [keys] table, e.g. next_unread = "n,ctrl+n".',
                "$text-muted",
            ),
        ]
        with VerticalScroll(id="help-box"):
            yield Static(Content("\n").join(lines), id="help-text")
