"""The app's actions and their keys: one table for the bindings, the help screen, the palette.

Each :class:`Action` is a Textual binding with a stable id (its name), so the config's ``[keys]``
table rebinds it through Textual's keymap. :func:`keymap` checks the config: an unknown action
name or an empty key list becomes a one-line problem for the app to show, never an exception.
Pure data and functions; no Textual widgets here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from textual.binding import Binding

from digest.textclean import clean_line


@dataclass(frozen=True)
class Action:
    name: str
    """The action's name: its method is ``action_<name>`` on the main screen; the config's key."""
    keys: str
    """Default keys, comma-separated, in Textual's key names."""
    description: str
    """Short label for the footer."""
    help: str
    """One sentence for the help screen and the command palette."""
    footer: bool = True
    story: bool = False
    """Acts on a story: bound (and shown in the footer) on the Stories list and the Reader."""


ACTIONS: tuple[Action, ...] = (
    Action("cursor_down", "j,down", "Down", "Move to the next story (or scroll the reader)", False),
    Action("cursor_up", "k,up", "Up", "Move to the previous story (or scroll the reader)", False),
    Action("next_unread", "n", "Next", "Go to the next unread story and open it"),
    Action("prev_unread", "p", "Prev unread", "Go to the previous unread story and open it", False),
    Action("open", "enter", "Open", "Open the story in the reader (marks it read)", False),
    Action("open_link", "o", "Link", "Open the story's link in the web browser", story=True),
    Action("refresh_feed", "r", "Refresh", "Refresh the current feed"),
    Action("refresh_all", "R", "Refresh all", "Refresh every feed and saved-page folder", False),
    Action("search", "slash", "Search", "Search titles and text"),
    Action("toggle_read", "N", "Read", "Toggle the story between read and unread", story=True),
    Action("mark_feed_read", "A", "Feed read", "Mark every story of the current feed read", False),
    Action("star", "s", "Star", "Star or unstar the story", story=True),
    Action("next_pane", "tab", "Pane", "Go to the next pane", False),
    Action("prev_pane", "shift+tab", "Prev pane", "Go to the previous pane", False),
    Action("help", "question_mark", "Help", "Show every key"),
    Action("back", "q", "Back", "Close the reader or the search, else quit"),
    Action("prev_day", "left_square_bracket", "Prev day", "Show the previous day's digest"),
    Action("next_day", "right_square_bracket", "Next day", "Show the next day's digest"),
    Action("first", "g,home", "First", "Go to the first story", False),
    Action("last", "G,end", "Last", "Go to the last loaded story", False),
)

BY_NAME = {action.name: action for action in ACTIONS}


def bindings() -> list[Binding]:
    """The main screen's bindings, each with its action's name as id (so it can be rebound).

    Story actions are hidden here: the widgets that show a story bind them visibly
    (:func:`story_bindings`), so the footer shows them only where they apply.
    """
    return [
        Binding(
            a.keys, a.name, a.description, show=a.footer and not a.story, id=a.name, tooltip=a.help
        )
        for a in ACTIONS
    ]


def story_bindings() -> list[Binding]:
    """Bindings for widgets that show a story: the screen's story actions, shown in the footer."""
    return [
        Binding(a.keys, f"screen.{a.name}", a.description, id=a.name, tooltip=a.help)
        for a in ACTIONS
        if a.story
    ]


def keymap(pairs: Iterable[tuple[str, str]]) -> tuple[dict[str, str], list[str]]:
    """The config's ``[keys]`` as a Textual keymap, and a problem line for each entry ignored."""
    mapping: dict[str, str] = {}
    problems: list[str] = []
    for name, keys in pairs:
        action = clean_line(name)
        wanted = ",".join(k.strip() for k in clean_line(keys).split(",") if k.strip())
        if action not in BY_NAME:
            known = ", ".join(sorted(BY_NAME))
            problems.append(f"[keys] names an unknown action {action!r}; known actions: {known}")
            continue
        if not wanted:
            problems.append(f"[keys] {action} has no keys; keeping {BY_NAME[action].keys!r}")
            continue
        mapping[action] = wanted
    return mapping, problems


def keys_for(name: str, mapping: dict[str, str]) -> str:
    """The keys an action has once the config's keymap is applied."""
    return mapping.get(name, BY_NAME[name].keys)


def display_keys(keys: str) -> str:
    """Key names as a person writes them (``slash`` -> ``/``)."""
    names = {
        "slash": "/",
        "question_mark": "?",
        "enter": "Enter",
        "tab": "Tab",
        "shift+tab": "Shift+Tab",
        "down": "↓",
        "up": "↑",
        "home": "Home",
        "end": "End",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
    }
    return ", ".join(names.get(k.strip(), k.strip()) for k in keys.split(","))


def help_rows(mapping: dict[str, str]) -> Sequence[tuple[str, str, str]]:
    """(keys, action name, help) for every action, as rebound."""
    return [(display_keys(keys_for(a.name, mapping)), a.name, a.help) for a in ACTIONS]
