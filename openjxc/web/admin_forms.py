"""What the administration pages share: the posted form, the inline error, paging."""

from django.core.paginator import Paginator

from openjxc.core.errors import DomainError

from .errors import error_message

PAGE_SIZE = 50

# ---------------------------------------------------------------- helpers


def _error(request, exc: DomainError) -> dict:
    return {"error": error_message(exc), "error_field": (exc.details or {}).get("field", "")}


def _form(request, keys) -> dict:
    return {k: request.POST.get(k, "").strip() for k in keys}


def _blank_to_none(data: dict, keys) -> dict:
    return {k: (None if k in keys and v == "" else v) for k, v in data.items()}


def _paged(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
