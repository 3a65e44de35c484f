"""HTML fragments to readable text: structure kept as line breaks, nothing hostile survives."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

from hypothesis import given, settings
from hypothesis import strategies as st

from digest.htmltext import html_to_text, looks_like_html

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_paragraphs_are_separated_by_a_blank_line() -> None:
    assert html_to_text("<p>One.</p><p>Two.</p>") == "One.\n\nTwo."


def test_line_breaks_and_list_items_become_single_newlines() -> None:
    text = html_to_text("<p>a<br>b<br/>c</p><ul><li>x</li><li>y</li></ul>")
    assert text == "a\nb\nc\n\nx\ny"


def test_headings_stand_alone() -> None:
    assert html_to_text("intro<h2>Title</h2>body") == "intro\n\nTitle\n\nbody"


def test_inline_markup_does_not_break_lines_and_source_newlines_are_spaces() -> None:
    assert html_to_text("<p>a <b>bold</b>\nand <a href='x'>linked</a> word</p>") == (
        "a bold and linked word"
    )


def test_table_cells_do_not_run_together() -> None:
    assert html_to_text("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>") == (
        "a b\nc"
    )


def test_scripts_styles_and_frames_are_dropped_with_their_content() -> None:
    html = (
        "<p>keep</p><script>var secret = 1;</script><style>p{color:red}</style>"
        "<iframe src='https://x.example'>frame text</iframe><noscript>enable js</noscript>"
        "<p>also kept</p>"
    )
    assert html_to_text(html) == "keep\n\nalso kept"


def test_entities_are_decoded() -> None:
    assert html_to_text("Fish &amp; chips &ndash; &#8220;fresh&#x201D; &eacute;") == (
        "Fish & chips – “fresh” é"
    )


def test_control_characters_and_escape_sequences_never_survive() -> None:
    html = "<p>\x1b[31mred\x1b[0m &#x1b;]8;;http://x&#7; \u202eevil\x00 \x85next</p>"
    text = html_to_text(html)
    assert "red" in text and "evil" in text
    assert not CONTROL.search(text)
    assert "\x1b" not in text


def test_plain_text_passes_through_cleaned() -> None:
    assert html_to_text("just  words\n here") == "just words here"


def test_empty_and_blank_inputs_give_empty_text() -> None:
    assert html_to_text("") == ""
    assert html_to_text("   \n ") == ""
    assert html_to_text("<p></p><br>") == ""


def test_xml_declaration_with_an_encoding_is_harmless() -> None:
    assert html_to_text('<?xml version="1.0" encoding="latin-1"?><p>café</p>') == "café"


def test_lone_surrogates_from_json_do_not_break_the_text() -> None:
    text = html_to_text("before\ud800after<p>next</p>")
    assert text.startswith("before") and "after" in text and text.endswith("next")


def test_deep_nesting_keeps_all_the_text_and_stays_fast() -> None:
    depth = 50_000
    html = "<div>" * depth + "deep text" + "</div>" * depth + "<p>after</p>"
    started = time.perf_counter()
    text = html_to_text(html)
    assert time.perf_counter() - started < 10
    assert text == "deep text\n\nafter"


def test_unclosed_deep_inline_nesting_keeps_the_text() -> None:
    assert html_to_text("<b>" * 30_000 + "bottom") == "bottom"


def test_garbage_markup_gives_whatever_text_is_there() -> None:
    assert html_to_text("<<<>>>&&&;; <p<p<p") == "<<<>>>&&&;;"


def test_same_result_from_many_threads() -> None:
    docs = [f"<p>doc {i}</p><ul><li>a{i}</li><li>b{i}</li></ul>" for i in range(200)]
    expected = [html_to_text(d) for d in docs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(html_to_text, docs)) == expected


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("<>/&;#x1b pdivlscript\"'=\x00\x1b\u202e")), max_size=200)
)
def test_never_raises_and_never_returns_controls(html: str) -> None:
    text = html_to_text(html)
    assert isinstance(text, str)
    assert not CONTROL.search(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_on_arbitrary_text(html: str) -> None:
    assert not CONTROL.search(html_to_text(html))


def test_looks_like_html() -> None:
    assert looks_like_html("<p>hello</p>")
    assert looks_like_html("a<br>b")
    assert looks_like_html("That&#8217;s it")
    assert looks_like_html("Fish &amp; chips")
    assert looks_like_html('<span class="x">₹</span>4,000')
    assert not looks_like_html("1 < 2 and 3 > 2")
    assert not looks_like_html("Use the <video> element")
    assert not looks_like_html("Q&A with R&D")
    assert not looks_like_html("")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(" \t\n\r\fab\u00a0\u2003\x0b")), max_size=40))
def test_whitespace_runs_collapse_as_the_html_whitespace_regex_would(text: str) -> None:
    from digest.htmltext import _collapse_whitespace

    assert _collapse_whitespace(text) == re.sub(r"[ \t\n\r\f]+", " ", text)


def test_whitespace_inside_and_across_inline_elements_collapses() -> None:
    html = "<p>a \t\r\n b<b>  c </b>\f d&#32;&#32;e\u00a0\u00a0f</p><pre> x  \n y </pre>"
    assert html_to_text(html) == "a b c d e f\n\nx\ny"
