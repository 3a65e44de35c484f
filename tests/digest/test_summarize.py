"""The summarizer: verbatim sentences in article order, every method, boilerplate, bad input,
languages, no NLTK data, the cache key, many at once, and a real sample of BBC news."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import digest.summarize as summarize_module
from digest.sentences import split_sentences
from digest.summarize import (
    DEFAULT_METHOD,
    METHODS,
    Summary,
    candidate_sentences,
    choose,
    digest_features,
    is_boilerplate,
    reading_minutes,
    resolve_language,
    summarize,
    summarize_many,
    summary_cache_key,
    summary_length,
)
from tests.conftest import need_corpora

# An article written for these tests: a lead, quotes, numbers, a headline, several paragraphs.
ARTICLE = """Council approves new budget for city schools

The city council approved a budget of $41.5m for schools on Tuesday, after a debate that ran late into the night.
The budget adds 120 teachers and repairs the roofs of nine primary schools.

Mr. Alvarez, who leads the council, said the vote was close. "We had to choose between roads and schools, and we chose schools," he said.
Opposition members argued that the budget leaves the city's roads without money for a second year.

Teachers welcomed the plan. The union said class sizes had risen for five years in a row and that the new teachers would bring them down.
Parents at Hill Street primary school, where the roof leaked all winter, said repairs could not come soon enough.

The budget takes effect in April. A review of school funding is due in the autumn, when the council will decide on the roads.
"""

# Page furniture that an extractor may leave in; each line is made to look central to ARTICLE
# (it repeats the article's key words), so a method that does not filter it would pick it.
BOILERPLATE = [
    "Read more: the council budget for city schools adds teachers, and the council budget "
    "repairs city schools as teachers and parents of the city schools welcome the budget",
    "Sign up for our newsletter on the council budget for city schools, the teachers the "
    "budget adds, and the school roof repairs the council budget pays for in the city",
    "Share this article on Facebook: the council approved the budget for city schools, "
    "teachers welcome the budget, and the council budget repairs the schools of the city",
    "Photo: council members vote on the budget for city schools and teachers at the city "
    "council on Tuesday (Photo by Jane Roe/Getty Images)",
    "By Maria Lopez",
    "By John Smith and Jane Doe, BBC News",
    "Copyright 2025 City News, all rights reserved: council budget, city schools, teachers",
    "Click here to subscribe to news of the council budget for city schools and teachers",
    "Advertisement",
]

MORE_BOILERPLATE = [
    "Image caption: The council chamber on Tuesday night",
    "Reporting by John Smith; Editing by Jane Doe",
    "Sign up now, it's free",
    "12 comments",
    "We use cookies to improve your experience on this site",
    "Updated: 3 hours ago",
    "Related: How the council spends its money",
    "Follow us on Twitter for the latest council news",
    "Download our app to get alerts",
    "\u00a9 2025 City News",
    "Copyright 2025 City News",
    "This article was originally published on City News.",
    "Continue reading the main story",
]

NEWS_SENTENCES_WITH_TRIGGER_WORDS = [
    "It hopes to sign up existing customers for high-speed broadband next year.",
    "Shares in the company rose 4% after the results were published.",
    "The photo agency said it would share its archive with the museum.",
    "By the end of the year, the council expects to have hired 120 teachers.",
    "More than 300 people attended the meeting in the town hall.",
    "Read the report and you will see the numbers do not add up, the minister said.",
    "Share prices rose 4% this week as investors returned.",
    "Copyright lawsuits against the firm multiplied last year.",
    "More-or-less everyone agreed, the survey found.",
    "By the end of 2024 most teachers were hired",
    "Follow-up talks are planned for next week in the capital.",
    "Like many firms, our rivals cut jobs, the chief executive said.",
    "Get ready for a long winter, forecasters warned on Monday.",
    "Photo agencies said the new rules would cost them money.",
]


def _verbatim_in_order(text: str, summary: Summary) -> None:
    sentences = split_sentences(text)
    indices = [index for index, _ in summary.sentences]
    assert indices == sorted(set(indices)), "sentences must be in article order, once each"
    for index, sentence in summary.sentences:
        assert sentences[index] == sentence


# -- what every method must do ------------------------------------------------------------------


def test_methods_and_default() -> None:
    assert METHODS == (
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
    assert DEFAULT_METHOD == "digest"


@pytest.mark.parametrize("method", METHODS)
def test_each_method_picks_verbatim_sentences_in_article_order(method: str) -> None:
    summary = summarize(ARTICLE, sentences=3, method=method, title="Budget for schools")
    assert summary.method == method
    assert len(summary.sentences) == 3
    assert summary.language == "english"
    assert summary.note == ""
    _verbatim_in_order(ARTICLE, summary)
    assert summary.text == " ".join(s for _, s in summary.sentences)


def test_lead_takes_the_first_sentences() -> None:
    summary = summarize(ARTICLE, sentences=2, method="lead")
    assert [i for i, _ in summary.sentences] == [0, 1]


def test_digest_prefers_central_sentences_to_the_headline() -> None:
    summary = summarize(ARTICLE, sentences=2)
    chosen = [text for _, text in summary.sentences]
    assert "Council approves new budget for city schools" not in chosen  # short: min_words
    assert any("budget" in text for text in chosen)


@pytest.mark.parametrize("method", METHODS)
def test_boilerplate_is_never_chosen(method: str) -> None:
    paragraphs = ARTICLE.strip().split("\n\n")
    mixed = "\n\n".join(
        p + "\n" + BOILERPLATE[i % len(BOILERPLATE)] for i, p in enumerate(paragraphs)
    )
    mixed += "\n" + "\n".join(BOILERPLATE)
    summary = summarize(mixed, sentences=5, method=method, title="Council budget for schools")
    assert len(summary.sentences) == 5
    _verbatim_in_order(mixed, summary)
    for _, sentence in summary.sentences:
        assert not is_boilerplate(sentence)
        assert not any(sentence in line for line in BOILERPLATE)


def test_boilerplate_would_be_chosen_without_the_filter(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test above can fail: with the filter off, digest picks the planted furniture."""
    monkeypatch.setattr(summarize_module, "_is_boilerplate", lambda *args: False)
    mixed = ARTICLE + "\n" + "\n".join(BOILERPLATE)
    summary = summarize(mixed, sentences=5, title="Council budget for schools")
    assert any(any(s in line for line in BOILERPLATE) for _, s in summary.sentences)


