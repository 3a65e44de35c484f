"""OPML from other readers, imported with the `digest` command: their commands, filters and pipes
are skipped and never run (not at import, not at refresh), entities neither read local files nor
fetch anything nor expand, hostile names are shown as text, and the good feeds work."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.opml import parse_opml
from digest.store import Store
from tests.hostile.conftest import Site, run_main
from tests.hostile.documents import (
    COMMAND_OPML_MARKER,
    LEAK_PATH,
    SECRET_MARKER,
    command_opml,
    entity_opml,
    good_titles,
    unsafe_characters,
)


def test_commands_in_an_opml_file_are_never_run(
    site: Site,
    tmp_path: Path,
    isolated_env: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    marker_dir = tmp_path / "markers"
    marker_dir.mkdir()
    good = [site.good_url("alpha"), site.good_url("bravo")]
    opml = tmp_path / "other-reader.opml"
    opml.write_bytes(command_opml(marker_dir, good))

    imported = run_main(["import-opml", str(opml)], capsys)
    assert imported.code == 0, imported.err
    assert "Imported 4 new feeds (0 already subscribed, 9 skipped)" in imported.out
    warnings = imported.err.splitlines()
    assert sum("never run" in w for w in warnings) == 5
    assert any("filter command was ignored" in w for w in warnings)
    for stream in (imported.out, imported.err):
        assert not unsafe_characters(stream)
    with Store.open_default(isolated_env) as store:
        feeds = {f.url: f for f in store.feeds()}
    assert set(feeds) == {*good, good[0] + "?f", "https://markup.example/feed"}
    assert feeds["https://markup.example/feed"].title.startswith("[@click=app.quit]Markup[/]")
    assert not unsafe_characters(feeds["https://markup.example/feed"].title)

    refreshed = run_main(["refresh", *good, good[0] + "?f"], capsys)
    assert refreshed.code == 0, refreshed.out + refreshed.err
    assert "Refreshed 3 feeds" in refreshed.out
    listed = run_main(["list", "--format", "json"], capsys)
    assert good_titles("alpha") | good_titles("bravo") <= set(
        line.split('"title": "')[1].rstrip('",')
        for line in listed.out.splitlines()
        if '"title": "' in line
    )
    assert not (marker_dir / COMMAND_OPML_MARKER).exists()
    assert list(marker_dir.iterdir()) == [], "a command from the OPML file ran"


def test_an_escaped_control_character_in_a_title_no_longer_refuses_the_whole_file() -> None:
    content = (
        b'<?xml version="1.0"?><opml version="2.0"><body>'
        b'<outline text="Before &#27;[2J&#x1B;]0;x&#7; after" xmlUrl="https://a.example/feed"/>'
        b'<outline text="Fine &#233;" xmlUrl="https://b.example/feed"/></body></opml>'
    )
    result = parse_opml(content)
    assert [(f.title, f.url) for f in result.feeds] == [
        ("Before [2J]0;x after", "https://a.example/feed"),
        ("Fine é", "https://b.example/feed"),
    ]
    assert "repaired" in result.warnings[0]


def test_entities_in_an_opml_file_read_nothing_and_fetch_nothing(
    site: Site, secret: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for number, content in enumerate(entity_opml(secret, site.server.url(LEAK_PATH))):
        path = tmp_path / f"entities-{number}.opml"
        path.write_bytes(content)
        ran = run_main(["import-opml", str(path)], capsys)
        assert ran.code in (0, 1)
        for stream in (ran.out, ran.err):
            assert SECRET_MARKER not in stream
            assert "hahaha" not in stream
            assert not unsafe_characters(stream)
            assert "Traceback" not in stream
        if ran.code:
            (line,) = ran.err.splitlines()
            assert line.startswith("digest: error: not an OPML file: invalid XML")
    assert site.leak_hits() == 0


def test_an_upper_case_scheme_is_imported_in_lower_case_so_refresh_fetches_it() -> None:
    content = (
        b'<opml version="2.0"><body><outline text="Loud" xmlUrl="HTTPS://Loud.example/Feed"/>'
        b'<outline text="Feed" xmlUrl="FEED:HTTP://b.example/x"/></body></opml>'
    )
    urls = [feed.url for feed in parse_opml(content).feeds]
    assert urls == ["https://Loud.example/Feed", "http://b.example/x"]
