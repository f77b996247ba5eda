"""Drafts of opening balances (期初): what differs from other documents' bodies.

Every opening document is dated at the go-live date (setting start_date): the opening balances
are the books' state on that day, and a later date would put them inside trading. An opening
receivable or payable (`{"partner", "amount", "date"?, "due_date"?}`) stands for an invoice
issued before go-live: its `date` is that invoice's own date (kept as `origin_date`, on or before
go-live; aging counts from it), its due date is given or follows from the partner's payment
terms. Opening account balances are set through posting/opening_balances.py, not as drafts."""

import datetime as dt

from openjxc.core.errors import DomainError
from openjxc.core.numbers import parse_decimal, to_fen
from openjxc.core.services import start_date

from .rules import parse_date


def go_live() -> dt.date:
    day = start_date()
    if day is None:
        raise DomainError("invalid", "the books have no go-live date (jxc init sets it)")
    return day


def opening_date(t, data: dict) -> dt.date:
    """The date of an opening document: the go-live date; a `date` given for opening stock must
    be that date (for a receivable or payable `date` is the open item's own date)."""
    day = go_live()
    given = data.get("date")
    if t.opening in ("receivable", "payable") or given in (None, ""):
        return day
    if parse_date(given) != day:
        raise DomainError(
            "invalid",
            f"opening balances are dated at the go-live date {day}",
            {"field": "date", "start_date": str(day)},
        )
    return day


def resolve_open_item(t, data: dict, out: dict) -> dict:
    """An opening receivable or payable: amount, the open item's own date and its due date."""
    if t.manual_lines:
        raise DomainError(
            "invalid", f"a {t.code} is written with /api/v1/vouchers", {"field": "type"}
        )
    if t.opening == "accounts":
        raise DomainError(
            "invalid",
            "opening account balances are set with PUT /api/v1/opening/accounts",
            {"field": "type"},
        )
    if data.get("lines"):
        raise DomainError(
            "invalid", f"a {t.code} has no lines: give partner and amount", {"field": "lines"}
        )
    amount = to_fen(parse_decimal(data.get("amount"), "amount", 2))
    if amount <= 0:
        raise DomainError(
            "invalid", "amount must be positive", {"field": "amount"}, kind="positive"
        )
    day = out["date"]
    origin = parse_date(data["date"]) if data.get("date") else day
    if origin > day:
        raise DomainError(
            "invalid",
            f"date {origin} is after the go-live date {day}: an opening balance is owed on it",
            {"field": "date", "start_date": str(day)},
        )
    if data.get("due_date"):
        due = parse_date(data["due_date"], "due_date")
    else:
        due = origin + dt.timedelta(days=out["partner"].payment_terms_days or 0)
    if due < origin:
        raise DomainError(
            "invalid", f"due_date {due} is before the date {origin}", {"field": "due_date"}
        )
    return {**out, "amount": amount, "origin_date": origin, "due_date": due, "lines": []}