@pytest.mark.parametrize("line", BOILERPLATE + MORE_BOILERPLATE)
def test_is_boilerplate_knows_page_furniture(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize("line", NEWS_SENTENCES_WITH_TRIGGER_WORDS)
def test_is_boilerplate_keeps_news_that_shares_its_words(line: str) -> None:
    assert not is_boilerplate(line)


def test_boilerplate_keeps_its_index_in_the_article() -> None:
    text = "By Maria Lopez\nThe first real sentence is here. The second one follows it."
    paragraphs, note = candidate_sentences(text)
    assert note == ""
    assert [pair for paragraph in paragraphs for pair in paragraph] == [
        (1, "The first real sentence is here."),
        (2, "The second one follows it."),
    ]


# -- the digest method's counting ------------------------------------------------------------


def _naive_gram(sentences: list[str], language: str) -> list[list[int]]:
    """Shared content-word counts between sentences, counted the slow, obvious way."""
    from collections import Counter

    stop = {w.replace("'", "") for w in summarize_module._stop_words(language)}
    bags = []
    for sentence in sentences:
        words = summarize_module._word_bytes(sentence).decode("utf-8").split()
        bags.append(Counter(w for w in words if len(w.encode("utf-8")) > 1 and w not in stop))
    return [[sum(a[w] * b[w] for w in a) for b in bags] for a in bags]


WORDS = [
    "Budget",
    "budget's",
    "school",
    "schools",
    "the",
    "and",
    "teachers",
    "co-op",
    "10.5%",
    "I",
    "\u201cquoted\u201d",
    "don't",
    "don\u2019t",
    "caf\u00e9",
    "rise\u2014fall",
    "a",
]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), min_size=0, max_size=12), min_size=1, max_size=6))
def test_hashed_counting_matches_counting_words_one_by_one(bags: list[list[str]]) -> None:
    import numpy as np

    sentences = [" ".join(words) for words in bags]
    features = digest_features(sentences, "english", stem=False)
    gram = (features.counts @ features.counts.T).astype(int).tolist()
    assert gram == _naive_gram(sentences, "english")
    assert features.words.tolist() == [
        len(summarize_module._word_bytes(s).split()) for s in sentences
    ]
    assert np.all(features.title_overlap == 0)


