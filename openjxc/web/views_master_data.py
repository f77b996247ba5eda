"""Master data: items and warehouses (customers and suppliers: views_partners.py).

Thin views: every write goes through a service, which checks the permission again and raises
DomainError; the page is then rendered again with the user's input and the message, nothing changed."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openjxc.catalog.categories import category_choices
from openjxc.catalog.imports import COSTING_LABELS
from openjxc.catalog.selectors import get_item, item_dict, next_item_code, search_items
from openjxc.catalog.services import create_item, edit_item, set_item_active
from openjxc.core.errors import DomainError
from openjxc.inventory.selectors import (
    active_warehouses,
    all_warehouses,
    get_warehouse,
    next_warehouse_code,
    warehouse_dict,
)
from openjxc.inventory.services import create_warehouse, update_warehouse
from openjxc.partners.services import update_partner
from openjxc.reports.excel import query_filters, xlsx_response
from openjxc.users.masking import mask_cost, sees_cost
from openjxc.users.services import (
    ADD_ITEMS,
    EXPORT,
    MASTER_DATA,
    allowed_warehouse_ids,
    can,
    require_warehouses,
)

from .admin_forms import _blank_to_none, _error, _form, _paged
from .audit_display import COSTING_METHOD_LABELS
from .decorators import forbidden, page
from .errors import error_message
from .params import category_choice, category_ids
from .tracking_entry import item_form_tracking
from .views_stock_limits import limits_rows

ITEM_KEYS = (
    "code",
    "name",
    "unit",
    "spec",
    "barcode",
    "tax_rate",
    "purchase_price",
    "sale_price",
    "safety_stock",
    "category",
    "costing_method",
)
TAX_RATES = ("0.13", "0.09", "0.06", "0.03", "0.01", "0")
UNIT_KEYS = ("unit", "factor", "barcode", "purchase_price", "sale_price")
BLANK_UNIT_ROWS = 2  # empty rows the form offers for new alternate units


def _unit_rows(request) -> list[dict]:
    """The alternate-unit rows of the item form as typed (a row without a unit name is empty)."""
    names = request.POST.getlist("unit_unit")
    columns = [request.POST.getlist(f"unit_{k}") for k in UNIT_KEYS]
    columns = [c + [""] * (len(names) - len(c)) for c in columns]  # a column the user lacks
    rows = []
    for values in zip(*columns, strict=False):
        row = dict(zip(UNIT_KEYS, (v.strip() for v in values), strict=True))
        if row["unit"] or row["factor"]:
            rows.append(row)
    return rows


def _units_data(request, rows: list[dict]) -> list[dict]:
    keys = [k for k in UNIT_KEYS if k != "purchase_price" or sees_cost(request.user)]
    return [{k: (row[k] or None) if k != "unit" else row[k] for k in keys} for row in rows]


def _form_units(rows: list[dict], error_field: str = "") -> list[dict]:
    """The rows the form shows: the units, then blank rows; the wrong cell of a refused save."""
    out = [{**r, "error": ""} for r in rows] + [
        {k: "" for k in (*UNIT_KEYS, "error")} for _ in range(BLANK_UNIT_ROWS)
    ]
    for i, row in enumerate(out):
        prefix = f"units[{i}]."
        if error_field.startswith(prefix):
            row["error"] = error_field[len(prefix) :]
    return out


def show_inactive(request) -> bool:
    """The lists show deactivated (停用) records only when asked (显示停用)."""
    return request.GET.get("inactive") == "1"


@page()
def items(request):
    q = request.GET.get("q", "").strip()
    categories, category = category_choice(request)
    active = None if show_inactive(request) else True
    error = None
    try:
        qs = search_items(q, active=active, categories=category_ids(category))
    except DomainError as exc:  # an unknown category: say so and list unfiltered
        error, qs = error_message(exc), search_items(q, active=active)
    if request.GET.get("export"):
        if not can(request.user, EXPORT):
            return forbidden(request)
        rows = mask_cost(request.user, [item_dict(i) for i in qs])
        # the import template's headers (catalog/imports.py) in any UI language: a file to read back
        columns = [
            ("code", "商品编码"),
            ("name", "商品名称"),
            ("spec", "规格型号"),
            ("unit", "单位"),
            ("category_name", "商品分类"),
            ("barcode", "条码"),
            ("tax_rate", "税率"),
        ]
        _name_categories(rows, categories)
        if sees_cost(request.user):
            columns.append(("purchase_price", "采购价"))
        columns += [("sale_price", "销售价"), ("safety_stock", "安全库存")]
        columns.append(("costing_method", "计价方法"))
        for r in rows:  # as the import reads it back
            r["costing_method"] = COSTING_LABELS.get(r["costing_method"], r["costing_method"])
        for r in rows:  # 批次 / 序列号 as the sheet shows them
            r["batch_text"] = "是" if r["batch_tracked"] else ""
            r["serial_text"] = "是" if r["serial_tracked"] else ""
        columns += [
            ("batch_text", "批次管理"),
            ("shelf_life_days", "保质期天数"),
            ("serial_text", "序列号管理"),
        ]
        return xlsx_response(
            "items.xlsx", "商品", columns, rows, filters=query_filters(request.GET)
        )
    page_ = _paged(request, qs)
    rows = _name_categories(mask_cost(request.user, [item_dict(i) for i in page_]), categories)
    return render(
        request,
        "web/admin/items.html",
        {
            "rows": rows,
            "page": page_,
            "q": q,
            "inactive": show_inactive(request),
            "categories": categories,
            "category": category,
            "error": error,
            "may_edit": can(request.user, MASTER_DATA),
            "may_add": can(request.user, MASTER_DATA) or can(request.user, ADD_ITEMS),
            "may_export": can(request.user, EXPORT),
        },
    )


def _name_categories(rows: list[dict], categories: list[dict]) -> list[dict]:
    """Each item row with its category's name beside the code."""
    names = {c["code"]: c["name"] for c in categories}
    for r in rows:
        r["category_name"] = names.get(r["category"], "")
    return rows


