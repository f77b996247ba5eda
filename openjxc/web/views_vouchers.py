"""记账凭证 entry (rows of 摘要, 科目, 借方, 贷方 with live totals) and the 科目 page (the chart
of accounts as a tree, adding a sub-account). Thin: every write is posting.vouchers or
ledger.accounts; a refusal (借贷不平 `unbalanced`, `control_account` …) is shown inline and,
the services being transactional, nothing changed."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openjxc.core.errors import DomainError
from openjxc.documents.access import document_actions, may_use_type
from openjxc.documents.selectors import document_dict, get_document
from openjxc.documents.types import STATUS_LABELS, TYPES
from openjxc.ledger import accounts
from openjxc.ledger.periods import default_date
from openjxc.posting import vouchers
from openjxc.users.services import MONEY, can

from .decorators import forbidden, page
from .errors import error_message

CATEGORIES = {  # ledger.models.Account.category
    "asset": gettext_lazy("Asset"),
    "liability": gettext_lazy("Liability"),
    "equity": gettext_lazy("Equity"),
    "cost": gettext_lazy("Cost"),
    "profit_loss": gettext_lazy("Profit and loss"),
}
ROWS = 8  # rows of an empty voucher form; a saved one shows its lines and two empty rows


def _rows(post) -> list[dict]:
    """The typed rows (as typed, for showing the form again) of the voucher form."""
    count = min(int(post.get("rows") or ROWS), vouchers.MAX_LINES)
    return [
        {k: (post.get(f"{k}_{i}") or "").strip() for k in ("memo", "account", "debit", "credit")}
        for i in range(count)
    ]


def _body(post, rows: list[dict]) -> dict:
    lines = []
    for r in rows:
        if not (r["account"] or r["debit"] or r["credit"]):
            continue  # an empty row
        line = {"account": r["account"], "memo": r["memo"]}
        line.update({side: r[side] for side in ("debit", "credit") if r[side]})
        lines.append(line)
    return {
        "date": post.get("date") or "",
        "memo": (post.get("memo") or "").strip(),
        "lines": lines,
    }


def _saved_rows(data: dict) -> list[dict]:
    rows = [
        {
            "memo": ln["memo"],
            "account": ln["account"],
            "debit": ln["debit"] if ln["debit"] != "0.00" else "",
            "credit": ln["credit"] if ln["credit"] != "0.00" else "",
        }
        for ln in data["account_lines"]
    ]
    return rows + [dict.fromkeys(("memo", "account", "debit", "credit"), "")] * 2


def _form(request, t, data: dict, rows: list[dict], doc=None, error=None, status=200):
    return render(
        request,
        "web/vouchers/entry.html",
        {
            "t": t,
            "doc": doc,
            "data": data,
            "rows": rows,
            "row_count": len(rows),
            "accounts": vouchers.leaf_accounts(),
            "error": error_message(error) if error else None,
            "error_code": error.code if error else "",
            "status_name": STATUS_LABELS.get(doc.status, doc.status) if doc else "",
        },
        status=status,
    )


def _save(request, t, doc=None):
    rows = _rows(request.POST)
    body = _body(request.POST, rows)
    try:
        result = vouchers.save_voucher(
            request.user,
            doc.number if doc else None,
            body,
            approve=request.POST.get("action") == "approve",
        )
    except DomainError as exc:
        return _form(request, t, body, rows, doc, exc, status=exc.status)
    if result["status"] == "pending_approval":
        messages.info(request, _("Saved; another user must approve it."))
    else:
        messages.success(request, _("Saved %(number)s.") % {"number": result["number"]})
    return redirect("doc_detail", number=result["number"])


@page(MONEY)
def voucher_new(request):
    t = TYPES[vouchers.voucher_type()]
    if not may_use_type(request.user, t.code):
        return forbidden(request)
    if request.method == "POST":
        return _save(request, t)
    empty = dict.fromkeys(("memo", "account", "debit", "credit"), "")
    return _form(request, t, {"date": default_date().isoformat(), "memo": ""}, [empty] * ROWS)


@page(MONEY)
def voucher_edit(request, number):
    doc = get_document(number)
    t = TYPES[doc.type]
    if not t.manual_lines or not document_actions(request.user, doc)["edit"]:
        return redirect("doc_detail", number=number)
    if request.method == "POST":
        return _save(request, t, doc)
    data = document_dict(doc)
    return _form(request, t, data, _saved_rows(data), doc)


@page(MONEY)
def chart_page(request):
    """科目: the chart as a tree; finance adds a sub-account under a non-control account."""
    error, form = None, {}
    if request.method == "POST":
        form = {k: (request.POST.get(k) or "").strip() for k in ("parent", "code", "name")}
        try:
            added = accounts.add_account(request.user, form)
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("Added the account %(code)s %(name)s.")
                % {"code": added["code"], "name": added["name"]},
            )
            return redirect("chart_of_accounts")
    rows = accounts.chart()
    for r in rows:
        r["category_label"] = CATEGORIES.get(r["category"], r["category"])
    return render(
        request,
        "web/vouchers/chart.html",
        {
            "rows": rows,
            "parents": [r for r in rows if not r["control"]],
            "form": form,
            "may_add": can(request.user, MONEY),
            "error": error_message(error) if error else None,
        },
        status=error.status if error else 200,
    )
