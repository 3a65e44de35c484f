"""Extractive summaries of article text: our own news method, Lead-N and every sumy method, offline.

:func:`summarize` takes article text and returns a :class:`Summary`: the chosen sentences, copied
verbatim and kept in article order, each with its index in :func:`digest.sentences.split_sentences`
of the text. The default method, ``digest``, is made for news: each sentence's centrality (the sum
of its cosine similarities to the other sentences, over content words) weighed by its length, with
a position prior and the title's words available as knobs, and a redundancy penalty (MMR) when
picking, computed from the article's word counts in one pass (numpy, and plain Python where
only a few sentences share words); its parameters are cross-validated on BBC news
(``bench/summarize.py --tune``). sumy's methods run on our offline tokenizer with
sumy's stemmers and stop words, never on NLTK's downloadable data. Boilerplate (captions, bylines,
"Read more", "Sign up", share prompts, copyright lines) is never chosen by any method.

Everything here is pure: no network, no disk, no clock (except :func:`summarize_many`, which only
spreads pure work over processes). It never raises on bad text: empty or binary input gives an
empty summary with a one-line ``note``, huge input is cut to its first :data:`MAX_CHARS`
characters and :data:`MAX_SENTENCES` sentences.
"""

from __future__ import annotations

import hashlib
import math
import operator
import os
import pkgutil
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from digest.sentences import OfflineTokenizer, split_paragraphs
from digest.textclean import clean_text

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

METHODS: tuple[str, ...] = (
    "digest",
    "lead",
    "lexrank",
    "textrank",
    "lsa",
    "luhn",
    "edmundson",
    "kl",
    "sumbasic",
    "reduction",
)
DEFAULT_METHOD = "digest"
ALGORITHM_VERSION = "2"
"""Part of every cache key: bump it when a method's choices change for the same input."""

MAX_CHARS = 100_000
"""Only this many characters of a text are summarized (a long news article has 20,000)."""
MAX_SENTENCES = 250
"""Only this many sentences (after the character cap) are considered: enough for the longest
BBC article (245), and it keeps sumy's quadratic methods (KL, LexRank) to a few seconds."""
WORDS_PER_MINUTE = 230
"""Reading speed used for :func:`reading_minutes`."""


@dataclass(frozen=True)
class Summary:
    """The sentences chosen from an article, verbatim and in article order."""

    method: str
    sentences: tuple[tuple[int, str], ...]
    """(index in the article's sentence list, the sentence's text) pairs, in article order."""
    reading_minutes: float = 0.0
    """Reading time of the whole article at :data:`WORDS_PER_MINUTE`."""
    language: str = "english"
    """The sumy language whose stemmer and stop words were used."""
    note: str = ""
    """A one-line reason when the summary is empty or was cut short; otherwise empty."""

    @property
    def text(self) -> str:
        """The summary as one paragraph."""
        return " ".join(text for _, text in self.sentences)


@dataclass(frozen=True)
class DigestParams:
    """The knobs of the ``digest`` method; defaults are tuned by ``bench/summarize.py --tune``."""

    position_weight: float = 0.0
    """Weight of the position prior ``1 / (1 + index) ** position_decay``."""
    position_decay: float = 1.0
    length_exponent: float = 0.5
    """Centrality is multiplied by (content words) ** this: 0 ignores length, 1 favours long."""
    title_weight: float = 0.0
    """Weight of the share of the title's content words a sentence contains."""
    redundancy: float = 0.1
    """MMR: a candidate's score loses this times its highest cosine with a chosen sentence."""
    min_words: int = 6
    """Sentences with fewer words are chosen only when nothing longer is left."""
    stem_english: bool = False
    """Whether English words are stemmed before they are counted. Other languages always are,
    with sumy's stemmer for the language (no corpus here says otherwise); for English the
    cross-validation on BBC news found plain words better, and they are faster."""


DIGEST_PARAMS = DigestParams()

# -- boilerplate ---------------------------------------------------------------------------------

