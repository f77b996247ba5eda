"""Keep every API answer in the error format of API.md, also the ones Django or ninja make
before our handlers run (wrong method, 404 of a route that exists for other methods), and
refuse what no endpoint may receive (an oversized body, text a database cannot store) before
ninja parses it, so that no handler ever sees it."""

import json
import re

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import JsonResponse
from django.utils import translation

from .error_codes import describe, status_of

CODES = {404: "not_found", 405: "method_not_allowed"}  # registered in error_codes.py
# NUL is refused by PostgreSQL and would be stored by SQLite; a lone UTF-16 surrogate cannot be
# encoded as UTF-8 at all. Refusing both here keeps the two databases alike.
BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


def _error(code: str, details: dict | None = None) -> JsonResponse:
    """The error body with the registered sentence of code in the active language."""
    message = describe(code, details)
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return JsonResponse(body, status=status_of(code))


def bad_text_path(data, path: str = "") -> str | None:
    """The dotted path of the first key or string value holding NUL or a lone surrogate."""
    if isinstance(data, str):
        return path if BAD_TEXT.search(data) else None
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return None
    for key, value in items:
        here = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and BAD_TEXT.search(key):
            return here
        found = bad_text_path(value, here)
        if found is not None:
            return found
    return None


class ApiRequestGuard:
    """Refuse an API body over DATA_UPLOAD_MAX_MEMORY_SIZE (413 too_large) and JSON text with
    NUL or a lone surrogate in any key or value (422 invalid_text); pass the rest on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            # before LocaleMiddleware: the refusal is said in the language the client asks for
            with translation.override(translation.get_language_from_request(request)):
                refused = self._refusal(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    @staticmethod
    def _refusal(request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None  # a malformed Content-Length: Django and ninja answer it as before
        if length > limit:
            return _error("too_large", {"limit": limit})
        body = request.body
        if not body:
            return None
        try:
            data = json.loads(body)
        except ValueError:
            return None  # not JSON: ninja answers 422 invalid
        field = bad_text_path(data)
        if field is None:
            return None
        return _error("invalid_text", {"field": field})


class ApiErrorFormat:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code in CODES
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return _error(CODES[response.status_code], {"allowed": response.get("Allow", "")})
        return response


class ContentSecurityPolicy(CSPMiddleware):
    """django-csp builds the policy text anew for every response (a fifth of the middleware's
    time on an API call). An API answer in JSON carries no nonce, so its policy is always the same
    text: it is built once and then copied. Pages (and the API's HTML docs page) go through
    django-csp as before."""

    def __init__(self, get_response):
        super().__init__(get_response)
        self._json_policy: tuple = (None, None)  # (the settings it was built from, the headers)

    def process_response(self, request, response):
        if (
            not request.path.startswith("/api/")
            or not response.get("Content-Type", "").startswith("application/json")
            or getattr(request, "_csp_nonce", None) is not None
            or any(name.startswith("_csp") for name in vars(response))  # csp decorators
            or (settings.DEBUG and response.status_code in (404, 500))  # django-csp skips these
        ):
            return super().process_response(request, response)
        source = (
            getattr(settings, "CONTENT_SECURITY_POLICY", None),
            getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None),
        )
        if any((policy or {}).get("EXCLUDE_URL_PREFIXES") for policy in source):
            return super().process_response(request, response)  # the policy depends on the path
        built_from, headers = self._json_policy
        if built_from is None or any(a is not b for a, b in zip(built_from, source, strict=True)):
            answer = super().process_response(request, JsonResponse({}))
            headers = {k: v for k, v in answer.items() if k.startswith("Content-Security-Policy")}
            self._json_policy = source, headers
        for name, value in headers.items():
            if name not in response:
                response[name] = value
        return response
