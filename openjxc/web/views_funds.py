"""资金: the 结算账户 page (list, add, edit, 停用), the 日记账 and the 资金报表, each report with
its Excel export. Thin views: writes go through ledger.money_accounts (permission, validation,
audit), reads through reports.funds; a DomainError shows the page again with the message."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openjxc.core.errors import DomainError
from openjxc.ledger.money_accounts import (
    create_money_account,
    get_money_account,
    list_money_accounts,
    money_account_dict,
    update_money_account,
)
from openjxc.reports import funds
from openjxc.reports.excel import period_text
from openjxc.reports.funds_api import FUNDS_COLUMNS, JOURNAL_COLUMNS, journal_rows
from openjxc.users.services import MONEY

from .admin_forms import _error, _form
from .decorators import page
from .errors import error_message
from .params import period_param, this_month, wants_xlsx
from .report_helpers import _export, _query

KIND_LABELS = {
    "cash": gettext_lazy("Cash"),
    "bank": gettext_lazy("Bank deposit"),
    "other": gettext_lazy("Other money"),
}
FORM_FIELDS = ("code", "name", "kind", "bank_name", "account_no")


def _rows(inactive: bool) -> list[dict]:
    return [
        {**money_account_dict(m), "kind_label": KIND_LABELS.get(m.kind, m.kind)}
        for m in list_money_accounts(None if inactive else True)
    ]


@page(MONEY)
def money_accounts(request):
    inactive = bool(request.GET.get("inactive"))
    ctx = {"rows": _rows(inactive), "inactive": inactive, "kinds": KIND_LABELS.items()}
    ctx["v"] = {"kind": "bank"}
    if request.method != "POST":
        return render(request, "web/money/accounts.html", ctx)
    ctx["v"] = values = _form(request, FORM_FIELDS)
    try:
        created = create_money_account(request.user, values)
    except DomainError as exc:
        return render(
            request, "web/money/accounts.html", {**ctx, **_error(request, exc)}, status=exc.status
        )
    messages.success(request, _("%(code)s %(name)s saved.") % created)
    return redirect("money_accounts")


@page(MONEY)
def money_account_edit(request, code):
    try:
        values = money_account_dict(get_money_account(code))
    except DomainError:
        raise Http404 from None
    values["kind_label"] = KIND_LABELS.get(values["kind"], values["kind"])
    if request.method == "POST":
        posted = {**_form(request, ("name", "bank_name", "account_no"))}
        posted["active"] = bool(request.POST.get("active"))
        values.update(posted)
        try:
            update_money_account(request.user, code, posted)
        except DomainError as exc:
            return render(
                request,
                "web/money/account_form.html",
                {"v": values, **_error(request, exc)},
                status=exc.status,
            )
        messages.success(request, _("%(code)s saved.") % {"code": code})
        return redirect("money_accounts")
    return render(request, "web/money/account_form.html", {"v": values})


@page(MONEY)
def money_account_active(request, code):
    """The list's 停用 / 启用 button (confirmed in the browser)."""
    active = request.POST.get("active") == "1"
    try:
        update_money_account(request.user, code, {"active": active})
    except DomainError as exc:
        messages.error(request, error_message(exc))
    else:
        done = _("%(code)s activated.") if active else _("%(code)s deactivated.")
        messages.success(request, done % {"code": code})
    return redirect(reverse("money_accounts") + "?inactive=1")


@page(MONEY)
def cash_journal(request):
    accounts = list_money_accounts()
    default = next((m.code for m in accounts if m.kind == "bank"), "")  # 银行存款日记账
    code = (request.GET.get("account") or "").strip() or default
    data, error = None, None
    try:
        date_from, date_to = period_param(request)
        data = funds.cash_journal(code, date_from, date_to)
    except DomainError as exc:
        error = error_message(exc)
        date_from, date_to = this_month()
    if data is not None and wants_xlsx(request):
        totals = {"memo": "本期合计", "debit": data["debit"], "credit": data["credit"]}
        return _export(
            request,
            f"日记账_{code}_{date_from}_{date_to}.xlsx",
            f"日记账 {data['name']}",
            JOURNAL_COLUMNS,
            journal_rows(data),
            {**totals, "balance": data["closing"]},
            period=period_text(date_from, date_to),
        )
    return render(
        request,
        "web/money/cash_journal.html",
        {
            "accounts": accounts,
            "account": code,
            "data": data,
            "error": error,
            "date_from": date_from,
            "date_to": date_to,
            "export_query": _query(request, format="xlsx", account=code),
        },
        status=422 if error else 200,
    )


@page(MONEY)
def funds_report(request):
    data, error = None, None
    try:
        date_from, date_to = period_param(request)
        data = funds.funds(date_from, date_to)
    except DomainError as exc:
        error = error_message(exc)
        date_from, date_to = this_month()
    if data is not None and wants_xlsx(request):
        return _export(
            request,
            f"资金报表_{date_from}_{date_to}.xlsx",
            "资金报表",
            FUNDS_COLUMNS,
            data["items"],
            data["totals"],
            period=period_text(date_from, date_to),
        )
    if data is not None:
        for r in data["items"]:
            r["kind_label"] = KIND_LABELS.get(r["kind"], r["kind"])
    return render(
        request,
        "web/money/funds.html",
        {
            "data": data,
            "error": error,
            "date_from": date_from,
            "date_to": date_to,
            "export_query": _query(request, format="xlsx"),
        },
        status=422 if error else 200,
    )
