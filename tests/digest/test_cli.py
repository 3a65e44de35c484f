"""The `digest` command, driven as a user would: the installed script in a subprocess, and
main() in-process for the many small cases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from digest.cli import main
from tests.conftest import SHARED, need_corpora
from tests.digest.feedgen import rss
from tests.httpserver import LocalServer

DIGEST = Path(sys.executable).parent / "digest"


def run(
    args: list[str], home: Path, config: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DIGEST_HOME=str(home), COLUMNS="200")
    env["DIGEST_CONFIG"] = str(config or home / "absent.toml")
    return subprocess.run(
        [str(DIGEST), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def write_config(tmp_path: Path, urls: list[str], extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    feeds = "".join(f'[[feeds]]\nurl = "{u}"\n' for u in urls)
    path.write_text("[fetch]\ntotal_timeout = 3\nread_timeout = 2\n" + extra + feeds)
    return path


def test_installed_command_refresh_list_mark_read(tmp_path: Path, http_server: LocalServer) -> None:
    http_server.add("/a.xml", rss("alpha", 3), etag='"v1"')
    http_server.add("/missing.xml", b"", status=404)
    home = tmp_path / "home"
    config = write_config(tmp_path, [http_server.url("/a.xml"), http_server.url("/missing.xml")])

    first = run(["refresh"], home, config)
    assert first.returncode == 1, first.stderr
    last = first.stdout.strip().splitlines()[-1]
    assert last.startswith("Refreshed 2 feeds: 3 new articles, 0 not modified, 1 failed (")
    assert "HTTP 404" in last and "Traceback" not in first.stderr

    listed = json.loads(run(["list", "--format", "json"], home, config).stdout)
    assert listed["version"] == 1
    titles = [a["title"] for a in listed["articles"]]
    assert titles == ["alpha item 0", "alpha item 1", "alpha item 2"]
    first_id = listed["articles"][0]["id"]

    assert run(["mark", str(first_id), "--star"], home, config).returncode == 0
    shown = run(["read", str(first_id)], home, config)
    assert (
        shown.returncode == 0 and "alpha item 0" in shown.stdout and "Paragraph 2" in shown.stdout
    )
    after = json.loads(run(["list", "--format", "json"], home, config).stdout)["articles"][0]
    assert after["starred"] is True and after["read"] is True

    http_server.add("/missing.xml", rss("found", 1))
    second = run(["refresh"], home, config)
    assert second.returncode == 0
    assert second.stdout.strip().splitlines()[-1] == (
        "Refreshed 2 feeds: 1 new article, 1 not modified, 0 failed"
    )
    assert http_server.bodies_sent("/a.xml") == 1


def test_no_config_shows_sample_content(tmp_path: Path) -> None:
    out = run([], tmp_path / "home")
    assert out.returncode == 0, out.stderr
    assert "sample content" in out.stdout
    listed = json.loads(run(["list", "--format", "json"], tmp_path / "home").stdout)
    assert len(listed["articles"]) >= 20


def test_config_error_is_one_line_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[fetch]\nconcurency = 2\n")
    out = run(["feeds"], tmp_path / "home", bad)
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0
    assert "did you mean 'concurrency'" in out.stderr


def test_usage_error_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["mark", "1"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2


def test_help_lists_every_command_with_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    for name in (
        "add",
        "remove",
        "feeds",
        "refresh",
        "list",
        "read",
        "search",
        "mark",
        "import-opml",
        "export-opml",
    ):
        assert f"  {name}" in text
    assert "examples:" in text


def test_add_url_discovers_feed_and_remove(
    http_server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    http_server.add("/feed.xml", rss("gamma", 2))
    page = '<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head></html>'
    http_server.add("/", page.encode(), content_type="text/html")
    assert main(["add", http_server.url("/"), "--tag", "local"]) == 0
    assert "Subscribed to The gamma Times" in capsys.readouterr().out
    assert main(["feeds", "--format", "json"]) == 0
    feeds = json.loads(capsys.readouterr().out)["feeds"]
    gamma = next(f for f in feeds if f["url"] == http_server.url("/feed.xml"))
    assert gamma["tags"] == ["local"] and gamma["total"] == 2
    assert main(["remove", str(gamma["id"])]) == 0
    assert "Removed The gamma Times and its 2 articles" in capsys.readouterr().out


def test_add_page_without_feed_says_so(
    http_server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    http_server.add(
        "/plain", b"<html><body><p>No feed here</p></body></html>", content_type="text/html"
    )
    assert main(["add", http_server.url("/plain")]) == 1
    err = capsys.readouterr().err
    assert "links to no feed" in err and "digest read" in err


def test_search_and_read_url_without_subscribing(
    http_server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    http_server.add("/a.xml", rss("delta", 2))
    main(["add", http_server.url("/a.xml")])
    capsys.readouterr()
    assert main(["search", "ferry timetable", "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)["articles"]
    assert {a["title"] for a in found} == {"delta item 0", "delta item 1"}
    from tests.digest.feedgen import article_page

    http_server.add("/story", article_page("Bridge reopens"), content_type="text/html")
    assert main(["read", http_server.url("/story"), "--format", "json"]) == 0
    article = json.loads(capsys.readouterr().out)["article"]
    assert article["title"] == "Bridge reopens" and "paragraph 4 tells" in article["text"]


def test_hostile_titles_print_literally(
    http_server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = "[bold]x[/] [link=http://evil]y[/link] \x1b]0;PWN\x07\x1b[2J"
    http_server.add("/h.xml", rss("hostile", 1, title=hostile))
    main(["add", http_server.url("/h.xml")])
    main(["feeds"])
    out = capsys.readouterr().out
    assert "[bold]x[/] [link=http://evil]y[/link]" in out
    assert "\x1b" not in out and "\x07" not in out


def test_opml_import_skips_commands_and_round_trips(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    opml = tmp_path / "in.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>'
        '<outline text="Tech"><outline text="A" xmlUrl="https://a.example/feed" category="/x,y"/>'
        "</outline>"
        '<outline text="Cmd" xmlUrl="exec:rm -rf ~"/>'
        '<outline text="B" xmlUrl="https://b.example/rss"/></body></opml>'
    )
    assert main(["import-opml", str(opml)]) == 0
    captured = capsys.readouterr()
    assert "Imported 2 new feeds" in captured.out
    assert "warning: skipped 'Cmd'" in captured.err and "never run" in captured.err
    out = tmp_path / "out.opml"
    assert main(["export-opml", str(out)]) == 0
    from digest.opml import parse_opml

    again = parse_opml(out.read_bytes())
    by_url = {f.url: f for f in again.feeds}
    assert set(by_url) == {"https://a.example/feed", "https://b.example/rss"}
    assert by_url["https://a.example/feed"].folder == "Tech"
    assert set(by_url["https://a.example/feed"].tags) == {"x", "y"}


def test_aggregator_page_becomes_four_articles(capsys: pytest.CaptureFixture[str]) -> None:
    page = SHARED / "samples" / "aggregator-page.txt"
    if not page.exists():
        pytest.skip("../shared/samples is absent (only CI and the dev machines have it)")
    assert main(["add", str(page)]) == 0
    assert main(["add", str(page)]) == 0  # twice: no duplicates
    capsys.readouterr()
    main(["list", "--format", "json"])
    articles = json.loads(capsys.readouterr().out)["articles"]
    assert len(articles) == 4
    lead = next(a for a in articles if a["related_to"] is None)
    assert (
        lead["title"]
        == "390 Million Faces: Clearview AI's Secret $750,000 Attempt To Buy Your Mugshot"
    )
    assert lead["source"] == "Forbes" and lead["published"].startswith("2025-03-22")
    related = [a for a in articles if a["related_to"] == lead["id"]]
    assert {a["source"] for a in related} == {"Yahoo"} and len(related) == 3
    main(["read", str(lead["id"]), "--format", "json"])
    body = json.loads(capsys.readouterr().out)["article"]
    assert len(body["related"]) == 3


def test_shared_opml_imports(capsys: pytest.CaptureFixture[str]) -> None:
    folder = need_corpora("feeds", "rsparser")
    assert main(["import-opml", str(folder / "Subs.opml")]) == 0
    assert "Imported" in capsys.readouterr().out
    assert main(["feeds", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["feeds"]) > 10


STORY = (
    "Harbour ferries will run until midnight from Monday, the council said on Tuesday.\n\n"
    "The change follows a petition signed by 2,400 residents. Mr. Lane, who led it, said "
    "late workers had been stranded for years.\n\n"
    "The extra sailings cost $1.2m a year. The U.S. Maritime Fund pays half of it.\n\n"
    "Read more: sign up for our newsletter.\n"
)


def test_summarize_files_and_stdin_in_a_subprocess(tmp_path: Path) -> None:
    first = tmp_path / "ferry.txt"
    first.write_text("Ferries run late\n\n" + STORY)
    second = tmp_path / "note.md"
    second.write_text(
        "# Snow day\n\nSchools closed on Friday. Buses did not run. Parents were told at 6 a.m.\n"
    )
    env = dict(os.environ, DIGEST_HOME=str(tmp_path / "home"))
    out = subprocess.run(
        [
            str(DIGEST),
            "summarize",
            str(first),
            "-",
            str(second),
            "--sentences",
            "2",
            "--format",
            "jsonl",
        ],
        input=STORY,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["source"] for r in rows] == [str(first), "-", str(second)]
    assert rows[0]["title"] == "Ferries run late" and rows[2]["title"] == "Snow day"
    for row in rows:
        assert row["method"] == "digest" and len(row["sentences"]) == 2
        indices = [s["index"] for s in row["sentences"]]
        assert indices == sorted(indices)
        for sentence in row["sentences"]:
            assert sentence["text"] in (STORY + second.read_text())
            assert "newsletter" not in sentence["text"]


def test_summarize_bad_inputs_exit_1_and_continue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(STORY)
    binary = tmp_path / "junk.txt"
    binary.write_bytes(bytes(range(256)) * 40)
    code = main(
        [
            "summarize",
            str(tmp_path / "missing.txt"),
            str(good),
            str(binary),
            "--format",
            "json",
            "--method",
            "lead",
        ]
    )
    captured = capsys.readouterr()
    data = json.loads(captured.out)["summaries"]
    assert code == 1
    assert "missing.txt: cannot read" in captured.err
    assert data[0]["error"] and data[1]["sentences"][0]["index"] == 0
    assert data[2]["sentences"] == [] or data[2].get("error")
    assert main(["summarize", str(good), "--method", "nonsense"]) == 2


def test_read_shows_the_summary_above_the_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "ferry.txt"
    page.write_text("Ferries run late\n\n" + STORY)
    assert main(["add", str(page)]) == 0
    capsys.readouterr()
    assert main(["read", str(page), "--format", "json"]) == 0
    article = json.loads(capsys.readouterr().out)["article"]
    chosen = article["digest_summary"]["sentences"]
    assert 1 <= len(chosen) <= 3 and article["digest_summary"]["reading_minutes"] > 0
    assert main(["read", str(page)]) == 0
    text = capsys.readouterr().out
    assert text.index("Summary") < text.index("The change follows a petition")
