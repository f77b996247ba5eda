"""Accounting periods (会计期间): generated from the go-live date by the settlement cycle.

Monthly periods are named "2026-11", weekly "2026-W47", daily "2026-11-25". The first period
starts on the go-live date even when that is not the first day of a month or week."""

import datetime as dt

from django.utils import timezone

from openjxc.core.errors import DomainError
from openjxc.core.services import get_setting, set_setting, start_date

from .models import Period

CYCLES = ("monthly", "weekly", "daily")


def cycle() -> str:
    return get_setting("settlement_cycle", "monthly") or "monthly"


def _natural_bounds(day: dt.date, kind: str) -> tuple[str, dt.date, dt.date]:
    if kind == "daily":
        return day.isoformat(), day, day
    if kind == "weekly":
        start = day - dt.timedelta(days=day.weekday())
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}", start, start + dt.timedelta(days=6)
    start = day.replace(day=1)
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return f"{day.year:04d}-{day.month:02d}", start, end


def bounds_of(day: dt.date) -> tuple[str, dt.date, dt.date]:
    """Name, start and end of the period holding `day` (the first one starts at go-live)."""
    name, start, end = _natural_bounds(day, cycle())
    go_live = start_date()
    if go_live and start < go_live <= end:
        start = go_live
    return name, start, end


def ensure_periods(through: dt.date | None = None) -> None:
    """Create the period rows from go-live up to the period holding `through` (default today)."""
    go_live = start_date()
    if go_live is None:
        return
    through = max(through or timezone.localdate(), go_live)
    last = Period.objects.order_by("-start").first()
    day = (last.end + dt.timedelta(days=1)) if last else go_live
    new = []
    while day <= through:
        name, start, end = bounds_of(day)
        new.append(Period(name=name, start=max(start, day), end=end))
        day = end + dt.timedelta(days=1)
    if new:
        Period.objects.bulk_create(new, ignore_conflicts=True)


def default_date() -> dt.date:
    """Where new work is dated (a new document, a red-letter reversal): today, or the first open
    period's first day when today lies in a closed period."""
    ensure_periods()
    first_open = Period.objects.filter(status=Period.OPEN).order_by("start").first()
    if first_open is None:
        last = Period.objects.order_by("-end").first()
        if last is not None:  # books closed up to and beyond today: the next period opens
            ensure_periods(last.end + dt.timedelta(days=1))
            first_open = Period.objects.filter(status=Period.OPEN).order_by("start").first()
    today = timezone.localdate()
    return max(first_open.start, today) if first_open else today


def get_period(name: str) -> Period:
    ensure_periods()
    period = Period.objects.filter(name=name).first()
    if period is None:
        # A period after today (up to a year ahead) is created on demand when asked for by name.
        try:
            if cycle() == "monthly":
                year, month = (int(x) for x in name.split("-"))
                day = dt.date(year, month, 1)
            else:
                day = dt.date.fromisoformat(name) if cycle() == "daily" else None
        except (ValueError, TypeError):
            day = None
        if day and day <= timezone.localdate() + dt.timedelta(days=366):
            ensure_periods(day)
        period = Period.objects.filter(name=name).first()
    if period is None:
        raise DomainError("not_found", f"no period named {name!r}", {"period": name})
    return period


def all_periods() -> list[Period]:
    """Every period, oldest first (ensure_periods first to include the current one)."""
    return list(Period.objects.order_by("start"))


def find_period(name: str) -> Period | None:
    """The period of this name if it exists (never created, unlike get_period)."""
    return Period.objects.filter(name=name).first()


def period_bounds(names) -> dict[str, tuple[dt.date, dt.date]]:
    """name -> (start, end) of the named periods that exist."""
    rows = Period.objects.filter(name__in=set(names)).values_list("name", "start", "end")
    return {name: (start, end) for name, start, end in rows}


def set_cycle(value: str) -> None:
    if value not in CYCLES:
        raise DomainError(
            "invalid", f"cycle must be one of {', '.join(CYCLES)}", {"field": "cycle"}
        )
    if Period.objects.filter(status=Period.CLOSED).exists():
        raise DomainError(
            "wrong_status",
            "the settlement cycle cannot change after the first close",
            {"setting": "settlement_cycle"},
        )
    set_setting("settlement_cycle", value)
    Period.objects.all().delete()
    ensure_periods()


def period_dict(p: Period) -> dict:
    return {
        "name": p.name,
        "start": p.start.isoformat(),
        "end": p.end.isoformat(),
        "status": p.status,
        "closed_at": p.closed_at.isoformat() if p.closed_at else None,
    }