def _reference_digest_choice(
    sentences: list[str], count: int, language: str = "english"
) -> list[int]:
    """What ``digest`` picks with DIGEST_PARAMS, computed the plain way: words counted one by one
    with Counters, the cosines and scores with numpy (the same float operations, so the same
    floats), MMR as a loop over every row. The fast path must pick exactly these rows."""
    import re
    from collections import Counter

    import numpy as np

    params = summarize_module.DIGEST_PARAMS
    n = len(sentences)
    if count >= n:
        return list(range(n))
    spelt = " ".join(summarize_module._stop_words(language))
    stop = set(summarize_module._word_bytes(spelt).split())
    bags, words = [], []
    for sentence in sentences:
        tokens = [
            t for t in re.split(rb"[\x00-\x20]+", summarize_module._word_bytes(sentence)) if t
        ]
        words.append(len(tokens))
        bags.append(Counter(t for t in tokens if len(t) > 1 and t not in stop))
    terms = sorted(set().union(*bags))
    counts = np.array([[bag[t] for t in terms] for bag in bags], dtype=float).reshape(n, len(terms))
    norms = np.sqrt((counts * counts).sum(axis=1))
    norms[norms == 0] = 1.0
    shared = counts[:, (counts > 0).sum(axis=0) > 1]
    similarity = shared @ shared.T
    similarity /= norms[:, None] * norms
    centrality = similarity.sum(axis=1) - similarity.diagonal()
    centrality *= np.maximum(counts.sum(axis=1), 1.0) ** params.length_exponent
    if n and centrality.max() > 0:
        centrality /= centrality.max()
    gains = [
        g - 10.0 if w < params.min_words else g
        for g, w in zip(centrality.tolist(), words, strict=True)
    ]
    rows = similarity.tolist()
    chosen: list[int] = []
    closest = [0.0] * n
    for _ in range(count):
        best, pick = -math.inf, -1
        for row in range(n):
            gain = gains[row] - params.redundancy * closest[row]
            if gain > best and row not in chosen:
                best, pick = gain, row
        chosen.append(pick)
        closest = [max(a, b) for a, b in zip(closest, rows[pick], strict=True)]
    return sorted(chosen)


def _digest_choice(sentences: list[str], count: int) -> list[int]:
    paragraphs = (tuple(enumerate(sentences)),)
    return choose("digest", paragraphs, count, language="english")


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(WORDS), min_size=0, max_size=9), min_size=1, max_size=14),
    st.integers(min_value=1, max_value=4),
)
def test_digest_picks_what_the_plain_reference_picks(bags: list[list[str]], count: int) -> None:
    # Few words, short sentences: many equal scores and cosines, so ties are broken as the
    # reference breaks them (the first row wins).
    sentences = [" ".join(words) or "x" for words in bags]
    assert _digest_choice(sentences, count) == _reference_digest_choice(sentences, count)


@pytest.mark.shared
def test_digest_picks_what_the_plain_reference_picks_on_bbc_news() -> None:
    root = need_corpora("bbc-news-summary")
    checked = 0
    for _, body, _ in _bbc_sample(root, per_category=40):
        paragraphs, _ = candidate_sentences(body)
        indices = [index for paragraph in paragraphs for index, _ in paragraph]
        sentences = [sentence for paragraph in paragraphs for _, sentence in paragraph]
        expected = [indices[row] for row in _reference_digest_choice(sentences, 3)]
        assert choose("digest", paragraphs, 3) == expected
        checked += 1
    assert checked == 200


def _reference_select(
    features: summarize_module.DigestFeatures, count: int, params: summarize_module.DigestParams
) -> list[int]:
    """digest_select the plain way: the whole similarity matrix and the scores with numpy's
    matrix operations, MMR as a loop over every row."""
    import numpy as np

    counts = features.counts
    n = counts.shape[0]
    if count >= n:
        return list(range(n))
    norms = np.sqrt((counts * counts).sum(axis=1))
    norms[norms == 0] = 1.0
    shared = counts[:, (counts > 0).sum(axis=0) > 1]
    similarity = shared @ shared.T
    similarity /= norms[:, None] * norms
    centrality = similarity.sum(axis=1) - similarity.diagonal()
    centrality *= np.maximum(counts.sum(axis=1), 1.0) ** params.length_exponent
    if centrality.max() > 0:
        centrality /= centrality.max()
    if params.position_weight:
        centrality += params.position_weight / (1.0 + features.positions) ** params.position_decay
    if params.title_weight:
        centrality += params.title_weight * features.title_overlap
    centrality[features.words < params.min_words] -= 10.0
    gains = centrality.tolist()
    if not params.redundancy:
        return sorted(sorted(range(n), key=gains.__getitem__, reverse=True)[:count])
    rows = similarity.tolist()
    chosen: list[int] = []
    closest = [0.0] * n
    for _ in range(count):
        best, pick = -math.inf, -1
        for row in range(n):
            gain = gains[row] - params.redundancy * closest[row]
            if gain > best and row not in chosen:
                best, pick = gain, row
        chosen.append(pick)
        closest = [max(a, b) for a, b in zip(closest, rows[pick], strict=True)]
    return sorted(chosen)


