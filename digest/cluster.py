"""Story grouping: articles about the same event, across sources, become one :class:`Story`.

Each article becomes a bag of terms: the words of its title (counted :attr:`GroupingSettings.
title_weight` times) and of the first :attr:`GroupingSettings.body_words` words of its text, stop
words dropped and plurals folded, each term named by a stable 32-bit hash so the bags can be stored
and compared later. Within a window of articles the bags are weighted by TF-IDF (sublinear term
frequency; terms seen in only one article, or in too many, carry no weight) and compared by
cosine. Stories are formed by average linkage: two groups merge while the mean similarity of all
their pairs reaches a threshold that adapts to the window, ``base + factor * median similarity``
(small or homogeneous windows, whose unrelated articles share more words, need more). Articles
more than the window apart never group. Exact copies (same text or same link) are collapsed before
grouping; near copies (a wire story under another headline) become one entry with "also in".

Everything here is pure: no store, no clock, no IO. Inputs are plain values and
:class:`~digest.models.Article` objects; the settings were chosen by ``bench/cluster.py``
(cross-validated, see ``docs/bench-cluster.md``).
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import numpy.typing as npt

from digest.models import Article

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class GroupingSettings:
    """The knobs of story grouping (defaults chosen by cross-validation in ``bench/cluster.py``)."""

    title_weight: float = 4.0
    """A title word counts this many times a body word."""
    body_words: int = 150
    """Only the first words of the text are used: news puts the event first."""
    base_threshold: float = 0.11
    """Average-linkage threshold on cosine similarity, before the window's own background."""
    background_factor: float = 4.0
    """The threshold rises by this times the median similarity of the window's article pairs."""
    max_df: float = 0.02
    """Terms in more than this share of the window's articles (and more than 50) carry no weight."""
    top_terms: int = 60
    """Only an article's strongest terms (by TF-IDF) are compared; 0 keeps all."""
    neighbors: int = 30
    """Each article keeps only its most similar neighbours in the linkage graph (speed)."""
    floor_share: float = 0.5
    """Pairs below this share of the threshold count as unrelated (0) in the linkage."""
    window_hours: float = 48.0
    """Articles further apart than this never join one story; 0 means no limit."""
    copy_containment: float = 0.8
    """Two texts sharing this share of the shorter one's word 5-grams are copies of one story."""


DEFAULT_SETTINGS = GroupingSettings()

# -- terms ----------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_](?:[\w'’\-]*[^\W_])?")
_STOP_WORDS = frozenset(
    """
    a about above across after afterwards again against all almost alone along already also although
    always am among an and another any anyone anything anywhere are around as at back be became
    because become becomes been before being below beside besides between beyond both but by can
    cannot could did do does doing done down during each either else elsewhere enough even ever
    every everyone everything except few first for former from further get gets got had has have
    having he her here hers herself him himself his how however i if in including into is it its
    itself just last latter least less like made make many may me might more most mostly much must
    my myself neither never nevertheless next no nobody none nor not nothing now of off often on
    once one only onto or other others otherwise our ours ourselves out over own per perhaps please
    put rather re said same say says see seem seemed seems several she should show since so some
    someone something sometime sometimes still such than that the their theirs them themselves then
    there thereafter therefore these they this those though through throughout thus to together too
    toward towards under until up upon us use used very via was we well were what whatever when
    whenever where whereas wherever whether which while who whoever whole whom whose why will with
    within without would yet you your yours yourself yourselves mr mrs ms told new year years time
    """.split()
)
_MEMO: dict[str, int] = {}
_MEMO_LIMIT = 500_000


def _term_id(word: str) -> int:
    """A stable id for a word: plural and possessive folded, then CRC-32 (0 = a stop word)."""
    found = _MEMO.get(word)
    if found is not None:
        return found
    base = word.replace("’", "'")
    if base.endswith("'s"):
        base = base[:-2]
    base = base.strip("'-")
    if len(base) > 4 and base.endswith("ies"):
        base = base[:-3] + "y"
    elif len(base) > 3 and base.endswith("s") and not base.endswith(("ss", "us", "is")):
        base = base[:-1]
    if base in _STOP_WORDS or (len(base) < 2 and not base.isdigit()):
        term = 0
    else:
        term = zlib.crc32(base.encode("utf-8")) or 1
    if len(_MEMO) >= _MEMO_LIMIT:
        _MEMO.clear()
    _MEMO[word] = term
    return term


