"""Article extraction: own fixture pages, bad input, the benchmark metric, real benchmark pages."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.extract import load_corpus, overall, page_precision, page_recall, page_score
from digest.errors import DigestError, ExtractError
from digest.extract import ExtractedPage, decode_page, extract_article
from digest.teaser import is_teaser
from tests.conftest import need_corpora

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"

PARAGRAPHS = [
    "The reservoir above the village was drained this summer for the first time in forty years,"
    " and the old packhorse bridge that the water had hidden came back into the light.",
    "Engineers needed the basin empty to repair a valve in the dam, and walkers have come from"
    " across the county to cross the bridge before the water is allowed to rise again.",
    "The parish council has asked visitors to keep to the marked path across the mud, which is"
    " softer than it looks and has already trapped two dogs and one photographer.",
    "Once the valve is repaired the reservoir will refill over the winter, and the bridge is"
    " expected to disappear beneath the surface again by the end of February.",
]


def page(body: str, head: str = "", lang: str = "en") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head>{head}</head><body>'
        f"<nav><a href='/'>Home</a><a href='/news'>News</a></nav>{body}"
        "<footer><p>All rights reserved.</p></footer></body></html>"
    )


def article_body(paragraphs: list[str] = PARAGRAPHS) -> str:
    return "<article>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article>"


@pytest.fixture()
def fixture_page() -> ExtractedPage:
    return extract_article((FIXTURES / "article.html").read_bytes())


# --- own fixture page ---------------------------------------------------------------------------


def test_fixture_page_metadata(fixture_page: ExtractedPage) -> None:
    assert fixture_page.title == "Tide mills of the estuary return to work"
    assert fixture_page.author == "Petra Sollis"
    assert fixture_page.site_name == "The Fenland Courier"
    assert fixture_page.language == "en"
    assert fixture_page.url == "https://courier.example.org/2024/05/tide-mills-return"
    # 09:30 at +02:00 is 07:30 UTC
    assert fixture_page.published == datetime(2024, 5, 14, 7, 30, tzinfo=UTC)
    assert fixture_page.published.tzinfo is UTC


def test_fixture_page_keeps_the_article(fixture_page: ExtractedPage) -> None:
    text = fixture_page.text
    for needle in (
        "Three tide mills on the northern bank",
        "A pond that follows the moon",
        "the millers must sleep when the water allows",
        "a craft that its members say has almost disappeared from the coast.",
    ):
        assert needle in text
    assert text.index("Three tide mills") < text.index("A pond that follows") < text.index("school")


def test_fixture_page_drops_boilerplate(fixture_page: ExtractedPage) -> None:
    text = fixture_page.text
    for clutter in (
        "Share on Facebook",
        "Accept all cookies",
        "Subscribe",
        "Sign in",
        "Harbour dredging plan",
        "Related stories",
        "milldog77",
        "my grandfather worked the lower mill",
        "Privacy policy",
        "All rights reserved",
    ):
        assert clutter not in text
    assert not text.startswith("Tide mills of the estuary"), "the headline is shown apart"


def test_bytes_and_text_give_the_same_page() -> None:
    raw = (FIXTURES / "article.html").read_bytes()
    assert extract_article(raw) == extract_article(raw.decode("utf-8"))


def test_url_is_used_when_the_page_names_none() -> None:
    html = page(article_body(), head="<title>Reservoir bridge reappears</title>")
    found = extract_article(html, url="https://news.example.com/bridge")
    assert found.url == "https://news.example.com/bridge"
    assert "packhorse bridge" in found.text
    assert extract_article(html).url == ""


def test_only_http_links_are_kept() -> None:
    head = '<title>Reservoir</title><link rel="canonical" href="javascript:alert(1)">'
    found = extract_article(page(article_body(), head=head), url="ftp://example.com/x")
    assert found.url == ""


def test_day_only_date_is_midnight_utc() -> None:
    head = '<title>Reservoir</title><meta name="date" content="2023-08-09">'
    found = extract_article(page(article_body(), head=head))
    assert found.published == datetime(2023, 8, 9, tzinfo=UTC)


def test_naive_timestamp_is_taken_as_utc() -> None:
    head = (
        "<title>Reservoir</title>"
        '<meta property="article:published_time" content="2023-08-09T18:45:00">'
    )
    found = extract_article(page(article_body(), head=head))
    assert found.published == datetime(2023, 8, 9, 18, 45, tzinfo=UTC)


def test_language_from_meta_when_html_has_none() -> None:
    html = page(article_body(), head='<meta property="og:locale" content="pt_BR">', lang="")
    assert extract_article(html).language == "pt"


def test_hostile_strings_are_cleaned() -> None:
    head = (
        "<title>Reservoir \x1b[31mred\x1b[0m \u202eevil</title>"
        '<meta name="author" content="Ann\x07 Onymous\x1b]8;;http://x\x1b\\">'
    )
    paragraphs = [PARAGRAPHS[0] + " \x1b[2J\x9b31m", *PARAGRAPHS[1:]]
    found = extract_article(page(article_body(paragraphs), head=head))
    for value in (found.title, found.author, found.text):
        assert "\x1b" not in value and "\x07" not in value and "\u202e" not in value
        assert "\x9b" not in value
    assert found.title == "Reservoir red evil"
    assert found.author == "Ann Onymous"
    assert "packhorse bridge" in found.text


def test_fragment_without_html_skeleton() -> None:
    fragment = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    assert "packhorse bridge" in extract_article(fragment).text


def test_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("extraction tried to open a connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    head = '<link rel="canonical" href="https://example.com/a"><title>Reservoir</title>'
    found = extract_article(page(article_body(), head=head), url="https://example.com/a")
    assert "packhorse bridge" in found.text


# --- encodings and bad input ---------------------------------------------------------------------


def test_latin1_page_with_declared_charset() -> None:
    html = page(
        article_body([p + " Le café était fermé." for p in PARAGRAPHS]),
        head='<meta charset="iso-8859-1"><title>Café fermé</title>',
        lang="fr",
    )
    found = extract_article(html.encode("latin-1"))
    assert found.title == "Café fermé"
    assert "Le café était fermé." in found.text


def test_latin1_page_without_declared_charset_falls_back() -> None:
    html = page(article_body([p + " Déjà vu." for p in PARAGRAPHS]), head="<title>Déjà</title>")
    found = extract_article(html.encode("latin-1"))
    assert "Déjà vu." in found.text


def test_wrong_or_unknown_declared_charset_does_not_crash() -> None:
    body = article_body([p + " Über alles." for p in PARAGRAPHS])
    lying = page(body, head='<meta charset="utf-8"><title>x</title>').encode("latin-1")
    assert "Über alles." in extract_article(lying).text
    unknown = page(body, head='<meta charset="x-no-such-thing"><title>x</title>').encode("utf-8")
    assert "Über alles." in extract_article(unknown).text


@pytest.mark.parametrize(
    ("raw", "declared", "expected"),
    [
        (b"\xef\xbb\xbfcaf\xc3\xa9", "", "café"),
        ("café".encode("utf-16"), "", "café"),
        (b"caf\xc3\xa9", "", "café"),
        (b"caf\xe9", "", "café"),
        (b"<meta charset='windows-1251'>\xcf\xf0\xe8", "", "<meta charset='windows-1251'>При"),
        (b"caf\xe9", "latin-1", "café"),
        (b"caf\xc3\xa9", "no-such-codec", "café"),
    ],
)
def test_decode_page(raw: bytes, declared: str, expected: str) -> None:
    assert decode_page(raw, declared) == expected


@pytest.mark.parametrize(
    "html",
    [
        b"",
        "   \n\t ",
        b"\x00\x01\x02\x03\xff\xfe\xfd" * 50,
        "<html><head><title>Only a title</title></head><body></body></html>",
        "<html><body><nav><a href='/'>Home</a> <a href='/x'>News</a></nav></body></html>",
    ],
)
def test_no_text_is_an_extract_error(html: bytes | str) -> None:
    with pytest.raises(ExtractError) as caught:
        extract_article(html)
    assert isinstance(caught.value, DigestError)
    message = str(caught.value)
    assert message and "\n" not in message


# --- teasers ------------------------------------------------------------------------------------

FULL = "\n\n".join(PARAGRAPHS * 2)


@pytest.mark.parametrize(
    ("text", "summary", "expected"),
    [
        (FULL, "", False),
        (FULL, PARAGRAPHS[0], False),
        ("", "", True),
        ("A short note about the dam.", "", True),
        (PARAGRAPHS[0] + " " + PARAGRAPHS[1], "", True),  # two sentences, under 500 characters
        (FULL + " …", "", True),
        (FULL + " [...]", "", True),
        (FULL + " [&hellip;]".replace("&hellip;", "…"), "", True),
        (FULL + "\nRead more", "", True),
        (FULL + " Continue reading »", "", True),
        (" ".join(PARAGRAPHS), " ".join(PARAGRAPHS), True),  # the summary again
        (" ".join(PARAGRAPHS), "Something else entirely.", False),
        (FULL * 2, FULL * 2, False),  # a long text that is also the summary is the article
    ],
)
def test_is_teaser(text: str, summary: str, expected: bool) -> None:
    assert is_teaser(text, summary) is expected


# --- the benchmark's metric -------------------------------------------------------------------------


def test_metric_identical_and_disjoint() -> None:
    same = page_score("one two three four five", "one two three four five")
    assert same == (1.0, 0.0, 0.0)
    assert page_precision(same) == page_recall(same) == 1.0
    apart = page_score("one two three four five", "six seven eight nine ten")
    assert page_precision(apart) == page_recall(apart) == 0.0


def test_metric_partial_overlap() -> None:
    # shingles: true {a b c d, b c d e}, predicted {a b c d, b c d x}: tp 1, fp 1, fn 1
    score = page_score("a b c d e", "a b c d x")
    assert score == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert page_precision(score) == pytest.approx(0.5)
    assert page_recall(score) == pytest.approx(0.5)


def test_metric_counts_repeated_shingles() -> None:
    # true has 'a b c d' twice among 5 shingles; the prediction has it once
    score = page_score("a b c d a b c d", "a b c d")
    assert page_precision(score) == pytest.approx(1.0)
    assert page_recall(score) == pytest.approx(0.2)


def test_metric_tokens_are_word_runs_case_kept() -> None:
    assert page_score("Hello, world! It's 2024.", "hello world it s 2024")[0] < 1.0
    assert page_score("Hello, world! It's 2024.", "Hello world It s 2024") == (1.0, 0.0, 0.0)
    assert page_score("two words", "two words") == (1.0, 0.0, 0.0)  # one short shingle


def test_metric_averages_pages_then_takes_f1() -> None:
    pages = [
        page_score("a b c d e", "a b c d e"),  # P 1, R 1
        page_score("a b c d e", "a b c d x"),  # P .5, R .5
        page_score("a b c d e f g h", ""),  # no prediction: counts for recall only (0)
    ]
    scores = overall(pages)
    assert scores.precision == pytest.approx(0.75)
    assert scores.recall == pytest.approx(0.5)
    assert scores.f1 == pytest.approx(2 * 0.75 * 0.5 / 1.25)


def test_metric_matches_the_benchmark_published_figure() -> None:
    folder = need_corpora("article-extraction-benchmark")
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    published = json.loads((folder / "output" / "trafilatura.json").read_text(encoding="utf-8"))
    output = published.get("output", published)
    scores = overall(
        page_score(truth[k]["articleBody"], output[k].get("articleBody") or "") for k in truth
    )
    assert scores.f1 == pytest.approx(0.958, abs=0.0005)  # the README's figure for 2.0.0


# --- real pages -------------------------------------------------------------------------------------


def test_real_benchmark_pages_score_above_the_issue_bar() -> None:
    import trafilatura

    folder = need_corpora("article-extraction-benchmark")
    pages, truth = load_corpus(folder)
    sample = sorted(pages)[:10]  # the first ten ids: not chosen by score
    ours = [page_score(truth[k]["articleBody"], extract_article(pages[k]).text) for k in sample]
    plain = [
        page_score(truth[k]["articleBody"], trafilatura.extract(pages[k]) or "") for k in sample
    ]
    assert overall(ours).f1 >= 0.96
    assert overall(ours).f1 > overall(plain).f1
    for key, score in zip(sample, ours, strict=True):
        assert overall([score]).f1 >= 0.9, key