_BOILERPLATE = re.compile(
    r"""^(?:
        (?:read|see|watch|listen|learn|find\ out|discover)\ (?:more|also|next|the\ full|it\ here)\b
      | (?:related|more|also\ read|recommended|most\ read|top\ stories|trending|advertisement
         |sponsored|promoted|updated|published|posted|last\ updated|image|images|photo|photos
         |picture|pictures|photograph|video|watch|listen|gallery|caption|credit|source|copyright
         |image\ caption|image\ copyright|media\ caption|getty\ images)
        \s*[:|\-\u2013\u2014](?:\s|$)
      | (?:sign\ up|subscribe|register)\b.{0,40}?\b(?:newsletter|inbox|updates|alerts|now|here
         |free|today|our|email)\b
      | share\ (?:this|on|via)\b | (?:follow|like|join)\ us\b | (?:tweet|email|print)\ (?:this|us)\b
      | (?:download|get)\ (?:our|the)\ (?:free\ )?(?:app|newsletter|podcast)\b
      | (?:click|tap|swipe)\ (?:here|to|the|on)\b | continue\ reading\b | skip\ to\b | log\ ?in\b
      | (?-i:[Bb]y\ [A-Z][\w.'\-]+(?:\ (?:[A-Z][\w.'\-]+|and|&|de|van|von|der))*
        (?:,\ [\w ]{2,40})?$)
      | (?:\(c\)|\u00a9|copyright\ (?:\u00a9\ |\(c\)\ )?\d{4})
      | all\ rights\ reserved
      | advertisement$
      | (?:this|the)\ (?:article|story|post)\ (?:was|is|has\ been)\ (?:originally\ )?
        (?:published|updated|amended|first\ published)
      | (?:we|this\ site)\ use[s]?\ cookies
      | (?:reporting|additional\ reporting|editing|writing)\ by\b
      | (?:\d+\ )?(?:comments?|shares?)$
      | (?:contact|email)\ (?:the\ )?(?:author|reporter|us)\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_BOILERPLATE_ANYWHERE = re.compile(
    r"""(?:
        \bclick\ here\b | \ball\ rights\ reserved\b | \bsign\ up\ (?:for|to)\ (?:our|the|my)\b
      | \bsubscribe\ (?:to|for)\ (?:our|the)\b | \bshare\ (?:this|on)\ (?:article|story|facebook
        |twitter|whatsapp|email)\b | \bfollow\ us\ on\b | \(photo\ (?:by|credit|courtesy)
      | /\ ?(?:getty\ images|reuters|ap\ photo|afp|epa|shutterstock|alamy)\b
      | \bget\ (?:our|the)\ (?:free\ )?newsletter\b | \bdownload\ (?:our|the)\ app\b
      | \bterms\ (?:of\ (?:use|service)|and\ conditions)\b | \bprivacy\ policy\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)


# A sentence can match the patterns above only if it starts with one of these words or contains
# one of these strings; checking that first keeps the regexes off ordinary sentences.
_START_WORDS = frozenset(
    """
    read see watch listen learn find discover related more also recommended most top trending
    advertisement sponsored promoted updated published posted last image images photo photos
    picture pictures photograph video gallery caption credit source copyright media getty sign
    subscribe register log login join follow like share tweet email print download get try click
    tap swipe scroll continue skip by (c) \u00a9 all this the we reporting additional editing
    writing comments comment shares contact
    """.split()
)
_TRIGGERS = (
    "click here",
    "rights reserved",
    "sign up",
    "subscribe",
    "share this",
    "share on",
    "follow us",
    "(photo",
    "/",
    "newsletter",
    "download",
    "terms of",
    "terms and",
    "privacy policy",
)


def is_boilerplate(sentence: str) -> bool:
    """Whether a sentence is page furniture (caption, byline, prompt, credit), not news."""
    return _is_boilerplate(sentence, _TRIGGERS)


def _is_boilerplate(sentence: str, triggers: Sequence[str]) -> bool:
    """:func:`is_boilerplate`, looking past the first word only for the given trigger strings
    (those its article contains: see :func:`_triggers_in`)."""
    text = sentence.strip().lstrip("-*\u2022>|[( ").strip()
    if not text:
        return True
    # Lower-casing never makes or removes whitespace, nor looks across it (final sigma), so
    # the first word is lowered alone; the whole sentence only when a trigger may be in it.
    first = text.split(None, 1)[0].lower().rstrip(":|-\u2013\u2014")
    if (first in _START_WORDS or first[:1].isdigit()) and _BOILERPLATE.match(text):
        return True
    if triggers:
        lower = text.lower()
        for trigger in triggers:
            if trigger in lower:
                return _BOILERPLATE_ANYWHERE.search(text) is not None
    return False


def _triggers_in(text: str) -> tuple[str, ...]:
    """The trigger strings ``text`` contains: only those can make one of its sentences match
    the patterns that look past the first word."""
    lower = text.lower()
    return tuple(trigger for trigger in _TRIGGERS if trigger in lower)


# -- languages -----------------------------------------------------------------------------------

_LANGUAGE_CODES = {
    "ar": "arabic",
    "ara": "arabic",
    "cs": "czech",
    "ces": "czech",
    "cze": "czech",
    "da": "danish",
    "dan": "danish",
    "de": "german",
    "deu": "german",
    "ger": "german",
    "el": "greek",
    "ell": "greek",
    "gre": "greek",
    "en": "english",
    "eng": "english",
    "es": "spanish",
    "spa": "spanish",
    "fi": "finnish",
    "fin": "finnish",
    "fr": "french",
    "fra": "french",
    "fre": "french",
    "he": "hebrew",
    "iw": "hebrew",
    "heb": "hebrew",
    "hu": "hungarian",
    "hun": "hungarian",
    "it": "italian",
    "ita": "italian",
    "ja": "japanese",
    "jpn": "japanese",
    "ko": "korean",
    "kor": "korean",
    "nl": "dutch",
    "nld": "dutch",
    "dut": "dutch",
    "no": "norwegian",
    "nb": "norwegian",
    "nn": "norwegian",
    "nor": "norwegian",
    "pl": "polish",
    "pol": "polish",
    "pt": "portuguese",
    "por": "portuguese",
    "ro": "romanian",
    "ron": "romanian",
    "rum": "romanian",
    "ru": "russian",
    "rus": "russian",
    "sk": "slovak",
    "slk": "slovak",
    "slo": "slovak",
    "sv": "swedish",
    "swe": "swedish",
    "uk": "ukrainian",
    "ukr": "ukrainian",
    "zh": "chinese",
    "zho": "chinese",
    "chi": "chinese",
}
SUPPORTED_LANGUAGES = frozenset(_LANGUAGE_CODES.values())
"""Languages sumy has a stemmer for (its own or NLTK's Snowball, which needs no downloaded data)."""


def resolve_language(language: str) -> str:
    """The sumy language name for a feed's or page's language tag; English when unknown.

    Accepts ISO 639-1/639-2 codes with or without a region (``de``, ``fr-FR``, ``pt_BR``,
    ``deu``) and sumy's names (``German``).
    """
    tag = (language or "").strip().lower().replace("_", "-")
    if tag in SUPPORTED_LANGUAGES:
        return tag
    name = _LANGUAGE_CODES.get(tag.split("-", 1)[0], "")
    return name or "english"


_WORD_BREAKS = bytes.maketrans(b"-/", b"  ")
_ASCII_PUNCTUATION = b".,;:!?\"'()[]{}<>$%*#@^`~|\\+="
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[^\w%]+$")
"""Punctuation and symbols around a word ("(", '"', "$", ",", "."...); a final % is kept."""
_HAS_ALNUM = re.compile(r"[^\W_]")
_MEMO_LIMIT = 200_000
"""Memoised stems per language are forgotten past this many words."""


@lru_cache(maxsize=32)
def _stop_words(language: str) -> frozenset[str]:
    """sumy's bundled stop words for a resolved language (empty when it has none).

    Read as package data, as sumy's ``get_stop_words`` does, without importing sumy's modules.
    """
    try:
        data = pkgutil.get_data("sumy", f"data/stopwords/{language}.txt")
    except OSError:
        return frozenset()
    if not data:
        return frozenset()
    return frozenset(w.strip() for w in data.decode("utf-8").splitlines() if w.strip())


@lru_cache(maxsize=32)
def _stemmer(language: str) -> Callable[[str], str]:
    """sumy's stemmer for a resolved language (NLTK's Snowball code, no downloaded data), or
    English's when sumy has none for it."""
    from sumy.nlp.stemmers import Stemmer  # imported late: it loads NLTK's code (not its data)

    try:
        return cast(Callable[[str], str], Stemmer(language))
    except LookupError:
        return cast(Callable[[str], str], Stemmer("english"))


class _Vocabulary:
    """Memo of lower-case whitespace token -> id of its content term, for one language.

    A content term is the token without surrounding punctuation, stemmed when ``stem`` is set;
    stop words, one-letter words and tokens without a letter or digit map to 0. Memoised because
    the stemmer is slow (10 us a word) and news vocabulary repeats.
    """

    def __init__(self, language: str, stem: bool) -> None:
        self._stemmer = _stemmer(language) if stem else None
        stop_words = _stop_words(language)
        # Tokens lose their ASCII apostrophes ("don't" is counted as "dont"): so do stop words.
        self._stop_words = stop_words | {w.replace("'", "") for w in stop_words}
        self.ids: dict[str, int] = {}
        self._term_ids: dict[str, int] = {"": 0}

    def term(self, token: str) -> int:
        """The term id of a token not yet in :attr:`ids` (and remember it)."""
        if token.isalnum():
            word = token
        else:
            word = _EDGE_PUNCTUATION.sub("", token)
            if not _HAS_ALNUM.search(word):
                word = ""
        term = ""
        if len(word) > 1 and word not in self._stop_words:
            term = str(self._stemmer(word)) if self._stemmer else word
        found = self.ids[token] = self._term_ids.setdefault(term, len(self._term_ids))
        return found

    def forget(self) -> None:
        """Drop the memo when it has grown past :data:`_MEMO_LIMIT` tokens."""
        if len(self.ids) > _MEMO_LIMIT:
            self.ids.clear()
            self._term_ids = {"": 0}


@lru_cache(maxsize=32)
def _vocabulary(language: str, stem: bool) -> _Vocabulary:
    return _Vocabulary(language, stem)


# -- reading time, cache key, input checks -------------------------------------------------------


_SPACE_OR_WORD = bytes(32 if chr(i).isspace() else 120 for i in range(128)) + b"x" * 128
"""Bytes to a space where str.split() splits ASCII text, else to x."""


def _count_words(text: str) -> int:
    """``len(text.split())``, without making the words when the text is ASCII: one word starts
    at every x that follows a space."""
    if text.isascii():
        return (b" " + text.encode("ascii").translate(_SPACE_OR_WORD)).count(b" x")
    return len(text.split())


def reading_minutes(text: str) -> float:
    """Minutes a reader needs for the text at :data:`WORDS_PER_MINUTE`, to a tenth of a minute."""
    if not text:
        return 0.0
    words = _count_words(text)
    return round(words / WORDS_PER_MINUTE, 1) if words else 0.0


def summary_cache_key(
    text: str,
    method: str,
    sentences: int,
    ratio: float | None,
    *,
    language: str = "english",
    title: str = "",
) -> str:
    """A key for a stored summary: a hash of the text, the method, the length and the language.

    ``title`` is part of the key only for methods that read it (``edmundson``, and ``digest``
    when :data:`DIGEST_PARAMS` gives the title a weight).
    """
    reads_title = method == "edmundson" or (method == "digest" and bool(DIGEST_PARAMS.title_weight))
    parts = [
        "summary",
        ALGORITHM_VERSION,
        method,
        str(sentences),
        "" if ratio is None else repr(float(ratio)),
        resolve_language(language),
        title if reads_title else "",
        text,
    ]
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


_ASCII_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))