@settings(max_examples=300, deadline=None)
@given(
    matrix=st.integers(min_value=1, max_value=40).flatmap(
        lambda n: st.lists(
            st.lists(st.sampled_from([0, 0, 0, 0, 1, 1, 2, 5]), min_size=12, max_size=12),
            min_size=n,
            max_size=n,
        )
    ),
    count=st.integers(min_value=1, max_value=5),
    exponent=st.sampled_from([0.5, 0.0, 1.0, 0.37]),
    min_words=st.integers(min_value=0, max_value=9),
    redundancy=st.sampled_from([0.1, 0.0, 0.6]),
    python_cells=st.sampled_from([0, 10_000]),
)
def test_the_choice_from_nonzero_counts_is_the_matrix_choice(
    matrix: list[list[int]],
    count: int,
    exponent: float,
    min_words: int,
    redundancy: float,
    python_cells: int,
) -> None:
    # The choice from the non-zero counts alone (with the similarities in Python, or with numpy
    # on the shared terms alone: python_cells) must pick, to the last tie, the rows the whole
    # matrix picks. Few distinct counts make many equal scores.
    import numpy as np

    counts = np.array(matrix, dtype=float)
    n = len(matrix)
    features = summarize_module.DigestFeatures(
        positions=np.arange(n, dtype=float),
        counts=counts,
        words=np.array([(7 * row) % 11 for row in range(n)], dtype=float),
        title_overlap=np.zeros(n),
    )
    params = summarize_module.DigestParams(
        length_exponent=exponent, min_words=min_words, redundancy=redundancy
    )
    rows, columns = np.nonzero(counts)
    cells = (rows, columns, counts[rows, columns], counts.shape[1])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(summarize_module, "_PYTHON_CELLS", python_cells)
        picked = summarize_module._select_cells(features.words.tolist(), cells, count, params)
    assert picked == _reference_select(features, count, params)
    assert picked == summarize_module.digest_select(features, count, params)


# Words for the set path: repeats, stop words, punctuation, non-ASCII, and bytes below 32 that
# bytes.split() keeps inside a word but the hashes treat as separators.
SET_WORDS = [
    *WORDS,
    "budget",
    "budget",
    "the",
    "a\x1cb",
    "x\x00y",
    "tab\tbed",
    "caf\u00e9\u00a0bar",
]


@settings(max_examples=300, deadline=None)
@given(
    bags=st.lists(
        st.lists(st.sampled_from(SET_WORDS), min_size=0, max_size=12), min_size=1, max_size=16
    ),
    count=st.integers(min_value=1, max_value=4),
    exponent=st.sampled_from([0.5, 0.0, 1.0, 0.37]),
    min_words=st.integers(min_value=0, max_value=9),
    redundancy=st.sampled_from([0.1, 0.0, 0.6]),
    python_cells=st.sampled_from([0, 10_000]),
)
def test_the_choice_from_sets_of_words_is_the_hashed_choice(
    bags: list[list[str]],
    count: int,
    exponent: float,
    min_words: int,
    redundancy: float,
    python_cells: int,
) -> None:
    # Words counted with sets of bytes (short articles) must give, to the last tie, the rows
    # that words counted through hashes give, and the whole matrix's choice.
    sentences = [" ".join(words) or "x" for words in bags]
    params = summarize_module.DigestParams(
        length_exponent=exponent, min_words=min_words, redundancy=redundancy
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(summarize_module, "_PYTHON_CELLS", python_cells)
        picked = summarize_module._set_select(sentences, "english", count, params)
        hashed = summarize_module._hashed_select(sentences, "english", count, params)
    assert picked == hashed
    features = digest_features(sentences, "english", stem=False)
    assert picked == _reference_select(features, count, params)


@pytest.mark.shared
def test_the_choice_from_sets_of_words_is_the_hashed_choice_on_bbc_news() -> None:
    root = need_corpora("bbc-news-summary")
    params = summarize_module.DIGEST_PARAMS
    for _, body, _ in _bbc_sample(root, per_category=20):
        paragraphs, _ = candidate_sentences(body)
        sentences = [sentence for paragraph in paragraphs for _, sentence in paragraph]
        for size in (len(sentences), 12, 5):  # whole articles, and short ones
            some = sentences[:size]
            assert summarize_module._set_select(
                some, "english", 3, params
            ) == summarize_module._hashed_select(some, "english", 3, params)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=128).flatmap(
        lambda size: st.lists(
            st.tuples(st.integers(0, size - 1), st.integers(1, 9), st.integers(1, 60)),
            max_size=size,
        ).map(lambda cells: (size, cells))
    )
)
def test_sparse_row_sums_are_numpys_row_sums(row: tuple[int, list[tuple[int, int, int]]]) -> None:
    # Cosine-like values (a whole number over a square root) at random columns of a row of
    # zeros: the sum of the entries alone is numpy's sum of the row, to the last bit.
    import numpy as np

    size, cells = row
    values = dict.fromkeys(range(size), 0.0)
    for column, dot, square in cells:
        values[column] = dot / math.sqrt(square)
    entries = [(column, value) for column, value in values.items() if value]
    dense = np.array(list(values.values()))
    assert summarize_module._numpy_row_sum(size, entries) == dense.sum()
    assert summarize_module._numpy_row_sum(size, entries) == dense.reshape(1, size).sum(axis=1)[0]


