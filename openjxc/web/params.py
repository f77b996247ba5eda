"""Request parameters of the pages, parsed in one place: dates and date ranges (a bad one is the
registered invalid_date / invalid error, which a page shows as its message), Excel requests, and
the warehouse among those a user may use."""

import datetime as dt

from django.utils import timezone

from openjxc.catalog.categories import category_choices, subtree_ids
from openjxc.core.errors import DomainError
from openjxc.documents.rules import parse_date
from openjxc.inventory.models import Warehouse
from openjxc.inventory.selectors import find_warehouse, user_warehouses
from openjxc.users.services import allowed_warehouse_ids, require_warehouses


def today() -> dt.date:
    return timezone.localdate()


def this_month() -> tuple[dt.date, dt.date]:
    """The default range of a report: this month up to today."""
    day = today()
    return day.replace(day=1), day


def date_param(request, name: str, default: dt.date) -> dt.date:
    """?name= as a date (default when empty); DomainError invalid_date / invalid otherwise."""
    return parse_date(request.GET.get(name) or default, name)


def optional_date_param(request, name: str) -> dt.date | None:
    """?name= as a date, None when empty; DomainError invalid_date / invalid otherwise."""
    value = (request.GET.get(name) or "").strip()
    return parse_date(value, name) if value else None


def period_param(request) -> tuple[dt.date, dt.date]:
    """?from=&to= (default: this month up to today); DomainError on a bad date or a range whose
    end lies before its start."""
    first, last = this_month()
    date_from = date_param(request, "from", first)
    date_to = date_param(request, "to", last)
    if date_to < date_from:
        raise DomainError(
            "invalid_range",
            "to must not be before from",
            {"field": "to", "from": str(date_from), "to": str(date_to)},
        )
    return date_from, date_to


def wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"


def warehouse_choice(
    request, one_when_restricted: bool
) -> tuple[list[Warehouse], bool, Warehouse | None]:
    """(the warehouses the user may see, whether they are restricted to some, the one ?warehouse=
    chose among them). A code that is not among them chooses none; a restricted user then gets
    the first of theirs when the page needs a single warehouse — a report never reads a
    warehouse the user may not see."""
    choices = user_warehouses(request.user)
    restricted = allowed_warehouse_ids(request.user) is not None
    code = request.GET.get("warehouse") or ""
    chosen = next((w for w in choices if w.code == code), None)
    if chosen is None and restricted and one_when_restricted and choices:
        chosen = choices[0]
    return choices, restricted, chosen


def warehouse_param(request, name: str = "warehouse") -> Warehouse | None:
    """The warehouse ?name= names (None when empty or unknown); DomainError forbidden when the user
    may not use it."""
    wh = find_warehouse(request.GET.get(name))
    if wh is not None:
        require_warehouses(request.user, wh)
    return wh


def category_choice(request) -> tuple[list[dict], str]:
    """(every category for the report's select, in tree order, the inactive ones too: history
    keeps them; the code ?category= chose, "" for all)."""
    return category_choices(active_only=False), (request.GET.get("category") or "").strip()


def category_ids(code: str) -> list[int] | None:
    """The ids of the category and its subtree (None: no filter); DomainError unknown_category
    for a code that does not exist, which a report shows as its message."""
    return subtree_ids(code)
