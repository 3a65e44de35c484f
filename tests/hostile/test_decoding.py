"""Invalid and mixed encodings: UTF-8 parts stay UTF-8, the rest reads as Windows-1252, nothing
decodes to a control character, and nothing raises."""

from __future__ import annotations

import pytest

from digest.extract import decode_page
from digest.parse import decode_document, decode_mixed, parse_feed
from tests.hostile.documents import NOW, unsafe_characters

MIXED = "<a>café déjà</a>".encode() + "<b>résumé “quoted” – ok</b>".encode("cp1252")


def test_a_document_mixing_utf8_and_windows_1252_reads_right_in_both_parts() -> None:
    text, warning = decode_document(b'<?xml version="1.0" encoding="utf-8"?>' + MIXED)
    assert text.endswith("<a>café déjà</a><b>résumé “quoted” – ok</b>")
    assert warning == (
        "the document is not valid utf-8; read as UTF-8, its invalid bytes as Windows-1252"
    )


def test_a_legacy_document_reads_exactly_as_windows_1252() -> None:
    legacy = "<a>Crème brûlée “x”</a>".encode("cp1252")
    assert decode_document(legacy) == (
        legacy.decode("cp1252"),
        "the document is not valid utf-8; read as Windows-1252",
    )


@pytest.mark.parametrize(
    "junk",
    [b"\xff\xfe", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe2\x82", b"\x81\x8d\x8f\x90\x9d", b"\x9b2J"],
)
def test_invalid_utf8_never_decodes_to_a_control_character(junk: bytes) -> None:
    for decoded in (decode_mixed(b"ok " + junk + b" end"), decode_page(b"ok " + junk + b" end")):
        assert decoded.startswith("ok ") and decoded.endswith(" end")
        assert not unsafe_characters(decoded), decoded


def test_an_undefined_byte_cannot_start_an_8bit_escape_that_eats_the_rest() -> None:
    # 0x9D is an 8-bit OSC in Latin-1; read byte by byte as Windows-1252 it is simply dropped, so
    # the cleaner never sees an unterminated OSC and the rest of the title survives.
    content = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        b"<item><title>Shalom \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \x9d then the rest</title>"
        b"<guid>1</guid></item></channel></rss>"
    )
    feed = parse_feed(content, now=NOW)
    assert feed.entries[0].title == "Shalom שלום then the rest"


def test_a_page_mixing_encodings_keeps_its_utf8() -> None:
    assert (
        decode_page(b"<p>" + MIXED + b"</p>")
        == "<p><a>café déjà</a><b>résumé “quoted” – ok</b></p>"
    )
