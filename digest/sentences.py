"""Offline sentence and word splitting for news text, and a tokenizer that sumy accepts.

:func:`split_sentences` cuts article text into sentences with rules made for news: it keeps
abbreviations (Mr., U.S., Jan. 5), initials (J. K. Rowling), decimals and money ($10.9bn), quotes
and brackets together, and gives headlines without a full stop and list items a sentence of their
own. :class:`OfflineTokenizer` wraps it in the tokenizer protocol of sumy (``language``,
``to_sentences``, ``to_words``) so sumy's summarizers run on a fresh machine. Nothing here touches
the network, the disk or NLTK's data (sumy's own ``Tokenizer`` loads NLTK's punkt models, which a
fresh machine does not have): it is pure, linear-time string work.
"""

from __future__ import annotations

import re

# Abbreviations after which a full stop never ends a sentence (titles and the like), lower case,
# without the final dot. English first, then common German, French, Spanish and Italian ones.
_NEVER_FINAL = frozenset(
    """
    mr mrs ms messrs dr prof st gen col lt maj sgt capt cmdr adm rep sen gov pres rev hon
    fr supt det insp cpl brig mt vs v cf e.g i.e eg ie viz approx dept univ figs vols pp
    ca resp incl excl
    z.b z.t d.h u.a o.ä s.o s.u bzw vgl nr str hr frl evtl ggf inkl bspw sog jh
    mme mlle av sra srta sres dña dra avda sig sigg dott avv
    """.split()
)
# Abbreviations that often end a sentence too: the stop is final only when a word that usually
# opens a sentence follows ("in the U.S. The", but "the U.S. Senate").
_AMBIGUOUS = frozenset(
    """
    inc ltd co corp plc llc bros etc jr sr usw u.s u.k u.n e.u a.m p.m ph.d u.s.a
    """.split()
)
# Abbreviations that never end a sentence before a number (Jan. 5, No. 10, pp. 4-5).
_BEFORE_NUMBER = frozenset(
    """
    jan feb mar apr jun jul aug sep sept oct nov dec no nos nr p pp vol art fig ch sec
    """.split()
)
_MONTHS = frozenset(
    """
    january february march april may june july august september october november december
    januar februar märz juni juli oktober dezember jänner
    janvier février mars avril mai juin juillet août septembre octobre novembre décembre
    enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre
    gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre
    """.split()
)
# Words that usually open a sentence, lower case; used only after an ambiguous abbreviation.
_OPENERS = frozenset(
    """
    a an the this that these those there here it its he she we they i you his her their our my
    but and so yet or if in on at as after before when while since although though however
    meanwhile also still then now today yesterday last next some many most all both one two no
    not what who why how where mr mrs ms dr
    der die das ein eine er sie es wir ich aber auch doch und im am zum zur
    le la les un une il elle ils nous je mais et en au aux ce cette
    el los las una ella ellos pero y
    """.split()
)

# A candidate boundary: terminal punctuation, then closing quotes or brackets, then whitespace.
_BOUNDARY = re.compile(
    "([.!?\u2026\u203d\u3002\uff01\uff1f]+)([\"'\u201d\u2019\u00bb)\\]\u300d\u300f\uff09]*)(\\s*)"
)
# The same without CJK stops, and only where whitespace follows: in a block without CJK stops,
# the only candidates _split_block does not skip. ("[.!?]" and "[.!?]*" rather than "[.!?]+":
# the same matches, but a pattern that opens with a single set lets re skip ahead to its next
# member instead of trying the repeat at every character, which is twice as fast.)
_SPACED_BOUNDARY = re.compile(
    "([.!?\u2026\u203d][.!?\u2026\u203d]*)([\"'\u201d\u2019\u00bb)\\]\u300d\u300f\uff09]*)(\\s+)"
)
# ASCII blocks are searched in their shape: stops made ".", closing quotes and brackets ")",
# whitespace " ", anything else "x", one byte a character. _SHAPE_BOUNDARY finds in the shape
# exactly the spans _SPACED_BOUNDARY finds in the text, but re scans bytes for one literal byte
# several times faster than text for a set of characters.
_SHAPE = bytes(
    ord("." if char in ".!?" else ")" if char in "\"')]" else " " if char.isspace() else "x")
    for char in map(chr, range(128))
) + bytes(128)  # (a table for bytes.translate has 256 entries; ASCII never reaches these)
_SHAPE_BOUNDARY = re.compile(rb"(\.\.*)(\)*)( +)")
_CJK_STOPS = frozenset("\u3002\uff01\uff1f")
# The word just before a candidate full stop (letters, digits, dots, hyphens, apostrophes).
_WORD_BEFORE = re.compile(r"([\w.\-'\u2019]+)$")
_STARTS_SENTENCE = re.compile(r"[\"'\u201c\u2018\u00ab(\[\u00bf\u00a1]*(\S)")
_LIST_MARKER = re.compile(
    r"^(?:[-*\u2022\u2023\u25aa\u25cf\u2013\u2014>]|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)])\s"
)
_SENTENCE_END = frozenset(".!?:;\u2026\"'\u201d\u2019)]")
"""A line ending in one of these ends its sentence."""
_JOIN_MARKS = frozenset(",-\u2013(/&")
_JOIN_WORDS = frozenset("and or of the a an to in for with by on".split())
"""A line ending in one of these marks or words runs on into the next line."""
_HAS_ALNUM = re.compile(r"[^\W_]")
_WORD = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*")