def _looks_like_prose(text: str) -> bool:
    """False for binary junk decoded as text: few letters, many replacement characters."""
    sample = text[:1_000]
    if sample.isascii():
        shape = b" " + sample.encode("ascii").translate(_SPACE_OR_WORD)
        visible, count = shape.count(b"x"), shape.count(b" x")
        if visible == 0:
            return False
        letters = len(sample) - len(sample.encode("ascii").translate(None, _ASCII_LETTERS))
    else:
        words = sample.split()
        visible, count = sum(map(len, words)), len(words)
        if visible == 0:
            return False
        letters = sum(map(str.isalpha, sample))
    if text.count("\ufffd", 0, 20_000) > max(3, visible // 100) or letters < visible * 0.5:
        return False
    return visible / count <= 25


# Characters that textclean removes or rewrites (controls, bidi, zero-width, CR): a text without
# any of them, already in NFC, is left as it is (clean_text would change only its spacing).
_UNCLEAN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"
)


_ASCII_UNCLEAN = bytes(range(9)) + bytes(range(11, 32)) + b"\x7f"
"""The ASCII characters of :data:`_UNCLEAN`."""


def _is_clean(text: str) -> bool:
    if text.isascii():  # always NFC; one C pass deletes any control instead of a regex scan
        data = text.encode("ascii")
        return len(data.translate(None, _ASCII_UNCLEAN)) == len(data)
    return unicodedata.is_normalized("NFC", text) and _UNCLEAN.search(text) is None


def _as_text(text: object) -> str:
    if isinstance(text, bytes | bytearray):
        try:
            return bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            return bytes(text).decode("utf-8", errors="replace")
    return text if isinstance(text, str) else ""


def summary_length(total: int, sentences: int, ratio: float | None) -> int:
    """How many of ``total`` candidate sentences a summary takes: ``ratio`` of them (at least
    one) when given and positive, else ``sentences`` (at least one)."""
    if ratio is not None and math.isfinite(ratio) and ratio > 0:
        return max(1, round(min(ratio, 1.0) * total))
    return max(1, int(sentences))


# -- the public entry point ----------------------------------------------------------------------


Numbered = tuple[tuple[tuple[int, str], ...], ...]
"""Paragraphs of (index in the article's sentence list, sentence) pairs."""


