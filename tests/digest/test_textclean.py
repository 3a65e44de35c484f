"""Text cleaning: controls and escape sequences go, layout is normalised, clean text is kept."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from digest import textclean
from digest.textclean import clean_line, clean_text, strip_controls


def _slow_clean_text(text: str) -> str:
    """clean_text without its already-clean shortcut (the reference)."""
    import unicodedata

    text = strip_controls(unicodedata.normalize("NFC", text))
    lines = [textclean._SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return textclean._BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def test_escape_sequences_and_controls_are_removed() -> None:
    hostile = "a\x1b]0;PWN\x07b\x1b[2Jc\x9b31md\u202eе\u200bf\x00g\x7f"
    assert clean_line(hostile) == "abcdеfg"
    assert "\x1b" not in clean_text("x\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\y")


def test_layout_is_normalised() -> None:
    assert clean_text("  a  b \r\n\n\n\n c\t\td  ") == "a b\n\nc d"
    assert clean_line("  one\ntwo\u00a0 three ") == "one two three"


def test_clean_text_is_returned_unchanged() -> None:
    text = "Para one. Two.\n\nPara two, with café."
    assert clean_text(text) is text


alphabet = st.sampled_from(
    list("ab .\n\t\r")
    + ["\u00a0", "\u200b", "\u202e", "\x1b", "[", "]", "\x9b", "e\u0301", "\ufeff", "  "]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(alphabet, max_size=40).map("".join))
def test_shortcut_agrees_with_the_full_cleaning(text: str) -> None:
    assert clean_text(text) == _slow_clean_text(text)
    assert clean_text(clean_text(text)) == clean_text(text)


def test_shortcut_agrees_for_every_space_and_format_character() -> None:
    import sys
    import unicodedata

    special = [
        chr(cp)
        for cp in range(sys.maxunicode + 1)
        if not 0xD800 <= cp <= 0xDFFF
        and (chr(cp).isspace() or unicodedata.category(chr(cp)) in {"Cc", "Cf", "Zs", "Zl", "Zp"})
    ]
    assert len(special) > 150
    for c in special:
        for text in (f"a{c}b", f"a{c}", f"{c}a", f"a {c}\nb", f"a\n{c}b", f"a{c}{c}b"):
            assert clean_text(text) == _slow_clean_text(text), hex(ord(c))
