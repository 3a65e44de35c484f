"""The store: schema versioning, stable identities, marks kept across edits, FTS, WAL."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from digest.errors import StoreError
from digest.models import Entry
from digest.store import SCHEMA_VERSION, ArticleQuery, Store, fts_query

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def entry(n: int, **kw: object) -> Entry:
    base: dict[str, object] = {
        "title": f"Story {n}",
        "link": f"https://news.example/{n}",
        "guid": f"g{n}",
        "text": f"Body of story {n} about harbours.",
        "published": NOW - timedelta(hours=n),
    }
    base.update(kw)
    return Entry(**base)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "s.sqlite3")


def test_new_store_has_current_schema_and_wal(store: Store, tmp_path: Path) -> None:
    assert store.schema_version == SCHEMA_VERSION
    mode = sqlite3.connect(tmp_path / "s.sqlite3").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_newer_schema_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.close()
    with pytest.raises(StoreError, match="newer Digest"):
        Store(path)


def test_reopening_keeps_data_and_does_not_remigrate(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    with Store(path) as s:
        feed = s.add_feed("https://a.example/feed")
        s.upsert_entries(feed.id, [entry(1)], now=NOW)
    with Store(path) as s:
        assert [a.title for a in s.articles()] == ["Story 1"]


def test_upsert_inserts_then_skips_unchanged(store: Store) -> None:
    feed = store.add_feed("https://a.example/feed")
    first = store.upsert_entries(feed.id, [entry(1), entry(2)], now=NOW)
    assert len(first.new) == 2
    again = store.upsert_entries(feed.id, [entry(1), entry(2)], now=NOW)
    assert again.new == () and again.updated == () and again.unchanged == 2
    assert store.count() == 2


def test_nested_transactions_commit_together_or_not_at_all(store: Store, tmp_path: Path) -> None:
    feed = store.add_feed("https://a.example/feed")
    other = Store(tmp_path / "s.sqlite3")  # a second connection sees only what is committed
    with store.transaction():
        store.upsert_entries(feed.id, [entry(1)], now=NOW)
        store.record_fetch(feed.id, when=NOW, etag='"v1"')
        assert other.count() == 0
    assert other.count() == 1 and other.feeds()[0].etag == '"v1"'
    with pytest.raises(StoreError), store.transaction():
        store.upsert_entries(feed.id, [entry(2)], now=NOW)
        store.record_fetch(feed.id, when=NOW, etag='"v2"')
        store._db.execute("INSERT INTO no_such_table VALUES (1)")
    assert store.count() == other.count() == 1 and other.feeds()[0].etag == '"v1"'
    store.upsert_entries(feed.id, [entry(3)], now=NOW)  # the store is usable afterwards
    assert other.count() == 2
    other.close()


def test_not_modified_feeds_are_noted_together(store: Store) -> None:
    a = store.add_feed("https://a.example/feed")
    b = store.add_feed("https://b.example/feed")
    store.record_fetch(a.id, when=NOW, etag='"a1"', last_modified="Mon, 02 Mar 2026 10:00:00 GMT")
    store.record_fetch(b.id, when=NOW, error="timed out", retry_until=NOW + timedelta(hours=1))
    later = NOW + timedelta(hours=2)
    store.record_not_modified([(a.id, "", ""), (b.id, '"b2"', "")], when=later)
    feeds = {f.id: f for f in store.feeds()}
    assert feeds[a.id].etag == '"a1"' and feeds[a.id].last_modified.startswith("Mon, 02 Mar")
    assert feeds[b.id].etag == '"b2"' and feeds[b.id].last_error == ""
    assert feeds[b.id].retry_until is None
    assert feeds[a.id].last_fetched == feeds[b.id].last_fetched == later


def test_stored_hash_can_be_the_feeds_version(store: Store) -> None:
    """A refresh that replaced a teaser by its page stores the teaser's hash: the same teaser
    next time is unchanged and the page text stays."""
    from digest.store import content_hash

    feed = store.add_feed("https://a.example/feed")
    teaser = entry(1, text="Short teaser…")
    page = entry(1, text="The whole article, as its page has it.")
    (aid,) = store.upsert_entries(feed.id, [page], now=NOW, hashes=[content_hash(teaser)]).new
    again = store.upsert_entries(feed.id, [teaser], now=NOW)
    assert again.unchanged == 1 and again.updated == ()
    kept = store.article(aid)
    assert kept is not None and kept.text == "The whole article, as its page has it."


def fts_consistent(store: Store) -> bool:
    """FTS5's own check of the index against the articles table (rank 1: the content too)."""
    try:
        store._db.execute(
            "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)"
        )
    except sqlite3.DatabaseError:
        return False
    return True


