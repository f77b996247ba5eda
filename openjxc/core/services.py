"""Settings and document numbering."""

import datetime as dt

from django.db import connection

from .errors import DomainError
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


# Company policies chosen on the settings page: key -> allowed values, the first is the default.
POLICIES = {
    "credit_limit_policy": ("warn", "block"),  # a sales order over the customer's credit limit
    "oversell": ("warn", "block"),  # a sales order beyond the available stock
    "reserved_stock_policy": ("block", "warn"),  # a delivery without an order taking reserved stock
}


def policy(key: str) -> str:
    """The policy's value, or its default when unset or unknown."""
    value = get_setting(key)
    return value if value in POLICIES[key] else POLICIES[key][0]


def policy_value(key: str, value) -> str:
    """A policy value as given by a client or form, checked against its choices."""
    value = str(value).strip()
    if value not in POLICIES[key]:
        raise DomainError("invalid", f"{key} is {' or '.join(POLICIES[key])}", {"field": key})
    return value