_WRAP_MIN = 60
_WRAP_MAX = 100
"""Lines between these lengths that stop mid-sentence before a line no longer are hard-wrapped."""


def split_sentences(text: str) -> list[str]:
    """Split article text into sentences, in order, each stripped and with spaces collapsed.

    Blank lines separate paragraphs. A line break ends a sentence unless the text is clearly
    hard-wrapped (the line is long and does not end like a sentence, or the next line starts in
    lower case). Each returned sentence is the article's own text, with runs of whitespace made
    one space.
    """
    return [sentence for paragraph in split_paragraphs(text) for sentence in paragraph]


def split_paragraphs(text: str) -> list[list[str]]:
    """The sentences of :func:`split_sentences`, grouped by the paragraph, headline or item.

    Every group holds at least one sentence; flattening the groups gives :func:`split_sentences`.
    """
    if not text:
        return []
    paragraphs = [_split_block(block) for block in _blocks(text)]
    return [sentences for sentences in paragraphs if sentences]


def _blocks(text: str) -> list[str]:
    """Runs of text that sentences never cross: paragraphs, headlines and list items."""
    blocks: list[str] = []
    current: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            if current:
                blocks.append(" ".join(current))
                current = []
            continue
        if current and not _continues(current[-1], line):
            blocks.append(" ".join(current))
            current = []
        current.append(line)
    if current:
        blocks.append(" ".join(current))
    return blocks


def _continues(previous: str, line: str) -> bool:
    """Whether ``line`` carries on the sentence of ``previous`` (hard-wrapped text)."""
    if _LIST_MARKER.match(line) or previous[-1] in _SENTENCE_END:
        return False
    if line[0].islower() or previous[-1] in _JOIN_MARKS:
        return True
    if previous.rsplit(None, 1)[-1].lower() in _JOIN_WORDS:
        return True
    # Hard-wrapped text: a long line that stops mid-sentence, then another line of that width.
    return _WRAP_MIN <= len(previous) <= _WRAP_MAX and len(line) <= _WRAP_MAX


def _split_block(block: str) -> list[str]:
    if "  " in block or not block.isprintable():
        block = " ".join(block.split())
    if block.isascii():
        return _split_ascii_block(block)
    return _split_any_block(block)


def _split_any_block(block: str) -> list[str]:
    """The sentences of a block with single spaces (of any text: see _split_ascii_block)."""
    pieces: list[str] = []
    start = 0
    cjk = "\u3002" in block or "\uff01" in block or "\uff1f" in block
    for match in (_BOUNDARY if cjk else _SPACED_BOUNDARY).finditer(block):
        stops = match.group(1)
        if stops[-1] in _CJK_STOPS:  # a CJK full stop ends a sentence, space or not
            is_end = match.end() < len(block)
        elif not match.group(3):
            continue  # no space after it: 10.9, example.com, e.g.
        else:
            is_end = _is_boundary(block, start, match.start(), stops, match.end())
        if is_end:
            piece = block[start : match.end(2)].strip()
            if piece:
                pieces.append(piece)
            start = match.end()
    tail = block[start:].strip()
    if tail:
        pieces.append(tail)
    return _merge_fragments(pieces)


