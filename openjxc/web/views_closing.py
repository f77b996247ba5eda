"""Periods (结账 wizard, 反结账) and the data check (数据核对): closing/services.py and
reconcile(), the same as the API. A refusal is shown inline and nothing has changed."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from openjxc.catalog.selectors import item_codes
from openjxc.closing import services as closing
from openjxc.closing.checks import reconcile
from openjxc.closing.fix import fix_books
from openjxc.closing.repair import missing_vouchers, proposals
from openjxc.closing.selectors import close_info, closes_by_period
from openjxc.core.errors import DomainError
from openjxc.documents.access import readable_numbers
from openjxc.inventory.selectors import warehouse_codes
from openjxc.ledger.models import Period
from openjxc.ledger.periods import all_periods, ensure_periods, find_period, get_period
from openjxc.users.services import (
    CLOSE,
    MANAGE_BACKUP,
    REOPEN,
    VIEW_COST,
    can,
)

from .audit_display import coded
from .decorators import page
from .errors import error_message
from .settlement_links import _blocked_error, doc_url, stock_ledger_url


def _status(exc: DomainError, htmx: bool = False) -> int:
    # htmx 2 does not swap 4xx/5xx responses: a partial carrying an inline error is sent as 200
    return 200 if htmx else exc.status


def _readable_problems(user, problems: list[dict], period: Period | None = None) -> list[dict]:
    """Close-check problems with a link to where each is fixed (a document the user may not open
    is named without a link)."""
    readable = readable_numbers(user, [n for p in problems for n in p.get("documents", [])])
    items = item_codes(p["item_id"] for p in problems if p.get("item_id"))
    warehouses = warehouse_codes(p["warehouse_id"] for p in problems if p.get("warehouse_id"))
    out = []
    for p in problems:
        row = {**p, "links": [], "label": CHECK_LABELS.get(p["check"], p["check"])}
        for number in p.get("documents", []):
            row["links"].append(
                {"text": number, "url": doc_url(number) if number in readable else None}
            )
        if p.get("item_id"):
            item, wh = items.get(p["item_id"], ""), warehouses.get(p.get("warehouse_id"), "")
            row["item"], row["warehouse"] = item, wh
            url = stock_ledger_url(item, wh, period)
            row["links"].append({"text": f"{item} @ {wh}", "url": url})
        if p["check"].startswith("ledger_"):
            row["links"].append({"text": _("Data check"), "url": reverse("data_check")})
        if p["check"] == "opening_unbalanced":
            row["links"].append({"text": _("Opening balances"), "url": reverse("opening")})
        if p["check"] == "pending_pl_not_cleared" and period and can(user, VIEW_COST):
            # where 1901 stands (其他流动资产) and what the close will transfer
            query = urlencode({"period": period.name})
            for text, name in (
                (_("Balance sheet"), "balance_sheet"),
                (_("Income statement"), "income_statement"),
            ):
                row["links"].append({"text": text, "url": f"{reverse(name)}?{query}"})
        out.append(row)
    return out


CHECK_LABELS = {
    "drafts_in_period": gettext_lazy("Drafts dated in the period"),
    "negative_stock": gettext_lazy("Negative stock"),
    "documents_without_vouchers": gettext_lazy("Approved documents without vouchers"),
    "pending_pl_not_cleared": gettext_lazy("Pending inventory gains and losses (1901) not cleared"),
    "opening_unbalanced": gettext_lazy("Opening balances do not balance"),
    "stock_cache": gettext_lazy("Stock balance differs from the stock ledger"),
    "stock_count": gettext_lazy("Stock on a count's date differs from what was counted"),
    "assembly_value": gettext_lazy("Assembly output differs from its components and fee"),
    "reservation_cache": gettext_lazy("Reserved / on-order quantity differs from the orders"),
    "voucher_balance": gettext_lazy("Voucher does not balance"),
    "account_cache": gettext_lazy("Account balance differs from the journal"),
    "open_item_cache": gettext_lazy("Open amount differs from its entries"),
    "open_items_control": gettext_lazy("Receivables / payables differ from the control account"),
    "stock_control": gettext_lazy("Stock value differs from account 1405"),
    "document_voucher": gettext_lazy("Approved document without voucher"),
    "audit_chain": gettext_lazy("Audit log hash chain broken"),
    "closed_period_digest": gettext_lazy("Ledger rows of a closed period changed"),
    "closed_stock_snapshot": gettext_lazy("Closed period stock snapshot differs"),
    "closed_account_snapshot": gettext_lazy("Closed period account snapshot differs"),
    "closed_partner_snapshot": gettext_lazy("Closed period partner snapshot differs"),
    "cost_restatement": gettext_lazy("Cost or count re-statement missing"),
}
CHECK_LABELS.update({f"ledger_{k}": v for k, v in list(CHECK_LABELS.items())})


@page(CLOSE, REOPEN)
def periods(request):
    ensure_periods()
    rows = all_periods()
    closed = closes_by_period()
    first_open = next((p for p in rows if p.status == Period.OPEN), None)
    latest_closed = next((p for p in reversed(rows) if p.status == Period.CLOSED), None)
    pager = Paginator(rows, 24)
    # the page holding the first open period unless asked otherwise
    default_page = (rows.index(first_open) // 24 + 1) if first_open else pager.num_pages
    listed = pager.get_page(request.GET.get("page") or default_page)
    return render(
        request,
        "web/settlement/periods.html",
        {
            "rows": [
                {
                    "p": p,
                    "close": closed.get(p.id),
                    "first_open": p == first_open,
                    "latest_closed": p == latest_closed,
                }
                for p in listed
            ],
            "pager": listed,
            "first_open": first_open,
            "latest_closed": latest_closed,
            "not_ended": first_open is not None and first_open.end >= timezone.localdate(),
            "may_close": can(request.user, CLOSE),
            "may_reopen": can(request.user, REOPEN),
        },
    )


@page(CLOSE)
def period_check(request, name: str):
    """结账检查: every problem, each with a link to where it is fixed (HTMX partial or full page)."""
    try:
        period = get_period(name)
        check = closing.close_check(name)
    except DomainError as exc:
        raise Http404 from exc
    context = {
        "name": name,
        "check": check,
        "problems": _readable_problems(request.user, check["problems"], period),
    }
    if request.htmx:
        return render(request, "web/settlement/_close_check.html", context)
    return render(request, "web/settlement/period_check.html", context)


@require_POST
@page(CLOSE)
def period_close(request, name: str):
    """结账 (synchronous: the page shows a progress indicator while it runs)."""
    context = {"name": name}
    status = 200
    try:
        result = closing.close(request.user, name)
    except DomainError as exc:
        context.update(
            error=error_message(exc),
            problems=_readable_problems(
                request.user,
                exc.details.get("problems", []),
                find_period(name),
            ),
        )
        status = _status(exc, bool(request.htmx))
    else:
        context.update(
            result=result,
            info=close_info(find_period(name)),
            warnings=_readable_problems(
                request.user, result.get("warnings", []), find_period(name)
            ),
        )
    template = (
        "web/settlement/_close_result.html" if request.htmx else "web/settlement/period_closed.html"
    )
    return render(request, template, context, status=status)


@page(REOPEN)
def period_reopen(request, name: str):
    """反结账: the impact preview, then the reason; afterwards the backup it took."""
    try:
        period = get_period(name)
    except DomainError as exc:
        raise Http404 from exc
    reason = request.POST.get("reason", "").strip()
    error = result = None
    if request.method == "POST":
        try:
            result = closing.reopen(request.user, name, reason)
        except DomainError as exc:
            error = exc
    impact = closing.reopen_impact(request.user, name) if result is None else None
    blocked = _blocked_error(impact.get("blocked_by")) if impact else None
    return render(
        request,
        "web/settlement/reopen.html",
        {
            "period": period,
            "impact": impact,
            "blocked_message": error_message(blocked) if blocked else None,
            "info": close_info(period) if result is None else None,
            "reason": reason,
            "result": result,
            "error": error_message(error) if error else None,
        },
        status=error.status if error else 200,
    )


# ---------------------------------------------------------------- data check (数据核对)


def _check_rows(user, problems):
    readable = readable_numbers(user, [p["document"] for p in problems if p.get("document")])
    return [
        {
            **p,
            "label": CHECK_LABELS.get(p["check"], p["check"]),
            "url": (doc_url(p["document"]) if p["document"] in readable else None)
            if p.get("document")
            else stock_ledger_url(p.get("item"), p.get("warehouse")),
        }
        for p in problems
    ]


@page(CLOSE, VIEW_COST)  # the problems quote stock values and account balances
def data_check(request):
    result = reconcile()
    may_fix = can(request.user, MANAGE_BACKUP)  # a repair of the books: the administrator's
    return render(
        request,
        "web/settlement/data_check.html",
        {
            "result": result,
            "problems": _check_rows(request.user, result["problems"]),
            "may_fix": may_fix,
            # problems inside closed periods: the correcting entries 修复 would propose
            "proposals": proposals(missing_vouchers()[1]) if may_fix and not result["ok"] else [],
            "checked_at": timezone.localtime(),
        },
    )


@require_POST
@page(MANAGE_BACKUP)
def data_check_fix(request):
    """修复: append what is derivable and re-settle every cache (never a ledger row rewritten);
    with confirm_closed, also the correcting entries proposed for closed periods."""
    fixed = fix_books(request.user, confirm_closed=request.POST.get("confirm_closed") == "1")
    result = reconcile()
    return render(
        request,
        "web/settlement/data_check.html",
        {
            "result": result,
            "problems": _check_rows(request.user, result["problems"]),
            "may_fix": True,
            "fixed": True,
            "changes": [coded("changes", c, "books") for c in fixed["changes"]],  # 库存 A001 …
            "proposals": [] if fixed["confirmed"] else fixed["proposals"],
            "checked_at": timezone.localtime(),
        },
    )
