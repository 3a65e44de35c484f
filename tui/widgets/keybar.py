"""The key bar at the bottom: the keys that work where the focus is, drawn as one line of text.

It redraws when the screen's bindings change (focus moves, a dialog opens). Unlike Textual's
``Footer``, which builds a widget per key on every change, it is a single ``Static``, so moving
the focus costs one line of text. It shows only the app's own key names and descriptions.
"""

from __future__ import annotations

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static


class KeyBar(Static):
    """Key and description of every binding shown in the current context, then the palette key."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        padding: 0 1;
        background: $footer-background;
        color: $footer-description-foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.update(self.describe(screen))

    def describe(self, screen: Screen[object]) -> Content:
        palette_key = self.app.COMMAND_PALETTE_BINDING
        parts: list[Content] = []
        seen: set[str] = set()
        palette: Content | None = None
        for active in screen.active_bindings.values():
            binding = active.binding
            shown = self.app.get_key_display(binding)
            if binding.key == palette_key:
                palette = Content.assemble((shown, "bold $footer-key-foreground"), " palette")
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            style = "" if active.enabled else "$text-disabled"
            parts.append(
                Content.assemble(
                    (shown, "bold $footer-key-foreground"), " ", (binding.description, style)
                )
            )
        if palette is not None:
            parts.append(palette)
        wide = Content("  ").join(parts)
        if wide.cell_length <= max(0, self.size.width - 2):
            return wide
        return Content(" ").join(parts)  # a narrow terminal: one space between keys

    def on_resize(self) -> None:
        self._bindings_changed(self.screen)
