"""Config and data files: a missing, empty, unreadable or invalid config; a data dir that cannot
be created or is full; a damaged store. Each ends in one line for the user (never a traceback),
and nothing the user had is overwritten: a damaged store is kept beside the new one.

The tests run as root here, so "unreadable" and "read-only" are made of what root cannot get
past either: a directory where a file should be, a path under a regular file.
"""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from digest.cli import main
from digest.errors import StoreError
from digest.recovery import open_store_safely
from digest.store import DB_NAME, ArticleQuery, Store
from tests.faults.test_crash import stored_home
from tests.hostile.documents import good_feed, unsafe_characters
from tests.httpserver import LocalServer

DIGEST = Path(sys.executable).with_name("digest")
WHEN = datetime(2026, 11, 27, 8, 30, 5, tzinfo=UTC)
STAMP = "20261127T083005Z"


def one_line_error(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("digest: error: "), err
    assert "Traceback" not in err and not unsafe_characters(err)
    return lines[0]


# -- the config ------------------------------------------------------------------------------


def test_a_missing_config_opens_on_the_samples_and_a_named_one_must_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["feeds"]) == 0  # DIGEST_CONFIG points at a file that does not exist
    assert main(["--plain"]) == 0
    assert "sample content" in capsys.readouterr().out
    assert main(["--config", str(tmp_path / "nope.toml"), "feeds"]) == 2
    line = one_line_error(capsys.readouterr().err)
    assert line.endswith("nope.toml: config file not found")