def test_title_overlap_counts_the_titles_content_words() -> None:
    sentences = ["The budget for schools rose.", "Roads got nothing.", "Schools and roads."]
    features = digest_features(sentences, "english", "Schools budget", stem=False)
    assert features.title_overlap.tolist() == [1.0, 0.0, 0.5]
    stemmed = digest_features(sentences, "english", "Schools budget", stem=True)
    assert stemmed.title_overlap.tolist() == [1.0, 0.0, 0.5]


# -- lengths --------------------------------------------------------------------------------------


def test_ratio_and_sentence_counts() -> None:
    total = len(split_sentences(ARTICLE))
    assert len(summarize(ARTICLE, ratio=0.5).sentences) == round(total * 0.5)
    assert len(summarize(ARTICLE, ratio=2.0).sentences) == total
    assert len(summarize(ARTICLE, ratio=0.0001).sentences) == 1
    assert len(summarize(ARTICLE, ratio=math.nan, sentences=2).sentences) == 2
    assert len(summarize(ARTICLE, sentences=0).sentences) == 1
    assert len(summarize(ARTICLE, sentences=-4).sentences) == 1
    assert len(summarize(ARTICLE, sentences=1000).sentences) == total


def test_summary_length() -> None:
    assert summary_length(10, 3, None) == 3
    assert summary_length(10, 3, 0.25) == 2
    assert summary_length(10, 3, -1.0) == 3
    assert summary_length(10, 3, math.inf) == 3


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("text", ["", "   \n\n\t ", "\x00\x01\x02"])
def test_empty_text_gives_an_empty_summary_and_a_reason(method: str, text: str) -> None:
    summary = summarize(text, method=method)
    assert summary.sentences == ()
    assert summary.note


@pytest.mark.parametrize("method", METHODS)
def test_a_single_sentence_is_its_own_summary(method: str) -> None:
    summary = summarize("Only one sentence stands here in the whole text.", method=method)
    assert summary.sentences == ((0, "Only one sentence stands here in the whole text."),)


@pytest.mark.parametrize("method", METHODS)
def test_text_without_full_stops_is_summarized_by_lines(method: str) -> None:
    lines = [
        "council votes on the budget for city schools tonight",
        "teachers union backs the plan for the schools budget",
        "roads get no money from the council for another year",
        "parents say school roof repairs cannot wait any longer",
    ]
    summary = summarize("\n\n".join(lines), sentences=2, method=method)
    assert len(summary.sentences) == 2
    assert all(text in lines for _, text in summary.sentences)


def test_one_long_line_without_stops_is_one_sentence() -> None:
    text = " ".join(["word"] * 500)
    assert summarize(text).sentences == ((0, text),)