def candidate_sentences(text: str) -> tuple[Numbered, str]:
    """The sentences a summary may use, numbered and grouped by paragraph, and a note.

    The text is cut to :data:`MAX_CHARS` and :data:`MAX_SENTENCES`, cleaned with
    :func:`digest.textclean.clean_text` when it holds anything to clean, and split with
    :func:`digest.sentences.split_paragraphs`; indices count every sentence of that split,
    boilerplate included, but boilerplate sentences are left out. The note is a one-line reason
    when nothing is left or the text was cut, else empty.
    """
    raw = _as_text(text)
    note = ""
    if len(raw) > MAX_CHARS:
        cut = raw.rfind("\n", 0, MAX_CHARS)
        raw = raw[: cut if cut > MAX_CHARS // 2 else MAX_CHARS]
        note = f"only the first {MAX_CHARS // 1000} KB of the text were summarized"
    cleaned = raw if _is_clean(raw) else clean_text(raw)
    if not cleaned:
        return (), "the text is empty"
    if not _looks_like_prose(cleaned):
        return (), "the text does not look like prose"
    triggers = _triggers_in(cleaned)
    numbered: list[tuple[tuple[int, str], ...]] = []
    index = 0
    paragraphs = split_paragraphs(cleaned)
    if sum(len(paragraph) for paragraph in paragraphs) > MAX_SENTENCES:
        note = f"only the first {MAX_SENTENCES} sentences were summarized"
    for paragraph in paragraphs:
        paragraph = paragraph[: MAX_SENTENCES - index]
        row = tuple(
            (index + offset, sentence)
            for offset, sentence in enumerate(paragraph)
            if not _is_boilerplate(sentence, triggers)
        )
        index += len(paragraph)
        if row:
            numbered.append(row)
        if index >= MAX_SENTENCES:
            break
    if not numbered:
        return (), note or "the text has no sentence worth a summary"
    return tuple(numbered), note


def choose(
    method: str,
    paragraphs: Numbered,
    count: int,
    *,
    language: str = "english",
    title: str = "",
) -> list[int]:
    """The summarizer step alone: indices of the ``count`` sentences ``method`` picks, in order.

    ``paragraphs`` come from :func:`candidate_sentences`. Raises :class:`ValueError` for a method
    not in :data:`METHODS`.
    """
    if method not in METHODS:
        raise ValueError(f"unknown summary method {method!r}; choose one of {', '.join(METHODS)}")
    candidates = [pair for paragraph in paragraphs for pair in paragraph]
    if count >= len(candidates):
        return [index for index, _ in candidates]
    if method == "lead":
        return [index for index, _ in candidates[:count]]
    resolved = resolve_language(language)
    if method == "digest":
        return _digest_choose(candidates, count, resolved, title, DIGEST_PARAMS)
    return _sumy_choose(method, paragraphs, count, resolved, title)


def summarize(
    text: str,
    *,
    sentences: int = 3,
    ratio: float | None = None,
    method: str = DEFAULT_METHOD,
    language: str = "english",
    title: str = "",
) -> Summary:
    """Choose ``sentences`` sentences (or ``ratio`` of them) of ``text`` with ``method``.

    ``language`` is a language tag or sumy name (see :func:`resolve_language`); ``title`` helps
    ``digest`` and ``edmundson``. Never raises on bad text; raises :class:`ValueError` only for a
    method name not in :data:`METHODS` (a caller's mistake, not the article's).
    """
    if method not in METHODS:
        raise ValueError(f"unknown summary method {method!r}; choose one of {', '.join(METHODS)}")
    resolved = resolve_language(language)
    minutes = reading_minutes(_as_text(text))
    paragraphs, note = candidate_sentences(text)
    if not paragraphs:
        return Summary(method, (), minutes, resolved, note)
    total = sum(len(paragraph) for paragraph in paragraphs)
    count = summary_length(total, sentences, ratio)
    chosen = set(choose(method, paragraphs, count, language=resolved, title=title))
    picked = tuple(pair for paragraph in paragraphs for pair in paragraph if pair[0] in chosen)
    return Summary(method, picked, minutes, resolved, note)


# -- the digest method ---------------------------------------------------------------------------

_TERM = re.compile(r"[^\W_]+(?:['\u2019.\-][^\W_]+)*")


@dataclass(frozen=True)
class DigestFeatures:
    """What ``digest`` knows of an article before it weighs anything (see :func:`digest_features`)."""

    positions: npt.NDArray[np.float64]
    """Rank of each candidate among the article's sentences (0 for the first)."""
    counts: npt.NDArray[np.float64]
    """Sentence-by-term counts of content words (stemmed, stop words out)."""
    words: npt.NDArray[np.float64]
    """Words in each sentence, stop words included."""
    title_overlap: npt.NDArray[np.float64]
    """Share of the title's content terms found in each sentence (zeros without a title)."""


# English is counted without stemming (see DigestParams.stem_english), so its words need no
# per-word Python work at all: the text is reduced to bytes, and every word gets a 64-bit hash
# from one vectorised pass (a polynomial rolling hash over a prefix sum, made independent of the
# word's position). Collisions are astronomically rare and would only merge two words.
_HASH_BASE = 1099511628211  # odd, so invertible modulo 2**64
_HASH_BASE_INVERSE = pow(_HASH_BASE, -1, 1 << 64)
_UNICODE_WORD_BREAKS = tuple(
    ch.encode("utf-8")
    for ch in "\u201c\u201d\u201e\u00ab\u00bb\u2039\u203a\u2013\u2014\u2026\u2022\u00a0"
)
_UNICODE_APOSTROPHES = tuple(ch.encode("utf-8") for ch in "\u2018\u2019\u201a")


class _Powers:
    """Powers of the hash base and of its inverse modulo 2**64, grown on demand."""

    def __init__(self) -> None:
        import numpy as np

        self.up = np.ones(1, dtype=np.uint64)
        self.down = np.ones(1, dtype=np.uint64)

    def ensure(self, size: int) -> None:
        import numpy as np

        if len(self.up) >= size:
            return
        size = max(size, 2 * len(self.up))
        up = np.empty(size, dtype=np.uint64)
        down = np.empty(size, dtype=np.uint64)
        up[0] = down[0] = 1
        filled = 1
        with np.errstate(over="ignore"):
            while filled < size:
                step = min(filled, size - filled)
                up[filled : filled + step] = up[:step] * np.uint64(pow(_HASH_BASE, filled, 1 << 64))
                down[filled : filled + step] = down[:step] * np.uint64(
                    pow(_HASH_BASE_INVERSE, filled, 1 << 64)
                )
                filled += step
        self.up, self.down = up, down


_POWERS: list[_Powers] = []


def _word_bytes(text: str) -> bytes:
    """Lower-case UTF-8 with punctuation gone: ASCII punctuation and curly apostrophes deleted,
    hyphens, slashes, dashes, curly quotes, ellipses and bullets made spaces."""
    data = text.lower().encode("utf-8", "surrogatepass")
    if text.isascii():
        return data.translate(_WORD_BREAKS, _ASCII_PUNCTUATION)
    for mark in _UNICODE_WORD_BREAKS:
        if mark in data:
            data = data.replace(mark, b" ")
    for mark in _UNICODE_APOSTROPHES:
        if mark in data:
            data = data.replace(mark, b"")
    return data.translate(_WORD_BREAKS, _ASCII_PUNCTUATION)


def _hash_words(data: bytes) -> tuple[Any, Any, Any]:
    """(hash, start) of every word of ``data`` (bytes up to 32 separate), and ``data`` as an
    array of bytes.

    A word's hash is the sum of its bytes times the powers of the base from its start, so the
    same word hashes the same anywhere: the byte at ``k`` weighs ``base ** k``, a word's sum
    (``np.add.reduceat`` over start, end, start, end...) is scaled by ``base ** -start``.
    Unsigned integer arrays wrap around silently (only numpy scalars warn on overflow).
    """
    import numpy as np

    if not _POWERS:
        _POWERS.append(_Powers())
    powers = _POWERS[0]
    size = len(data)
    powers.ensure(size + 1)
    codes = np.frombuffer(data, dtype=np.uint8)
    inside = np.zeros(size + 2, dtype=np.bool_)
    np.greater(codes, 32, out=inside[1:-1])
    edges = np.flatnonzero(inside[1:] != inside[:-1])  # start, end, start, end...
    starts = edges[0::2]
    if not len(edges):
        return np.zeros(0, dtype=np.uint64), starts, codes
    weighted = np.zeros(size + 1, dtype=np.uint64)  # one more: a last word may end at size
    np.multiply(codes, powers.up[:size], out=weighted[:size])
    hashes = np.add.reduceat(weighted, edges)[0::2] * powers.down[starts]
    return hashes, starts, codes


def _stop_spelling(language: str) -> bytes:
    """A language's stop words and every one-character ASCII word (a, I, s, 5 count as stop
    words too), spelt as :func:`_word_bytes` spells them, separated by spaces."""
    spelt = " ".join(sorted(_stop_words(language))) + " " + " ".join(map(chr, range(33, 127)))
    return _word_bytes(spelt)


@lru_cache(maxsize=32)
def _stop_hashes(language: str) -> Any:
    """The sorted hashes of :func:`_stop_spelling`'s words, then the largest 64-bit number."""
    import numpy as np

    hashes = _hash_words(_stop_spelling(language))[0]
    # A last, largest hash (no word's, but for odds of 2**-64) keeps every lookup in range.
    return np.append(np.unique(hashes), np.uint64(2**64 - 1))


def _hashed_cells(sentences: Sequence[str], language: str, title: str) -> tuple[Any, Any, int]:
    """The words of the sentences and the title counted through hashes (see _hash_words).

    Returns each line's number of words (a line per sentence, then the title's), the cell of
    every content word in a lines-by-terms matrix (``line * width + column``, the terms in the
    order of their hashes) and the number of terms ``width`` (at least 1).
    """
    import numpy as np

    # One line per sentence, and the title on a last line of its own.
    lines = [s.replace("\n", " ") for s in sentences] + [title.replace("\n", " ")]
    hashes, starts, codes = _hash_words(_word_bytes("\n".join(lines)))
    rows = np.flatnonzero(codes == 10).searchsorted(starts)
    words = np.bincount(rows, minlength=len(lines))
    stops = _stop_hashes(language)
    content = stops[stops.searchsorted(hashes)] != hashes
    kept = hashes[content]
    # Columns: the article's distinct terms (np.unique's work, without its wrapper's overhead).
    ordered = np.sort(kept)
    first = np.empty(len(ordered), dtype=np.bool_)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    terms = ordered[first]
    columns = terms.searchsorted(kept)
    width = len(terms) or 1
    return words, rows[content] * width + columns, width


def _hashed_features(sentences: Sequence[str], language: str, title: str) -> DigestFeatures:
    import numpy as np

    n = len(sentences)
    words, cells, width = _hashed_cells(sentences, language, title)
    counts = np.bincount(cells, minlength=(n + 1) * width).reshape(n + 1, width).astype(float)
    overlap = np.zeros(n)
    if title:
        in_title = counts[n] > 0
        wanted = int(in_title.sum())
        if wanted:
            overlap = (counts[:n, in_title] > 0).sum(axis=1) / wanted
    return DigestFeatures(
        positions=np.arange(n, dtype=float),
        counts=counts[:n],
        words=words[:n].astype(float),
        title_overlap=overlap,
    )


def digest_features(
    sentences: Sequence[str], language: str, title: str = "", *, stem: bool = True
) -> DigestFeatures:
    """Tokenize (and stem, if ``stem``) and count the candidate sentences of one article.

    Unstemmed words are counted through hashes, with no per-word Python work (the fast path the
    default takes for English); stemmed ones through a memo of each word's stem.
    """
    import numpy as np

    if not stem:
        return _hashed_features(sentences, language, title)

    vocabulary = _vocabulary(language, stem)
    vocabulary.forget()
    term, memo = vocabulary.term, vocabulary.ids
    n = len(sentences)
    # Drop ASCII punctuation (hyphens and slashes split words) in one C pass over the bytes;
    # the lines keep sentences apart. Other punctuation is stripped per word, once, in term().
    joined = "\n".join(sentences).lower()
    if joined.count("\n") == n - 1:
        data = joined.encode("utf-8", "surrogatepass")
        lines = data.translate(_WORD_BREAKS, _ASCII_PUNCTUATION).decode("utf-8", "surrogatepass")
        tokens = [line.split() for line in lines.split("\n")]
    else:  # a sentence with a line break of its own: split each one
        tokens = [sentence.lower().split() for sentence in sentences]
    lengths = [len(sentence_tokens) for sentence_tokens in tokens]
    flat = [token for sentence_tokens in tokens for token in sentence_tokens]
    # Columns: one per distinct term of the article, numbered in order of first use.
    get = memo.get
    column_of_term: dict[int, int] = {}
    column_of: dict[str, int] = {}
    for token in dict.fromkeys(flat):
        found = get(token)
        if found is None:
            found = term(token)
        column = column_of_term.get(found)
        if column is None:
            column = column_of_term[found] = len(column_of_term)
        column_of[token] = column
    width = len(column_of_term) or 1
    columns = np.array(list(map(column_of.__getitem__, flat)), dtype=np.int64)
    columns += np.repeat(np.arange(0, n * width, width, dtype=np.int64), lengths)
    counts = np.bincount(columns, minlength=n * width).reshape(n, width).astype(float)
    if 0 in column_of_term:  # stop words and the like carry no content
        counts[:, column_of_term[0]] = 0.0
    overlap = np.zeros(n)
    title_terms = {get(t) or term(t) for t in title.lower().split()} - {0} if title else set()
    known = [column_of_term[t] for t in title_terms if t in column_of_term]
    if known:
        overlap = (counts[:, known] > 0).sum(axis=1) / len(title_terms)
    return DigestFeatures(
        positions=np.arange(n, dtype=float),
        counts=counts,
        words=np.array(lengths, dtype=float),
        title_overlap=overlap,
    )


def _products(shared: Any) -> Any:
    """``shared @ shared.T`` without BLAS.

    The counts are whole numbers, so every product is exact and any way of summing gives the
    same floats. numpy's ``@`` hands float matrices to OpenBLAS, which for an article of 20
    sentences already wakes its worker threads, and they spin on the CPU after every call: that
    cost an extra 0.3 ms of CPU per BBC article (half the summary's). einsum loops in C itself.
    """
    import numpy as np

    return np.einsum("ik,jk->ij", shared, shared)


def _similarities(counts: Any) -> Any:
    """Cosine similarity of every pair of different sentences (0 for sentences without content
    words); the diagonal is not a sentence's similarity to itself and is never read.

    Only terms found in two sentences or more can make two sentences alike, so the products are
    taken over those columns alone (a fifth of them in news); the norms use every column.
    """
    import numpy as np

    norms = np.sqrt((counts * counts).sum(axis=1))
    norms[norms == 0] = 1.0
    shared = counts[:, (counts > 0).sum(axis=0) > 1]
    similarity = _products(shared)
    similarity /= norms[:, None] * norms
    return similarity


def digest_scores(features: DigestFeatures, params: DigestParams) -> Any:
    """Each candidate's salience before MMR: centrality, position prior and title overlap.

    Centrality is the sum of the cosine similarities of a sentence to every other sentence of
    the article (degree centrality, as in LexRank without its threshold and power iteration),
    times its number of content words to the ``length_exponent``, scaled so the best is 1.
    """
    return _scores(features, params, _similarities(features.counts))


def _scores(features: DigestFeatures, params: DigestParams, similarity: Any) -> Any:
    import numpy as np

    centrality = similarity.sum(axis=1) - similarity.diagonal()  # the others, not itself
    content = features.counts.sum(axis=1)
    centrality *= np.maximum(content, 1.0) ** params.length_exponent
    best = centrality.max() if centrality.size else 0.0
    if best > 0:
        centrality /= best
    if params.position_weight:
        centrality += params.position_weight / (1.0 + features.positions) ** params.position_decay
    if params.title_weight:
        centrality += params.title_weight * features.title_overlap
    return centrality


def digest_select(features: DigestFeatures, count: int, params: DigestParams) -> list[int]:
    """Rows of the ``count`` sentences ``digest`` picks (greedy MMR on :func:`digest_scores`)."""
    n = features.counts.shape[0]
    if count >= n:
        return list(range(n))
    similarity = _similarities(features.counts)
    scores = _scores(features, params, similarity)
    scores[features.words < params.min_words] -= 10.0
    similar = lambda row: _nonzero(similarity[row].tolist())  # noqa: E731
    return _mmr(scores.tolist(), similar, count, params.redundancy)


def _digest_choose(
    candidates: Sequence[tuple[int, str]],
    count: int,
    language: str,
    title: str,
    params: DigestParams,
) -> list[int]:
    stem = params.stem_english or language != "english"
    heading = title if params.title_weight else ""
    sentences = [s for _, s in candidates]
    if stem or params.position_weight or params.title_weight or len(sentences) > _CELLS_MAX_ROWS:
        rows = digest_select(
            digest_features(sentences, language, heading, stem=stem), count, params
        )
    elif sum(map(len, sentences)) <= _SET_SELECT_MAX_CHARS:
        rows = _set_select(sentences, language, count, params)
    else:
        rows = _hashed_select(sentences, language, count, params)
    return [candidates[row][0] for row in rows]


# -- digest's choice from the non-zero counts ----------------------------------------------------
#
# An article's sentence-by-term matrix is nearly all zeros (most terms are in one sentence), and
# for the few dozen sentences of an ordinary article numpy's fixed cost per call is most of the
# work of building it and of _similarities and _scores on it. _select_cells makes the same choice
# from the non-zero counts alone: the norms and the terms that two sentences share come from
# them, and the similarities are worked out in Python when few counts are shared (most articles),
# else with numpy on the small matrix of the shared terms. Every float comes from the same
# operations in the same order as in _similarities and _scores, so the choice is the same to the
# last bit (tests/digest/test_summarize.py compares them): sums and products of counts are whole
# numbers (exact in any order), row sums repeat numpy's pairwise summation (_numpy_row_sum) and
# the rest goes element by element.

_CELLS_MAX_ROWS = 128
"""Most sentences for :func:`_select_cells` (:func:`_numpy_row_sum` follows numpy up to 128)."""
_PYTHON_CELLS = 40
"""Most shared non-zero counts whose similarities :func:`_select_cells` works out in Python."""

Cells = tuple[Any, Any, Any, int]
"""The non-zero counts of a sentence-by-term matrix: their rows, columns and values (numpy
arrays, row after row, columns in order in a row) and the number of columns."""
Similar = Callable[[int], Iterable[tuple[int, float]]]
"""A sentence's non-zero similarities to the sentences, as (row, similarity) in row order."""


def _hashed_select(
    sentences: Sequence[str], language: str, count: int, params: DigestParams
) -> list[int]:
    """``digest_select(digest_features(sentences, language, stem=False), count, params)`` for
    parameters without position or title weights, without building the feature matrices."""
    import numpy as np

    n = len(sentences)
    words, cells, width = _hashed_cells(sentences, language, "")
    # The distinct cells (in order) and how many words each has: runs of the sorted cells.
    cells = np.sort(cells)
    run = np.empty(len(cells) + 1, dtype=np.bool_)
    run[0] = run[-1] = True
    np.not_equal(cells[1:], cells[:-1], out=run[1:-1])
    starts = np.flatnonzero(run)
    rows, columns = np.divmod(cells[starts[:-1]], width)
    nonzero = (rows, columns, np.diff(starts), width)
    return _select_cells(words[:n].tolist(), nonzero, count, params)


def _select_cells(words: list[int], cells: Cells, count: int, params: DigestParams) -> list[int]:
    """:func:`digest_select` for parameters without position or title weights, from each
    sentence's number of words and the non-zero counts of its terms (at most
    :data:`_CELLS_MAX_ROWS` sentences)."""
    import numpy as np

    n = len(words)
    if count >= n:
        return list(range(n))
    rows, columns, values, width = cells
    norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=n))
    norms[norms == 0] = 1.0
    # Only terms found in two sentences or more make sentences alike (see _similarities).
    alike = np.bincount(columns, minlength=width)[columns] > 1
    shared = int(np.count_nonzero(alike))
    centrality: list[float]
    similar: Similar
    if not shared:  # no two sentences alike: every similarity is 0
        centrality, similar = [0.0] * n, lambda row: ()
    elif shared <= _PYTHON_CELLS:
        rows_alike, columns_alike = rows[alike].tolist(), columns[alike].tolist()
        centrality, similar = _python_centralities(
            n, rows_alike, columns_alike, values[alike].tolist(), norms.tolist()
        )
    else:
        centrality, similar = _numpy_centralities(
            n, rows[alike], columns[alike], values[alike], norms
        )
    content: list[float] = []
    if any(centrality):  # else every score is 0 (_scores)
        content = np.bincount(rows, weights=values, minlength=n).tolist()
    return _pick(words, content, centrality, similar, count, params)