def pending(store: Store) -> int:
    return int(store._db.execute("SELECT count(*) FROM fts_pending").fetchone()[0])


def test_articles_join_the_index_in_batches(store: Store) -> None:
    feed = store.add_feed("https://a.example/feed")
    store.upsert_entries(feed.id, [entry(n) for n in range(3)], now=NOW, index_at_least=5)
    assert pending(store) == 3 and not fts_consistent(store)  # not in the index yet
    store.upsert_entries(feed.id, [entry(n) for n in range(3, 6)], now=NOW, index_at_least=5)
    assert pending(store) == 0 and fts_consistent(store)  # six waited: all indexed at once
    assert len(store.search("harbours")) == 6


def test_a_refresh_leaves_new_articles_waiting_and_steps_index_them(store: Store) -> None:
    """With index_at_least=None (a refresh) new articles only wait; index_pending with a limit
    adds the oldest waiting ones, a step at a time, until the index is whole."""
    feed = store.add_feed("https://a.example/feed")
    store.upsert_entries(feed.id, [entry(n) for n in range(5)], now=NOW, index_at_least=None)
    assert pending(store) == store.pending_index() == 5 and not fts_consistent(store)
    assert store.index_pending(limit=2) == 2 and pending(store) == 3
    oldest = store._db.execute("SELECT min(id) FROM fts_pending").fetchone()[0]
    assert oldest == 3  # ids 1 and 2 went first
    assert store.index_pending(limit=2) == 2 and store.index_pending(limit=2) == 1
    assert store.index_pending(limit=2) == 0
    assert pending(store) == 0 and fts_consistent(store)
    assert len(store.search("harbours")) == 5


def test_waiting_articles_are_searchable_edited_and_removed_safely(store: Store) -> None:
    feed = store.add_feed("https://a.example/feed")
    other = store.add_feed("https://b.example/feed")
    store.upsert_entries(feed.id, [entry(1), entry(2)], now=NOW)  # indexed at once
    store.upsert_entries(other.id, [entry(3), entry(4)], now=NOW, index_at_least=100)
    assert pending(store) == 2
    # An edit of a waiting article touches only the table; of an indexed one, the index too.
    store.upsert_entries(other.id, [entry(3, title="Story 3 ferries")], now=NOW, index_at_least=100)
    store.upsert_entries(feed.id, [entry(1, title="Story 1 ferries")], now=NOW)
    assert pending(store) == 2
    store.remove_feed(other.id)  # deletes two waiting articles
    assert pending(store) == 0 and fts_consistent(store)
    assert [a.title for a in store.search("ferries")] == ["Story 1 ferries"]
    third = store.add_feed("https://c.example/feed")
    store.upsert_entries(third.id, [entry(5, title="Story 5 ferries")], now=NOW, index_at_least=9)
    # A search first indexes whatever waits (a refresh that stopped early leaves some).
    assert {a.title for a in store.search("ferries")} == {"Story 1 ferries", "Story 5 ferries"}
    assert pending(store) == 0 and fts_consistent(store)