@pytest.mark.parametrize("method", ["digest", "lead", "luhn", "lexrank"])
def test_five_megabytes_are_cut_not_hung_on(method: str) -> None:
    paragraph = ARTICLE.split("\n\n", 1)[1]
    text = "\n\n".join([paragraph] * (5_000_000 // len(paragraph) + 1))
    started = time.perf_counter()
    summary = summarize(text, method=method)
    assert time.perf_counter() - started < 10
    assert len(summary.sentences) == 3
    assert "only the first" in summary.note
    assert all(index < summarize_module.MAX_SENTENCES for index, _ in summary.sentences)


@pytest.mark.parametrize("method", ["digest", "lead", "lsa", "kl"])
def test_binary_junk_is_refused_with_a_reason(method: str) -> None:
    junk = bytes(range(256)) * 200
    for text in (junk.decode("latin-1"), junk.decode("utf-8", errors="replace")):
        summary = summarize(text, method=method)
        assert summary.sentences == ()
        assert summary.note == "the text does not look like prose"


def test_bytes_are_read_as_utf8_and_non_utf8_bytes_do_not_raise() -> None:
    text = "Café owners cheered the new rules. Prices will stay the same, they said."
    assert summarize(text.encode("utf-8"), sentences=1).sentences  # type: ignore[arg-type]
    latin = summarize(text.encode("latin-1"), sentences=2)  # type: ignore[arg-type]
    assert len(latin.sentences) == 2


def test_control_characters_and_escapes_never_reach_the_summary() -> None:
    text = "The \x1b[31mred\x1b[0m vote passed.\u202e Then \x07the council left."
    summary = summarize(text, sentences=5)
    assert summary.sentences
    for _, sentence in summary.sentences:
        assert "\x1b" not in sentence and "\x07" not in sentence and "\u202e" not in sentence


def test_an_unknown_method_is_the_callers_mistake() -> None:
    with pytest.raises(ValueError, match="unknown summary method"):
        summarize(ARTICLE, method="bogus")
    with pytest.raises(ValueError, match="unknown summary method"):
        choose("bogus", (), 3)


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=600), method=st.sampled_from(["digest", "lead", "luhn"]))
def test_any_text_gives_a_valid_summary(text: str, method: str) -> None:
    summary = summarize(text, sentences=2, method=method)
    assert len(summary.sentences) <= 2
    paragraphs, _ = candidate_sentences(text)
    known = {pair for paragraph in paragraphs for pair in paragraph}
    assert set(summary.sentences) <= known
    assert [i for i, _ in summary.sentences] == sorted({i for i, _ in summary.sentences})


# -- languages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "name"),
    [
        ("en", "english"),
        ("en-GB", "english"),
        ("de", "german"),
        ("de-AT", "german"),
        ("deu", "german"),
        ("fr-FR", "french"),
        ("fr_CA", "french"),
        ("pt-BR", "portuguese"),
        ("German", "german"),
        ("  ES ", "spanish"),
        ("zh-Hant", "chinese"),
        ("xx", "english"),
        ("klingon", "english"),
        ("", "english"),
    ],
)
def test_resolve_language(tag: str, name: str) -> None:
    assert resolve_language(tag) == name


GERMAN = """Die Regierung entschied am Montag schnell.
Mehrere Regierungen protestierten laut dagegen.
Lehrer begrüßten die Entscheidung trotzdem sehr.
Eltern sagen, dass die Schulen mehr Geld brauchen."""


def test_a_german_text_uses_german_stop_words_and_stemmer() -> None:
    sentences = split_sentences(GERMAN)
    german = digest_features(sentences, "german", stem=True)
    english = digest_features(sentences, "english", stem=True)
    # "die", "am", "dass", "mehr" are German stop words, not English ones.
    assert german.counts.sum() < english.counts.sum()
    # The German stemmer joins "Regierung" and "Regierungen"; the English one does not.
    assert _shared_terms(german.counts, 0, 1) == 1
    assert _shared_terms(english.counts, 0, 1) == 0
    summary = summarize(GERMAN, language="de-DE", sentences=2)
    assert summary.language == "german"
    assert len(summary.sentences) == 2


def _shared_terms(counts: object, a: int, b: int) -> int:
    import numpy as np

    matrix = np.asarray(counts)
    return int(((matrix[a] > 0) & (matrix[b] > 0)).sum())


