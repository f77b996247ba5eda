"""Reads of the audit log: entries newest first with the filters of the API and the audit page."""

import datetime as dt

from django.utils import timezone

from .models import AuditEntry


def entries(
    *,
    user: str | None = None,
    action: str | None = None,
    object: str | None = None,
    object_contains: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
):
    """Audit entries, newest first: of a user, an action, an object (exactly, or containing a
    text), recorded on or after date_from and on or before date_to (local days)."""
    qs = AuditEntry.objects.order_by("-id")
    if user:
        qs = qs.filter(user=user)
    if action:
        qs = qs.filter(action=action)
    if object:
        qs = qs.filter(object=object)
    if object_contains:
        qs = qs.filter(object__icontains=object_contains)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=tz))
    if date_to:
        next_day = date_to + dt.timedelta(days=1)
        qs = qs.filter(at__lt=dt.datetime.combine(next_day, dt.time.min, tzinfo=tz))
    return qs


def users() -> list[str]:
    """Every user name the log records, in order."""
    return list(AuditEntry.objects.order_by("user").values_list("user", flat=True).distinct())


def actions() -> list[str]:
    """Every action the log records, in order."""
    return list(AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct())