def _pick(
    words: list[int],
    content: list[float],
    centrality: list[float],
    similar: Similar,
    count: int,
    params: DigestParams,
) -> list[int]:
    """The end of :func:`_scores` and :func:`digest_select` from each sentence's number of words,
    of content words (read only when a centrality is not 0), centrality and similarities."""
    if any(centrality):  # else every score is 0 (_scores)
        centrality = list(map(operator.mul, centrality, _length_weights(content, params)))
        best = max(centrality)
        if best > 0:
            centrality = [c / best for c in centrality]
    short = params.min_words
    gains = [c - 10.0 if size < short else c for c, size in zip(centrality, words, strict=True)]
    return _mmr(gains, similar, count, params.redundancy)


def _length_weights(content: list[float], params: DigestParams) -> list[float]:
    """``np.maximum(content, 1.0) ** params.length_exponent`` (as _scores weighs centrality)."""
    if params.length_exponent == 0.5:
        # numpy takes an array to the power 0.5 with its sqrt, correctly rounded as math.sqrt is.
        return [math.sqrt(c) if c > 1.0 else 1.0 for c in content]
    import numpy as np

    weights = np.maximum(np.array(content, dtype=float), 1.0) ** params.length_exponent
    return cast(list[float], weights.tolist())


def _python_centralities(
    n: int, rows: list[int], columns: Sequence[Hashable], values: list[float], norms: list[float]
) -> tuple[list[float], Similar]:
    """Each sentence's similarities to the others, summed (as _scores starts), and a function
    giving each sentence's similarities, from the shared terms' counts (row after row; a term
    is any key: a column number, or the word's bytes)."""
    # The sentences that have each shared term, with its count there, in row order.
    postings: dict[Hashable, list[tuple[int, float]]] = {}
    for row, column, value in zip(rows, columns, values, strict=True):
        postings.setdefault(column, []).append((row, value))
    products: dict[int, dict[int, float]] = {}  # the non-zero cells of shared @ shared.T
    for posting in postings.values():
        for row, value in posting:
            row_products = products.setdefault(row, {})
            for other, other_value in posting:
                row_products[other] = row_products.get(other, 0.0) + value * other_value
    centrality = [0.0] * n
    similar: dict[int, list[tuple[int, float]]] = {}
    for row, row_products in products.items():
        norm = norms[row]
        entries = [
            (other, product / (norm * norms[other]))
            for other, product in sorted(row_products.items())
        ]
        similar[row] = entries
        # The row's sum less its diagonal (which is not the sentence's similarity to itself).
        centrality[row] = _numpy_row_sum(n, entries) - row_products[row] / (norm * norm)
    return centrality, lambda row: similar.get(row, ())