def _form_choices() -> dict:
    """The item form's pick lists: tax rates, and the categories (inactive ones only shown when
    the item is in one already)."""
    return {
        "tax_rates": TAX_RATES,
        "categories": category_choices(active_only=False),
        "costing_methods": COSTING_METHOD_LABELS.items(),
    }


def _item_data(request, new: bool) -> dict:
    keys = [
        k
        for k in ITEM_KEYS
        if (new or (k != "code" and k in request.POST))
        and (k != "purchase_price" or sees_cost(request.user))
    ]
    data = _form(request, keys)
    for k in ("tax_rate", "safety_stock", "costing_method"):
        if data.get(k) == "":
            data.pop(k)
    data = _blank_to_none(data, ("purchase_price", "sale_price"))
    if "unit_unit" in request.POST:  # 多单位: the form shows every alternate unit
        data["units"] = _units_data(request, _unit_rows(request))
    data.update(item_form_tracking(request.POST))  # 批次 / 序列号
    return data


@page(MASTER_DATA, ADD_ITEMS)
def item_new(request):
    values = {"tax_rate": "0.13", "unit": "", "category": request.GET.get("category", "")}
    if request.method == "POST":
        values = {**_form(request, ITEM_KEYS), **item_form_tracking(request.POST)}
        rows = _unit_rows(request)
        try:
            item = create_item(request.user, _item_data(request, new=True))
        except DomainError as exc:
            err = _error(request, exc)
            return render(
                request,
                "web/admin/item_form.html",
                {
                    "new": True,
                    "v": values,
                    "units": _form_units(rows, err["error_field"]),
                    "next_code": next_item_code(),
                    **_form_choices(),
                    **err,
                },
                status=exc.status,
            )
        messages.success(request, _("Item %(code)s saved, barcode %(barcode)s.") % item)
        if request.POST.get("again"):
            return redirect("item_new")
        return redirect(reverse("items") + f"?q={item['code']}")
    return render(
        request,
        "web/admin/item_form.html",
        {
            "new": True,
            "v": values,
            "units": _form_units([]),
            "next_code": next_item_code(),
            **_form_choices(),
        },
    )