@dataclass(frozen=True)
class Terms:
    """An article's bag of terms: sorted term ids and their weighted counts (title boosted)."""

    ids: npt.NDArray[np.uint32]
    counts: npt.NDArray[np.float32]

    def to_bytes(self) -> bytes:
        """A compact form for the store (ids then counts, little-endian)."""
        return self.ids.astype("<u4").tobytes() + self.counts.astype("<f4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Terms:
        n = len(data) // 8
        ids = np.frombuffer(data, dtype="<u4", count=n).astype(np.uint32)
        counts = np.frombuffer(data, dtype="<f4", count=n, offset=4 * n).astype(np.float32)
        return cls(ids, counts)

    def __len__(self) -> int:
        return len(self.ids)


def article_terms(title: str, text: str, settings: GroupingSettings = DEFAULT_SETTINGS) -> Terms:
    """The bag of terms grouping compares: title words boosted, the text's first words."""
    counts: dict[int, float] = {}
    for word in _WORD.findall(title.lower()):
        term = _term_id(word)
        if term:
            counts[term] = counts.get(term, 0.0) + settings.title_weight
    budget = settings.body_words
    # Enough characters for the budget: words average ~6 characters with the space.
    for word in _WORD.findall(text[: budget * 12].lower()):
        term = _term_id(word)
        if not term:
            continue
        counts[term] = counts.get(term, 0.0) + 1.0
        budget -= 1
        if budget <= 0:
            break
    if not counts:
        return Terms(np.zeros(0, np.uint32), np.zeros(0, np.float32))
    ids = np.fromiter(counts.keys(), dtype=np.uint32, count=len(counts))
    values = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
    order = np.argsort(ids, kind="stable")
    return Terms(ids[order], values[order])


_NON_WORD = re.compile(r"[\W_]+")


def fingerprint(title: str, text: str) -> str:
    """A hash of an article's words (case, spacing and punctuation ignored): equal for copies."""
    body = _NON_WORD.sub(" ", (text or title).lower()).strip()
    return hashlib.blake2b(body.encode("utf-8"), digest_size=12).hexdigest()


SHINGLE_WORDS = 600
"""Only the first words of a text are compared for copies (a trimmed copy keeps its start)."""


def shingles(text: str, size: int = 5) -> frozenset[tuple[str, ...]]:
    """Word ``size``-grams of the start of ``text`` (for telling copies from related articles)."""
    words = _WORD.findall(text[: SHINGLE_WORDS * 12].lower())[:SHINGLE_WORDS]
    if len(words) < size:
        return frozenset([tuple(words)]) if words else frozenset()
    return frozenset(zip(*(words[i:] for i in range(size)), strict=False))


def containment(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> float:
    """Share of the smaller set found in the other (1.0 for a text and its trimmed copy)."""
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return len(small & large) / len(small)


# -- the window's vectors -------------------------------------------------------------------------


@dataclass(frozen=True)
class Doc:
    """One article as grouping sees it: an id, a time (epoch seconds) and its terms."""

    key: int
    when: float
    terms: Terms


@dataclass
class _Matrix:
    """Unit TF-IDF rows of a window in compressed sparse row form."""

    indptr: Ints
    cols: Ints
    data: Floats
    n_cols: int
    # The transpose (postings per term), for products.
    col_ptr: Ints = field(default_factory=lambda: np.zeros(1, np.int64))
    col_rows: Ints = field(default_factory=lambda: np.zeros(0, np.int64))
    col_data: Floats = field(default_factory=lambda: np.zeros(0, np.float64))

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1


def _matrix(docs: Sequence[Doc], settings: GroupingSettings) -> _Matrix:
    n = len(docs)
    lengths = np.fromiter((len(d.terms) for d in docs), dtype=np.int64, count=n)
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(lengths, out=indptr[1:])
    if indptr[-1] == 0:
        return _Matrix(indptr, np.zeros(0, np.int64), np.zeros(0, np.float64), 0)
    ids = np.concatenate([d.terms.ids for d in docs])
    counts = np.concatenate([d.terms.counts for d in docs]).astype(np.float64)
    vocab, cols = np.unique(ids, return_inverse=True)
    cols = cols.astype(np.int64)
    df = np.bincount(cols, minlength=len(vocab))
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    max_df = max(50.0, settings.max_df * n)
    idf[(df < 2) | (df > max_df)] = 0.0
    data = (1.0 + np.log(np.maximum(counts, 1.0))) * idf[cols]
    rows = np.repeat(np.arange(n), lengths)
    norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=n))
    keep = data > 0
    if settings.top_terms:
        # Only each article's strongest terms: rank within the row by weight, descending.
        order = np.lexsort((-data, rows))
        rank = np.empty(len(data), np.int64)
        rank[order] = np.arange(len(data)) - np.repeat(indptr[:-1], lengths)
        keep &= rank < settings.top_terms
        # Norms stay those of the whole bag: a truncated cosine is a lower bound of the full one.
    data = data / np.where(norms > 0, norms, 1.0)[rows]
    # Drop zero weights so products only touch shared, informative terms.
    rows, cols, data = rows[keep], cols[keep], data[keep]
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    order = np.lexsort((rows, cols))
    col_ptr = np.zeros(len(vocab) + 1, np.int64)
    np.cumsum(np.bincount(cols, minlength=len(vocab)), out=col_ptr[1:])
    return _Matrix(indptr, cols, data, len(vocab), col_ptr, rows[order], data[order])


