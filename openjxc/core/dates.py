"""Dates in client input: YYYY-MM-DD only, between 1900 and 2999 (beyond them, a typing error)."""

import datetime as dt
import re

from .errors import DomainError

EARLIEST, LATEST = (
    dt.date(1900, 1, 1),
    dt.date(2999, 12, 31),
)  # beyond these a date is a typing error


# Only YYYY-MM-DD: date.fromisoformat alone also reads "20261129" and "2026-W48-7".
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def parse_date(value, field: str = "date") -> dt.date:
    if value is None or value == "":
        raise DomainError("invalid", f"{field} is required", {"field": field}, kind="required")
    if not isinstance(value, dt.date):
        text = value.strip() if isinstance(value, str) else ""
        try:
            if not ISO_DATE.match(text):
                raise ValueError(text)
            value = dt.date.fromisoformat(text)
        except ValueError:
            raise DomainError(
                "invalid_date",
                f"{field} must be a date like 2026-11-25",
                {"field": field, "value": str(value)[:50]},
            ) from None
    if not EARLIEST <= value <= LATEST:
        raise DomainError(
            "invalid", f"{field} must lie between {EARLIEST} and {LATEST}", {"field": field}
        )
    return value
