"""Dashboard (首页), stock pages and report pages. Thin: parse the filters, call the report
selectors (the same ones the API uses), mask cost for users without view_cost, render or export."""

import datetime as dt
from decimal import Decimal
from urllib.parse import quote, urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openjxc.catalog.models import Item
from openjxc.catalog.selectors import search_items
from openjxc.closing.checks import reconcile
from openjxc.core.errors import DomainError
from openjxc.documents.access import partner_kinds, visible
from openjxc.documents.models import Document
from openjxc.documents.rules import parse_date
from openjxc.documents.services import create_draft
from openjxc.documents.types import STATUS_LABELS, order_type, type_label
from openjxc.inventory.models import Warehouse
from openjxc.inventory.selectors import in_allowed_warehouses, stock_rows
from openjxc.ledger.models import Period
from openjxc.partners.models import Partner
from openjxc.reports import dashboard, money, selectors, trade
from openjxc.reports.excel import period_text, query_filters, xlsx_response
from openjxc.users.masking import mask_cost, sees_cost
from openjxc.users.services import (
    EXPORT,
    MONEY,
    PURCHASE,
    SALES,
    VIEW_COST,
    allowed_warehouse_ids,
    can,
)

from .decorators import forbidden, page
from .errors import error_message

# ---------------------------------------------------------------------------------------------
# shared helpers


def _today() -> dt.date:
    return timezone.localdate()


def _date(request, name: str, default: dt.date) -> dt.date:
    """?name= as a date (default when empty); a DomainError with a sentence for the user otherwise."""
    return parse_date(request.GET.get(name) or default, name)


def _range(request) -> tuple[dt.date, dt.date]:
    """?from=&to= (default: this month up to today); raises DomainError on a bad date."""
    today = _today()
    date_from = _date(request, "from", today.replace(day=1))
    date_to = _date(request, "to", today)
    if date_to < date_from:
        raise DomainError("invalid_range", "to must not be before from",
                          {"field": "to", "from": str(date_from), "to": str(date_to)})
    return date_from, date_to


def _warehouses(user) -> list[Warehouse]:
    """The warehouses this user may see, in code order."""
    qs = Warehouse.objects.order_by("code")
    allowed = allowed_warehouse_ids(user)
    if allowed is not None:
        qs = qs.filter(id__in=allowed)
    return list(qs)


def _pick_warehouse(request, choices: list[Warehouse], required: bool) -> Warehouse | None:
    """The warehouse of ?warehouse= among the user's; a restricted user always gets one of theirs."""
    code = request.GET.get("warehouse") or ""
    chosen = next((w for w in choices if w.code == code), None)
    if chosen is None and required and choices:
        chosen = choices[0]
    return chosen


def _warehouse_choice(request, one_when_restricted: bool) -> tuple[list[Warehouse], bool, Warehouse | None]:
    """(the user's warehouses, whether they are restricted, the chosen one): a restricted user gets
    one of theirs when the page needs a single warehouse."""
    choices = _warehouses(request.user)
    restricted = allowed_warehouse_ids(request.user) is not None
    return choices, restricted, _pick_warehouse(request, choices, required=restricted and one_when_restricted)


def _wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"


def _query(request, **changes) -> str:
    """The current query string with some parameters changed (None removes one)."""
    params = {k: v for k, v in request.GET.items() if k not in ("format", "page")}
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return urlencode(params)


def _export(request, filename, title, columns, rows, totals=None, *, period: str, formats=None):
    """The Excel file of a report, for users holding the export permission (403 page otherwise);
    its title block names the period and the filters of the query string."""
    if not can(request.user, EXPORT):
        return forbidden(request)
    return xlsx_response(quote(filename), title, columns, rows, totals, period=period,
                         filters=query_filters(request.GET), formats=formats)


def _cost_columns(request, columns, cost_keys):
    """Columns without the cost ones for a user who may not see cost."""
    if sees_cost(request.user):
        return columns
    return [c for c in columns if c[0] not in cost_keys]