def _products(
    m: _Matrix, rows: Ints, floor: float, *, upper: bool, block: int = 256
) -> tuple[Ints, Ints, Floats]:
    """Pairs (i, j, cosine) with cosine >= floor between ``rows`` and every row of ``m``.

    With ``upper`` only pairs with j > i are returned (each pair once).
    """
    n = m.n_rows
    out_i: list[Ints] = []
    out_j: list[Ints] = []
    out_s: list[Floats] = []
    for start in range(0, len(rows), block):
        chunk = rows[start : start + block]
        lengths = m.indptr[chunk + 1] - m.indptr[chunk]
        local = np.repeat(np.arange(len(chunk)), lengths)
        pos = _ranges(m.indptr[chunk], lengths)
        cols = m.cols[pos]
        weights = m.data[pos]
        # Every posting of every term of the chunk's rows.
        plen = m.col_ptr[cols + 1] - m.col_ptr[cols]
        ppos = _ranges(m.col_ptr[cols], plen)
        if len(ppos) == 0:
            continue
        other = m.col_rows[ppos]
        value = np.repeat(weights, plen) * m.col_data[ppos]
        flat = np.repeat(local, plen) * n + other
        acc = np.bincount(flat, weights=value, minlength=len(chunk) * n)
        hit = np.flatnonzero(acc >= floor)
        li, j = np.divmod(hit, n)
        i = chunk[li]
        mask = (j > i) if upper else (j != i)
        out_i.append(i[mask])
        out_j.append(j[mask])
        out_s.append(acc[hit][mask].astype(np.float64))
    if not out_i:
        empty = np.zeros(0, np.int64)
        return empty, empty, np.zeros(0, np.float64)
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_s)


def _ranges(starts: Ints, lengths: Ints) -> Ints:
    """Concatenated ``arange(s, s + l)`` for every (s, l), vectorized."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return offsets + np.arange(total)


BACKGROUND_QUANTILE = 0.5


def background(m: _Matrix, sample: int = 300) -> float:
    """The median cosine of the window's article pairs (estimated on an even sample of rows)."""
    n = m.n_rows
    if n < 3:
        return 0.0
    rows = np.unique(np.linspace(0, n - 1, min(n, sample)).astype(np.int64))
    k = len(rows)
    i, j, s = _products(_subset(m, rows), np.arange(k), 1e-12, upper=True)
    pairs = k * (k - 1) // 2
    if len(s) * 2 <= pairs:
        return 0.0
    values = np.concatenate([s, np.zeros(pairs - len(s))])
    return float(np.quantile(values, BACKGROUND_QUANTILE))


def _subset(m: _Matrix, rows: Ints) -> _Matrix:
    lengths = m.indptr[rows + 1] - m.indptr[rows]
    pos = _ranges(m.indptr[rows], lengths)
    indptr = np.zeros(len(rows) + 1, np.int64)
    np.cumsum(lengths, out=indptr[1:])
    cols = m.cols[pos]
    data = m.data[pos]
    local = np.repeat(np.arange(len(rows)), lengths)
    order = np.lexsort((local, cols))
    col_ptr = np.zeros(m.n_cols + 1, np.int64)
    np.cumsum(np.bincount(cols, minlength=m.n_cols), out=col_ptr[1:])
    return _Matrix(indptr, cols, data, m.n_cols, col_ptr, local[order], data[order])


def threshold(m: _Matrix, settings: GroupingSettings) -> float:
    """The window's merge threshold: the base plus a multiple of its background similarity."""
    return settings.base_threshold + settings.background_factor * background(m)


