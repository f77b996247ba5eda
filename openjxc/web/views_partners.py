"""Master data: customers and suppliers (往来单位) — the full record: contact, phones, address,
税号, bank, 账期, price level, credit limit, active.

Thin views: every write goes through partners.services, which checks the permission again and
raises DomainError; the form is then shown again with the user's input and the message."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openjxc.catalog.selectors import active_price_levels
from openjxc.core.errors import DomainError
from openjxc.documents.access import partner_kinds
from openjxc.partners.selectors import (
    get_partner,
    next_partner_code,
    partner_dict,
    search_partners,
)
from openjxc.partners.services import create_partner, update_partner
from openjxc.reports.excel import query_filters, xlsx_response
from openjxc.users.services import (
    ADD_CUSTOMERS,
    ADD_PARTNER,
    ADD_SUPPLIERS,
    EXPORT,
    MASTER_DATA,
    can,
)

from .admin_forms import _blank_to_none, _error, _form, _paged
from .decorators import forbidden, page

KIND_LABELS = {"customer": gettext_lazy("Customers"), "supplier": gettext_lazy("Suppliers")}
LIST_URL = {"customer": "customers", "supplier": "suppliers"}
# the form's fields (a supplier has no credit limit on the form)
PARTNER_KEYS = (
    "code",
    "name",
    "contact",
    "phone",
    "mobile",
    "address",
    "tax_no",
    "bank_name",
    "bank_account",
    "payment_terms_days",
    "price_level",
    "credit_limit",
)
EXPORT_COLUMNS = [
    ("code", gettext_lazy("Code")),
    ("name", gettext_lazy("Name")),
    ("contact", gettext_lazy("Contact person")),
    ("phone", gettext_lazy("Phone")),
    ("mobile", gettext_lazy("Mobile")),
    ("address", gettext_lazy("Address")),
    ("tax_no", gettext_lazy("Tax number")),
    ("bank_name", gettext_lazy("Bank")),
    ("bank_account", gettext_lazy("Bank account")),
    ("payment_terms_days", gettext_lazy("Payment terms in days")),
]


def partners(request, kind):
    q = request.GET.get("q", "").strip()
    inactive = request.GET.get("inactive") == "1"  # 显示停用
    qs = search_partners(kind, q, active=None if inactive else True)
    if request.GET.get("export"):
        if not can(request.user, EXPORT):
            return forbidden(request)
        columns = list(EXPORT_COLUMNS)
        if kind == "customer":
            columns += [
                ("price_level", gettext_lazy("Price level")),
                ("credit_limit", gettext_lazy("Credit limit")),
            ]
        name = "客户" if kind == "customer" else "供应商"
        return xlsx_response(
            f"{kind}s.xlsx",
            name,
            columns,
            [partner_dict(p) for p in qs],
            filters=query_filters(request.GET),
        )
    page_ = _paged(request, qs)
    return render(
        request,
        "web/admin/partners.html",
        {
            "may_export": can(request.user, EXPORT),
            "kind": kind,
            "title": KIND_LABELS[kind],
            "rows": [partner_dict(p) for p in page_],
            "page": page_,
            "q": q,
            "inactive": inactive,
            "may_edit": can(request.user, MASTER_DATA),
            "may_add": may_add(request.user, kind),
            "may_statement": kind in partner_kinds(request.user),
        },
    )


@page()
def customers(request):
    return partners(request, "customer")


@page()
def suppliers(request):
    return partners(request, "supplier")


def _data(kind: str, values: dict) -> dict:
    """The service's body from the form: empty number fields mean none."""
    data = _blank_to_none(values, ("credit_limit", "payment_terms_days", "price_level"))
    if kind != "customer":
        data.pop("credit_limit", None)
        data.pop("price_level", None)
    return data


def _form_page(request, kind, new: bool, values: dict, error=None):
    ctx = {
        "kind": kind,
        "new": new,
        "v": values,
        "levels": active_price_levels(),
        "next_code": next_partner_code(kind) if new else "",
        **(_error(request, error) if error else {}),
    }
    return render(
        request, "web/admin/partner_form.html", ctx, status=error.status if error else 200
    )


def may_add(user, kind: str) -> bool:
    """编辑资料 adds every kind; the role defaults let 采购 add suppliers, 销售 customers."""
    return can(user, MASTER_DATA) or can(user, ADD_PARTNER[kind])


@page(MASTER_DATA, ADD_CUSTOMERS, ADD_SUPPLIERS)
def partner_new(request, kind):
    if not may_add(request.user, kind):
        return forbidden(request)
    if request.method != "POST":
        return _form_page(request, kind, True, {})
    values = _form(request, PARTNER_KEYS)
    try:
        p = create_partner(request.user, kind, _data(kind, values))
    except DomainError as exc:
        return _form_page(request, kind, True, values, exc)
    messages.success(request, _("%(code)s %(name)s saved.") % p)
    return redirect(LIST_URL[kind])


@page(MASTER_DATA)
def partner_edit(request, kind, code):
    try:
        values = partner_dict(get_partner(kind, code))
    except DomainError:
        raise Http404 from None
    if request.method != "POST":
        return _form_page(request, kind, False, values)
    values = {
        **_form(request, PARTNER_KEYS),
        "code": code,
        "active": bool(request.POST.get("active")),
    }
    data = _data(kind, {k: v for k, v in values.items() if k != "code"})
    try:
        update_partner(request.user, kind, code, data)
    except DomainError as exc:
        return _form_page(request, kind, False, values, exc)
    messages.success(request, _("%(code)s saved.") % {"code": code})
    return redirect(LIST_URL[kind])
