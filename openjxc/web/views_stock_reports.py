"""Stock pages (库存余额, 库存台账, 库存预警) and 进销存汇总表. Thin: parse the filters, call the
report selectors (the same ones the API uses), mask cost for users without view_cost, render or export."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openjxc.catalog.selectors import find_item, item_choices, with_units
from openjxc.core.errors import DomainError
from openjxc.documents.services import create_draft
from openjxc.documents.types import order_type, type_label
from openjxc.inventory.selectors import stock_report, warehouse_scope
from openjxc.partners.models import Partner
from openjxc.partners.selectors import search_partners
from openjxc.reports import dashboard, selectors
from openjxc.reports.category_totals import grouped_rows
from openjxc.reports.excel import period_text
from openjxc.users.masking import mask_cost, sees_cost
from openjxc.users.services import (
    PURCHASE,
    can,
)

from .decorators import forbidden, page
from .errors import error_message
from .params import (
    category_choice,
    category_ids,
    date_param,
    period_param,
    this_month,
    today,
    wants_xlsx,
    warehouse_choice,
)
from .report_helpers import _cost_columns, _document_url, _export, _query

STOCK_COLUMNS = [
    ("item", gettext_lazy("Item code")),
    ("item_name", gettext_lazy("Item name")),
    ("category_name", gettext_lazy("Item category")),
    ("warehouse_name", gettext_lazy("Warehouse")),
    ("on_hand", gettext_lazy("On hand")),
    ("reserved", gettext_lazy("Reserved")),
    ("on_order", gettext_lazy("On order")),
    ("available", gettext_lazy("Available")),
    ("unit_cost", gettext_lazy("Unit cost")),
    ("value", gettext_lazy("Amount")),
]


@page()
def stock(request):
    user = request.user
    choices, _, wh = warehouse_choice(request, one_when_restricted=False)
    q = (request.GET.get("q") or "").strip()
    categories, category = category_choice(request)
    error, data = None, {"items": [], "totals": {"value": "0.00"}}
    try:
        day = date_param(request, "date", today())
        data = stock_report(user, day, wh.id if wh else None, q, category_ids(category))
    except DomainError as exc:
        error, day = error_message(exc), today()
    rows, totals = mask_cost(user, data["items"]), mask_cost(user, data["totals"])
    mixed = request.GET.get("units") == "mixed"  # 按多单位显示: 3箱5个
    if mixed:
        rows = with_units(rows, ("on_hand", "reserved", "on_order", "available"), replace=True)
    if wants_xlsx(request):
        columns = _cost_columns(request, STOCK_COLUMNS, {"unit_cost", "value"})
        return _export(
            request,
            f"库存余额_{day}.xlsx",
            "库存余额",
            columns,
            rows,
            totals,
            period=period_text(day),
        )
    pager = Paginator(rows, 200).get_page(request.GET.get("page"))
    return render(
        request,
        "web/stock.html",
        {
            "rows": pager,
            "page": pager,
            "page_query": _query(request),
            "count": len(rows),
            "totals": totals,
            "warehouses": choices,
            "warehouse": wh,
            "q": q,
            "date": day,
            "mixed": mixed,
            "categories": categories,
            "category": category,
            "error": error,
            "export_query": _query(request, format="xlsx"),
        },
        status=422 if error else 200,
    )


@page()
def stock_ledger(request):
    user = request.user
    choices, restricted, wh = warehouse_choice(request, one_when_restricted=True)
    code = (request.GET.get("item") or "").strip()
    item = find_item(code)
    data, error = None, None
    try:
        date_from, date_to = period_param(request)
        if item is not None:
            data = mask_cost(
                user, selectors.stock_ledger(item.id, wh.id if wh else None, date_from, date_to)
            )
    except DomainError as exc:
        error = error_message(exc)
        date_from, date_to = this_month()
    if data is not None:
        for r in data["items"]:
            r["type_label"] = type_label(r["type"])
            r["url"] = _document_url(r["document"])
        if wants_xlsx(request):
            columns = selectors.stock_ledger_columns("type_label")
            columns = _cost_columns(request, columns, {"unit_cost", "value", "balance_value"})
            opening = {
                "date": str(date_from),
                "document": "期初",
                "balance_qty": data["opening"]["qty"],
                "balance_value": data["opening"]["value"],
            }
            return _export(
                request,
                f"库存台账_{item.code}.xlsx",
                "库存台账",
                columns,
                [opening, *data["items"]],
                period=period_text(date_from, date_to),
            )
    return render(
        request,
        "web/reports/stock_ledger.html",
        {
            "item": item,
            "code": code,
            "data": data,
            "warehouses": choices,
            "warehouse": wh,
            "restricted": restricted,
            "date_from": date_from,
            "date_to": date_to,
            "error": error,
            "items": item_choices(2000),
            "export_query": _query(request, format="xlsx"),
        },
        status=422 if error else 200,
    )


@page()
def low_stock(request):
    user = request.user
    choices, restricted, wh = warehouse_choice(request, one_when_restricted=False)
    categories, category = category_choice(request)
    error, status, rows = None, 200, []
    try:
        rows = mask_cost(
            user, dashboard.low_stock(warehouse_scope(user, wh), category_ids(category))
        )
    except DomainError as exc:
        error, status = error_message(exc), exc.status
    may_order = can(user, PURCHASE)
    if request.method == "POST":
        if not may_order:
            return forbidden(request)
        try:
            number = _create_purchase_order(request, rows, choices)
            return redirect(_document_url(number))
        except DomainError as exc:
            error, status = error_message(exc), exc.status
    suppliers = search_partners(Partner.SUPPLIER, active_only=True)
    if wants_xlsx(request):
        columns = [
            ("item", gettext_lazy("Item code")),
            ("item_name", gettext_lazy("Item name")),
            ("unit", gettext_lazy("Unit")),
            ("safety_stock", gettext_lazy("Safety stock")),
            ("on_hand", gettext_lazy("On hand")),
            ("reserved", gettext_lazy("Reserved")),
            ("available", gettext_lazy("Available")),
            ("on_order", gettext_lazy("On order")),
            ("projected", gettext_lazy("Projected")),
            ("shortage", gettext_lazy("Shortage")),
            ("suggested", gettext_lazy("Suggested quantity")),
        ]
        return _export(
            request, "库存预警.xlsx", "库存预警", columns, rows, period=period_text(today())
        )
    return render(
        request,
        "web/reports/low_stock.html",
        {
            "rows": rows,
            "warehouses": choices,
            "warehouse": wh,
            "restricted": restricted,
            "categories": categories,
            "category": category,
            "suppliers": suppliers,
            "may_order": may_order,
            "error": error,
            "posted": request.POST if request.method == "POST" else None,
            "export_query": _query(request, format="xlsx"),
        },
        status=status,
    )


def _create_purchase_order(request, rows, choices) -> str:
    """A draft purchase order for the ticked low-stock items (quantities as the user edited them)."""
    post = request.POST
    wh_code = post.get("order_warehouse") or (choices[0].code if choices else "")
    lines = []
    for r in rows:
        if post.get(f"pick_{r['item']}") != "1":
            continue
        line = {"item": r["item"], "qty": (post.get(f"qty_{r['item']}") or r["suggested"]).strip()}
        price = (post.get(f"price_{r['item']}") or "").strip()
        if price and sees_cost(request.user):
            line["price"] = price
        lines.append(line)
    if not lines:
        raise DomainError("invalid", "tick at least one item", {"field": "lines"}, kind="tick")
    doc, _created = create_draft(
        request.user,
        {
            "type": order_type("purchase"),
            "date": str(today()),
            "partner": post.get("supplier") or None,
            "warehouse": wh_code,
            "memo": _("Created from the low-stock list"),
            "lines": lines,
        },
    )
    return doc["number"]


# ---------------------------------------------------------------------------------------------
# 进销存汇总表

SUMMARY_COST = {"opening_value", "in_value", "out_value", "closing_value", "closing_unit_cost"}


@page()
def inventory_summary(request):
    user = request.user
    choices, restricted, wh = warehouse_choice(request, one_when_restricted=True)
    by_warehouse = request.GET.get("by_warehouse") == "1"
    by_category = request.GET.get("by_category") == "1"
    categories, category = category_choice(request)
    data, error = {"items": [], "totals": {}}, None
    try:
        date_from, date_to = period_param(request)
        data = selectors.inventory_summary(
            date_from,
            date_to,
            wh.id if wh else None,
            by_warehouse,
            category_ids(category),
            by_category,
        )
    except DomainError as exc:
        error = error_message(exc)
        date_from, date_to = this_month()
    if not sees_cost(user):
        data = {
            **data,
            "items": [
                {k: (None if k in SUMMARY_COST else v) for k, v in r.items()} for r in data["items"]
            ],
            "totals": {k: (None if k in SUMMARY_COST else v) for k, v in data["totals"].items()},
            "categories": [
                {k: (None if k in SUMMARY_COST else v) for k, v in r.items()}
                for r in data.get("categories") or []
            ],
        }
    mixed = request.GET.get("units") == "mixed"  # 按多单位显示: 3箱5个
    if mixed:
        qty = ("opening_qty", "in_qty", "out_qty", "closing_qty")
        data = {**data, "items": with_units(data["items"], qty, replace=True)}
    rows = grouped_rows(data) if by_category and not error else data["items"]
    if wants_xlsx(request) and not error:
        columns = (
            selectors.SUMMARY_COLUMNS
            if not by_warehouse
            else selectors.SUMMARY_COLUMNS[:2]
            + [("warehouse_name", gettext_lazy("Warehouse"))]
            + selectors.SUMMARY_COLUMNS[2:]
        )
        columns = _cost_columns(request, columns, SUMMARY_COST)
        return _export(
            request,
            f"进销存汇总表_{date_from}_{date_to}.xlsx",
            "进销存汇总表",
            columns,
            rows,
            data["totals"],
            period=period_text(date_from, date_to),
        )
    return render(
        request,
        "web/reports/inventory_summary.html",
        {
            "data": data,
            "rows": rows,
            "by_category": by_category,
            "categories": categories,
            "category": category,
            "warehouses": choices,
            "warehouse": wh,
            "restricted": restricted,
            "by_warehouse": by_warehouse,
            "mixed": mixed,
            "date_from": date_from,
            "date_to": date_to,
            "error": error,
            "export_query": _query(request, format="xlsx"),
        },
        status=422 if error else 200,
    )