def _split_ascii_block(block: str) -> list[str]:
    """:func:`_split_any_block` of an ASCII block (so without CJK stops), found in its shape."""
    pieces: list[str] = []
    start = 0
    for match in _SHAPE_BOUNDARY.finditer(block.encode("ascii").translate(_SHAPE)):
        stop_at, after = match.span()
        if _is_boundary(block, start, stop_at, block[stop_at : match.end(1)], after):
            piece = block[start : match.end(2)].strip()
            if piece:
                pieces.append(piece)
            start = after
    tail = block[start:].strip()
    if tail:
        pieces.append(tail)
    return _merge_fragments(pieces)


def _is_boundary(block: str, start: int, stop_at: int, stops: str, after: int) -> bool:
    """Decide whether the terminal punctuation at ``stop_at`` ends a sentence.

    ``start`` is where the current sentence began and ``after`` where the next text begins.
    """
    if after >= len(block):
        return False
    first = block[after]
    if not first.isalnum():
        opener = _STARTS_SENTENCE.match(block, after)
        if opener is None:
            return False
        first = opener.group(1)
    if first.islower():
        return False
    if stops != ".":
        return True
    word_start = max(start, block.rfind(" ", start, stop_at) + 1)
    plain = block[word_start:stop_at]
    if plain.isalpha():  # then it is the word _WORD_BEFORE finds: the common case, quickly
        key = plain.lower()
        if key.isalpha() and len(key) > 4 and key not in _NEVER_FINAL:
            return True
    before = _WORD_BEFORE.search(block, word_start, stop_at)
    if before is None:
        return True
    word = before.group(1).lstrip("-'\u2019")
    key = word.lower()
    if key.isalpha() and len(key) > 4 and key not in _NEVER_FINAL:
        return True  # the common case: an ordinary word ends the sentence
    if key in _NEVER_FINAL:
        return False
    if len(word) == 1 and word.isalpha() and word.isupper():
        return False  # an initial: J. K. Rowling, George W. Bush
    if key in _BEFORE_NUMBER and first.isdigit():
        return False
    if word.isdigit() and len(word) <= 2 and _next_word(block, after).lower() in _MONTHS:
        return False  # a German or French date: am 3. Oktober
    if before.start() == start and word.isdigit() and len(word) <= 3:
        return False  # a numbered item: "1. The first point"
    if key in _AMBIGUOUS or _is_dotted_acronym(word):
        return _next_word(block, after).lower() in _OPENERS
    return True


def _is_dotted_acronym(word: str) -> bool:
    """U.S, U.K, a.m, Ph.D: letters separated by dots (the final dot is not part of ``word``)."""
    parts = word.split(".")
    return len(parts) >= 2 and all(0 < len(p) <= 2 and p.isalpha() for p in parts)


def _next_word(block: str, at: int) -> str:
    match = _WORD.search(block, at, at + 40)
    return match.group(0) if match else ""


def _merge_fragments(pieces: list[str]) -> list[str]:
    """Glue pieces without any letter or digit (a lone quote, "...") onto their neighbour."""
    merged: list[str] = []
    for piece in pieces:
        if merged and not piece[0].isalnum() and _HAS_ALNUM.search(piece) is None:
            merged[-1] = merged[-1] + " " + piece
        else:
            merged.append(piece)
    if len(merged) > 1 and _HAS_ALNUM.search(merged[0]) is None:
        merged[1] = merged[0] + " " + merged[1]
        del merged[0]
    return merged


def split_words(sentence: str) -> list[str]:
    """Words of a sentence: runs of letters (with inner apostrophes or hyphens), dotted acronyms."""
    return _WORD.findall(sentence)


class OfflineTokenizer:
    """A sumy tokenizer built on :func:`split_sentences` and a regex word splitter; never NLTK."""

    def __init__(self, language: str = "english") -> None:
        self.language = language
        """The sumy language name this tokenizer was made for (splitting rules are shared)."""

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        """Sentences of a paragraph, as :func:`split_sentences` cuts them."""
        return tuple(split_sentences(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        """Words of a sentence, as :func:`split_words` finds them."""
        return tuple(split_words(sentence))
