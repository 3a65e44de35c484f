"""Whether a feed item's own text is only a teaser, so its article page is worth fetching.

A refresh asks this of every new entry, in the worker processes that parse feeds: it is kept
apart from :mod:`digest.extract` (which needs trafilatura) so that parsing never loads the page
extractor unless a page is actually fetched. It is pure and does no IO.
"""

from __future__ import annotations

import re

from digest.textclean import clean_text

__all__ = ["TEASER_CHARS", "is_teaser", "word_key"]

TEASER_CHARS = 500
"""Feed text shorter than this is taken for a teaser."""
_TEASER_END = re.compile(
    r"(?:…|\.\.\.|\[(?:…|\.\.\.)\]|\((?:more|read more)\s*(?:…|\.\.\.)?\)"
    r"|read more|continue reading|read the (?:full|whole|rest of the) (?:story|article)"
    r"|keep reading|more\s*»|»)\W*$",
    re.I,
)
_SENTENCE = re.compile(r"[^.!?…]+[.!?…]+(?:\s|$)")
_WORDS = re.compile(r"\w+")


def is_teaser(text: str, summary: str = "") -> bool:
    """Whether a feed item's text is only a teaser, so the full page is worth fetching.

    A teaser is empty, short (under :data:`TEASER_CHARS` characters or under three sentences),
    ends in an ellipsis or a "Read more" link text, or is the feed's summary again (unless it is
    long enough to be a whole article by itself).
    """
    body = clean_text(text)
    if not body:
        return True
    if _TEASER_END.search(body, max(0, len(body) - 200)):  # the pattern is anchored at the end
        return True
    if len(body) < TEASER_CHARS or _sentences_fewer_than(body, 3):
        return True
    if len(body) >= 3 * TEASER_CHARS:
        return False
    short = clean_text(summary)
    return bool(short) and word_key(short) == word_key(body)


def word_key(text: str) -> str:
    """The text's words, case-folded and joined by single spaces: two texts that say the same
    words compare equal whatever their punctuation and spacing."""
    return " ".join(_WORDS.findall(text.casefold()))


def _sentences_fewer_than(text: str, count: int) -> bool:
    """Whether ``text`` has fewer than ``count`` sentences (stops counting at ``count``)."""
    for seen, _ in enumerate(_SENTENCE.finditer(text), start=1):
        if seen >= count:
            return False
    return True