# -- average linkage on a sparse graph -------------------------------------------------------------


def _average_linkage(n: int, i: Ints, j: Ints, s: Floats, limit: float) -> list[int]:
    """Cluster labels (the smallest member index) by average linkage, merging while mean >= limit.

    Pairs not given count as similarity 0, so only pairs at or above ``limit`` can start a merge.
    Average linkage is reducible, so merging every pair of groups that are each other's most
    similar in one vectorized round gives the same groups as merging one pair at a time.
    """
    labels = np.arange(n)
    size = np.ones(n, np.float64)
    a, b = np.minimum(i, j), np.maximum(i, j)
    a, b, total = _combine(a[a != b], b[a != b], s[a != b], n)
    while len(a):
        mean = total / (size[a] * size[b])
        ok = mean >= limit
        if not ok.any():
            break
        va, vb = a[ok], b[ok]
        best = _best_neighbour(va, vb, mean[ok], n)
        mutual = (best[va] == vb) & (best[vb] == va)
        keep, gone = va[mutual], vb[mutual]
        target = np.arange(n)
        target[gone] = keep
        size[keep] += size[gone]
        labels = target[labels]
        a, b = target[a], target[b]
        a, b = np.minimum(a, b), np.maximum(a, b)
        loop = a == b
        a, b, total = _combine(a[~loop], b[~loop], total[~loop], n)
    return [int(x) for x in labels]


def _combine(a: Ints, b: Ints, total: Floats, n: int) -> tuple[Ints, Ints, Floats]:
    """Sum the totals of repeated (a, b) pairs."""
    if len(a) == 0:
        return a, b, total
    keys, inverse = np.unique(a * n + b, return_inverse=True)
    sums = np.bincount(inverse, weights=total, minlength=len(keys))
    return keys // n, keys % n, sums.astype(np.float64)


def _best_neighbour(a: Ints, b: Ints, mean: Floats, n: int) -> Ints:
    """For every node, its neighbour of highest mean (ties to the smaller id); -1 if none."""
    node = np.concatenate([a, b])
    other = np.concatenate([b, a])
    value = np.concatenate([mean, mean])
    order = np.lexsort((other, -value, node))
    node, other = node[order], other[order]
    first = np.r_[True, node[1:] != node[:-1]]
    best = np.full(n, -1, np.int64)
    best[node[first]] = other[first]
    return best


# -- grouping -------------------------------------------------------------------------------------


def _pairs(
    m: _Matrix, rows: Ints, whens: Floats, limit: float, settings: GroupingSettings, *, upper: bool
) -> tuple[Ints, Ints, Floats]:
    i, j, s = _products(m, rows, max(limit * settings.floor_share, 1e-9), upper=upper)
    if settings.window_hours > 0 and len(i):
        near = np.abs(whens[i] - whens[j]) <= settings.window_hours * 3600.0
        i, j, s = i[near], j[near], s[near]
    if settings.neighbors and len(i):
        keep = _top(i, s, settings.neighbors) | _top(j, s, settings.neighbors)
        i, j, s = i[keep], j[keep], s[keep]
    return i, j, s


def _top(owner: Ints, s: Floats, k: int) -> npt.NDArray[np.bool_]:
    """Which pairs are among the ``k`` most similar of their ``owner`` (ties by position)."""
    order = np.lexsort((np.arange(len(s)), -s, owner))
    sorted_owner = owner[order]
    starts = np.flatnonzero(np.r_[True, sorted_owner[1:] != sorted_owner[:-1]])
    lengths = np.diff(np.r_[starts, len(order)])
    rank = np.arange(len(order)) - np.repeat(starts, lengths)
    mask = np.zeros(len(s), np.bool_)
    mask[order[rank < k]] = True
    return mask


def group(docs: Sequence[Doc], settings: GroupingSettings = DEFAULT_SETTINGS) -> list[list[int]]:
    """Group ``docs`` from scratch: lists of keys, each list one story, in the order of ``docs``."""
    if not docs:
        return []
    m = _matrix(docs, settings)
    limit = threshold(m, settings)
    whens = np.fromiter((d.when for d in docs), dtype=np.float64, count=len(docs))
    i, j, s = _pairs(m, np.arange(len(docs)), whens, limit, settings, upper=True)
    labels = _average_linkage(len(docs), i, j, s, limit)
    groups: dict[int, list[int]] = {}
    for doc, label in zip(docs, labels, strict=True):
        groups.setdefault(label, []).append(doc.key)
    return list(groups.values())