@pytest.mark.parametrize("method", [m for m in METHODS if m not in ("digest", "lead")])
def test_sumy_methods_get_the_languages_stemmer(
    method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nltk.stem.snowball import FrenchStemmer

    seen: list[str] = []
    original = summarize_module._sumy_summarizer

    def spy(name: str, language: str) -> object:
        seen.append(language)
        summarizer = original(name, language)
        assert summarizer.stem_word("gouvernements") == FrenchStemmer().stem("gouvernements")
        return summarizer

    monkeypatch.setattr(summarize_module, "_sumy_summarizer", spy)
    text = (
        "Le gouvernement a présenté lundi un nouveau budget pour les écoles. "
        "Les gouvernements régionaux doivent appliquer les règles avant l'été. "
        "Les enseignants ont salué la décision du gouvernement. "
        "Les parents disent que les écoles ont besoin de plus d'argent."
    )
    summary = summarize(text, method=method, language="fr", sentences=2)
    assert seen == ["french"]
    assert summary.language == "french"
    assert len(summary.sentences) == 2


def test_an_unknown_language_falls_back_to_english() -> None:
    summary = summarize(ARTICLE, language="tlh", sentences=2, method="luhn")
    assert summary.language == "english"
    assert len(summary.sentences) == 2


# -- never NLTK's data ----------------------------------------------------------------------------


@pytest.fixture
def no_nltk_data(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any use of NLTK's downloadable data (punkt, word_tokenize, the downloader) raises."""
    import nltk
    import nltk.data
    import nltk.tokenize

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError(f"NLTK data was needed: {args!r}")

    monkeypatch.setattr(nltk.data, "find", refuse)
    monkeypatch.setattr(nltk.data, "load", refuse)
    monkeypatch.setattr(nltk, "download", refuse)
    monkeypatch.setattr(nltk, "word_tokenize", refuse)
    monkeypatch.setattr(nltk, "sent_tokenize", refuse)
    monkeypatch.setattr(nltk.tokenize, "PunktTokenizer", refuse)
    monkeypatch.setenv("NLTK_DATA", "/nonexistent-nltk-data")
    # Build stemmers and stop words afresh under the guard.
    summarize_module._stemmer.cache_clear()
    summarize_module._stop_words.cache_clear()
    summarize_module._vocabulary.cache_clear()
    yield
    summarize_module._stemmer.cache_clear()
    summarize_module._stop_words.cache_clear()
    summarize_module._vocabulary.cache_clear()


@pytest.mark.usefixtures("no_nltk_data")
def test_the_guard_catches_sumys_own_tokenizer() -> None:
    """The guard below is real: sumy's stock Tokenizer needs NLTK's punkt data and fails."""
    import sumy.nlp.tokenizers

    with pytest.raises(AssertionError, match="NLTK data was needed"):
        sumy.nlp.tokenizers.Tokenizer("english")


@pytest.mark.usefixtures("no_nltk_data")
@pytest.mark.parametrize("language", ["english", "german", "fr"])
def test_every_method_runs_without_nltk_data(language: str) -> None:
    for method in METHODS:
        summary = summarize(ARTICLE, method=method, language=language, title="Budget")
        assert len(summary.sentences) == 3, method


# -- reading time and cache key ---------------------------------------------------------------------


ASCII_SPACES = st.text(
    alphabet=" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x00\x07ab.\u00e9\u00a0\u2003", max_size=60
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(ASCII_SPACES, st.text(max_size=60)))
def test_words_are_counted_as_str_split_counts_them(text: str) -> None:
    assert summarize_module._count_words(text) == len(text.split())


def _reference_looks_like_prose(text: str) -> bool:
    sample = text[:1_000]
    words = sample.split()
    visible = sum(map(len, words))
    if visible == 0:
        return False
    letters = sum(map(str.isalpha, sample))
    if text.count("\ufffd", 0, 20_000) > max(3, visible // 100) or letters < visible * 0.5:
        return False
    return visible / len(words) <= 25


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        ASCII_SPACES,
        st.text(alphabet="ab1 .\n\t\x1c\ufffd", max_size=80),
        st.text(max_size=80),
        st.builds(
            lambda word, n: " ".join([word] * n), st.text("ab", min_size=20), st.integers(1, 5)
        ),
    )
)
def test_prose_is_told_from_junk_as_the_plain_rule_tells_it(text: str) -> None:
    assert summarize_module._looks_like_prose(text) == _reference_looks_like_prose(text)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(alphabet=st.characters(max_codepoint=127), max_size=40),
        st.text(alphabet="ab \t\n\r\x00\x1f\x7f\x85\u200b\u00e9e\u0301", max_size=40),
    )
)
def test_clean_text_is_told_as_the_plain_rule_tells_it(text: str) -> None:
    import unicodedata

    plain = (
        unicodedata.is_normalized("NFC", text) and summarize_module._UNCLEAN.search(text) is None
    )
    assert summarize_module._is_clean(text) == plain


