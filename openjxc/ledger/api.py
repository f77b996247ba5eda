from ninja import Query, Router

from openjxc.core.api import page
from openjxc.core.errors import not_found
from openjxc.documents.rules import query_date
from openjxc.partners.models import Partner
from openjxc.users.services import VIEW_COST, require

from . import selectors
from .models import Account

router = Router(tags=["accounting"])


@router.get("/accounts", response=dict)
def accounts(request, limit: int = 1000, offset: int = 0):
    rows = [{"code": a.code, "name": a.name, "category": a.category, "direction": a.direction}
            for a in Account.objects.order_by("code")]
    return page(rows, limit, offset)


@router.get("/journal", response=dict)
def journal(request, date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD"),
            date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD"),
            limit: int = 1000, offset: int = 0):
    """Vouchers with their lines (they show cost of goods: needs view_cost)."""
    require(request.user, VIEW_COST)
    return page(selectors.journal(query_date(date_from, "from"), query_date(date_to, "to")), limit, offset)


@router.get("/reports/trial-balance", response=dict)
def trial_balance(request, period: str | None = None,
                  date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD"),
                  date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD")):
    """Rows per account for ?period=YYYY-MM (or ?from=&to=); totals balance."""
    require(request.user, VIEW_COST)
    return selectors.trial_balance(period, query_date(date_from, "from"), query_date(date_to, "to"))


def _partner_ids(code: str) -> list[int]:
    ids = list(Partner.objects.filter(code=code).values_list("id", flat=True))
    if not ids:
        raise not_found("partner", code)
    return ids


@router.get("/partners/{code}/balance", response=dict, tags=["accounting"])
def balance(request, code: str):
    """Open receivable and payable of the customer and/or supplier with this code."""
    return {"partner": code, **selectors.partner_balance(_partner_ids(code))}


@router.get("/partners/{code}/open-items", response=dict, tags=["accounting"])
def open_items(request, code: str, limit: int = 1000, offset: int = 0):
    return page(selectors.open_items(_partner_ids(code)), limit, offset)