def extend(
    existing: Sequence[tuple[Doc, int]],
    new: Sequence[Doc],
    settings: GroupingSettings = DEFAULT_SETTINGS,
) -> list[tuple[int | None, list[int]]]:
    """Add ``new`` docs to stories already formed, without regrouping the old ones.

    ``existing`` pairs each grouped doc of the window with its story id. The new docs are grouped
    among themselves by average linkage; each new group then joins the existing story whose
    members it is most similar to on average, if that average reaches the window's threshold.
    Returns (story id or None for a new story, keys of the new docs) pairs.
    """
    if not new:
        return []
    docs = [doc for doc, _ in existing] + list(new)
    first_new = len(existing)
    m = _matrix(docs, settings)
    limit = threshold(m, settings)
    whens = np.fromiter((d.when for d in docs), dtype=np.float64, count=len(docs))
    rows = np.arange(first_new, len(docs))
    i, j, s = _pairs(m, rows, whens, limit, settings, upper=False)
    among = (j >= first_new) & (j > i)
    labels = _average_linkage(len(new), i[among] - first_new, j[among] - first_new, s[among], limit)
    members: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        members.setdefault(label, []).append(index)
    story_of = np.fromiter((story for _, story in existing), dtype=np.int64, count=first_new)
    story_size: dict[int, int] = {}
    for story in story_of.tolist():
        story_size[story] = story_size.get(story, 0) + 1
    old = j < first_new
    sums: dict[tuple[int, int], float] = {}
    for a, b, v in zip(
        (i[old] - first_new).tolist(), story_of[j[old]].tolist(), s[old].tolist(), strict=True
    ):
        key = (labels[a], b)
        sums[key] = sums.get(key, 0.0) + v
    best: dict[int, tuple[float, int]] = {}
    for (label, story), total in sums.items():
        mean = total / (len(members[label]) * story_size[story])
        if mean >= limit and (
            label not in best or (-mean, story) < (-best[label][0], best[label][1])
        ):
            best[label] = (mean, story)
    result: list[tuple[int | None, list[int]]] = []
    for label, indexes in members.items():
        target = best.get(label)
        result.append((target[1] if target else None, [new[x].key for x in indexes]))
    return result


# -- stories ----------------------------------------------------------------------------------------


def source_name(article: Article) -> str:
    """The publication to credit: the page's named source, else the feed's title."""
    return article.source or article.feed_title or "unknown source"


@dataclass(frozen=True)
class StoryEntry:
    """One article of a story, with the copies of it found in other feeds."""

    article: Article
    copies: tuple[Article, ...] = ()
    """The same text elsewhere (syndicated wire copy, the same article in another feed)."""

    @property
    def also_in(self) -> tuple[str, ...]:
        """The other sources that carried this text, each once, in order of publication."""
        own = source_name(self.article)
        seen: list[str] = []
        for copy in self.copies:
            name = source_name(copy)
            if name != own and name not in seen:
                seen.append(name)
        return tuple(seen)

    @property
    def articles(self) -> tuple[Article, ...]:
        return (self.article, *self.copies)


@dataclass(frozen=True)
class Story:
    """Articles about one event: the lead (most central and informative) and related entries."""

    key: int
    """A stable id: the store's story id (or the lead's article id when not stored)."""
    lead: StoryEntry
    related: tuple[StoryEntry, ...] = ()

    @property
    def entries(self) -> tuple[StoryEntry, ...]:
        return (self.lead, *self.related)

    @property
    def articles(self) -> tuple[Article, ...]:
        return tuple(a for entry in self.entries for a in entry.articles)

    @property
    def sources(self) -> tuple[str, ...]:
        """Distinct sources of every article (copies included), in entry order."""
        seen: list[str] = []
        for article in self.articles:
            name = source_name(article)
            if name not in seen:
                seen.append(name)
        return tuple(seen)


def _when(article: Article) -> float:
    when: datetime | None = article.when
    return when.timestamp() if when is not None else 0.0


def _words(article: Article) -> int:
    return len((article.text or article.summary).split())