def test_reading_minutes() -> None:
    assert reading_minutes("") == 0.0
    assert reading_minutes("word " * 230) == 1.0
    assert reading_minutes("word " * 23) == 0.1
    assert summarize("word " * 460).reading_minutes == 2.0


def test_cache_key_changes_with_every_input_that_changes_the_summary() -> None:
    base = summary_cache_key(ARTICLE, "digest", 3, None)
    assert base == summary_cache_key(ARTICLE, "digest", 3, None)
    variants = {
        summary_cache_key(ARTICLE + " ", "digest", 3, None),
        summary_cache_key(ARTICLE, "lead", 3, None),
        summary_cache_key(ARTICLE, "digest", 4, None),
        summary_cache_key(ARTICLE, "digest", 3, 0.3),
        summary_cache_key(ARTICLE, "digest", 3, 0.4),
        summary_cache_key(ARTICLE, "digest", 3, None, language="de"),
        summary_cache_key(ARTICLE, "edmundson", 3, None, title="A title"),
        summary_cache_key(ARTICLE, "edmundson", 3, None, title="Another title"),
    }
    assert base not in variants and len(variants) == 8
    # Language tags that resolve alike share a key; a title changes nothing for lead.
    assert summary_cache_key(ARTICLE, "digest", 3, None, language="de") == summary_cache_key(
        ARTICLE, "digest", 3, None, language="de-AT"
    )
    assert summary_cache_key(ARTICLE, "lead", 3, None, title="x") == summary_cache_key(
        ARTICLE, "lead", 3, None
    )
    assert len(base) == 64 and int(base, 16) >= 0


# -- many at once ---------------------------------------------------------------------------------


def _texts() -> list[str]:
    paragraphs = ARTICLE.strip().split("\n\n")
    return ["\n\n".join(paragraphs[i:] + paragraphs[:i]) for i in range(len(paragraphs))] * 3


def test_summarize_many_in_processes_matches_one_by_one() -> None:
    texts = _texts()
    titles = [f"Title {i}" for i in range(len(texts))]
    many = summarize_many(texts, titles=titles, sentences=2, workers=2)
    assert many == [summarize(t, title=h, sentences=2) for t, h in zip(texts, titles, strict=True)]


def test_summarize_many_uses_an_injected_executor_and_per_text_languages() -> None:
    texts = [ARTICLE, GERMAN]
    with ThreadPoolExecutor(max_workers=2) as pool:
        many = summarize_many(texts, languages=["en", "de"], executor=pool, method="lead")
    assert [s.language for s in many] == ["english", "german"]
    assert many[0] == summarize(ARTICLE, method="lead")


def test_summarize_many_checks_its_arguments() -> None:
    with pytest.raises(ValueError):
        summarize_many(["a", "b"], titles=["only one"])
    with pytest.raises(ValueError):
        summarize_many(["a"], method="bogus")
    assert summarize_many([]) == []


# -- a real sample of BBC news --------------------------------------------------------------------


def _bbc_sample(root: Path, per_category: int) -> list[tuple[str, str, str]]:
    """(title, article, reference) for the first articles of each category of the corpus."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.summarize import read_text, separate_reference, split_article

    sample = []
    for category in sorted(p.name for p in (root / "News Articles").iterdir()):
        for name in sorted(p.name for p in (root / "News Articles" / category).glob("*.txt"))[
            :per_category
        ]:
            title, body = split_article(read_text(root / "News Articles" / category / name))
            reference = separate_reference(read_text(root / "Summaries" / category / name))
            sample.append((title, body, reference))
    return sample


@pytest.mark.shared
def test_digest_beats_lead3_on_a_bbc_sample() -> None:
    root = need_corpora("bbc-news-summary")
    pytest.importorskip("rouge_score", reason="rouge-score is a benchmark dependency")
    from rouge_score.rouge_scorer import RougeScorer

    scorer = RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
    scores: dict[str, list[tuple[float, float]]] = {"digest": [], "lead": []}
    for title, body, reference in _bbc_sample(root, per_category=4):
        for method in scores:
            summary = summarize(body, method=method, title=title)
            result = scorer.score(reference, "\n".join(s for _, s in summary.sentences))
            scores[method].append((result["rouge1"].fmeasure, result["rouge2"].fmeasure))
    assert len(scores["digest"]) == 20
    for which in (0, 1):
        ours = statistics.fmean(s[which] for s in scores["digest"])
        lead = statistics.fmean(s[which] for s in scores["lead"])
        assert ours > lead, (which, ours, lead)
