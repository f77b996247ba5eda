"""Expense and income types (费用类型): the list with adding a type (its sub-account is made
under the group chosen), and the edit page (rename, another account, 停用). Thin views: every
write goes through ledger.expense_types (permission, validation, audit); a DomainError shows
the page again with the input and the message, nothing changed."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from openjxc.core.errors import DomainError
from openjxc.ledger.expense_types import (
    account_choices,
    create_expense_type,
    expense_type_list,
    get_expense_type,
    update_expense_type,
)
from openjxc.users.services import MASTER_DATA, MONEY

from .admin_forms import _error, _form
from .decorators import page


@page(MONEY, MASTER_DATA)
def expense_types(request):
    ctx = {"rows": expense_type_list(), **account_choices(), "v": {}}
    if request.method != "POST":
        return render(request, "web/admin/expense_types.html", ctx)
    ctx["v"] = values = _form(request, ("code", "name", "kind", "parent"))
    try:
        t = create_expense_type(request.user, values)
    except DomainError as exc:
        return render(
            request,
            "web/admin/expense_types.html",
            {**ctx, **_error(request, exc)},
            status=exc.status,
        )
    messages.success(request, _("%(code)s %(name)s saved.") % t)
    return redirect("expense_types")


@page(MONEY, MASTER_DATA)
def expense_type_edit(request, code):
    try:
        values = get_expense_type(code)
    except DomainError:
        raise Http404 from None
    choices = account_choices(values["kind"])
    ctx = {
        "parents": choices["parents"][values["kind"]],
        "accounts": choices["accounts"][values["kind"]],
    }
    if request.method == "POST":
        posted = _form(request, ("name", "account"))
        target = posted.pop("account")  # an account code, or "new:<parent>" for a new one
        data = {**posted, "active": bool(request.POST.get("active"))}
        if target.startswith("new:"):
            data["parent"] = target[4:]
        elif target != values["account"]:
            data["account"] = target
        try:
            update_expense_type(request.user, code, data)
        except DomainError as exc:
            values.update(data, account=target)
            return render(
                request,
                "web/admin/expense_type_form.html",
                {**ctx, "v": values, **_error(request, exc)},
                status=exc.status,
            )
        messages.success(request, _("%(code)s saved.") % {"code": code})
        return redirect("expense_types")
    return render(request, "web/admin/expense_type_form.html", {**ctx, "v": values})
