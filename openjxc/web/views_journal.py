"""凭证列表 (the journal), the 记账凭证 print, the 金蝶 / 用友 voucher export and its 科目对照 page.
Vouchers show cost of goods: every page here needs view_cost; the export and the mapping are
the money area's too."""

from urllib.parse import quote, urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openjxc.core.errors import DomainError
from openjxc.core.numbers import fen_str
from openjxc.core.services import get_setting
from openjxc.core.words import amount_in_words
from openjxc.ledger.mapping import FORMAT_NAMES, FORMATS, mapping_rows, set_mappings
from openjxc.reports import journal as selectors
from openjxc.reports import voucher_export
from openjxc.reports.excel import XLSX, period_text, xlsx_response
from openjxc.users.services import EXPORT, MONEY, VIEW_COST, can

from .decorators import forbidden, page
from .errors import error_message
from .params import optional_date_param, wants_xlsx
from .report_helpers import _query

PAGE_SIZE = 50


def _filters(request) -> dict:
    """The journal's filters from the query string; no period and no dates: this period."""
    f = {k: (request.GET.get(k) or "").strip() for k in ("period", "account", "document", "number")}
    f["date_from"] = optional_date_param(request, "from")
    f["date_to"] = optional_date_param(request, "to")
    if not (f["period"] or f["date_from"] or f["date_to"]):
        f["period"] = selectors.current_period()
    return f


def _page_number(request) -> int:
    value = request.GET.get("page") or "1"
    return max(int(value), 1) if value.isdigit() else 1


def _with_text(vouchers: list[dict]) -> list[dict]:
    """The vouchers as pages show them: the number in words, 人民币大写 of the total, amounts
    as decimal strings (the selector hands over integer fen)."""
    for v in vouchers:
        v["number_text"] = selectors.number_text(v)
        v["words"] = amount_in_words(v["debit"])
        v["debit"], v["credit"] = fen_str(v["debit"]), fen_str(v["credit"])
        for ln in v["lines"]:
            ln["debit"], ln["credit"] = fen_str(ln["debit"]), fen_str(ln["credit"])
    return vouchers


