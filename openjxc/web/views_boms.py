"""物料清单 and 物料需求 pages: the BOM list (with Excel export), a BOM's form (new and edit), and
the material requirements of chosen open sales orders with one click to the draft purchase
orders. Thin views: catalog.bom and posting.requirements check, write and audit."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from openjxc.catalog.bom import bom_rows, create_bom, get_bom, update_bom
from openjxc.core.errors import DomainError
from openjxc.partners.models import Partner
from openjxc.partners.selectors import search_partners
from openjxc.posting.requirements import (
    draft_purchase_orders,
    material_requirements,
    open_order_rows,
)
from openjxc.reports.excel import export_xlsx
from openjxc.users.services import EXPORT, MASTER_DATA, can

from .admin_forms import _error
from .decorators import forbidden, page

ROWS = 10  # component rows on the form


@page()
def boms(request):
    q = request.GET.get("q", "").strip()
    rows = bom_rows(q=q or None)
    if request.GET.get("format") == "xlsx":
        if not can(request.user, EXPORT):
            return forbidden(request)
        flat = [
            {
                **b,
                "component": c["item"],
                "component_name": c["item_name"],
                "component_qty": c["qty"],
            }
            for b in rows
            for c in b["components"]
        ]
        columns = [
            ("code", _("BOM")),
            ("item", _("Item")),
            ("item_name", _("Name")),
            ("qty", _("Quantity")),
            ("component", _("Component")),
            ("component_name", _("Component name")),
            ("component_qty", _("Component quantity")),
        ]
        return export_xlsx(request.user, "boms.xlsx", _("Bills of materials"), columns, flat)
    ctx = {"rows": rows, "q": q, "may_edit": can(request.user, MASTER_DATA)}
    return render(request, "web/stock/boms.html", ctx)


def _posted(request) -> dict:
    post = request.POST
    components = [
        {"item": post.get(f"c_item_{n}", "").strip(), "qty": post.get(f"c_qty_{n}", "").strip()}
        for n in range(ROWS)
    ]
    return {
        "code": post.get("code", "").strip(),
        "item": post.get("item", "").strip(),
        "qty": post.get("qty", "").strip(),
        "memo": post.get("memo", "").strip(),
        "active": bool(post.get("active")),
        "components": [c for c in components if c["item"] or c["qty"]],
    }


def _form_rows(values: dict) -> list:
    given = list(values.get("components") or [])
    return given + [{"item": "", "qty": ""}] * max(ROWS - len(given), 0)


@page(MASTER_DATA)
def bom_form(request, code=None):
    if code is None:
        values = {"code": "", "item": request.GET.get("item", ""), "qty": "1", "active": True}
    else:
        try:
            values = get_bom(code)
        except DomainError:
            raise Http404 from None
    if request.method == "POST":
        values = _posted(request)
        try:
            if code is None:
                saved = create_bom(request.user, values)
            else:
                saved = update_bom(request.user, code, values)
        except DomainError as exc:
            ctx = {"v": values, "rows": _form_rows(values), "code": code, **_error(request, exc)}
            return render(request, "web/stock/bom_form.html", ctx, status=exc.status)
        messages.success(request, _("%(code)s saved.") % {"code": saved["code"]})
        return redirect("boms")
    ctx = {"v": values, "rows": _form_rows(values), "code": code}
    return render(request, "web/stock/bom_form.html", ctx)


@page()
def requirements(request):
    """GET: the requirements of the ticked orders (none ticked: every open order); POST: the
    draft purchase orders for the shortages, then the first one's page."""
    chosen = request.POST.getlist("order") or request.GET.getlist("order")
    ctx = {
        "orders": open_order_rows(request.user),
        "chosen": set(chosen),
        "suppliers": search_partners(Partner.SUPPLIER, active_only=True),
    }
    if request.method == "POST":
        data = {"orders": chosen or None, "supplier": request.POST.get("supplier") or None}
        try:
            made = draft_purchase_orders(request.user, data)
        except DomainError as exc:
            ctx.update(_error(request, exc))
        else:
            numbers = [d["number"] for d in made["documents"]]
            messages.success(request, _("Draft purchase orders: %(n)s") % {"n": ", ".join(numbers)})
            if made["without_supplier"]:
                messages.warning(
                    request,
                    _("No supplier for %(items)s: name one to order them.")
                    % {"items": ", ".join(made["without_supplier"])},
                )
            return redirect("doc_detail", number=numbers[0])
    try:
        ctx["report"] = material_requirements(request.user, chosen or None)
    except DomainError as exc:
        ctx.update(_error(request, exc))
    return render(request, "web/stock/material_requirements.html", ctx)
