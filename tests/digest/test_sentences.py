"""Sentence splitting on the hard cases of news text, and the offline sumy tokenizer.

``HARD_CASES`` is also read by ``bench/summarize.py --splitters``, which scores other splitters
on the same cases; every case here was written for this project.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest import sentences
from digest.sentences import OfflineTokenizer, split_sentences, split_words

# (what the case is about, text, the sentences expected)
HARD_CASES: list[tuple[str, str, list[str]]] = [
    (
        "title abbreviations",
        "Mr. Smith met Dr. Jones at noon. They talked for an hour.",
        ["Mr. Smith met Dr. Jones at noon.", "They talked for an hour."],
    ),
    (
        "Mrs. and Prof.",
        "Mrs. Patel thanked Prof. Okafor. The prize was shared.",
        ["Mrs. Patel thanked Prof. Okafor.", "The prize was shared."],
    ),
    (
        "U.S. mid-sentence",
        "The U.S. Senate voted on Tuesday. The bill now goes to the House.",
        ["The U.S. Senate voted on Tuesday.", "The bill now goes to the House."],
    ),
    (
        "U.S. at the end",
        "Sales fell in the U.S. The company blamed the weather.",
        ["Sales fell in the U.S.", "The company blamed the weather."],
    ),
    (
        "U.K. and E.U.",
        "Talks between the U.K. and E.U. negotiators resumed. No deal was reached.",
        ["Talks between the U.K. and E.U. negotiators resumed.", "No deal was reached."],
    ),
    (
        "month abbreviation before a day",
        "The vote is set for Jan. 15 in the capital. Polls open at eight.",
        ["The vote is set for Jan. 15 in the capital.", "Polls open at eight."],
    ),
    (
        "month abbreviations",
        "Prices rose between Sept. 3 and Oct. 9, the office said. Fuel led the rise.",
        ["Prices rose between Sept. 3 and Oct. 9, the office said.", "Fuel led the rise."],
    ),
    (
        "initials",
        "The novel by J. K. Rowling sold well. Critics were divided.",
        ["The novel by J. K. Rowling sold well.", "Critics were divided."],
    ),
    (
        "middle initial",
        "George W. Bush spoke first. Then the mayor took questions.",
        ["George W. Bush spoke first.", "Then the mayor took questions."],
    ),
    (
        "decimals and money",
        "Revenue grew to $10.9bn from $9.8bn. Profit was 3.5% higher.",
        ["Revenue grew to $10.9bn from $9.8bn.", "Profit was 3.5% higher."],
    ),
    (
        "pounds and pence",
        "A ticket costs £4.50 on the day. Children travel free.",
        ["A ticket costs £4.50 on the day.", "Children travel free."],
    ),
    (
        "money at the end of a sentence",
        "The deal is worth $1.2bn. It closes next year.",
        ["The deal is worth $1.2bn.", "It closes next year."],
    ),
    (
        "a year at the end of a sentence",
        "The plant opened in 2004. It employs 300 people.",
        ["The plant opened in 2004.", "It employs 300 people."],
    ),
    (
        "quotation closing the sentence",
        '"We are very pleased," she said. "The results speak for themselves."',
        ['"We are very pleased," she said.', '"The results speak for themselves."'],
    ),
    (
        "question inside a quotation, sentence goes on",
        '"Why now?" asked one analyst. Nobody answered.',
        ['"Why now?" asked one analyst.', "Nobody answered."],
    ),
    (
        "full stop inside quotes, then a new sentence",
        'He said: "It is over." Then he left the room.',
        ['He said: "It is over."', "Then he left the room."],
    ),
    (
        "curly quotes",
        "\u201cWe will appeal.\u201d The lawyer spoke briefly.",
        ["\u201cWe will appeal.\u201d", "The lawyer spoke briefly."],
    ),
    (
        "brackets",
        "The firm (based in Leeds) grew fast. (Its rival did not.) Shares rose.",
        ["The firm (based in Leeds) grew fast.", "(Its rival did not.)", "Shares rose."],
    ),
    (
        "exclamation and question",
        "What a match! Who could have predicted it? Nobody did.",
        ["What a match!", "Who could have predicted it?", "Nobody did."],
    ),
    (
        "headline without a full stop",
        "Storm closes schools across the north\nHeavy snow fell overnight. Roads were shut.",
        [
            "Storm closes schools across the north",
            "Heavy snow fell overnight.",
            "Roads were shut.",
        ],
    ),
    (
        "headline and paragraphs separated by blank lines",
        "Markets rally on rate hopes\n\nShares rose sharply on Monday.\n\nBonds were flat.",
        ["Markets rally on rate hopes", "Shares rose sharply on Monday.", "Bonds were flat."],
    ),
    (
        "list items with dashes",
        "The plan has three parts:\n- lower taxes\n- new roads\n- more teachers",
        ["The plan has three parts:", "- lower taxes", "- new roads", "- more teachers"],
    ),
    (
        "numbered list items",
        "Steps to take:\n1. Check the alarm.\n2. Call the number.\n3. Wait outside.",
        ["Steps to take:", "1. Check the alarm.", "2. Call the number.", "3. Wait outside."],
    ),
    (
        "bulleted list items",
        "Key points\n\u2022 Turnout was high\n\u2022 The count took all night",
        ["Key points", "\u2022 Turnout was high", "\u2022 The count took all night"],
    ),
    (
        "company suffix mid-sentence",
        "Shares of Acme Inc. rose 4% on Friday. Rivals fell.",
        ["Shares of Acme Inc. rose 4% on Friday.", "Rivals fell."],
    ),
    (
        "company suffix at the end",
        "The brand was sold to Acme Ltd. The price was not disclosed.",
        ["The brand was sold to Acme Ltd.", "The price was not disclosed."],
    ),
    (
        "a.m. and p.m.",
        "The polls close at 10 p.m. on Thursday. Results follow at 6 a.m. The turnout is unknown.",
        [
            "The polls close at 10 p.m. on Thursday.",
            "Results follow at 6 a.m.",
            "The turnout is unknown.",
        ],
    ),
    (
        "e.g. and i.e.",
        "Some goods, e.g. fuel, cost more. Others, i.e. food, cost less.",
        ["Some goods, e.g. fuel, cost more.", "Others, i.e. food, cost less."],
    ),
    (
        "ellipsis",
        "He paused... Then he went on. The room was silent.",
        ["He paused...", "Then he went on.", "The room was silent."],
    ),
    (
        "web address and version number",
        "Visit example.com for version 2.1 details. The update is free.",
        ["Visit example.com for version 2.1 details.", "The update is free."],
    ),
    (
        "St. and No.",
        "He lives on St. Mark's Road at No. 12. The house is old.",
        ["He lives on St. Mark's Road at No. 12.", "The house is old."],
    ),
    (
        "sentence starting with a number",
        "The vote was close. 52% backed the plan.",
        ["The vote was close.", "52% backed the plan."],
    ),
    (
        "hard-wrapped paragraph",
        "The council said on Monday that the new bridge would open in the\n"
        "spring, two years later than planned, after a dispute with the\n"
        "builder. Traffic will use the old crossing until then.",
        [
            "The council said on Monday that the new bridge would open in the spring, "
            "two years later than planned, after a dispute with the builder.",
            "Traffic will use the old crossing until then.",
        ],
    ),
    (
        "German abbreviations and dates",
        "Die Wahl findet am 3. Oktober statt. Viele Parteien, z.B. die Grünen, werben.",
        ["Die Wahl findet am 3. Oktober statt.", "Viele Parteien, z.B. die Grünen, werben."],
    ),
    (
        "French title abbreviation",
        "Mme. Dupont a parlé hier. Le vote aura lieu demain.",
        ["Mme. Dupont a parlé hier.", "Le vote aura lieu demain."],
    ),
    (
        "a lowercase word after a full stop is not a new sentence",
        "The firm, known as Acme Co. in Europe, grew. It hired staff.",
        ["The firm, known as Acme Co. in Europe, grew.", "It hired staff."],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in HARD_CASES], ids=[c[0] for c in HARD_CASES]
)
def test_hard_cases(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_empty_and_blank_text() -> None:
    assert split_sentences("") == []
    assert split_sentences("  \n\n \t ") == []


def test_text_without_any_full_stop_is_one_sentence_per_line() -> None:
    text = "breaking news from the city hall tonight\nmore to follow"
    assert split_sentences(text) == ["breaking news from the city hall tonight more to follow"]
    assert split_sentences("one two three") == ["one two three"]


def test_lone_punctuation_is_glued_to_its_neighbour() -> None:
    assert split_sentences('It ended. " ...') == ['It ended. " ...']


@given(st.text(max_size=400))
def test_every_word_survives_splitting(text: str) -> None:
    sentences = split_sentences(text)
    assert all(s and s == s.strip() for s in sentences)
    assert " ".join(sentences).split() == text.split()


def test_splitting_is_linear_on_a_large_text() -> None:
    paragraph = "Mr. Smith paid $10.9bn for the U.S. unit on Jan. 5. Shares rose 3.5%. " * 20
    text = "\n\n".join([paragraph] * 400)  # about 1 MB
    started = time.perf_counter()
    sentences = split_sentences(text)
    elapsed = time.perf_counter() - started
    assert len(sentences) == 2 * 20 * 400
    assert elapsed < 5.0


def test_words_are_letters_only_with_acronyms_and_inner_apostrophes() -> None:
    words = split_words("The U.S. firm's $10.9bn deal, well-known in 2004 - isn't it?")
    assert words == ["The", "U.S.", "firm's", "bn", "deal", "well-known", "in", "isn't", "it"]


def test_offline_tokenizer_speaks_sumy_protocol() -> None:
    tokenizer = OfflineTokenizer("german")
    assert tokenizer.language == "german"
    assert tokenizer.to_sentences("Er kam. Sie ging.") == ("Er kam.", "Sie ging.")
    assert tokenizer.to_words("Er kam heute.") == ("Er", "kam", "heute")


# -- the fast paths split as the plain rules do -----------------------------------------------------


def _reference_is_boundary(block: str, start: int, stop_at: int, stops: str, after: int) -> bool:
    """The boundary rule without the common-word shortcut: every word goes through the regex."""
    if after >= len(block):
        return False
    first = block[after]
    if not first.isalnum():
        opener = sentences._STARTS_SENTENCE.match(block, after)
        if opener is None:
            return False
        first = opener.group(1)
    if first.islower():
        return False
    if stops != ".":
        return True
    word_start = max(start, block.rfind(" ", start, stop_at) + 1)
    before = sentences._WORD_BEFORE.search(block, word_start, stop_at)
    if before is None:
        return True
    word = before.group(1).lstrip("-'\u2019")
    key = word.lower()
    if key.isalpha() and len(key) > 4 and key not in sentences._NEVER_FINAL:
        return True
    if key in sentences._NEVER_FINAL:
        return False
    if len(word) == 1 and word.isalpha() and word.isupper():
        return False
    if key in sentences._BEFORE_NUMBER and first.isdigit():
        return False
    if (
        word.isdigit()
        and len(word) <= 2
        and sentences._next_word(block, after).lower() in sentences._MONTHS
    ):
        return False
    if before.start() == start and word.isdigit() and len(word) <= 3:
        return False
    if key in sentences._AMBIGUOUS or sentences._is_dotted_acronym(word):
        return sentences._next_word(block, after).lower() in sentences._OPENERS
    return True


# Words, stops and spaces that exercise every rule: abbreviations, initials, numbers, months,
# both cases, a letter whose lower case is no letter (I with a dot), stops and closers in runs,
# CJK stops. A text is words, each followed by a stop (or none) and a space (or none).
RULE_WORDS = [
    "Mr",
    "U.S",
    "Jan",
    "Inc",
    "e.g",
    "J",
    "Messrs",
    "Alvarez",
    "ALVAREZ",
    "\u0130stanbul",
    "budget",
    "The",
    "the",
    "10",
    "3",
    "Oktober",
    "caf\u00e9",
    "1",
    "\u00bfQu\u00e9",
    "(And",
    "-x",
    "'Twas",
]
RULE_STOPS = ["", "", ".", "?", "!", "...", '."', ".)", "\u2026", "\u3002", "\uff01", ":", "."]
RULE_SPACES = [" ", " ", " ", "", "  ", "\n", "\n\n", "\t"]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(RULE_WORDS), st.sampled_from(RULE_STOPS), st.sampled_from(RULE_SPACES)
        ),
        max_size=30,
    )
)
def test_fast_paths_split_as_the_plain_rules_do(words: list[tuple[str, str, str]]) -> None:
    text = "".join(word + stop + space for word, stop, space in words)
    assert sentences.split_paragraphs(text) == _plain_split(text)


def _plain_split(text: str) -> list[list[str]]:
    """split_paragraphs with every fast path off: one regex for every block, the plain rules."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sentences, "_SPACED_BOUNDARY", sentences._BOUNDARY)
        patch.setattr(sentences, "_split_ascii_block", sentences._split_any_block)
        patch.setattr(sentences, "_is_boundary", _reference_is_boundary)
        return sentences.split_paragraphs(text)


# Every ASCII character the shape of a block tells apart (stops, closers, openers, each kind of
# whitespace) and words that reach each rule: ASCII blocks are split through their shape.
ASCII_PIECES = [
    *(word for word in RULE_WORDS if word.isascii()),
    *".!?\"')]([,;:-$",
    *" \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f",
    "  ",
    " ",
    " ",
    ". ",
    ". ",
    *(stop + closer + " " for stop in ".!?" for closer in "\"')]"),
    "No. 5",
    "a.m. The",
    "x",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(ASCII_PIECES), max_size=40))
def test_ascii_blocks_split_through_their_shape_as_through_the_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert sentences.split_paragraphs(text) == _plain_split(text)