def assemble(
    key: int, articles: Sequence[Article], settings: GroupingSettings = DEFAULT_SETTINGS
) -> Story:
    """Make a :class:`Story` of one group's articles: copies merged, lead chosen, related ordered.

    Copies are texts with the same words or the same link, or sharing
    :attr:`GroupingSettings.copy_containment` of the shorter text's word 5-grams; a copy's
    entry is its earliest article. The lead is the entry with the best ``centrality *
    informativeness`` (mean cosine to the other entries, times a factor growing with length up to
    300 words), ties to the earliest; an article that a saved page lists under another one never
    leads. Related entries follow by the same score.
    """
    if not articles:
        raise ValueError("a story needs at least one article")
    ordered = sorted(articles, key=lambda a: (_when(a), a.id))
    ids = {a.id for a in ordered}
    entries: list[list[Article]] = []
    by_print: dict[str, int] = {}
    by_url: dict[str, int] = {}
    marks: list[frozenset[tuple[str, ...]]] = []
    for article in ordered:
        body = article.text or article.summary
        mark = fingerprint(article.title, body)
        index = by_print.get(mark)
        if index is None and article.url:
            index = by_url.get(article.url)
        grams = shingles(body) if index is None and body and len(ordered) > 1 else frozenset()
        if index is None and grams:
            index = next(
                (
                    k
                    for k, other in enumerate(marks)
                    if containment(grams, other) >= settings.copy_containment
                ),
                None,
            )
        if index is None:
            marks.append(grams)
            entries.append([article])
            index = len(entries) - 1
        else:
            entries[index].append(article)
        by_print.setdefault(mark, index)
        if article.url:
            by_url.setdefault(article.url, index)
    heads = [group[0] for group in entries]
    scores = _entry_scores(heads, settings)
    can_lead = [h.related_to is None or h.related_to not in ids for h in heads]
    order = sorted(
        range(len(heads)),
        key=lambda k: (not can_lead[k], -scores[k], _when(heads[k]), heads[k].id),
    )
    story_entries = [StoryEntry(heads[k], tuple(entries[k][1:])) for k in order]
    return Story(key, story_entries[0], tuple(story_entries[1:]))


def _entry_scores(heads: Sequence[Article], settings: GroupingSettings) -> list[float]:
    informative = [0.5 + 0.5 * min(1.0, _words(a) / 300.0) for a in heads]
    if len(heads) == 1:
        return informative
    docs = [Doc(a.id, 0.0, article_terms(a.title, a.text or a.summary, settings)) for a in heads]
    vocab = np.unique(np.concatenate([d.terms.ids for d in docs]))
    matrix = np.zeros((len(docs), len(vocab)))
    for row, doc in enumerate(docs):
        matrix[row, np.searchsorted(vocab, doc.terms.ids)] = 1.0 + np.log(
            np.maximum(doc.terms.counts, 1.0)
        )
    norms = np.linalg.norm(matrix, axis=1)
    matrix /= np.where(norms > 0, norms, 1.0)[:, None]
    sims = matrix @ matrix.T
    np.fill_diagonal(sims, 0.0)
    central = sims.sum(axis=1) / (len(docs) - 1)
    return [round(float(c) * f, 9) for c, f in zip(central, informative, strict=True)]


def story_docs(
    articles: Iterable[Article], settings: GroupingSettings = DEFAULT_SETTINGS
) -> list[Doc]:
    """The :class:`Doc` of each article (its terms from its title and text)."""
    return [
        Doc(a.id, _when(a), article_terms(a.title, a.text or a.summary, settings)) for a in articles
    ]


def group_articles(
    articles: Sequence[Article], settings: GroupingSettings = DEFAULT_SETTINGS
) -> list[Story]:
    """Group articles from scratch into stories (no store): copies collapsed first, saved pages'
    own related articles kept under their lead. Stories come in the order of their first article.
    """
    by_id = {a.id: a for a in articles}
    attached: dict[int, list[Article]] = {}
    singles: list[Article] = []
    copies: dict[int, list[Article]] = {}
    seen: dict[str, int] = {}
    for article in articles:
        if article.related_to is not None and article.related_to in by_id:
            attached.setdefault(article.related_to, []).append(article)
            continue
        mark = fingerprint(article.title, article.text or article.summary)
        if mark in seen:
            copies.setdefault(seen[mark], []).append(article)
            continue
        seen[mark] = article.id
        singles.append(article)
    stories: list[Story] = []
    for keys in group(story_docs(singles, settings), settings):
        members: list[Article] = []
        for k in keys:
            members.append(by_id[k])
            members.extend(copies.get(k, ()))
            members.extend(attached.get(k, ()))
        story = assemble(min(keys), members, settings)
        stories.append(story)
    return stories
