"""Saved pages: HTML and text articles, multi-story aggregator pages, and bad files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest.errors import ParseError
from digest.models import Entry, ParsedFeed
from digest.pages import read_saved_page
from tests.conftest import SHARED, need_corpora

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
NOW = datetime(2025, 6, 7, 12, 0, tzinfo=UTC)


def need_sample(name: str) -> Path:
    """Path into ../shared/samples, or skip the test with the reason when it is absent."""
    path = SHARED / "samples" / name
    if not path.exists():
        pytest.skip(f"shared sample {path} is absent (only CI and the dev machines have ../shared)")
    return path


def read_fixture(name: str, now: datetime | None = NOW) -> ParsedFeed:
    return read_saved_page(
        (FIXTURES / name).read_bytes(), name=name, key_base=f"/saved/{name}", now=now
    )


def all_text(entry: Entry) -> str:
    return "\n".join((entry.title, entry.source, entry.author, entry.text))


# --- the aggregator page the product idea came from ----------------------------------------------

LEAD = "390 Million Faces: Clearview AI's Secret $750,000 Attempt To Buy Your Mugshot"
RELATED = (
    "Ex-D.C. Lieutenant Gets 18-Month Sentence for Tipping Off Proud Boys Leader",
    "This week in 5 numbers: Workers push back on AI",
    "STATEMENT OF ATTORNEY AND FAMILY SPOKESPERSON MICHELLE D. BERNARD Following Open-Casket"
    " Memorial for Dr. Marvin Boomer, Jr.",
)
SAMPLE_CLUTTER = (
    "logo",
    "Orange background",
    "Try Our AI Features",
    "Comments",
    "No comments yet...",
    "Error in retrieving data",
    "DOWNLOAD THE APP",
    "app-storeplay-store",
    "Explore what Daily8 AI can do for you:",
    "Sign in to access your portfolio",
    "Related Articles",
    "• Yahoo",
    "time2 hours ago",
    "Forbes22-03-2025",
    "Download our app",
    "Get Started Now",
)


@pytest.fixture()
def sample() -> ParsedFeed:
    path = need_sample("aggregator-page.txt")
    return read_saved_page(path.read_bytes(), name=path.name, key_base=str(path.resolve()), now=NOW)


def test_sample_becomes_a_lead_and_three_related_stories(sample: ParsedFeed) -> None:
    assert sample.kind == "aggregator"
    assert [e.title for e in sample.entries] == [LEAD, *RELATED]
    lead, *related = sample.entries
    assert lead.source == "Forbes"
    assert lead.published == datetime(2025, 3, 22, tzinfo=UTC)
    assert lead.related_to is None
    assert [e.source for e in related] == ["Yahoo", "Yahoo", "Yahoo"]
    assert [e.related_to for e in related] == [0, 0, 0]
    assert [e.published for e in related] == [
        NOW - timedelta(hours=2),
        NOW - timedelta(hours=3),
        NOW - timedelta(hours=3),
    ]
    path = need_sample("aggregator-page.txt").resolve()
    assert [e.page_key for e in sample.entries] == [f"{path}#{i}" for i in range(4)]
    assert len({e.key for e in sample.entries}) == 4


def test_sample_texts_are_the_stories(sample: ParsedFeed) -> None:
    lead, first, second, third = sample.entries
    assert lead.text.startswith("Output of a facial recognition system.\nFacial recognition firm")
    assert lead.text.endswith("when and if I receive a response.")
    assert first.text.startswith("A former Washington, D.C. police department lieutenant")
    assert first.text.endswith("she said, according to The Post.")
    assert second.text.startswith("This story was originally published on HR Dive.")
    assert third.text.startswith("OAKLAND, Calif., June 6, 2025 /PRNewswire/")
    assert third.text.endswith("SOURCE Bernard Center for Women, Politics & Public Policy")


def test_sample_texts_hold_none_of_the_clutter(sample: ParsedFeed) -> None:
    for entry in sample.entries:
        lines = entry.text.split("\n")
        for clutter in SAMPLE_CLUTTER:
            assert clutter not in entry.text, (entry.title, clutter)
        assert entry.title not in lines, "the duplicated title lines are gone"
        assert not any(line.lstrip().startswith("•") for line in lines)
        assert "Yahoo" not in lines


def test_sample_without_now_leaves_relative_times_unknown() -> None:
    path = need_sample("aggregator-page.txt")
    parsed = read_saved_page(path.read_bytes(), name=path.name, key_base="k")
    assert [e.published for e in parsed.entries] == [datetime(2025, 3, 22, tzinfo=UTC)] + [None] * 3


def test_sample_with_naive_now_is_taken_as_utc() -> None:
    path = need_sample("aggregator-page.txt")
    naive = datetime(2025, 6, 7, 12, 0)
    parsed = read_saved_page(path.read_bytes(), name=path.name, key_base="k", now=naive)
    assert parsed.entries[1].published == NOW - timedelta(hours=2)


# --- aggregator pages of my own: the rules are not tied to the sample ------------------------------


def test_harbor_wire_aggregator() -> None:
    parsed = read_fixture("harbor-wire.txt")
    assert parsed.kind == "aggregator"
    assert [(e.title, e.source, e.related_to) for e in parsed.entries] == [
        ("Night Ferries Resume on the Northern Route After Winter Refit", "Coastal Ledger", None),
        ("Pilots Vote on New Roster for Harbour Tugs", "Bay Times", 0),
        ("Fish Market Moves Opening Hour to Dawn", "Quay Post", 0),
    ]
    assert [e.published for e in parsed.entries] == [
        datetime(2024, 2, 14, tzinfo=UTC),
        NOW - timedelta(minutes=45),
        NOW - timedelta(days=1),
    ]
    lead, pilots, market = parsed.entries
    assert lead.text.startswith("Photo: the ferry leaving the outer harbour at dusk.")
    assert "Fares stay at last year's level" in lead.text
    assert pilots.text.endswith("would start next week.")
    assert market.text.endswith("builds on the harbour road.")
    clutter = (
        "Harbor Wire",
        "Menu",
        "Search",
        "Skip to content",
        "Share",
        "Advertisement",
        "Subscribe",
        "Follow us",
        "Loading",
        "More stories",
        "newsletter",
        "comment",
        "Comments",
        "get-the-app",
        "- Bay Times",
        "ago",
    )
    for entry in parsed.entries:
        for word in clutter:
            assert word not in entry.text, (entry.title, word)


def test_lantern_digest_aggregator() -> None:
    parsed = read_fixture("lantern-digest.txt")
    assert parsed.kind == "aggregator"
    titles = [e.title for e in parsed.entries]
    assert titles == [
        "Orchard Growers Turn to Sheep for Winter Mowing",
        "Library Extends Evening Hours for Exam Season",
        "Volunteers Map Every Bench in the Old Town",
    ], "a headline without a story ('Bridge Repairs Finish Early') is not an entry"
    lead, library, benches = parsed.entries
    assert (lead.source, lead.published) == ("The Valley Gazette", datetime(2024, 3, 3, tzinfo=UTC))
    assert (library.author, library.source) == ("Tomas Aldred", "")
    assert library.published == NOW - timedelta(hours=3)
    assert (benches.source, benches.published) == (
        "Lakeside Echo",
        datetime(2024, 3, 2, tzinfo=UTC),
    )
    assert [e.related_to for e in parsed.entries] == [None, 0, 0]
    assert lead.text.endswith("Council meets again on March 10, 2024.")
    for entry in parsed.entries:
        for word in (
            "lantern-logo",
            "Log in",
            "Newsletter",
            "Listen to this article",
            "Image",
            "premium features",
            "App Store",
            "You might also like",
            "Bridge Repairs",
            "Open in app",
            "Read in app",
            "cookies",
            "Updated",
        ):
            assert word not in all_text(entry), (entry.title, word)


def test_html_aggregator_page() -> None:
    parsed = read_fixture("aggregator.html")
    assert parsed.kind == "aggregator"
    assert parsed.link == "https://upland.example.net/"
    assert parsed.language == "en"
    assert [(e.title, e.source, e.related_to) for e in parsed.entries] == [
        ("Wind Farm Approved for the High Moor", "Moorland Herald", None),
        ("Sheep Farmers Seek Grazing Rights on Turbine Site", "Fell Weekly", 0),
        ("Birdwatchers Count Curlews Before Work Begins", "Moorland Herald", 0),
    ]
    lead, sheep, curlews = parsed.entries
    assert lead.link == "https://upland.example.net/story/wind-farm-high-moor"
    assert lead.published == datetime(2024, 9, 5, tzinfo=UTC)
    assert sheep.published == NOW - timedelta(hours=4)
    assert curlews.published == NOW - timedelta(days=1)
    assert lead.text.endswith("to finish before the following winter.")
    for entry in parsed.entries:
        for word in ("logo", "Sign in", "Share", "Comments", "DOWNLOAD", "app-store", "Related"):
            assert word not in entry.text


def test_html_sidebar_cards_do_not_make_an_aggregator() -> None:
    card = (
        "<div class='card'><h3>{title}</h3><div>Wire Service · 2 hours ago</div>"
        "<p>{teaser} The council said more details would follow at the next public meeting in"
        " the town hall.</p></div>"
    )
    cards = "".join(
        card.format(title=title, teaser=teaser)
        for title, teaser in (
            ("Bus Lane Plan Goes Out to Consultation", "Residents can comment until May."),
            ("Market Square Trees to Be Replaced", "Six limes are diseased, a survey found."),
        )
    )
    article = "".join(
        f"<p>{p}</p>"
        for p in (
            "The swimming baths on the river bank will reopen in the spring after a two-year"
            " repair of the roof and the boilers, the trust that runs them announced.",
            "Swimmers had campaigned for the repair since the roof began to leak, and a share"
            " offer raised most of the money within a month.",
            "The trust plans early-morning sessions for lane swimming and a weekly family hour.",
        )
    )
    content = (
        "<html><head><title>Swimming baths to reopen</title></head><body>"
        "<article><h1>Swimming baths to reopen</h1><div>Town Crier · 14/03/2024</div>"
        f"{article}</article>"
        f"<aside>{cards}</aside></body></html>"
    ).encode()
    parsed = read_saved_page(content, name="baths.html", key_base="k", now=NOW)
    assert parsed.kind == "html"
    (entry,) = parsed.entries
    assert entry.title == "Swimming baths to reopen"
    assert "share offer raised most of the money" in entry.text
    assert "Bus Lane" not in entry.text


# Benchmark pages whose sidebars, bylines and cards once looked like stories to the rules.
LOOKALIKES = (
    "0d46122928", "2c46804d9d", "33fe2471fd", "34a7328535", "358cc4a080", "3cb5e2f466",
    "624fcd903d", "70cb2d5bca", "7a664e40d2", "8380689f35", "87bf60570e", "aadb38e527",
    "ba4dfe2d3e", "bdb56ac835", "c467d50755", "c7e39ac49f", "e1c7023ee2", "e4c6a3b482",
    "fde930b018",
)  # fmt: skip


def test_real_article_pages_stay_single_articles() -> None:
    from bench.extract import load_corpus
    from digest.extract import extract_article

    pages, _ = load_corpus(need_corpora("article-extraction-benchmark"))
    keys = sorted(pages)
    chosen = keys[:15] + [k for k in keys if k.startswith(LOOKALIKES)]
    assert len(chosen) == 15 + len(LOOKALIKES)
    for i, key in enumerate(chosen):
        parsed = read_saved_page(pages[key].encode(), name=f"{key}.html", key_base=key)
        assert parsed.kind == "html", key
        (entry,) = parsed.entries
        if i < 5:
            assert entry.text == extract_article(pages[key]).text


# --- single articles ----------------------------------------------------------------------------


def test_html_article() -> None:
    parsed = read_fixture("article.html")
    assert parsed.kind == "html"
    assert parsed.link == "https://courier.example.org/"
    assert parsed.language == "en"
    (entry,) = parsed.entries
    assert entry.title == parsed.title == "Tide mills of the estuary return to work"
    assert entry.author == "Petra Sollis"
    assert entry.source == "The Fenland Courier"
    assert entry.published == datetime(2024, 5, 14, 7, 30, tzinfo=UTC)
    assert entry.link == "https://courier.example.org/2024/05/tide-mills-return"
    assert entry.page_key == "/saved/article.html#0"
    assert entry.related_to is None
    assert "Three tide mills" in entry.text and "milldog77" not in entry.text


def test_plain_text_with_byline_stays_one_article() -> None:
    parsed = read_fixture("essay.txt")
    assert parsed.kind == "text"
    (entry,) = parsed.entries
    assert entry.title == "Why the Old Canal Still Matters"
    assert entry.author == "Mara Quill"
    assert entry.published == NOW - timedelta(hours=2)
    assert entry.page_key == "/saved/essay.txt#0"
    paragraphs = entry.text.split("\n\n")
    assert paragraphs[0].startswith("The canal was dug two centuries ago")
    assert "The towpath years" in paragraphs and "What comes next" in paragraphs
    assert paragraphs[-1].endswith("anyone who uses the water.")
    assert "By Mara Quill" not in entry.text and "Published" not in entry.text


def test_markdown_heading_is_the_title() -> None:
    parsed = read_fixture("notes.md", now=None)
    assert parsed.kind == "text"
    (entry,) = parsed.entries
    assert entry.title == "Field Notes: Counting Swifts Over the Allotments"
    assert entry.text.startswith("Every evening in June")
    assert "## Method" in entry.text and "- Best night: sixty-one birds." in entry.text
    assert entry.published is None and entry.source == ""


def test_plain_text_first_line_is_the_title() -> None:
    content = (
        b"\n\n  A Letter About the Bus Shelter  \n\n"
        b"Dear editor, the shelter on the hill road has lost its roof again.\n"
        b"Comments\n"
        b"Please could somebody fix it before the winter.\n"
    )
    parsed = read_saved_page(content, name="letter.TXT", key_base="/k/letter")
    (entry,) = parsed.entries
    assert parsed.kind == "text"
    assert entry.title == "A Letter About the Bus Shelter"
    assert entry.text == (
        "Dear editor, the shelter on the hill road has lost its roof again.\n"
        "Please could somebody fix it before the winter."
    )
    assert entry.page_key == "/k/letter#0"


def test_plain_text_with_one_dated_story_is_not_an_aggregator() -> None:
    content = (
        b"Lifeboat Crew Rescues Kayakers\n"
        b"Shore Gazette 12-07-2024\n"
        b"Two kayakers were brought ashore by the volunteer lifeboat crew after the wind turned"
        b" and pushed them out past the headland on Saturday afternoon.\n"
    )
    parsed = read_saved_page(content, name="one.txt", key_base="k")
    assert parsed.kind == "text"
    (entry,) = parsed.entries
    assert (entry.title, entry.source) == ("Lifeboat Crew Rescues Kayakers", "Shore Gazette")
    assert entry.published == datetime(2024, 7, 12, tzinfo=UTC)
    assert entry.text.startswith("Two kayakers were brought ashore")


def test_diary_with_dated_sections_is_not_an_aggregator() -> None:
    content = (
        b"A Week Walking the Coast Path\n\n"
        b"Monday in the hills\n03-06-2024\n"
        b"We left the village early and climbed through the bracken to the ridge, where the wind"
        b" was strong enough to lean on and the sea was a grey line to the west.\n\n"
        b"Tuesday on the coast\n04-06-2024\n"
        b"The path dropped to the cliffs and followed them all day, past two lighthouses and a"
        b" cove where seals watched us eat our sandwiches from the rocks below.\n"
    )
    parsed = read_saved_page(content, name="diary.txt", key_base="k")
    assert parsed.kind == "text"
    (entry,) = parsed.entries
    assert entry.title == "A Week Walking the Coast Path"
    assert "Monday in the hills\n03-06-2024" in entry.text
    assert entry.text.endswith("from the rocks below.")


def test_sentences_about_apps_and_newsletters_are_kept() -> None:
    body = (
        "Apple's App Store fees were cut by the court.\n"
        "Users who download the banking app were warned about the outage.\n"
        "The newsletter she founded in 2019 now has forty thousand readers.\n"
        "Get the app\n"
        "Download our app today from your preferred app store and start exploring.\n"
    )
    content = ("Apps in Court\n\n" + body).encode()
    (entry,) = read_saved_page(content, name="apps.md", key_base="k").entries
    assert entry.text.split("\n") == body.split("\n")[:3]


def test_latin1_text_file() -> None:
    content = "Café de la Gare\n\nLe café a rouvert ses portes après l'été.\n".encode("latin-1")
    (entry,) = read_saved_page(content, name="cafe.txt", key_base="k").entries
    assert entry.title == "Café de la Gare"
    assert entry.text == "Le café a rouvert ses portes après l'été."


def test_hostile_text_is_cleaned() -> None:
    content = b"Title \x1b]8;;http://evil\x07link\x1b]8;;\x07 \xe2\x80\xae\n\nBody \x1b[2J text.\n"
    (entry,) = read_saved_page(content, name="x.txt", key_base="k").entries
    assert entry.title == "Title link"
    assert entry.text == "Body text."


# --- bad files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [("report.pdf", ".pdf"), ("Photo.JPG", ".jpg"), ("archive.tar.gz", ".gz"), ("README", "")],
)
def test_unknown_suffix(name: str, shown: str) -> None:
    with pytest.raises(ParseError) as caught:
        read_saved_page(b"whatever", name=name, key_base="k")
    expected = f"unsupported file type {shown or '(no suffix)'}: "
    assert str(caught.value) == expected + "Digest reads .html, .htm, .txt and .md"


@pytest.mark.parametrize("name", ["a.html", "a.htm", "a.txt", "a.md"])
@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n ", b"\xef\xbb\xbf"])
def test_empty_file(name: str, content: bytes) -> None:
    with pytest.raises(ParseError, match="empty"):
        read_saved_page(content, name=name, key_base="k")


@pytest.mark.parametrize("name", ["a.html", "a.txt", "a.md"])
@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF document"),
        (b"\x1f\x8b\x08\x00" + bytes(200), "gzip archive"),
        (bytes(range(256)) * 8, "binary data"),
        (b"\x00\x00\x01\x02 text \x03\x04" * 100, "binary data"),
    ],
)
def test_binary_junk(name: str, content: bytes, reason: str) -> None:
    with pytest.raises(ParseError) as caught:
        read_saved_page(content, name=name, key_base="k")
    message = str(caught.value)
    assert reason in message and name in message and "\n" not in message


def test_html_without_text() -> None:
    content = b"<html><body><nav><a href='/'>Home</a></nav><script>var x=1;</script></body></html>"
    with pytest.raises(ParseError, match="no article text"):
        read_saved_page(content, name="empty.html", key_base="k")


def test_text_of_nothing_but_clutter() -> None:
    with pytest.raises(ParseError, match="only page clutter"):
        read_saved_page(b"logo\nSign in\nComments\n", name="x.txt", key_base="k")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    content=st.one_of(
        st.binary(max_size=400),
        st.text(max_size=400).map(lambda s: s.encode("utf-8", "surrogatepass")),
    ),
    suffix=st.sampled_from([".html", ".txt", ".md"]),
)
def test_any_bytes_give_entries_or_a_parse_error(content: bytes, suffix: str) -> None:
    try:
        parsed = read_saved_page(content, name="f" + suffix, key_base="k", now=NOW)
    except ParseError as err:
        assert str(err) and "\n" not in str(err)
        return
    assert parsed.entries
    for i, entry in enumerate(parsed.entries):
        assert entry.page_key == f"k#{i}"
        assert "\x1b" not in all_text(entry) and "\x00" not in all_text(entry)


def test_source_name_ending_in_a_date_word_keeps_its_name_and_time() -> None:
    from datetime import UTC, datetime, timedelta

    page = (
        "Harbour bridge reopens after repairs\n\nCoast Daily 05-01-2026\n\n"
        "The bridge reopened on Monday after six weeks of repairs. Traffic was light. "
        "Officials said the work came in under budget.\n\n"
        "Related Articles\n\n"
        "Ferry timetable changes next week\nFerry timetable changes next week\n\n"
        "Valley Today\n\ntime3 hours ago\n\n  • Valley Today\n\n"
        "Ferry timetable changes next week\n\n"
        "The ferry will leave earlier from Monday. Riders were told by text message. "
        "The operator said the change saves fuel.\n"
    ).encode()
    now = datetime(2026, 1, 6, 12, tzinfo=UTC)
    parsed = read_saved_page(page, name="agg.txt", key_base="/x/agg.txt", now=now)
    related = parsed.entries[-1]
    assert related.title == "Ferry timetable changes next week"
    assert related.source == "Valley Today"
    assert related.published == now - timedelta(hours=3)


def test_other_sites_interface_lines_are_dropped() -> None:
    page = (
        b"Harbour bridge reopens after repairs\n\nCoast Daily 05-01-2026\n\n"
        b"The bridge reopened on Monday after six weeks of repairs. Traffic was light.\n\n"
        b"See what Coast Assistant can do for you:\n\nBe the first to react...\n\n"
        b"Discover what Harbour AI can do for you\n\nOfficials said the work came in under budget.\n"
    )
    (entry,) = read_saved_page(page, name="p.txt", key_base="/x/p.txt").entries
    assert "can do for you" not in entry.text and "first to react" not in entry.text
    assert entry.text.endswith("Officials said the work came in under budget.")
