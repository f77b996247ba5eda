"""科目余额表 (trial balance): opening, period and closing debit / credit per account on the
ledger selector; a parent account's row holds its sub-accounts' sums (the selector rolls them
up) and is followed by them, indented; the totals add the top-level accounts only. Every
amount drills down to the journal filtered by that account and the same period or dates."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from openjxc.core.errors import DomainError
from openjxc.ledger.selectors import trial_balance as trial_balance_rows
from openjxc.reports import journal as journal_selectors
from openjxc.reports.excel import period_text
from openjxc.users.services import VIEW_COST

from .decorators import page
from .errors import error_message
from .params import optional_date_param, wants_xlsx
from .report_helpers import _export, _query

AMOUNTS = ("opening_debit", "opening_credit", "debit", "credit", "closing_debit", "closing_credit")


def _range(request) -> tuple[str, object, object]:
    """(period, from, to): ?period= wins; nothing given is this period."""
    period = (request.GET.get("period") or "").strip()
    date_from = optional_date_param(request, "from")
    date_to = optional_date_param(request, "to")
    if not (period or date_from or date_to):
        period = journal_selectors.current_period()
    if period:
        date_from = date_to = None
    elif date_from and date_to and date_to < date_from:
        raise DomainError("invalid_range", "to must not be before from", {"field": "to"})
    return period, date_from, date_to


def _is_zero(row: dict) -> bool:
    return all(row[k] in ("0.00", "-0.00") for k in AMOUNTS)


@page(VIEW_COST)
def trial_balance(request):
    show_zero = request.GET.get("zero") == "1"
    error, data, period, date_from, date_to = None, None, "", None, None
    try:
        period, date_from, date_to = _range(request)
        data = trial_balance_rows(period or None, date_from, date_to)
    except DomainError as exc:
        error = error_message(exc)
    rows = []
    if data:
        depth = {a["code"]: a["depth"] for a in journal_selectors.chart()}
        scope = {"period": period} if period else {"from": date_from or "", "to": date_to or ""}
        for r in data["items"]:
            if not show_zero and _is_zero(r):
                continue
            r["depth"] = depth.get(r["account"], 0)
            r["drill"] = reverse("journal") + "?" + urlencode({**scope, "account": r["account"]})
            r["indented_name"] = "　" * r["depth"] + r["name"]
            rows.append(r)
        if wants_xlsx(request):
            columns = [
                ("account", _("Account code")),
                ("indented_name", _("Account")),
                ("opening_debit", _("Opening debit")),
                ("opening_credit", _("Opening credit")),
                ("debit", _("Period debit")),
                ("credit", _("Period credit")),
                ("closing_debit", _("Closing debit")),
                ("closing_credit", _("Closing credit")),
            ]
            title = _("Trial balance")
            start, end = journal_selectors.range_of(period or None, date_from, date_to)
            return _export(
                request,
                f"{title}_{period or start}.xlsx",
                title,
                columns,
                rows,
                data["totals"],
                period=period_text(start or "…", end or "…"),
                formats=dict.fromkeys(AMOUNTS, "money"),
            )
    return render(
        request,
        "web/journal/trial_balance.html",
        {
            "data": data,
            "rows": rows,
            "period": period,
            "date_from": date_from,
            "date_to": date_to,
            "periods": journal_selectors.period_names(),
            "show_zero": show_zero,
            "zero_query": _query(request, zero=None if show_zero else "1"),
            "export_query": _query(request, format="xlsx"),
            "error": error,
        },
        status=422 if error else 200,
    )
