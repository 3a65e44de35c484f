"""Messages the workers post back to the main screen: small frozen payloads, no behaviour.

Workers run in threads; ``post_message`` is the only way they talk to the UI. Widgets' own
messages (a story chosen, a source picked) live on the widgets. Nothing here touches the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # the refresh machinery is imported only when a refresh runs
    from digest.refresh import FeedOutcome, RefreshReport
    from tui.library import ReaderData, SourcesData
    from tui.model import StoryCard, StoryPage


@dataclass
class SourcesLoaded(Message):
    data: SourcesData


@dataclass
class StoriesLoaded(Message):
    page: StoryPage
    generation: int
    """Which load of the Stories pane this answers (older answers are dropped)."""
    restore: int | None = None
    """The story to put the cursor on, if it is in the page."""


@dataclass
class CardsSummarized(Message):
    cards: tuple[StoryCard, ...]
    generation: int


@dataclass
class NewStories(Message):
    cards: tuple[StoryCard, ...]
    generation: int


@dataclass
class ArticleLoaded(Message):
    article_id: int
    data: ReaderData | None
    focus: bool
    """Whether the reader should take the focus (opened with Enter, not previewed)."""


@dataclass
class RefreshProgress(Message):
    outcome: FeedOutcome
    done: int
    total: int


@dataclass
class RefreshFinished(Message):
    report: RefreshReport | None
    error: str = ""
    pages_failed: tuple[str, ...] = ()


@dataclass
class WriteFailed(Message):
    reason: str