def test_migration_to_batched_indexing_keeps_the_index(tmp_path: Path) -> None:
    from digest.store import MIGRATIONS, _statements

    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:5]:  # a store as schema 5 left it, articles indexed on insert
        for statement in _statements(script):
            db.execute(statement)
    db.execute("PRAGMA user_version = 5")
    db.execute(
        "INSERT INTO feeds (url, added) VALUES ('https://a.example/feed', '2026-01-01T00:00:00Z')"
    )
    for n in range(3):
        db.execute(
            "INSERT INTO articles (feed_id, key, title, text, added, sort_time, content_hash)"
            " VALUES (1, ?, ?, 'Body about harbours.', ?, ?, 'h')",
            (f"k{n}", f"Old story {n}", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
        )
    db.close()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION and pending(store) == 0
        assert len(store.search("harbours")) == 3
        store.remove_feed(1)
        assert store.search("harbours") == [] and fts_consistent(store)


def test_full_text_index_merges_its_segments_in_eights(tmp_path: Path) -> None:
    """Schema 7 (new stores and migrated ones) lets FTS5 merge later than its default of 4."""
    from digest.store import MIGRATIONS, _statements

    def automerge(path: Path) -> int:
        with Store(path) as store:
            row = store._db.execute("SELECT v FROM articles_fts_config WHERE k = 'automerge'")
            return int(row.fetchone()[0])

    assert automerge(tmp_path / "new.sqlite3") == 8
    db = sqlite3.connect(tmp_path / "v6.sqlite3", isolation_level=None)
    for script in MIGRATIONS[:6]:
        for statement in _statements(script):
            db.execute(statement)
    db.execute("PRAGMA user_version = 6")
    db.close()
    assert automerge(tmp_path / "v6.sqlite3") == 8


def test_edited_article_updates_in_place_and_keeps_marks(store: Store) -> None:
    feed = store.add_feed("https://a.example/feed")
    (aid,) = store.upsert_entries(feed.id, [entry(1)], now=NOW).new
    store.mark([aid], read=True, starred=True)
    result = store.upsert_entries(feed.id, [entry(1, title="Story 1 (corrected)")], now=NOW)
    assert result.updated == (aid,) and result.new == ()
    art = store.article(aid)
    assert art is not None
    assert art.title == "Story 1 (corrected)" and art.read and art.starred
    assert store.search("corrected")[0].id == aid
    assert store.search("Story 1 (corrected)")[0].id == aid


def test_identity_falls_back_from_guid_to_link_to_hash(store: Store) -> None:
    feed = store.add_feed("https://a.example/feed")
    no_guid = entry(1, guid="")
    nothing = Entry(title="", text="A bare item with neither guid nor link.")
    store.upsert_entries(feed.id, [no_guid, nothing], now=NOW)
    keys = sorted(a.key for a in store.articles())
    assert keys[0].startswith("hash:") and keys[1] == "link:https://news.example/1"
    assert store.upsert_entries(feed.id, [no_guid, nothing], now=NOW).unchanged == 2


def test_duplicate_keys_in_one_batch_keep_the_first(store: Store) -> None:
    feed = store.add_feed("https://a.example/feed")
    res = store.upsert_entries(feed.id, [entry(1), entry(1, title="Imposter")], now=NOW)
    assert len(res.new) == 1
    assert store.articles()[0].title == "Story 1"


def test_same_guid_in_two_feeds_are_two_articles(store: Store) -> None:
    a = store.add_feed("https://a.example/feed")
    b = store.add_feed("https://b.example/feed")
    store.upsert_entries(a.id, [entry(1)], now=NOW)
    store.upsert_entries(b.id, [entry(1)], now=NOW)
    assert store.count() == 2


def test_related_to_links_to_the_lead(store: Store) -> None:
    feed = store.add_feed("pages:saved", kind="pages")
    lead = Entry(title="Lead", text="lead text", page_key="/p#0")
    rel = Entry(title="Rel", text="rel text", page_key="/p#1", related_to=0)
    ids = store.upsert_entries(feed.id, [lead, rel], now=NOW).new
    assert [a.title for a in store.related(ids[0])] == ["Rel"]


def test_queries_filter_and_order(store: Store) -> None:
    a = store.add_feed("https://a.example/feed")
    b = store.add_feed("https://b.example/feed")
    ids = store.upsert_entries(a.id, [entry(1), entry(30)], now=NOW).new
    store.upsert_entries(b.id, [entry(5)], now=NOW)
    store.mark([ids[0]], read=True)
    store.mark([ids[1]], starred=True)
    assert [x.title for x in store.articles()] == ["Story 1", "Story 5", "Story 30"]
    assert [x.title for x in store.articles(ArticleQuery(unread=True))] == ["Story 5", "Story 30"]
    assert [x.title for x in store.articles(ArticleQuery(starred=True))] == ["Story 30"]
    assert [x.title for x in store.articles(ArticleQuery(feed_ids=(b.id,)))] == ["Story 5"]
    since = ArticleQuery(since=NOW - timedelta(hours=6))
    assert [x.title for x in store.articles(since)] == ["Story 1", "Story 5"]
    feeds = {f.url: f for f in store.feeds()}
    assert feeds["https://a.example/feed"].unread == 1
    assert feeds["https://a.example/feed"].total == 2


def test_undated_article_sorts_by_when_it_was_added(store: Store) -> None:
    feed = store.add_feed("https://a.example/feed")
    store.upsert_entries(feed.id, [entry(1, published=None)], now=NOW - timedelta(days=2))
    store.upsert_entries(feed.id, [entry(2)], now=NOW)
    arts = store.articles()
    assert [x.title for x in arts] == ["Story 2", "Story 1"]
    assert arts[1].when == NOW - timedelta(days=2)


def test_search_is_safe_for_any_input(store: Store) -> None:
    feed = store.add_feed("https://a.example/feed")
    store.upsert_entries(feed.id, [entry(1, title="Café harbour opens")], now=NOW)
    for hostile in ['"', "NEAR(", "a OR", "*", "title:x", "''", ")(", "-", "AND"]:
        store.search(hostile)
    assert store.search("cafe")[0].title == "Café harbour opens"
    assert store.search("harb")[0].title == "Café harbour opens"
    assert fts_query("  ") == ""


def test_record_fetch_error_keeps_validators(store: Store) -> None:
    feed = store.add_feed("https://a.example/feed")
    store.record_fetch(feed.id, when=NOW, etag='"v1"', last_modified="Tue, 01 Dec 2026")
    store.record_fetch(feed.id, when=NOW, error="HTTP 500 Internal Server Error")
    got = store.feed(feed.id)
    assert got is not None
    assert got.etag == '"v1"' and got.last_error == "HTTP 500 Internal Server Error"
    store.record_fetch(feed.id, when=NOW, error="")
    assert (store.feed(feed.id) or got).last_error == ""


def test_remove_feed_deletes_its_articles(store: Store) -> None:
    feed = store.add_feed("https://a.example/feed")
    store.upsert_entries(feed.id, [entry(1)], now=NOW)
    store.remove_feed(feed.id)
    assert store.count() == 0 and store.search("harbours") == []


def test_marks_are_committed_immediately(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    s = Store(path)
    feed = s.add_feed("https://a.example/feed")
    (aid,) = s.upsert_entries(feed.id, [entry(1)], now=NOW).new
    s.mark([aid], starred=True)
    other = sqlite3.connect(path)  # a second process's view, while the first is still open
    assert other.execute("SELECT starred FROM articles WHERE id = ?", (aid,)).fetchone()[0] == 1
    s.close()


def test_sync_feeds_applies_config_settings(store: Store) -> None:
    from digest.config import FeedConfig

    store.sync_feeds([FeedConfig(url="https://a.example/feed", title="A", tags=("x",))])
    store.sync_feeds([FeedConfig(url="https://a.example/feed", title="A2", folder="News")])
    (feed,) = store.feeds()
    assert (feed.title, feed.folder, feed.tags) == ("A2", "News", ())


def test_unwritable_location_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError):
        Store(blocker / "sub" / "s.sqlite3")


def test_summaries_and_settings_round_trip(store: Store) -> None:
    from digest.models import ArticleSummary

    summary = ArticleSummary("digest", ((0, "First."), (4, "Fifth.")), 2.5, "english")
    assert store.summary("k1") is None
    assert store.put_summaries([("k1", summary)]) == 1
    assert store.summary("k1") == summary
    assert store.summary_keys(["k1", "k2"]) == {"k1"}
    assert store.setting("theme", "textual-dark") == "textual-dark"
    store.set_setting("theme", "nord")
    store.set_setting("theme", "gruvbox")
    assert store.setting("theme") == "gruvbox"


def test_migrates_a_version_1_store(tmp_path: Path) -> None:
    from digest.store import MIGRATIONS, _statements

    path = tmp_path / "v1.sqlite3"
    db = sqlite3.connect(path)
    for statement in _statements(MIGRATIONS[0]):
        db.execute(statement)
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO feeds (url, added) VALUES ('https://a.example/f', '2026-01-01T00:00:00Z')"
    )
    db.commit()
    db.close()
    with Store(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert [f.url for f in s.feeds()] == ["https://a.example/f"]
        s.set_setting("x", "y")
