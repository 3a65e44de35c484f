"""Dates for people: relative times ("3 hours ago") and parsing of ``--since``/``--date`` values.

Pure functions: the caller passes ``now``; nothing here reads the clock.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from digest.errors import DigestError

_SPAN = re.compile(r"^\s*(\d+)\s*(m|min|h|d|w)\s*$", re.IGNORECASE)
_UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def relative_time(when: datetime | None, now: datetime) -> str:
    """'just now', '5 min ago', '3 hours ago', 'yesterday', '4 days ago', or a date."""
    if when is None:
        return "undated"
    seconds = (now - when).total_seconds()
    if seconds < -60:
        return when.astimezone(UTC).strftime("%Y-%m-%d")
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        hours = int(seconds // 3600)
        return f"{hours} hour{'s' if hours != 1 else ''} ago"
    days = int(seconds // 86400)
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"{days} days ago"
    return when.astimezone(UTC).strftime("%Y-%m-%d")


def parse_since(value: str, now: datetime) -> datetime:
    """A ``--since`` value: a span back from now (``90m``, ``24h``, ``7d``, ``2w``) or a date.

    Raises:
        DigestError: the value is neither.
    """
    match = _SPAN.match(value)
    if match:
        return now - timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2).lower()])
    return parse_date(value)


def parse_date(value: str) -> datetime:
    """``YYYY-MM-DD`` (midnight UTC) or an ISO 8601 timestamp, as an aware UTC datetime."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise DigestError(
            f"{value!r} is not a date: use YYYY-MM-DD, or a span like 24h, 7d, 90m"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
