"""The NinjaAPI instance, bearer auth and the error format of API.md."""

import json
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import DataError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import codes_4xx
from ninja.security import HttpBearer
from pydantic import (
    BaseModel,
    ConfigDict,
    StrictFloat,
    StrictInt,
    StrictStr,
    create_model,
    model_serializer,
)

from .error_codes import describe, field_label, status_of
from .errors import DomainError

# A decimal in a request body: a string or a JSON number, never a boolean (pydantic would
# otherwise turn true into 1); the services parse and range-check it.
Num = StrictStr | StrictInt | StrictFloat | Decimal


class Input(Schema):
    """A request body: a field the endpoint does not know answers 422 unknown_field instead of
    being silently dropped (a typo such as "categroy" must not vanish)."""

    model_config = ConfigDict(extra="forbid")


class ReasonIn(Input):
    """The body of an action that needs only a reason (cancel, close, reopen)."""

    reason: str | None = None


class Output(BaseModel):
    """A response body. The declared fields document it in the OpenAPI document; fields a
    service adds pass through, and a declared field the service did not give is not invented
    (so declaring a schema never changes a response). Cost-class fields are declared nullable:
    the renderer masks them after validation. A plain pydantic model, not ninja's Schema: that
    one reads its input as attributes, which loses the fields it does not declare."""

    model_config = ConfigDict(extra="allow")

    @model_serializer(mode="wrap")
    def _as_given(self, handler):
        data = handler(self)
        given = self.model_fields_set | set(self.model_extra or ())
        return {k: v for k, v in data.items() if k in given}


class ErrorBody(Schema):
    code: str
    message: str
    details: dict[str, Any]


class ErrorOut(Schema):
    """The error format of API.md, for every 4xx answer."""

    error: ErrorBody


def typed(schema, status: int = 200) -> dict:
    """The `response=` of an endpoint: its body schema, and the error body for 4xx."""
    return {status: schema, codes_4xx: ErrorOut}


def page_of(schema) -> type[Output]:
    """The list envelope {"items": [...], "count": N} of schema, as its own named schema."""
    return create_model(
        f"{schema.__name__}Page", __base__=Output, items=(list[schema], ...), count=(int, ...)
    )


# Whose a bearer token is, and how a response is masked for its reader, are the users app's to
# say: it registers both when ready (users/apps.py), as core sits below it. Unregistered, a
# request fails rather than pass unauthenticated or unmasked.
AUTH: dict[str, Callable] = {}


def register_auth(*, user_for_token: Callable, mask_cost: Callable) -> None:
    AUTH.update(user_for_token=user_for_token, mask_cost=mask_cost)


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = AUTH["user_for_token"](token)
        if user is not None:
            request.user = user
        return user


class CostMaskingRenderer(JSONRenderer):
    """Every JSON response passes here: fields of the cost class are masked for a user without
    view_cost (users/masking.py), whatever endpoint produced them."""

    def render(self, request, data, *, response_status):
        return super().render(
            request,
            AUTH["mask_cost"](getattr(request, "user", None), data),
            response_status=response_status,
        )


class OpenJxcAPI(NinjaAPI):
    """The OpenAPI document is built once per process and kept: building it writes the JSON
    schema of every model (seconds of CPU), and nothing changes it after the URLs are loaded."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._schemas: dict = {}
        self._schema_lock = threading.Lock()

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        key = (path_prefix, tuple(sorted((path_params or {}).items())))
        with self._schema_lock:  # concurrent first requests wait for one build
            if key not in self._schemas:
                self._schemas[key] = super().get_openapi_schema(
                    path_prefix=path_prefix, path_params=path_params
                )
        return self._schemas[key]


api = OpenJxcAPI(
    title="OpenJXC API",
    version="1",
    description="进销存 with double-entry accounting. Decimals are strings; errors are "
    '{"error": {"code", "message", "details"}}.',
    auth=BearerToken(),
    urls_namespace="api",
    renderer=CostMaskingRenderer(),
)


def error(request, code: str, message: str, details=None, *, status: int | None = None):
    """The error body of API.md; the status is the registered one of code. `message` is in the
    request's language (LocaleMiddleware: Chinese unless the client sends Accept-Language: en)."""
    return api.create_response(
        request,
        {"error": {"code": code, "message": message, "details": details or {}}},
        status=status or status_of(code),
    )


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return error(request, exc.code, exc.sentence(), exc.details)


