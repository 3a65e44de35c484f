"""Fuzzing the sentence splitter and the summarizer built on it with news-like and hostile text.

For any text: every word survives splitting, in order; sentences are stripped, one line, with
runs of whitespace made one space; paragraphs flatten to the sentences; and a summary's
sentences are the article's own, verbatim, at their indices, in order (the reader highlights
them by index). (tests/digest/test_sentences.py checks word survival on arbitrary characters.)
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from digest.sentences import split_paragraphs, split_sentences
from digest.summarize import summarize
from digest.textclean import clean_text
from tests.fuzz.strategies import fuzz, hostile_text, prose

texts = st.one_of(prose, hostile_text, hostile_text.map(clean_text), prose.map(clean_text))


@fuzz(3.0)
@given(texts)
def test_sentences_keep_every_word_in_order(text: str) -> None:
    sentences = split_sentences(text)
    assert " ".join(sentences).split() == text.split()
    for sentence in sentences:
        assert sentence and sentence == " ".join(sentence.split())
    assert [s for paragraph in split_paragraphs(text) for s in paragraph] == sentences
    assert all(paragraph for paragraph in split_paragraphs(text))


@fuzz(1.0)
@given(texts.map(clean_text), st.integers(1, 5), st.sampled_from(["digest", "lead", "lexrank"]))
def test_a_summary_quotes_the_article_verbatim_in_order(text: str, count: int, method: str) -> None:
    sentences = split_sentences(text)
    summary = summarize(text, sentences=count, method=method)
    indices = [index for index, _ in summary.sentences]
    assert indices == sorted(set(indices))
    assert len(indices) <= count
    for index, sentence in summary.sentences:
        assert 0 <= index < len(sentences)
        assert sentence == sentences[index]
