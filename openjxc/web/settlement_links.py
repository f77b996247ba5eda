"""Links from the settlement pages to documents and the stock ledger, and a refusal
read back from a preview."""

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from openjxc.core.errors import DomainError
from openjxc.ledger.models import Period


def _url(name: str, fallback: str | None = None, **kwargs) -> str | None:
    """The URL of a page that may not exist yet (another area's), else the fallback."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return fallback


def doc_url(number: str) -> str:
    return _url("doc_detail", "/documents/", number=number)


def stock_ledger_url(
    item: str | None, warehouse: str | None, period: Period | None = None
) -> str | None:
    """库存台账 of one item (and warehouse), over the period when one is given."""
    base = _url("stock_ledger")
    if base is None or not item:
        return None
    query = {"item": item, "warehouse": warehouse or ""}
    if period is not None:
        query.update({"from": period.start.isoformat(), "to": period.end.isoformat()})
    return f"{base}?{urlencode(query)}"


def _blocked_error(blocked: dict | None) -> DomainError | None:
    if not blocked:
        return None
    return DomainError(blocked["code"], blocked["message"], blocked.get("details") or {})