def _field_path(loc) -> str:
    """("lines", 0, "discount") → "lines[0].discount", the way services name fields."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part not in ("body", "payload", "query", "path"):
            path += f".{part}" if path else str(part)
    return path


def _named_field(loc) -> str:
    """The field a schema error is about, without the union branch pydantic appends
    ("lines[0].qty.str" → "lines[0].qty"), so that its sentence can name it."""
    path = _field_path(loc)
    while "." in path and field_label(path) == path:
        path = path.rsplit(".", 1)[0]
    return path


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    unknown = [
        _field_path(e.get("loc", ())) for e in exc.errors if e.get("type") == "extra_forbidden"
    ]
    if unknown:
        return error(
            request,
            "unknown_field",
            describe("unknown_field", {"field": ", ".join(unknown)}),
            {"field": unknown[0], "fields": unknown},
        )
    problems, sentences = [], []
    for e in exc.errors:
        loc = [str(x) for x in e.get("loc", []) if x not in ("body", "payload", "query", "path")]
        problems.append({"field": ".".join(loc), "message": e.get("msg", "invalid")})
        sentences.append(describe("invalid", {"field": _named_field(e.get("loc", ()))}))
    message = " ".join(dict.fromkeys(sentences)) or describe("invalid", {})
    return error(request, "invalid", message, {"problems": problems})


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return error(
        request, "unauthorized", _("authentication required: send Authorization: Bearer <token>")
    )


@api.exception_handler(Http404)
def not_found_error(request, exc):
    return error(request, "not_found", describe("not_found", {}))


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    # A body that cannot be parsed (malformed JSON) is invalid input: 422, like every other.
    status = 422 if exc.status_code == 400 else exc.status_code
    code = {
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        422: "invalid",
    }
    return error(
        request, code.get(status, "error"), describe(code.get(status, "error"), {}), status=status
    )


@api.exception_handler(DataError)
def data_error(request, exc: DataError):
    """The database refused a value (a NUL character on PostgreSQL, a number out of range): the
    input is invalid. The service's transaction has rolled back, so nothing changed."""
    return error(request, "invalid", _("the input contains a value the database cannot store"))


@api.exception_handler(json.JSONDecodeError)
def json_error(request, exc):
    return error(request, "invalid", _("the body is not valid JSON"))


MAX_LIMIT = 10_000
MAX_OFFSET = 2**62  # beyond any row count; keeps OFFSET inside a 64-bit SQL integer


def _window(limit: int, offset: int) -> tuple[int, int]:
    return max(0, min(limit, MAX_LIMIT)), max(0, min(offset, MAX_OFFSET))


def page(request_items, limit: int, offset: int) -> dict:
    """The list envelope of API.md: {"items": [...], "count": N} with limit/offset."""
    items = list(request_items)
    limit, offset = _window(limit, offset)
    return {"items": items[offset : offset + limit], "count": len(items)}


def page_qs(qs, serialize, limit: int, offset: int) -> dict:
    limit, offset = _window(limit, offset)
    return {"items": [serialize(x) for x in qs[offset : offset + limit]], "count": qs.count()}


@csrf_exempt  # the API authenticates by token: a POST here must meet the 404, not the CSRF page
def unknown_endpoint(request, rest=""):
    """Any other path under /api/v1/: the error format of API.md instead of Django's HTML page."""
    return JsonResponse(
        {
            "error": {
                "code": "not_found",
                "message": _("no such endpoint: %(path)s") % {"path": request.path},
                "details": {},
            }
        },
        status=404,
    )