def _numpy_row_sum(size: int, entries: Sequence[tuple[int, float]]) -> float:
    """``row.sum()`` as numpy computes it for a row of ``size`` non-negative floats (at most 128)
    that is zero except at ``entries`` ((column, value) pairs in column order).

    numpy sums pairwise: under 8 items one after the other, else in 8 running sums (item ``k``
    goes to sum ``k % 8``) over the first ``size - size % 8`` items, combined as a tree, then the
    rest one by one (above 128 items it halves the row first). Adding a zero changes nothing, so
    only the entries are added, each to its own running sum.
    """
    if len(entries) <= 2 or size < 8:  # one addition at most, or all in a row: in order
        total = 0.0
        for _, value in entries:
            total += value
        return total
    end = size - size % 8
    sums = [0.0] * 8
    for column, value in entries:
        if column < end:
            sums[column & 7] += value
    total = ((sums[0] + sums[1]) + (sums[2] + sums[3])) + (
        (sums[4] + sums[5]) + (sums[6] + sums[7])
    )
    for column, value in entries:
        if column >= end:
            total += value
    return total


def _numpy_centralities(
    n: int, rows: Any, columns: Any, values: Any, norms: Any
) -> tuple[list[float], Similar]:
    """:func:`_python_centralities` with numpy, on the matrix of the shared terms: the very
    operations of _similarities and _scores."""
    import numpy as np

    # The shared terms' columns, numbered 0, 1, 2... in order.
    used = np.zeros(columns.max() + 1, dtype=np.intp)
    used[columns] = 1
    number = np.cumsum(used) - 1
    width = int(number[-1]) + 1
    cells = rows * width + number[columns]
    shared = np.bincount(cells, weights=values, minlength=n * width).reshape(n, width)
    similarity = _products(shared)
    similarity /= norms[:, None] * norms
    centrality = similarity.sum(axis=1) - similarity.diagonal()
    return centrality.tolist(), lambda row: _nonzero(similarity[row].tolist())