def _bars(rows: list[dict], label_key: str, value_key: str, limit: int = 31, horizontal: bool = False) -> dict:
    """An inline SVG bar chart's geometry (no JavaScript): one bar per row scaled to the largest
    value; negative values get no bar. Vertical for days and buckets, horizontal for names."""
    rows = rows[:limit]
    values = [Decimal(r.get(value_key) or 0) for r in rows]
    top = max([v for v in values if v > 0], default=Decimal(0))
    bars = []
    if horizontal:
        label_w, length, row_h = 150, 400, 22
        for n, (row, value) in enumerate(zip(rows, values, strict=True)):
            w = float(value / top * length) if top and value > 0 else 0.0
            bars.append({"x": label_w, "y": n * row_h + 3, "w": round(w, 1), "h": row_h - 6,
                         "label": str(row.get(label_key) or "")[:14], "value": row.get(value_key),
                         "text_x": label_w + round(w, 1) + 4, "text_y": n * row_h + row_h - 7, "negative": value < 0})
        return {"bars": bars, "width": label_w + length + 90, "height": max(len(rows), 1) * row_h,
                "horizontal": True}
    width, height, gap = 640, 160, 2
    bar_w = (width - gap * len(rows)) / max(len(rows), 1)
    every = max(1, len(rows) // 10)
    for n, (row, value) in enumerate(zip(rows, values, strict=True)):
        h = float(value / top * (height - 10)) if top and value > 0 else 0.0
        bars.append({"x": round(n * (bar_w + gap), 1), "y": round(height - h, 1), "w": round(bar_w, 1),
                     "h": round(h, 1), "label": row.get(label_key) or "", "value": row.get(value_key),
                     "show_label": n % every == 0, "text_x": round(n * (bar_w + gap) + bar_w / 2, 1),
                     "negative": value < 0})
    return {"bars": bars, "width": width, "height": height, "horizontal": False, "max": f"{top:.2f}" if top else ""}


def _document_url(number: str) -> str:
    try:
        return reverse("doc_detail", kwargs={"number": number})
    except NoReverseMatch:
        return reverse("documents")


# ---------------------------------------------------------------------------------------------
# 首页


@page()
def home(request):
    user, today = request.user, _today()
    sales_ok = can(user, SALES) or can(user, MONEY) or can(user, VIEW_COST)
    context = {"today": today, "may_sales_summary": any(can(user, p) for p in KIND_PERMS["sales"])}
    if sales_ok:
        figures = mask_cost(user, dashboard.sales_figures(today, allowed_warehouse_ids(user)))
        trend = dashboard.sales_by_day(today - dt.timedelta(days=29), today)
        for d in trend:
            d["label"] = d["date"][5:]
        context.update(figures=figures, chart=_bars(trend, "label", "amount", limit=30),
                       trend_total=sum((Decimal(d["amount"]) for d in trend), Decimal("0.00")))
    if "customer" in partner_kinds(user):  # receivables are customers' balances
        context["due"] = dashboard.receivables_due(today)
    context["low_stock"] = dashboard.low_stock(allowed_warehouse_ids(user))
    waiting = dashboard.waiting_documents(visible(user, Document.objects.all()))
    for w in waiting:
        w["label"] = type_label(w["type"])
        w["status_label"] = STATUS_LABELS.get(w["status"], w["status"])
        w["url"] = reverse("documents") + "?" + urlencode({"type": w["type"], "status": w["status"]})
    context["waiting"] = waiting
    context["waiting_total"] = sum(w["count"] for w in waiting)
    return render(request, "web/home.html", context)


# ---------------------------------------------------------------------------------------------
# 库存


STOCK_COLUMNS = [
    ("item", "商品编码"), ("item_name", "商品名称"), ("warehouse_name", "仓库"), ("on_hand", "结存数量"),
    ("reserved", "预留数量"), ("on_order", "在单数量"), ("available", "可用数量"), ("unit_cost", "单位成本"),
    ("value", "金额"),
]


@page()
def home_check(request):
    """The dashboard's data-check card, loaded after the page: reconcile reads every ledger."""
    check = reconcile()
    if not sees_cost(request.user):  # the problems quote stock values and account balances
        check = {"ok": check["ok"], "problems": [{"message": "—"} for _ in check["problems"]]}
    return render(request, "web/reports/_data_check.html", {"check": check})


@page()
def stock(request):
    user = request.user
    choices, _, wh = _warehouse_choice(request, one_when_restricted=False)
    q = (request.GET.get("q") or "").strip()
    error, rows = None, []
    try:
        day = _date(request, "date", _today())
        rows = stock_rows(day, warehouse_id=wh.id if wh else None)
    except DomainError as exc:
        error, day = error_message(exc), _today()
    rows = in_allowed_warehouses(user, rows)
    if q:
        codes = set(search_items(q).values_list("code", flat=True)[:5000])
        rows = [r for r in rows if r["item"] in codes]
    total_value = sum((Decimal(r["value"]) for r in rows), Decimal("0.00"))
    totals = {"value": str(total_value)}
    rows, totals = mask_cost(user, rows), mask_cost(user, totals)
    if _wants_xlsx(request):
        columns = _cost_columns(request, STOCK_COLUMNS, {"unit_cost", "value"})
        return _export(request, f"库存余额_{day}.xlsx", "库存余额", columns, rows, totals,
                       period=period_text(day))
    pager = Paginator(rows, 200).get_page(request.GET.get("page"))
    return render(request, "web/stock.html", {
        "rows": pager, "page": pager, "page_query": _query(request), "count": len(rows), "totals": totals, "warehouses": choices, "warehouse": wh, "q": q, "date": day,
        "error": error, "export_query": _query(request, format="xlsx")}, status=422 if error else 200)


@page()
def stock_ledger(request):
    user = request.user
    choices, restricted, wh = _warehouse_choice(request, one_when_restricted=True)
    code = (request.GET.get("item") or "").strip()
    item = Item.objects.filter(code=code).first() if code else None
    if item is None and code:
        item = search_items(code).first()
    data, error = None, None
    try:
        date_from, date_to = _range(request)
        if item is not None:
            data = mask_cost(user, selectors.stock_ledger(item.id, wh.id if wh else None, date_from, date_to))
    except DomainError as exc:
        error = error_message(exc)
        date_from, date_to = _today().replace(day=1), _today()
    if data is not None:
        for r in data["items"]:
            r["type_label"] = type_label(r["type"])
            r["url"] = _document_url(r["document"])
        if _wants_xlsx(request):
            columns = [("date", "日期"), ("document", "单据编号"), ("type_label", "类型"), ("warehouse", "仓库"),
                       ("in_qty", "入库数量"), ("out_qty", "出库数量"), ("unit_cost", "单位成本"), ("value", "金额"),
                       ("balance_qty", "结存数量"), ("balance_value", "结存金额")]
            columns = _cost_columns(request, columns, {"unit_cost", "value", "balance_value"})
            opening = {"date": str(date_from), "document": "期初", "balance_qty": data["opening"]["qty"],
                       "balance_value": data["opening"]["value"]}
            return _export(request, f"库存台账_{item.code}.xlsx", "库存台账", columns, [opening, *data["items"]],
                           period=period_text(date_from, date_to))
    return render(request, "web/reports/stock_ledger.html", {
        "item": item, "code": code, "data": data, "warehouses": choices, "warehouse": wh, "restricted": restricted,
        "date_from": date_from, "date_to": date_to, "error": error,
        "items": Item.objects.filter(active=True).order_by("code").values_list("code", "name")[:2000],
        "export_query": _query(request, format="xlsx")}, status=422 if error else 200)


@page()
def low_stock(request):
    user = request.user
    choices, restricted, wh = _warehouse_choice(request, one_when_restricted=False)
    ids = {wh.id} if wh else allowed_warehouse_ids(user)
    rows = mask_cost(user, dashboard.low_stock(ids))
    error, status = None, 200
    may_order = can(user, PURCHASE)
    if request.method == "POST":
        if not may_order:
            return forbidden(request)
        try:
            number = _create_purchase_order(request, rows, choices)
            return redirect(_document_url(number))
        except DomainError as exc:
            error, status = error_message(exc), exc.status
    suppliers = Partner.objects.filter(kind=Partner.SUPPLIER, active=True).order_by("code")
    if _wants_xlsx(request):
        columns = [("item", "商品编码"), ("item_name", "商品名称"), ("unit", "单位"), ("safety_stock", "安全库存"),
                   ("on_hand", "结存数量"), ("reserved", "预留数量"), ("available", "可用数量"),
                   ("on_order", "在单数量"), ("projected", "预计数量"), ("shortage", "缺口"),
                   ("suggested", "建议采购数量")]
        return _export(request, "库存预警.xlsx", "库存预警", columns, rows, period=period_text(_today()))
    return render(request, "web/reports/low_stock.html", {
        "rows": rows, "warehouses": choices, "warehouse": wh, "restricted": restricted, "suppliers": suppliers,
        "may_order": may_order, "error": error, "posted": request.POST if request.method == "POST" else None,
        "export_query": _query(request, format="xlsx")}, status=status)


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
    doc, _created = create_draft(request.user, {
        "type": order_type("purchase"), "date": str(_today()), "partner": post.get("supplier") or None,
        "warehouse": wh_code, "memo": _("Created from the low-stock list"), "lines": lines})
    return doc["number"]


# ---------------------------------------------------------------------------------------------
# 进销存汇总表

SUMMARY_COLUMNS = [
    ("item", "商品编码"), ("item_name", "商品名称"), ("unit", "单位"),
    ("opening_qty", "期初数量"), ("opening_value", "期初金额"), ("in_qty", "入库数量"), ("in_value", "入库金额"),
    ("out_qty", "出库数量"), ("out_value", "出库金额"), ("closing_qty", "结存数量"), ("closing_value", "结存金额"),
]
SUMMARY_COST = {"opening_value", "in_value", "out_value", "closing_value", "closing_unit_cost"}


@page()
def inventory_summary(request):
    user = request.user
    choices, restricted, wh = _warehouse_choice(request, one_when_restricted=True)
    by_warehouse = request.GET.get("by_warehouse") == "1"
    data, error = {"items": [], "totals": {}}, None
    try:
        date_from, date_to = _range(request)
        data = selectors.inventory_summary(date_from, date_to, wh.id if wh else None, by_warehouse)
    except DomainError as exc:
        error = error_message(exc)
        date_from, date_to = _today().replace(day=1), _today()
    if not sees_cost(user):
        data = {**data, "items": [{k: (None if k in SUMMARY_COST else v) for k, v in r.items()} for r in data["items"]],
                "totals": {k: (None if k in SUMMARY_COST else v) for k, v in data["totals"].items()}}
    if _wants_xlsx(request) and not error:
        columns = SUMMARY_COLUMNS if not by_warehouse else SUMMARY_COLUMNS[:2] + [("warehouse_name", "仓库")] + \
            SUMMARY_COLUMNS[2:]
        columns = _cost_columns(request, columns, SUMMARY_COST)
        return _export(request, f"进销存汇总表_{date_from}_{date_to}.xlsx", "进销存汇总表", columns, data["items"],
                       data["totals"], period=period_text(date_from, date_to))
    return render(request, "web/reports/inventory_summary.html", {
        "data": data, "warehouses": choices, "warehouse": wh, "restricted": restricted, "by_warehouse": by_warehouse,
        "date_from": date_from, "date_to": date_to, "error": error,
        "export_query": _query(request, format="xlsx")}, status=422 if error else 200)


# ---------------------------------------------------------------------------------------------
# 销售 / 采购汇总 and 明细

KIND_PERMS = {"sales": (SALES, MONEY), "purchase": (PURCHASE, MONEY)}
BY_CHOICES = ("item", "partner", "salesperson", "period")


def _kind_allowed(request, kind) -> bool:
    return kind in KIND_PERMS and any(can(request.user, p) for p in KIND_PERMS[kind])


def _trade_summary(request, kind, margin: bool):
    user = request.user
    by = request.GET.get("by") if request.GET.get("by") in BY_CHOICES else "item"
    data, error = {"items": [], "totals": {}}, None
    try:
        date_from, date_to = _range(request)
        data = trade.summary(kind, by, date_from, date_to, allowed_warehouse_ids(request.user))
    except DomainError as exc:
        error = error_message(exc)
        date_from, date_to = _today().replace(day=1), _today()
    data = mask_cost(user, data)
    if margin:
        data["items"].sort(key=lambda r: -Decimal(r.get("margin") or 0))
    periods = {name: (start, end) for name, start, end in Period.objects.filter(
        name__in=[r.get("period") for r in data["items"]]).values_list("name", "start", "end")} if by == "period" else {}
    for r in data["items"]:
        r["key"] = r.get(by)
        if by == "period":
            start, end = periods.get(r["key"], (None, None))
            r["details_query"] = urlencode({"from": max(start, date_from), "to": min(end, date_to)}) if start else None
        else:  # no link for lines without a salesperson: the details cannot filter on "none"
            r["details_query"] = urlencode({"from": date_from, "to": date_to, by: r["key"]}) if r["key"] else None
    label = {"sales": "销售汇总", "purchase": "采购汇总"}[kind] if not margin else "毛利分析"
    if _wants_xlsx(request) and not error:
        columns = [(by, "编码"), ("name", "名称"), ("qty", "数量"), ("amount", "金额"), ("tax", "税额"),
                   ("amount_incl_tax", "价税合计")]
        if kind == "sales":
            columns += [("cost", "成本"), ("margin", "毛利"), ("margin_pct", "毛利率%")]
        columns = _cost_columns(request, columns, {"cost", "margin", "margin_pct"})
        return _export(request, f"{label}_{date_from}_{date_to}.xlsx", label, columns, data["items"], data["totals"],
                       period=period_text(date_from, date_to))
    chart_rows = sorted(data["items"], key=lambda r: -Decimal(r.get("margin" if margin else "amount") or 0))
    if by == "period":
        chart_rows = data["items"]
    chart = _bars(chart_rows, "period" if by == "period" else "name", "margin" if margin else "amount", limit=20,
                  horizontal=by != "period") if data["items"] else None
    return render(request, "web/reports/trade_summary.html", {
        "kind": kind, "by": by, "data": data, "date_from": date_from, "date_to": date_to, "error": error,
        "margin": margin, "chart": chart, "by_choices": BY_CHOICES,
        "may_details": _kind_allowed(request, kind),  # the margin report reaches cost users without sales
        "export_query": _query(request, format="xlsx")}, status=422 if error else 200)


@page()
def trade_summary(request, kind):
    if kind not in KIND_PERMS:
        raise Http404
    if not _kind_allowed(request, kind):
        return forbidden(request)
    return _trade_summary(request, kind, margin=False)


@page(VIEW_COST)
def margin_report(request):
    return _trade_summary(request, "sales", margin=True)


@page()
def trade_details(request, kind):
    if kind not in KIND_PERMS:
        raise Http404
    if not _kind_allowed(request, kind):
        return forbidden(request)
    user = request.user
    filters = {k: (request.GET.get(k) or "").strip() or None for k in ("partner", "item", "salesperson")}
    data, error = {"items": [], "totals": {}}, None
    try:
        date_from, date_to = _range(request)
        data = mask_cost(user, trade.details(kind, date_from, date_to, **filters,
                                                  warehouse_ids=allowed_warehouse_ids(user)))
    except DomainError as exc:
        error = error_message(exc)
        date_from, date_to = _today().replace(day=1), _today()
    for r in data["items"]:
        r["type_label"] = type_label(r["type"])
    label = "销售明细" if kind == "sales" else "采购明细"
    if _wants_xlsx(request) and not error:
        columns = [("date", "日期"), ("document", "单号"), ("type_label", "类型"), ("partner", "往来单位编码"),
                   ("partner_name", "往来单位"), ("item", "商品编码"), ("item_name", "商品名称"), ("unit", "单位"),
                   ("qty", "数量"), ("price", "单价"), ("amount", "金额"), ("tax", "税额"),
                   ("amount_incl_tax", "价税合计")]
        if kind == "sales":
            columns[5:5] = [("salesperson", "业务员")]
            columns += [("cost", "成本"), ("margin", "毛利"), ("margin_pct", "毛利率%")]
        columns = _cost_columns(request, columns, {"cost", "margin", "margin_pct"})
        return _export(request, f"{label}_{date_from}_{date_to}.xlsx", label, columns, data["items"], data["totals"],
                       period=period_text(date_from, date_to))
    pager = Paginator(data["items"], 100).get_page(request.GET.get("page"))
    return render(request, "web/reports/trade_details.html", {
        "kind": kind, "data": data, "rows": pager, "page": pager, "filters": filters, "date_from": date_from,
        "date_to": date_to, "error": error, "page_query": _query(request),
        "export_query": _query(request, format="xlsx")}, status=422 if error else 200)


# ---------------------------------------------------------------------------------------------
# 应收应付, 账龄, 对账单


def _partner_kinds(user) -> list[str]:
    return partner_kinds(user)


@page(MONEY, SALES, PURCHASE)
def receivables(request):
    kinds = _partner_kinds(request.user)
    kind = request.GET.get("kind") if request.GET.get("kind") in kinds else None
    rows = dashboard.receivables_by_partner(kind)
    rows = [r for r in rows if r["partner_kind"] in kinds]
    totals = {k: str(sum((Decimal(r[k]) for r in rows), Decimal("0.00"))) for k in ("receivable", "payable", "net")}
    if _wants_xlsx(request):
        for r in rows:
            r["kind_label"] = "客户" if r["partner_kind"] == Partner.CUSTOMER else "供应商"
        columns = [("kind_label", "类别"), ("partner", "往来单位编码"), ("partner_name", "往来单位"),
                   ("receivable", "应收余额"), ("payable", "应付余额"), ("net", "净额"), ("open_items", "未核销单据"),
                   ("oldest", "最早单据日期")]
        return _export(request, "应收应付.xlsx", "应收应付", columns, rows, totals, period=period_text(_today()))
    return render(request, "web/reports/receivables.html", {
        "rows": rows, "totals": totals, "kinds": kinds, "kind": kind, "today": _today(),
        "export_query": _query(request, format="xlsx")})


@page(MONEY, SALES, PURCHASE)
def aging(request):
    kinds = _partner_kinds(request.user)
    allowed = [k for k, p in (("receivable", Partner.CUSTOMER), ("payable", Partner.SUPPLIER)) if p in kinds]
    kind = request.GET.get("kind") if request.GET.get("kind") in allowed else allowed[0]
    error, data = None, {"items": [], "totals": {}}
    try:
        as_of = _date(request, "as_of", _today())
        data = money.aging(kind, as_of)
    except DomainError as exc:
        error, as_of = error_message(exc), _today()
    buckets = [label for label, _limit in money.BUCKETS]
    if _wants_xlsx(request) and not error:
        columns = [("partner", "往来单位编码"), ("partner_name", "往来单位"), ("total", "未核销合计")] + \
            [(b, f"{b}天") for b in buckets]
        name = "应收账龄" if kind == "receivable" else "应付账龄"
        return _export(request, f"{name}_{as_of}.xlsx", name, columns, data["items"], data["totals"],
                       period=period_text(as_of), formats=dict.fromkeys(buckets, "money"))
    partner_kind = Partner.CUSTOMER if kind == "receivable" else Partner.SUPPLIER
    for r in data["items"]:
        r["cells"] = [r[b] for b in buckets]
    chart_rows = [{"label": b, "amount": data["totals"].get(b, "0")} for b in buckets]
    return render(request, "web/reports/aging.html", {
        "data": data, "kind": kind, "kinds": allowed, "as_of": as_of, "buckets": buckets, "error": error,
        "partner_kind": partner_kind, "total_cells": [data["totals"].get(b) for b in buckets],
        "chart": _bars(chart_rows, "label", "amount") if data["items"] else None,
        "export_query": _query(request, format="xlsx")}, status=422 if error else 200)


@page(MONEY, SALES, PURCHASE)
def statements(request):
    kinds = _partner_kinds(request.user)
    kind = request.GET.get("kind") if request.GET.get("kind") in kinds else kinds[0]
    partners = Partner.objects.filter(kind=kind).order_by("code")
    code = (request.GET.get("partner") or "").strip()
    partner = partners.filter(code=code).first() if code else None
    data, error = None, None
    try:
        date_from, date_to = _range(request)
        if partner is not None:
            data = money.statement([partner.id], date_from, date_to)
    except DomainError as exc:
        error = error_message(exc)
        date_from, date_to = _today().replace(day=1), _today()
    if data is not None:
        for r in data["lines"]:
            r["type_label"] = type_label(r["type"])
            r["kind_label"] = "应收" if r["kind"] == "receivable" else "应付"
        if _wants_xlsx(request):
            columns = [("date", "日期"), ("document", "单据编号"), ("type_label", "类型"), ("kind_label", "应收/应付"),
                       ("amount", "金额"), ("balance", "余额")]
            return _export(request, f"对账单_{partner.code}_{date_from}_{date_to}.xlsx", "对账单", columns,
                           data["lines"], period=period_text(date_from, date_to))
    print_url = None
    if partner is not None:
        print_url = reverse("statement", kwargs={"kind": kind, "code": partner.code}) + "?" + urlencode(
            {"from": date_from, "to": date_to})
    return render(request, "web/reports/statements.html", {
        "kinds": kinds, "kind": kind, "partners": partners, "partner": partner, "data": data, "error": error,
        "date_from": date_from, "date_to": date_to, "print_url": print_url,
        "balance_kind": "receivable" if kind == Partner.CUSTOMER else "payable",
        "export_query": _query(request, format="xlsx")}, status=422 if error else 200)
