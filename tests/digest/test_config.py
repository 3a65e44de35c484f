"""Config loading: defaults, every key, and one-sentence errors naming the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.config import config_path, data_dir, load_config
from digest.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_default_config_means_sample_mode() -> None:
    config = load_config()
    assert not config.exists and config.feeds == ()


def test_explicit_missing_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")


def test_env_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGEST_CONFIG", str(tmp_path / "c.toml"))
    monkeypatch.setenv("DIGEST_HOME", str(tmp_path / "home"))
    assert config_path() == tmp_path / "c.toml"
    assert config_path(tmp_path / "x.toml") == tmp_path / "x.toml"
    assert data_dir() == tmp_path / "home"


def test_example_config_is_valid_and_documents_every_key() -> None:
    example = ROOT / "config.example.toml"
    config = load_config(example)
    assert config.feeds and config.feeds[0].url.startswith("https://")
    text = example.read_text()
    for key in (
        "concurrency",
        "per_host",
        "connect_timeout",
        "read_timeout",
        "total_timeout",
        "max_size_mb",
        "max_redirects",
        "user_agent",
        "full_text",
        "tags",
        "folder",
        "folders",
        "method",
        "sentences",
        "ratio",
        "priority",
        "during_refresh",
        "window_hours",
    ):
        assert key in text, key


def test_full_config(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[fetch]
concurrency = 4
per_host = 2
total_timeout = 30
max_size_mb = 2.5
user_agent = "Tester/1"

[pages]
folders = ["~/saved"]

[summary]
method = "lead"
sentences = 4

[[feeds]]
url = "https://a.example/feed"
title = "A"
tags = ["tech", "daily"]
full_text = "always"
""",
    )
    config = load_config(path)
    assert config.fetch.concurrency == 4 and config.fetch.per_host == 2
    assert config.fetch.max_bytes == int(2.5 * 1024 * 1024)
    assert config.fetch.user_agent == "Tester/1"
    assert config.page_folders == (Path("~/saved").expanduser(),)
    assert config.summary.method == "lead" and config.summary.sentences == 4
    (feed,) = config.feeds
    assert feed.tags == ("tech", "daily") and feed.full_text == "always"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[fetch]\nconcurency = 3\n",
            "unknown key 'concurency' in [fetch] (did you mean 'concurrency'?)",
        ),
        (
            "[[feeds]]\nurl = 'https://a'\nfull_text = 'sometimes'\n",
            "feeds[0].full_text must be one of",
        ),
        ("[[feeds]]\ntitle = 'x'\n", "feeds[0].url is missing"),
        ("[[feeds]]\nurl = 'ftp://a'\n", "feeds[0].url must start with http"),
        (
            "[fetch]\nconcurrency = 'many'\n",
            "fetch.concurrency must be a whole number (got a string)",
        ),
        ("[fetch]\nconcurrency = 0\n", "fetch.concurrency must be between 1 and 256"),
        ("[fetch]\ntotal_timeout = -1\n", "fetch.total_timeout must not be negative"),
        ("feeds = 3\n", "feeds must be a list of tables"),
        ("[summary]\nratio = 2\n", "summary.ratio must be between 0 and 1"),
        ("[[feeds]]\nurl='https://a'\n[[feeds]]\nurl='https://a'\n", "is listed twice"),
        ("[fetch\n", "not valid TOML"),
        ("colour = 'red'\n", "unknown key 'colour' in the top level"),
    ],
)
def test_errors_name_file_key_and_problem(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value).startswith(str(path) + ": ")
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_non_utf8_config(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"[fetch]\nuser_agent = '\xff'\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(path)


def test_ui_and_keys(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[ui]\ntheme = "nord"\nauto_refresh_minutes = 15\n[keys]\nnext_unread = "n,ctrl+n"\n',
    )
    config = load_config(path)
    assert config.ui.theme == "nord" and config.ui.auto_refresh_minutes == 15
    assert config.ui.keys == (("next_unread", "n,ctrl+n"),)
    with pytest.raises(ConfigError, match="keys.quit must name at least one key"):
        load_config(write(tmp_path, '[keys]\nquit = ""\n'))


def test_digest_window(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "[digest]\nwindow_hours = 72\n")).digest.window_hours == 72
    with pytest.raises(ConfigError, match="digest.window_hours must be between 1 and 8760"):
        load_config(write(tmp_path, "[digest]\nwindow_hours = 0.5\n"))
