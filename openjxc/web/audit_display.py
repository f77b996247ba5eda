"""An audit entry's before/after as a reader sees it: "key: value" pairs, with the UTC
timestamps the services store shown in local time (settings.TIME_ZONE)."""

import datetime as dt
import json
import re

from django.utils import timezone

# An aware ISO timestamp as datetime.isoformat() writes it (…T…+00:00 or …Z).
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)")


def local_time(text: str) -> str:
    """A stored UTC timestamp in local time ("2026-11-30 18:05:00"); other text unchanged."""
    if not TIMESTAMP.fullmatch(text):
        return text
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def _plain(value):
    if isinstance(value, str):
        return local_time(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def readable(value) -> str:
    """before/after of an audit entry: "status: approved; approved_at: 2026-11-30 18:05:00"."""
    if value is None:
        return ""
    value = _plain(value)
    if not isinstance(value, dict):
        return (
            value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        )
    return "; ".join(
        f"{k}: {v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=str)}"
        for k, v in value.items()
    )