def test_an_empty_config_is_a_config_with_defaults(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    assert main(["--config", str(empty), "--plain"]) == 0
    out = capsys.readouterr().out
    assert "sample content" not in out and "No articles yet" in out


def test_an_unreadable_config_is_named_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "config.toml"
    folder.mkdir()  # a directory where the file should be: unreadable even for root
    assert main(["--config", str(folder), "feeds"]) == 2
    line = one_line_error(capsys.readouterr().err)
    assert "cannot read the config file" in line
    if os.geteuid() != 0:  # chmod 000 only stops a user who is not root
        locked = tmp_path / "locked.toml"
        locked.write_text("")
        locked.chmod(0)
        assert main(["--config", str(locked), "feeds"]) == 2
        assert "cannot read the config file" in one_line_error(capsys.readouterr().err)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"[fetch\n", "not valid TOML"),
        (b"\xff\xfe[fetch]\n", "not UTF-8 text"),
        (b"[fetch]\ntotal_timeout = 'soon'\n", "fetch.total_timeout must be a number"),
        (b"[fetch]\nconcurency = 4\n", "unknown key 'concurency' in [fetch] (did you mean"),
        (b"feeds = 3\n", "feeds must be a list of tables"),
        (b'[[feeds]]\nurl = "javascript:alert(1)"\n', "must start with http:// or https://"),
        (b'[[feeds]]\nurl = "file:///etc/passwd"\n', "must start with http:// or https://"),
        (b'[[feeds]]\nurl = "https://a.example/\x1b[2J"\n', "not valid TOML"),
        (b"[[feeds]]\ntitle = 'no url'\n", "url is missing"),
        (b"[summary]\nsentences = -1\n", "summary.sentences"),
        (b"x = '" + b"a" * 2_000_000 + b"'\n", "unknown key 'x'"),
    ],
)
def test_an_invalid_config_is_named_in_one_line(
    content: bytes, reason: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_bytes(content)
    assert main(["--config", str(config), "feeds"]) == 2
    line = one_line_error(capsys.readouterr().err)
    assert reason in line, line
    assert len(line) < 400


# -- the data dir ----------------------------------------------------------------------------


def test_a_data_dir_that_cannot_be_created_is_named_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    plain_file = tmp_path / "a-file"
    plain_file.write_text("not a folder")
    for home in (plain_file / "digest", plain_file):
        monkeypatch.setenv("DIGEST_HOME", str(home))
        assert main(["feeds"]) == 1
        line = one_line_error(capsys.readouterr().err)
        assert line.startswith("digest: error: cannot "), line
    assert plain_file.read_text() == "not a folder"


def full_disk(limit: int) -> None:
    """In the child: writes beyond ``limit`` bytes fail with EFBIG, as on a full disk."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.fixture(scope="module")
def full_disk_refresh(tmp_path_factory: pytest.TempPathFactory) -> FullDisk:
    """One `digest refresh` that runs out of disk: a feed stored first, then six more feeds with
    writes limited to 16 KB beyond the store's size."""
    home = tmp_path_factory.mktemp("full") / "home"
    with LocalServer() as server:
        urls = []
        for n in range(6):
            server.add(f"/f{n}.xml", good_feed(f"f{n}", items=150))
            urls.append(server.url(f"/f{n}.xml"))
        config = home.parent / "config.toml"
        config.write_text("".join(f'[[feeds]]\nurl = "{u}"\nfull_text = "never"\n' for u in urls))
        env = dict(os.environ, DIGEST_HOME=str(home), DIGEST_CONFIG=str(config))
        first = subprocess.run(
            [str(DIGEST), "refresh", urls[0]], env=env, capture_output=True, text=True, timeout=60
        )
        assert first.returncode == 0, first.stderr
        with Store.open_default(home) as store:
            before = {(a.feed_id, a.key) for a in store.articles(ArticleQuery(limit=10_000))}
        limit = (home / DB_NAME).stat().st_size + 16_384
        full = subprocess.run(
            [str(DIGEST), "refresh"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            preexec_fn=lambda: full_disk(limit),
        )
    return FullDisk(home, before, full)


@dataclass(frozen=True)
class FullDisk:
    home: Path
    before: set[tuple[int, str]]
    refresh: subprocess.CompletedProcess[str]


def test_a_full_disk_loses_nothing_stored(full_disk_refresh: FullDisk) -> None:
    assert full_disk_refresh.refresh.returncode != 0
    with Store.open_default(full_disk_refresh.home) as store:
        assert store.integrity_ok()
        after = {(a.feed_id, a.key) for a in store.articles(ArticleQuery(limit=10_000))}
    assert full_disk_refresh.before <= after
    assert len(after) < 6 * 150, "the disk never filled up: this tested nothing"


def test_a_full_disk_fails_the_refresh_in_one_line(full_disk_refresh: FullDisk) -> None:
    full = full_disk_refresh.refresh
    assert full.returncode == 1
    assert "Traceback" not in full.stderr, full.stderr[-2000:]
    assert "failed" in full.stdout.splitlines()[-1]


# -- a damaged store -------------------------------------------------------------------------


def damage_pages(path: Path) -> None:
    """Overwrite pages in the middle of a database file (the header stays readable)."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        for offset in range(size // 3, size // 3 + 8 * 4096, 4096):
            handle.seek(offset)
            handle.write(b"\xa5" * 1024)


@pytest.mark.parametrize("damage", ["not a database", "damaged pages"])
def test_a_damaged_store_is_kept_aside_and_replaced(tmp_path: Path, damage: str) -> None:
    home = tmp_path / "home"
    if damage == "not a database":
        home.mkdir()
        (home / DB_NAME).write_bytes(b"this is not a database\n" * 400)
        (home / f"{DB_NAME}-wal").write_bytes(b"stale log\n" * 10)
        expected = "file is not a database"
    else:
        stored_home(home, articles=400)
        damage_pages(home / DB_NAME)
        expected = "quick_check: "
    originals = {p.name: p.read_bytes() for p in home.iterdir()}

    store, notice = open_store_safely(home, now=WHEN)
    with store:
        assert store.integrity_ok() and store.feeds() == []
        store.add_feed("https://works.example/feed")
    assert notice is not None and "\n" not in notice
    assert expected in notice and f"{DB_NAME}.corrupt-{STAMP}" in notice
    kept = {
        p.name.replace(f".corrupt-{STAMP}", ""): p.read_bytes()
        for p in home.iterdir()
        if ".corrupt-" in p.name
    }
    assert kept == originals, "the damaged store was not kept byte for byte"


def test_a_taken_backup_name_is_never_overwritten(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    taken = home / f"{DB_NAME}.corrupt-{STAMP}"
    taken.write_bytes(b"an earlier copy")
    (home / DB_NAME).write_bytes(b"garbage" * 1000)
    store, notice = open_store_safely(home, now=WHEN)
    store.close()
    assert taken.read_bytes() == b"an earlier copy"
    assert (home / f"{DB_NAME}.corrupt-{STAMP}-1").read_bytes() == b"garbage" * 1000
    assert notice is not None and f"corrupt-{STAMP}-1" in notice


def test_a_healthy_store_is_left_alone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    stored_home(home, articles=40)
    store, notice = open_store_safely(home, now=WHEN)
    with store:
        assert notice is None
        assert store.count(ArticleQuery(limit=-1)) == 40
    assert not [p for p in home.iterdir() if ".corrupt-" in p.name]
    store, notice = open_store_safely(tmp_path / "new-home")
    store.close()
    assert notice is None


def test_a_store_that_is_busy_unreachable_or_newer_is_not_taken_for_damage(
    tmp_path: Path,
) -> None:
    newer = tmp_path / "newer"
    stored_home(newer, articles=4)
    with sqlite3.connect(newer / DB_NAME) as db:
        db.execute("PRAGMA user_version = 999")
    folder = tmp_path / "folder"
    (folder / DB_NAME).mkdir(parents=True)
    for home, reason in ((newer, "newer Digest"), (folder, "cannot open the store")):
        before = sorted(p.name for p in home.iterdir())
        with pytest.raises(StoreError, match=reason):
            open_store_safely(home)
        assert sorted(p.name for p in home.iterdir()) == before


def test_the_command_on_a_file_that_is_not_a_store_keeps_it_and_starts_afresh(
    tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    isolated_env.mkdir(parents=True)
    garbage = b"\x00\x01 not sqlite " * 500
    (isolated_env / DB_NAME).write_bytes(garbage)
    assert main(["list"]) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and not unsafe_characters(err)
    (notice,) = err.splitlines()
    assert notice.startswith("digest: warning: The store ") and "file is not a database" in notice
    (kept,) = [p for p in isolated_env.iterdir() if ".corrupt-" in p.name]
    assert kept.read_bytes() == garbage and kept.name in notice
    assert main(["feeds"]) == 0 and capsys.readouterr().err == ""