def _nonzero(values: list[float]) -> list[tuple[int, float]]:
    return [(column, value) for column, value in enumerate(values) if value]


# -- digest's choice for short articles, from sets of words ----------------------------------------
#
# For an article of a dozen short sentences, the fifty-odd numpy calls of _hashed_select cost
# more than counting its words with Python's sets: one set of words per sentence, the stop words
# taken out, the terms of two sentences or more found by set operations. Counts above 1 are rare
# in a sentence, so they are counted only where a word repeats. The words are those _hash_words
# hashes (the bytes of _word_bytes between bytes up to 32), so the counts, the similarities and
# the choice are those of _hashed_select, save when two different words' 64-bit hashes collide
# (tests/digest/test_summarize.py compares the two). Above _SET_SELECT_MAX_CHARS the per-word
# work in Python costs more than numpy's calls, and _hashed_select is used.

_SET_SELECT_MAX_CHARS = 1_500
"""Most characters (all sentences together) for :func:`_set_select`; measured break-even
with :func:`_hashed_select` is near 1,800."""
_CONTROLS_TO_SPACES = bytes(32 if code < 32 and code != 10 else code for code in range(256))
"""Every byte below 32 but the line feed to a space: bytes.split() then separates words where
:func:`_hash_words` does (it splits at every byte up to 32; bytes.split() only at whitespace)."""


@lru_cache(maxsize=32)
def _stop_terms(language: str) -> frozenset[bytes]:
    """:func:`_stop_spelling`'s words, as :func:`_set_select` counts words."""
    return frozenset(_stop_spelling(language).translate(_CONTROLS_TO_SPACES).split())


def _set_select(
    sentences: Sequence[str], language: str, count: int, params: DigestParams
) -> list[int]:
    """:func:`_hashed_select` (the same choice) counting words with sets instead of numpy."""
    n = len(sentences)
    if count >= n:
        return list(range(n))
    data = _word_bytes("\n".join([s.replace("\n", " ") for s in sentences]))
    tokens = list(map(bytes.split, data.translate(_CONTROLS_TO_SPACES).split(b"\n")))
    words = list(map(len, tokens))
    stops = _stop_terms(language)
    distinct = list(map(set, tokens))
    terms = [found - stops for found in distinct]
    content = [float(len(found)) for found in terms]
    # Every term counts once in its sentence, except where a sentence repeats a term.
    repeated: dict[int, Counter[bytes]] = {}
    for row, found in enumerate(terms):
        if found and words[row] != len(distinct[row]):
            own = [token for token in tokens[row] if token in found]
            if len(own) != len(found):
                repeated[row] = Counter(own)
                content[row] = float(len(own))
    norms = [math.sqrt(size) or 1.0 for size in content]
    for row, counts in repeated.items():
        norms[row] = math.sqrt(sum([value * value for value in counts.values()]))
    # Only terms found in two sentences or more make sentences alike (see _similarities).
    seen: set[bytes] = set()
    shared: set[bytes] = set()
    for found in terms:
        shared |= seen & found
        seen |= found
    rows: list[int] = []
    columns: list[bytes] = []
    values: list[float] = []
    if shared:
        for row, common in enumerate(map(shared.intersection, terms)):
            if common:
                rows += [row] * len(common)
                columns += common
                mine = repeated.get(row)
                values += [float(mine[t]) for t in common] if mine else [1.0] * len(common)
    centrality: list[float]
    similar: Similar
    if not rows:  # no two sentences alike: every similarity is 0
        centrality, similar = [0.0] * n, lambda row: ()
    elif len(rows) <= _PYTHON_CELLS:
        centrality, similar = _python_centralities(n, rows, columns, values, norms)
    else:
        import numpy as np

        number = {term: column for column, term in enumerate(shared)}
        centrality, similar = _numpy_centralities(
            n,
            np.array(rows, dtype=np.intp),
            np.array([number[term] for term in columns], dtype=np.intp),
            np.array(values),
            np.array(norms),
        )
    return _pick(words, content, centrality, similar, count, params)


