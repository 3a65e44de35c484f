"""Opening the store when its file may be damaged: detect, keep a copy, start afresh, say so.

:func:`open_store_safely` opens the store in a data dir. When the file is not a database or fails
``PRAGMA quick_check``, it is moved aside (with its write-ahead log and shared-memory files, so the
copy still opens with everything that was committed) to ``digest.sqlite3.corrupt-<UTC time>``,
a new empty store is created in its place, and a one-line notice for the user is returned. A
store that is only busy, read-only, unreachable or from a newer Digest is never treated as
damaged: those errors propagate unchanged. Nothing is ever overwritten or deleted: a name that is
taken gets a numbered suffix. This module touches only the data dir; it never fetches or parses.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from digest.errors import StoreError
from digest.store import DB_NAME, Store

__all__ = ["CORRUPT_SUFFIX", "open_store_safely"]

CORRUPT_SUFFIX = ".corrupt-"
SIDECARS = ("-wal", "-shm", "-journal")
"""SQLite's companion files of a database, moved with it (they hold committed data)."""
_DAMAGE = frozenset({"SQLITE_NOTADB", "SQLITE_CORRUPT"})


class _Damaged(Exception):
    """The store's file is damaged; the message says how (one line)."""


def open_store_safely(
    home: Path, *, check: bool = True, now: datetime | None = None
) -> tuple[Store, str | None]:
    """The store in ``home``, and a notice for the user if a damaged one had to be replaced.

    Args:
        home: the data dir.
        check: run ``PRAGMA quick_check`` on an existing store (about 50 ms per 50 MB); without
            it only a file that cannot be opened at all counts as damaged.
        now: the time stamped on the damaged copy's name; defaults to the clock.

    Raises:
        StoreError: the store cannot be opened for a reason other than damage (busy, read-only,
            unreachable, newer schema), or the damaged file cannot be moved aside.
    """
    path = home / DB_NAME
    existed = path.exists()
    companions = [s for s in SIDECARS if path.with_name(path.name + s).exists()]
    reason = _quick_check(path) if existed and check else None
    if reason is None:
        try:
            return Store(path), None
        except StoreError as exc:
            reason = _damage(exc.__cause__)
            if reason is None or not existed:
                raise
    backup = _move_aside(path, companions, now or datetime.now(UTC))
    for sidecar in SIDECARS:
        if sidecar not in companions:  # made by the read-only check just now: not the user's
            path.with_name(path.name + sidecar).unlink(missing_ok=True)
    store = Store(path)
    notice = (
        f"The store {path} was damaged ({reason}): it was kept as {backup.name} and a new, "
        "empty store was started; run `digest refresh` to fetch your config's feeds again "
        "(or `digest import-opml` to restore others)."
    )
    return store, notice


def _damage(error: BaseException | None) -> str | None:
    """How a database error shows damage (one line), or None when it is another kind of error."""
    if not isinstance(error, sqlite3.DatabaseError):
        return None
    name = getattr(error, "sqlite_errorname", "")
    text = " ".join(str(error).split())
    if name in _DAMAGE or text in ("file is not a database", "database disk image is malformed"):
        return text or "damaged"
    return None


def _quick_check(path: Path) -> str | None:
    """How ``PRAGMA quick_check`` finds the file damaged, or None (also when it cannot tell:
    a store that is busy or unreadable is left to :class:`Store` to report)."""
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
    except sqlite3.Error:
        return None
    try:
        rows = db.execute("PRAGMA quick_check(5)").fetchall()
    except sqlite3.DatabaseError as exc:
        return _damage(exc)
    finally:
        db.close()
    problems = [" ".join(str(row[0]).split()) for row in rows]
    if problems == ["ok"]:
        return None
    more = f" and {len(problems) - 1} more problems" if len(problems) > 1 else ""
    return f"quick_check: {problems[0][:120]}{more}"


def _move_aside(path: Path, companions: list[str], now: datetime) -> Path:
    """Move the database and its ``companions`` (suffixes of :data:`SIDECARS`) to a free
    ``.corrupt-<time>`` name."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    for number in range(1000):
        suffix = f"{CORRUPT_SUFFIX}{stamp}" + (f"-{number}" if number else "")
        backup = path.with_name(path.name + suffix)
        taken = [backup, *(backup.with_name(backup.name + s) for s in SIDECARS)]
        if any(p.exists() or p.is_symlink() for p in taken):
            continue
        try:
            _move_without_overwriting(path, backup)
        except FileExistsError:
            continue
        for sidecar in companions:
            companion = path.with_name(path.name + sidecar)
            if companion.exists():
                _move_without_overwriting(companion, backup.with_name(backup.name + sidecar))
        return backup
    raise StoreError(f"cannot keep a copy of the damaged store {path}: too many copies already")


def _move_without_overwriting(source: Path, target: Path) -> None:
    """Rename ``source`` to ``target``, failing with FileExistsError if ``target`` exists."""
    try:
        os.link(source, target)  # fails if target exists: no window in which it is overwritten
    except FileExistsError:
        raise
    except OSError as exc:
        if target.exists():
            raise FileExistsError(str(target)) from exc
        try:
            source.rename(target)  # a file system without hard links
        except OSError as again:
            raise StoreError(
                f"cannot keep a copy of the damaged store {source} ({again.strerror or again})"
            ) from again
        return
    try:
        source.unlink()
    except OSError as exc:
        raise StoreError(
            f"cannot move the damaged store {source} aside ({exc.strerror or exc})"
        ) from exc
