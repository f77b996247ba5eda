"""The read-only archive (停用系统): while the setting `archived` is present, every write request
— API and page POSTs alike — answers 409 `read_only_archive` before any view runs, so no service
can be forgotten. Reads, reports and exports (GET) go on. Logging in and out, choosing the
language and the way back (unarchive) stay open."""

import datetime as dt
import json

from django.shortcuts import render
from django.utils import timezone, translation

from .services import get_setting

ARCHIVED = "archived"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# writes that do not change the books: a session, a token, the language; and the way back
OPEN_PATHS = (
    "/login/",
    "/logout/",
    "/i18n/setlang/",
    "/api/v1/auth/token",
    "/api/v1/system/unarchive",
    "/system/unarchive/",
)


def archive_state() -> dict | None:
    """What archiving recorded (when, who, why, the export), or None when the books are live."""
    raw = get_setting(ARCHIVED)
    if not raw:
        return None
    try:
        state = json.loads(raw)
    except ValueError:
        return {"reason": raw}
    try:  # what a reader sees: local time (settings.TIME_ZONE), to the minute
        at = timezone.localtime(dt.datetime.fromisoformat(state["at"]))
        state["at_local"] = at.strftime("%Y-%m-%d %H:%M")
    except (KeyError, TypeError, ValueError):
        state["at_local"] = state.get("at", "")
    return state


class ReadOnlyArchive:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method not in SAFE_METHODS
            and request.path not in OPEN_PATHS
            and archive_state() is not None
        ):
            return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def refuse(request):
        from .middleware import _error

        if request.path.startswith("/api/"):
            with translation.override(translation.get_language_from_request(request)):
                return _error("read_only_archive")
        return render(request, "web/read_only.html", status=409)