@page(VIEW_COST)
def journal(request):
    error, f, data = None, {}, {"items": [], "count": 0, "debit": 0, "credit": 0}
    number = _page_number(request)
    try:
        f = _filters(request)
        if wants_xlsx(request):
            return _journal_xlsx(request, f)
        data = selectors.vouchers(
            **{k: v or None for k, v in f.items()},
            limit=PAGE_SIZE,
            offset=(number - 1) * PAGE_SIZE,
        )
    except DomainError as exc:
        error = error_message(exc)
    pages = max((data["count"] + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    vouchers = _with_text(data["items"])
    return render(
        request,
        "web/journal/list.html",
        {
            "f": f,
            "data": data,
            "totals": {"debit": fen_str(data["debit"]), "credit": fen_str(data["credit"])},
            "vouchers": vouchers,
            "provisional": any(v["provisional_number"] for v in vouchers),
            "periods": selectors.period_names(),
            "accounts": selectors.chart(),
            "error": error,
            "page_number": number,
            "pages": pages,
            "previous_query": _query(request, page=number - 1) if number > 1 else None,
            "next_query": _query(request, page=number + 1) if number < pages else None,
            "export_query": _query(request, format="xlsx"),
            "print_ids": ",".join(str(v["id"]) for v in vouchers),
            "formats": FORMAT_NAMES,
            "may_export": _may_export(request.user),
        },
        status=422 if error else 200,
    )


def _journal_xlsx(request, f: dict):
    """The filtered journal as a sheet: one row per journal line, totals at the foot."""
    if not can(request.user, EXPORT):
        return forbidden(request)
    data = selectors.vouchers(**{k: v or None for k, v in f.items()})
    rows = [
        {
            "date": v["date"],
            "number": selectors.number_text(v),
            "summary": v["summary"],
            "account": ln["account"],
            "account_name": ln["account_name"],
            "partner_name": ln["partner_name"] or "",
            "debit": fen_str(ln["debit"]),
            "credit": fen_str(ln["credit"]),
        }
        for v in data["items"]
        for ln in v["lines"]
    ]
    columns = [
        ("date", _("Date")),
        ("number", _("Voucher number")),
        ("summary", _("Voucher summary")),
        ("account", _("Account code")),
        ("account_name", _("Account")),
        ("partner_name", _("Partner")),
        ("debit", _("Debit")),
        ("credit", _("Credit")),
    ]
    date_from, date_to = selectors.range_of(f["period"], f["date_from"], f["date_to"])
    labels = {"account": _("Account"), "document": _("Document"), "number": _("Voucher number")}
    title = _("Journal")
    return xlsx_response(
        quote(f"{title}_{f['period'] or date_from or ''}.xlsx"),
        title,
        columns,
        rows,
        {"debit": fen_str(data["debit"]), "credit": fen_str(data["credit"])},
        period=period_text(date_from or "…", date_to or "…"),
        filters=[(str(labels[k]), f[k]) for k in labels if f.get(k)],
        formats={"debit": "money", "credit": "money"},
    )


@page(VIEW_COST)
def voucher_print(request):
    """记账凭证 in the usual layout, one voucher per printed page: ?ids=1,2,3 (from the journal)
    or ?document=NUMBER (every voucher of a document)."""
    document = (request.GET.get("document") or "").strip()
    if document:
        vouchers = selectors.vouchers(document=document)["items"]
    else:
        raw = (request.GET.get("ids") or "").split(",")
        vouchers = selectors.voucher_details([int(i) for i in raw if i.strip().isdigit()][:200])
    _with_text(vouchers)
    return render(
        request,
        "web/journal/print.html",
        {
            "vouchers": vouchers,
            "document": document,
            "company": get_setting("company_name") or "",
            "printed_at": timezone.localtime(),
        },
    )


def _may_export(user) -> bool:
    return can(user, VIEW_COST) and can(user, MONEY) and can(user, EXPORT)


@page(MONEY)
def voucher_file(request):
    """The 金蝶 / 用友 import file of one period (the 凭证导出 button of the journal page)."""
    if not _may_export(request.user):
        return forbidden(request)
    period = (request.GET.get("period") or "").strip() or selectors.current_period()
    fmt = request.GET.get("format") or ""
    try:
        body, provisional = voucher_export.export_bytes(period, fmt)
    except DomainError as exc:
        messages.error(request, error_message(exc))
        return redirect(reverse("journal") + "?" + urlencode({"period": period}))
    response = HttpResponse(body, content_type=XLSX)
    name = quote(voucher_export.filename(period, fmt))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    response["X-Provisional-Numbers"] = "1" if provisional else "0"
    return response


@page(MONEY)
def export_mapping(request):
    """科目对照: the accountant's code and name of each of our accounts, per export format."""
    if not (can(request.user, VIEW_COST) and can(request.user, MONEY)):
        return forbidden(request)
    fmt = request.GET.get("format") if request.GET.get("format") in FORMATS else FORMATS[0]
    error = None
    if request.method == "POST":
        codes = [c for c in request.POST.getlist("account") if c]
        items = [
            {
                "account": c,
                "code": request.POST.get(f"code_{c}", ""),
                "name": request.POST.get(f"name_{c}", ""),
            }
            for c in codes
        ]
        try:
            set_mappings(request.user, fmt, items)
            messages.success(request, _("The account mapping is saved."))
            return redirect(reverse("export_mapping") + "?" + urlencode({"format": fmt}))
        except DomainError as exc:
            error = error_message(exc)
    rows = mapping_rows(fmt)
    depth = {a["code"]: a["depth"] for a in selectors.chart()}
    for r in rows:
        r["depth"] = depth.get(r["account"], 0)
    return render(
        request,
        "web/journal/mapping.html",
        {"rows": rows, "format": fmt, "formats": FORMAT_NAMES, "error": error},
        status=422 if error else 200,
    )
