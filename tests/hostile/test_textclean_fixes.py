"""What the hostile suite found ``digest.textclean`` getting wrong, now fixed: each test guards its fix.

None of these let a byte reach the terminal; they lost text, or let through characters that
change how text looks without being controls.
"""

from __future__ import annotations

from digest.parse import parse_feed
from digest.textclean import clean_line
from tests.hostile.documents import NOW


def test_an_unterminated_8bit_osc_does_not_eat_the_rest_of_a_json_feed_title() -> None:
    # UTF-8 read twice ("double-encoded"): the right quote's last byte becomes U+009D, an 8-bit
    # OSC that the cleaner cuts together with everything after it. JSON Feed titles meet the
    # cleaner without feedparser's Windows-1252 mapping in between.
    mojibake = "He said “hello” and left".encode().decode("latin-1")
    content = (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": '
        f'[{{"id": "1", "title": "{mojibake}"}}]}}'
    ).encode()
    title = parse_feed(content, now=NOW).entries[0].title
    assert title.endswith("and left"), title


def test_an_unterminated_osc_does_not_eat_the_rest_of_a_line() -> None:
    assert clean_line("Breaking \x1b]0;no terminator, and the rest").endswith("and the rest")


def test_the_arabic_letter_mark_is_stripped_like_the_other_bidi_marks() -> None:
    assert clean_line("a\u200fb\u061cc") == "abc"


def test_line_and_paragraph_separators_do_not_survive_in_a_one_line_field() -> None:
    assert clean_line("one\u2028two\u2029three") == "one two three"
