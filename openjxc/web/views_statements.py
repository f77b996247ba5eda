"""利润表 and 资产负债表 pages (财务报表): reports/statements.py, as the API; view_cost as the trial
balance. A period picker over every period, Excel export of the same rows."""

from django.shortcuts import render

from openjxc.core.errors import DomainError
from openjxc.ledger.periods import all_periods, ensure_periods
from openjxc.reports import statements
from openjxc.reports.statements_api import (
    INCOME_COLUMNS,
    MONEY,
    SHEET_COLUMNS,
    period_or_current,
)
from openjxc.users.services import VIEW_COST

from .decorators import page
from .errors import error_message
from .params import wants_xlsx
from .report_helpers import _export, _query


def _statement(request, build, template: str, title: str, columns):
    ensure_periods()
    name = period_or_current(request.GET.get("period"))
    context = {"periods": list(reversed(all_periods())), "period": name, "title": title}
    try:
        data = build(name)
    except DomainError as exc:
        context["error"] = error_message(exc)
        return render(request, template, context, status=exc.status)
    if wants_xlsx(request):
        return _export(
            request,
            f"{title}_{name}.xlsx",
            title,
            columns,
            data["items"],
            period=name,
            formats=MONEY,
        )
    context.update(data=data, export_query=_query(request, period=name, format="xlsx"))
    return render(request, template, context)


@page(VIEW_COST)
def income_statement(request):
    return _statement(
        request,
        statements.income_statement,
        "web/reports/income_statement.html",
        "利润表",
        INCOME_COLUMNS,
    )


@page(VIEW_COST)
def balance_sheet(request):
    return _statement(
        request,
        statements.balance_sheet,
        "web/reports/balance_sheet.html",
        "资产负债表",
        SHEET_COLUMNS,
    )
