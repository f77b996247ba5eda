"""Form posts of the pages: text a database cannot store is refused before any view runs, as
the API does (core.middleware.ApiRequestGuard), so that SQLite and PostgreSQL behave alike."""

from django.shortcuts import render

from openjxc.core.errors import DomainError
from openjxc.core.middleware import BAD_TEXT

from .errors import error_message


class FormTextGuard:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and not request.path.startswith("/api/"):
            for key, values in request.POST.lists():
                if BAD_TEXT.search(key) or any(BAD_TEXT.search(v) for v in values):
                    exc = DomainError(
                        "invalid_text", f"{key} contains a NUL character", {"field": key}
                    )
                    return render(
                        request,
                        "web/invalid_text.html",
                        {"error": error_message(exc)},
                        status=exc.status,
                    )
        return self.get_response(request)
