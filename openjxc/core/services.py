"""Settings and document numbering."""

import datetime as dt

from django.db import connection

from .models import Setting


def get_setting(key: str, default: str | None = None) -> str | None:
    with connection.cursor() as cur:  # raw: read on every posting
        cur.execute("SELECT value FROM core_setting WHERE key = %s", [key])
        row = cur.fetchone()
    return default if row is None else row[0]


def set_setting(key: str, value: str) -> None:
    Setting.objects.update_or_create(key=key, defaults={"value": value})


def start_date() -> dt.date | None:
    """The go-live date (raw SQL: read inside every posting)."""
    with connection.cursor() as cur:
        cur.execute("SELECT value FROM core_setting WHERE key = %s", ["start_date"])
        row = cur.fetchone()
    return dt.date.fromisoformat(row[0]) if row else None


def next_number(prefix: str, day: dt.date) -> str:
    """Allocate the next daily serial inside the caller's transaction (row-locked upsert)."""
    key = day.strftime("%Y%m%d")
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO core_numbercounter (prefix, day, last) VALUES (%s, %s, 1) "
            "ON CONFLICT (prefix, day) DO UPDATE SET last = core_numbercounter.last + 1 "
            "RETURNING last",
            [prefix, key],
        )
        serial = cur.fetchone()[0]
    return f"{prefix}{key}{serial:04d}"