@page(MASTER_DATA)
def item_edit(request, code):
    try:
        item = get_item(code)
    except DomainError:
        raise Http404 from None
    values = mask_cost(request.user, item_dict(item))
    values["safety_stock"] = values["safety_stock"] if values["safety_stock"] != "0" else ""
    rows = [{k: u[k] or "" for k in UNIT_KEYS} for u in values["units"]]
    if request.method == "POST":
        values = {
            **_form(request, ITEM_KEYS),
            **item_form_tracking(request.POST),
            "code": code,
            "active": bool(request.POST.get("active")),
        }
        rows = _unit_rows(request)
        try:
            edit_item(request.user, code, _item_data(request, new=False), values["active"])
        except DomainError as exc:
            err = _error(request, exc)
            return render(
                request,
                "web/admin/item_form.html",
                {
                    "new": False,
                    "v": values,
                    "units": _form_units(rows, err["error_field"]),
                    **_form_choices(),
                    **err,
                },
                status=exc.status,
            )
        messages.success(request, _("Item %(code)s saved.") % {"code": code})
        return redirect(reverse("items") + f"?q={code}")
    return render(
        request,
        "web/admin/item_form.html",
        {
            "new": False,
            "v": values,
            "units": _form_units(rows),
            "limits": limits_rows(request.user, code),
            **_form_choices(),
        },
    )


# ---------------------------------------------------------------- warehouses


@page()
def warehouses(request):
    allowed = allowed_warehouse_ids(request.user)
    may_edit = can(request.user, MASTER_DATA)
    # a keeper limited to some warehouses edits only those: no link to one he may not change
    rows = [
        {**warehouse_dict(w), "editable": may_edit and (allowed is None or w.id in allowed)}
        for w in (all_warehouses() if show_inactive(request) else active_warehouses())
    ]
    ctx = {
        "rows": rows,
        "may_edit": may_edit,
        "v": {},
        "next_code": next_warehouse_code(),
        "inactive": show_inactive(request),
    }
    if request.method == "POST":
        if not can(request.user, MASTER_DATA):
            return forbidden(request)
        ctx["v"] = values = _form(request, ("code", "name"))
        try:
            wh = create_warehouse(request.user, values)
        except DomainError as exc:
            return render(
                request,
                "web/admin/warehouses.html",
                {**ctx, **_error(request, exc)},
                status=exc.status,
            )
        messages.success(request, _("%(code)s %(name)s saved.") % wh)
        return redirect("warehouses")
    return render(request, "web/admin/warehouses.html", ctx)


@page(MASTER_DATA)
def warehouse_edit(request, code):
    try:
        wh = get_warehouse(code)
    except DomainError:
        raise Http404 from None
    try:
        require_warehouses(request.user, wh)  # one of the keeper's warehouses
    except DomainError:
        return forbidden(request)
    values = warehouse_dict(wh)
    if request.method == "POST":
        values = {
            "code": code,
            "name": request.POST.get("name", "").strip(),
            "active": bool(request.POST.get("active")),
        }
        try:
            update_warehouse(
                request.user, code, {"name": values["name"], "active": values["active"]}
            )
        except DomainError as exc:
            return render(
                request,
                "web/admin/warehouse_form.html",
                {"v": values, **_error(request, exc)},
                status=exc.status,
            )
        messages.success(request, _("%(code)s saved.") % {"code": code})
        return redirect("warehouses")
    return render(request, "web/admin/warehouse_form.html", {"v": values})


# ---------------------------------------------------------------- 停用 / 启用


def _set_active(kind: str):
    """The service that (de)activates one record of a kind: (user, code, active)."""
    if kind == "item":
        return set_item_active
    if kind == "warehouse":
        return lambda user, code, active: update_warehouse(user, code, {"active": active})
    return lambda user, code, active: update_partner(user, kind, code, {"active": active})


LIST_OF = {
    "item": "items",
    "customer": "customers",
    "supplier": "suppliers",
    "warehouse": "warehouses",
}


@page(MASTER_DATA)
@require_POST
def set_active(request, kind, code):
    """The list's 停用 / 启用 button (confirmed in the browser): deactivated records stay in
    history and reports but are refused on new documents and hidden from the pickers."""
    active = request.POST.get("active") == "1"
    try:
        _set_active(kind)(request.user, code, active)
    except DomainError as exc:
        messages.error(request, error_message(exc))
    else:
        done = _("%(code)s activated.") if active else _("%(code)s deactivated.")
        messages.success(request, done % {"code": code})
    return redirect(reverse(LIST_OF[kind]) + "?inactive=1")
