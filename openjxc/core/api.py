"""The NinjaAPI instance, bearer auth and the error format of API.md."""

import json

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from .errors import DomainError


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        from openjxc.users.services import user_for_token

        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="OpenJXC API",
    version="1",
    description="进销存 with double-entry accounting. Decimals are strings; errors are "
    '{"error": {"code", "message", "details"}}.',
    auth=BearerToken(),
    urls_namespace="api",
)


def error(request, status: int, code: str, message: str, details=None):
    return api.create_response(
        request, {"error": {"code": code, "message": message, "details": details or {}}}, status=status
    )


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return error(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    problems = []
    for e in exc.errors:
        loc = [str(x) for x in e.get("loc", []) if x not in ("body", "payload", "query", "path")]
        problems.append({"field": ".".join(loc), "message": e.get("msg", "invalid")})
    message = "; ".join(f"{p['field']}: {p['message']}" for p in problems) or "invalid input"
    return error(request, 422, "invalid", message, {"problems": problems})


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return error(request, 401, "unauthorized", "authentication required: send Authorization: Bearer <token>")


@api.exception_handler(Http404)
def not_found_error(request, exc):
    return error(request, 404, "not_found", "not found")


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    code = {400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
    return error(request, exc.status_code, code.get(exc.status_code, "error"), str(exc))


@api.exception_handler(json.JSONDecodeError)
def json_error(request, exc):
    return error(request, 422, "invalid", "the body is not valid JSON")


def page(request_items, limit: int, offset: int) -> dict:
    """The list envelope of API.md: {"items": [...], "count": N} with limit/offset."""
    items = list(request_items)
    limit = max(0, min(limit, 10_000))
    return {"items": items[max(offset, 0) : max(offset, 0) + limit], "count": len(items)}


def page_qs(qs, serialize, limit: int, offset: int) -> dict:
    limit = max(0, min(limit, 10_000))
    offset = max(offset, 0)
    return {"items": [serialize(x) for x in qs[offset : offset + limit]], "count": qs.count()}