def _mmr(gains: list[float], similar: Similar, count: int, redundancy: float) -> list[int]:
    """Rows of the ``count`` best ``gains``, each losing ``redundancy`` times its highest
    similarity to a row picked before it (``similar(row)``: the row's non-zero similarities)."""
    if not redundancy:
        return sorted(sorted(range(len(gains)), key=gains.__getitem__, reverse=True)[:count])
    # The first pick is the best gain (no penalty yet); then each gain loses the redundancy
    # times its highest similarity to a pick. max() and index() keep the first of equal gains.
    # A sentence that shares no term with any pick loses nothing (a gain less redundancy * 0.0
    # is the gain itself), so only the others are worked out.
    pick = gains.index(max(gains))
    chosen = [pick]
    closest: dict[int, float] = {}
    for _ in range(count - 1):
        for other, value in similar(pick):
            if value > closest.get(other, 0.0):
                closest[other] = value
        left = gains.copy()
        for other, near in closest.items():
            left[other] = gains[other] - redundancy * near
        for row in chosen:
            left[row] = -math.inf
        pick = left.index(max(left))
        chosen.append(pick)
    return sorted(chosen)


# -- sumy's methods ------------------------------------------------------------------------------

_STIGMA_WORDS = ("advertisement", "subscribe", "newsletter", "click", "cookie", "copyright")


def _sumy_summarizer(method: str, language: str) -> Any:
    from sumy.summarizers.edmundson import EdmundsonSummarizer
    from sumy.summarizers.kl import KLSummarizer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.lsa import LsaSummarizer
    from sumy.summarizers.luhn import LuhnSummarizer
    from sumy.summarizers.reduction import ReductionSummarizer
    from sumy.summarizers.sum_basic import SumBasicSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer

    classes: dict[str, Any] = {
        "lexrank": LexRankSummarizer,
        "textrank": TextRankSummarizer,
        "lsa": LsaSummarizer,
        "luhn": LuhnSummarizer,
        "edmundson": EdmundsonSummarizer,
        "kl": KLSummarizer,
        "sumbasic": SumBasicSummarizer,
        "reduction": ReductionSummarizer,
    }
    summarizer = classes[method](_stemmer(language))
    summarizer.stop_words = _stop_words(language)
    return summarizer


def _sumy_choose(
    method: str,
    paragraphs: Sequence[Sequence[tuple[int, str]]],
    count: int,
    language: str,
    title: str,
) -> list[int]:
    """Run one of sumy's summarizers on our own sentences; indices of what it picked."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence

    stop_words = _stop_words(language)
    tokenizer = OfflineTokenizer(language)
    index_of: dict[int, int] = {}
    dom_paragraphs = []
    for number, paragraph in enumerate(paragraphs):
        dom_sentences = []
        if number == 0 and title.strip():
            dom_sentences.append(Sentence(title.strip(), tokenizer, is_heading=True))
        for index, text in paragraph:
            sentence = Sentence(text, tokenizer)
            index_of[id(sentence)] = index
            dom_sentences.append(sentence)
        dom_paragraphs.append(Paragraph(dom_sentences))
    document = ObjectDocumentModel(dom_paragraphs)
    summarizer = _sumy_summarizer(method, language)
    if method == "edmundson":
        summarizer.null_words = stop_words
        summarizer.stigma_words = _STIGMA_WORDS
        summarizer.bonus_words = _bonus_words(document, title, stop_words)
    try:
        with warnings.catch_warnings():  # LSA warns on stderr when words are few
            warnings.simplefilter("ignore")
            picked = summarizer(document, count)
    except (ValueError, ArithmeticError, LookupError, IndexError):
        # sumy gave up on this text (LSA's SVD, an empty matrix): fall back to the lead.
        return [index for paragraph in paragraphs for index, _ in paragraph][:count]
    return sorted(index_of[id(s)] for s in picked if id(s) in index_of)


def _bonus_words(document: Any, title: str, stop_words: frozenset[str]) -> tuple[str, ...]:
    """Edmundson's bonus words: the title's content words, else the article's ten most frequent."""
    title_words = [w for w in _TERM.findall(title.lower()) if w not in stop_words]
    if title_words:
        return tuple(title_words)
    frequent = Counter(
        w.lower() for w in document.words if w.lower() not in stop_words and len(w) > 2
    )
    return tuple(w for w, _ in frequent.most_common(10))


# -- many at once --------------------------------------------------------------------------------


def _summarize_job(job: tuple[str, int, float | None, str, str, str]) -> Summary:
    text, sentences, ratio, method, language, title = job
    return summarize(
        text, sentences=sentences, ratio=ratio, method=method, language=language, title=title
    )


def summarize_many(
    texts: Sequence[str],
    *,
    sentences: int = 3,
    ratio: float | None = None,
    method: str = DEFAULT_METHOD,
    languages: Sequence[str] | str = "english",
    titles: Sequence[str] | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
) -> list[Summary]:
    """Summarize many texts over a process pool (both cores by default); results in input order.

    Pass ``executor`` to reuse a pool the caller owns; otherwise a pool of ``workers`` processes
    (default: up to 2, the machine's cores) lives for this call. Few texts run in this process.
    """
    if method not in METHODS:
        raise ValueError(f"unknown summary method {method!r}; choose one of {', '.join(METHODS)}")
    langs = [languages] * len(texts) if isinstance(languages, str) else list(languages)
    heads = list(titles) if titles is not None else [""] * len(texts)
    if len(langs) != len(texts) or len(heads) != len(texts):
        raise ValueError("languages and titles must have one item per text")
    jobs = [
        (text, sentences, ratio, method, lang, head)
        for text, lang, head in zip(texts, langs, heads, strict=True)
    ]
    if executor is not None:
        return list(executor.map(_summarize_job, jobs, chunksize=_chunksize(len(jobs), 2)))
    count = workers if workers is not None else min(2, os.cpu_count() or 1)
    if count <= 1 or len(jobs) < 8:
        return [_summarize_job(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=count) as pool:
        return list(pool.map(_summarize_job, jobs, chunksize=_chunksize(len(jobs), count)))


def _chunksize(jobs: int, workers: int) -> int:
    return max(1, min(64, jobs // (workers * 8)))
