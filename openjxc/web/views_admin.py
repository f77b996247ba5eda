"""Master data (items, customers, suppliers, warehouses), Excel import with preview, users and
roles, settings.

Thin views: every write goes through a service (catalog/partners/inventory services, the import
modules, users.admin), which checks the permission again and raises DomainError; the page is then
rendered again with the user's input and the message, nothing changed."""

import time
import uuid
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openjxc.catalog import imports as item_imports
from openjxc.catalog.selectors import get_item, item_dict, search_items
from openjxc.catalog.services import create_item, set_item_active, update_item
from openjxc.core.errors import DomainError
from openjxc.core.numbers import round_half_up
from openjxc.core.sheets import MAX_BYTES, template_xlsx
from openjxc.documents.access import partner_kinds
from openjxc.inventory.models import Warehouse
from openjxc.inventory.selectors import warehouse_dict
from openjxc.inventory.services import create_warehouse, update_warehouse
from openjxc.partners import imports as partner_imports
from openjxc.partners.models import Partner
from openjxc.partners.selectors import get_partner, partner_dict
from openjxc.partners.services import create_partner, update_partner
from openjxc.posting import opening
from openjxc.reports.excel import XLSX, query_filters, xlsx_response
from openjxc.users import admin as users_admin
from openjxc.users.masking import mask_cost, sees_cost
from openjxc.users.roles import ALL
from openjxc.users.services import EXPORT, MANAGE_USERS, MASTER_DATA, allowed_warehouse_ids, can

from .decorators import forbidden, page
from .errors import error_message

PAGE_SIZE = 50

# ---------------------------------------------------------------- helpers


def _error(request, exc: DomainError) -> dict:
    return {"error": error_message(exc), "error_field": (exc.details or {}).get("field", "")}


def _form(request, keys) -> dict:
    return {k: request.POST.get(k, "").strip() for k in keys}


def _blank_to_none(data: dict, keys) -> dict:
    return {k: (None if k in keys and v == "" else v) for k, v in data.items()}


def _paged(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


# ---------------------------------------------------------------- items

ITEM_KEYS = ("code", "name", "unit", "spec", "barcode", "tax_rate", "purchase_price", "sale_price", "safety_stock")
TAX_RATES = ("0.13", "0.09", "0.06", "0.03", "0.01", "0")


@page()
def items(request):
    q = request.GET.get("q", "").strip()
    qs = search_items(q)
    if request.GET.get("export"):
        if not can(request.user, EXPORT):
            return forbidden(request)
        rows = mask_cost(request.user, [item_dict(i) for i in qs])
        columns = [("code", "商品编码"), ("name", "商品名称"), ("spec", "规格型号"), ("unit", "单位"),
                   ("barcode", "条码"), ("tax_rate", "税率")]
        if sees_cost(request.user):
            columns.append(("purchase_price", "采购价"))
        columns += [("sale_price", "销售价"), ("safety_stock", "安全库存")]
        return xlsx_response("items.xlsx", "商品", columns, rows, filters=query_filters(request.GET))
    page_ = _paged(request, qs)
    rows = mask_cost(request.user, [item_dict(i) for i in page_])
    return render(request, "web/admin/items.html", {
        "rows": rows, "page": page_, "q": q, "may_edit": can(request.user, MASTER_DATA),
        "may_export": can(request.user, EXPORT)})


def _item_data(request, new: bool) -> dict:
    keys = [k for k in ITEM_KEYS if (new or (k != "code" and k in request.POST))
            and (k != "purchase_price" or sees_cost(request.user))]
    data = _form(request, keys)
    for k in ("tax_rate", "safety_stock"):
        if data.get(k) == "":
            data.pop(k)
    return _blank_to_none(data, ("purchase_price", "sale_price"))


@page(MASTER_DATA)
def item_new(request):
    values = {"tax_rate": "0.13", "unit": ""}
    if request.method == "POST":
        values = _form(request, ITEM_KEYS)
        try:
            item = create_item(request.user, _item_data(request, new=True))
        except DomainError as exc:
            return render(request, "web/admin/item_form.html", {"new": True, "v": values, "tax_rates": TAX_RATES,
                                                                 **_error(request, exc)}, status=exc.status)
        messages.success(request, _("Item %(code)s saved, barcode %(barcode)s.") % item)
        if request.POST.get("again"):
            return redirect("item_new")
        return redirect(reverse("items") + f"?q={item['code']}")
    return render(request, "web/admin/item_form.html", {"new": True, "v": values, "tax_rates": TAX_RATES})


@page(MASTER_DATA)
def item_edit(request, code):
    try:
        item = get_item(code)
    except DomainError:
        raise Http404 from None
    values = mask_cost(request.user, item_dict(item))
    values["safety_stock"] = values["safety_stock"] if values["safety_stock"] != "0" else ""
    if request.method == "POST":
        values = {**_form(request, ITEM_KEYS), "code": code, "active": bool(request.POST.get("active"))}
        try:
            with transaction.atomic():
                update_item(request.user, code, _item_data(request, new=False))
                set_item_active(request.user, code, bool(request.POST.get("active")))
        except DomainError as exc:
            return render(request, "web/admin/item_form.html", {"new": False, "v": values, "tax_rates": TAX_RATES,
                                                                 **_error(request, exc)}, status=exc.status)
        messages.success(request, _("Item %(code)s saved.") % {"code": code})
        return redirect(reverse("items") + f"?q={code}")
    return render(request, "web/admin/item_form.html", {"new": False, "v": values, "tax_rates": TAX_RATES})


# ---------------------------------------------------------------- customers and suppliers

KIND_LABELS = {"customer": gettext_lazy("Customers"), "supplier": gettext_lazy("Suppliers")}
LIST_URL = {"customer": "customers", "supplier": "suppliers"}


def partners(request, kind):
    q = request.GET.get("q", "").strip()
    qs = Partner.objects.filter(kind=kind).order_by("code")
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(phone__icontains=q))
    if request.GET.get("export"):
        if not can(request.user, EXPORT):
            return forbidden(request)
        columns = [("code", "编码"), ("name", "名称"), ("phone", "电话")]
        if kind == "customer":
            columns.append(("credit_limit", "信用额度"))
        name = "客户" if kind == "customer" else "供应商"
        return xlsx_response(f"{kind}s.xlsx", name, columns, [partner_dict(p) for p in qs], filters=query_filters(request.GET))
    page_ = _paged(request, qs)
    return render(request, "web/admin/partners.html", {"may_export": can(request.user, EXPORT),
        "kind": kind, "title": KIND_LABELS[kind], "rows": [partner_dict(p) for p in page_], "page": page_, "q": q,
        "may_edit": can(request.user, MASTER_DATA), "may_statement": kind in partner_kinds(request.user)})


@page()
def customers(request):
    return partners(request, "customer")


@page()
def suppliers(request):
    return partners(request, "supplier")


PARTNER_KEYS = ("code", "name", "phone", "credit_limit")


@page(MASTER_DATA)
def partner_new(request, kind):
    values = {}
    if request.method == "POST":
        values = _form(request, PARTNER_KEYS)
        data = _blank_to_none(values, ("credit_limit",))
        if kind != "customer":
            data.pop("credit_limit")
        try:
            p = create_partner(request.user, kind, data)
        except DomainError as exc:
            return render(request, "web/admin/partner_form.html", {"kind": kind, "new": True, "v": values,
                                                                    **_error(request, exc)}, status=exc.status)
        messages.success(request, _("%(code)s %(name)s saved.") % p)
        return redirect(LIST_URL[kind])
    return render(request, "web/admin/partner_form.html", {"kind": kind, "new": True, "v": values})


@page(MASTER_DATA)
def partner_edit(request, kind, code):
    try:
        values = partner_dict(get_partner(kind, code))
    except DomainError:
        raise Http404 from None
    if request.method == "POST":
        values = {**_form(request, PARTNER_KEYS), "code": code, "active": bool(request.POST.get("active"))}
        data = _blank_to_none({k: values[k] for k in ("name", "phone", "credit_limit", "active")}, ("credit_limit",))
        if kind != "customer":
            data.pop("credit_limit")
        try:
            update_partner(request.user, kind, code, data)
        except DomainError as exc:
            return render(request, "web/admin/partner_form.html", {"kind": kind, "new": False, "v": values,
                                                                    **_error(request, exc)}, status=exc.status)
        messages.success(request, _("%(code)s saved.") % {"code": code})
        return redirect(LIST_URL[kind])
    return render(request, "web/admin/partner_form.html", {"kind": kind, "new": False, "v": values})


# ---------------------------------------------------------------- warehouses


@page()
def warehouses(request):
    allowed = allowed_warehouse_ids(request.user)
    may_edit = can(request.user, MASTER_DATA)
    # a keeper limited to some warehouses edits only those: no link to one he may not change
    rows = [{**warehouse_dict(w), "editable": may_edit and (allowed is None or w.id in allowed)}
            for w in Warehouse.objects.order_by("code")]
    ctx = {"rows": rows, "may_edit": may_edit, "v": {}}
    if request.method == "POST":
        if not can(request.user, MASTER_DATA):
            return forbidden(request)
        ctx["v"] = values = _form(request, ("code", "name"))
        try:
            wh = create_warehouse(request.user, values)
        except DomainError as exc:
            return render(request, "web/admin/warehouses.html", {**ctx, **_error(request, exc)}, status=exc.status)
        messages.success(request, _("%(code)s %(name)s saved.") % wh)
        return redirect("warehouses")
    return render(request, "web/admin/warehouses.html", ctx)


@page(MASTER_DATA)
def warehouse_edit(request, code):
    wh = Warehouse.objects.filter(code=code).first()
    if wh is None:
        raise Http404
    allowed = allowed_warehouse_ids(request.user)
    if allowed is not None and wh.id not in allowed:  # not one of the keeper's warehouses
        return forbidden(request)
    values = warehouse_dict(wh)
    if request.method == "POST":
        values = {"code": code, "name": request.POST.get("name", "").strip(), "active": bool(request.POST.get("active"))}
        try:
            update_warehouse(request.user, code, {"name": values["name"], "active": values["active"]})
        except DomainError as exc:
            return render(request, "web/admin/warehouse_form.html", {"v": values, **_error(request, exc)},
                          status=exc.status)
        messages.success(request, _("%(code)s saved.") % {"code": code})
        return redirect("warehouses")
    return render(request, "web/admin/warehouse_form.html", {"v": values})


# ---------------------------------------------------------------- Excel import

IMPORTS = {
    "items": {"label": gettext_lazy("Items"), "columns": item_imports.COLUMNS, "example": item_imports.EXAMPLE,
              "run": lambda user, content, commit: item_imports.import_items(user, content, commit),
              "next": "items", "sheet": "商品"},
    "customers": {"label": gettext_lazy("Customers"), "columns": partner_imports.COLUMNS["customer"],
                  "example": partner_imports.EXAMPLES["customer"], "next": "customers", "sheet": "客户",
                  "run": lambda user, c, commit: partner_imports.import_partners(user, "customer", c, commit)},
    "suppliers": {"label": gettext_lazy("Suppliers"), "columns": partner_imports.COLUMNS["supplier"],
                  "example": partner_imports.EXAMPLES["supplier"], "next": "suppliers", "sheet": "供应商",
                  "run": lambda user, c, commit: partner_imports.import_partners(user, "supplier", c, commit)},
    "opening": {"label": gettext_lazy("Opening stock"), "columns": opening.COLUMNS, "example": opening.EXAMPLE,
                "run": lambda user, c, commit: opening.import_opening_stock(user, c, commit),
                "next": "stock", "sheet": "期初库存"},
}
OBJECT_LABELS = {"item": gettext_lazy("Item"), "warehouse": gettext_lazy("Warehouse"),
                 "customer": gettext_lazy("Customer"), "supplier": gettext_lazy("Supplier")}


def _import_dir() -> Path:
    """Uploaded files kept between the preview and the import; ones older than a day are removed."""
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - 86400
    for old in path.glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    return path


def row_error(exc: DomainError, columns) -> str:
    """A Chinese sentence for one row's error, naming the column."""
    d = exc.details or {}
    labels = {key: label for key, label, _ in columns}
    column = labels.get(str(d.get("field", "")).split(".")[-1], d.get("field", ""))
    msg = exc.message
    by_code = {"invalid_number": _("%(column)s is not a number."), "too_long": _("%(column)s is too long.")}
    if exc.code in by_code and column:
        return by_code[exc.code] % {"column": column}
    if exc.code == "invalid" and column:
        for needle, text in (("is required", _("%(column)s is required.")),
                             ("must not be negative", _("%(column)s must not be negative.")),
                             ("must be positive", _("%(column)s must be greater than 0.")),
                             ("decimal places", _("%(column)s has too many decimal places.")),
                             ("is too large", _("%(column)s is too large.")),
                             ("appears twice", _("%(column)s appears twice in this file.")),
                             ("unit_cost or amount", _("Give the unit cost or the amount.")),
                             ("6 places", _("%(column)s cannot be divided into a unit cost; give the unit cost.")),
                             ):
            if needle in msg:
                return text % {"column": column}
    if exc.code == "not_found" and d.get("object"):
        return _("%(object)s %(ref)s does not exist.") % {"object": OBJECT_LABELS.get(d["object"], d["object"]),
                                                           "ref": d.get("ref", "")}
    if exc.code == "duplicate_opening":
        return _("Opening stock of %(item)s in %(warehouse)s was already imported.") % d
    if exc.code == "second_approver_required":
        return _("The amount needs a second approver; ask another user to import it.")
    return error_message(exc)


def _preview(request, kind, result, name):
    spec = IMPORTS[kind]
    columns = spec["columns"]
    rows = [{"row": r["row"], "cells": [r["data"].get(k) or "" for k, _l, _r in columns],
             "error": row_error(r["error"], columns) if r["error"] else ""} for r in result["rows"]]
    bad = sum(1 for r in rows if r["error"])
    ctx = {"preview": rows, "bad": bad, "ok": result["ok"], "file_name": name,
           "headers": [label for _k, label, _r in columns]}
    if kind == "opening" and result["ok"]:
        ctx["totals"] = _opening_totals(result["rows"], columns)
    return ctx


def _opening_totals(rows, columns) -> list[str]:
    """The totals row of an opening-stock preview: quantity and value (qty × unit cost or the amount)."""
    qty = value = Decimal(0)
    for r in rows:
        q = Decimal(r["data"]["qty"])
        qty += q
        cost = r["data"].get("unit_cost")
        value += round_half_up(q * Decimal(cost)) if cost is not None else Decimal(r["data"]["amount"])
    cells = {"qty": qty.normalize(), "amount": f"{value:.2f}"}
    return [f"{cells[k]}" if k in cells else "" for k, _l, _r in columns]


@page(MASTER_DATA)
def import_page(request):
    kind = request.POST.get("kind") or request.GET.get("kind") or "items"
    if kind not in IMPORTS:
        kind = "items"
    ctx = {"kind": kind, "kinds": [(k, s["label"]) for k, s in IMPORTS.items()], "max_mb": MAX_BYTES // 1024 // 1024,
           "headers": [label + ("*" if req else "") for _k, label, req in IMPORTS[kind]["columns"]]}
    if request.method != "POST":
        return render(request, "web/admin/import.html", ctx)
    spec = IMPORTS[kind]
    if request.POST.get("action") == "import":
        stored = request.session.get("import") or {}
        path = _import_dir() / f"{stored.get('token', '')}.xlsx"
        if stored.get("kind") != kind or stored.get("token") != request.POST.get("token") or not path.exists():
            ctx["error"] = _("The uploaded file has expired; please upload it again.")
            return render(request, "web/admin/import.html", ctx, status=409)
        try:
            result = spec["run"](request.user, path.read_bytes(), True)
        except DomainError as exc:
            return render(request, "web/admin/import.html", {**ctx, **_error(request, exc)}, status=exc.status)
        if not result["ok"]:
            ctx.update(_preview(request, kind, result, stored.get("name")), token=stored["token"])
            ctx["error"] = _("Nothing was imported: fix the rows marked below and upload the file again.")
            return render(request, "web/admin/import.html", ctx, status=422)
        path.unlink(missing_ok=True)
        request.session.pop("import", None)
        messages.success(request, _("%(n)s rows imported.") % {"n": result["imported"]})
        return redirect(spec["next"])
    upload = request.FILES.get("file")
    if upload is None:
        ctx["error"] = _("Choose an Excel file (.xlsx) first.")
        return render(request, "web/admin/import.html", ctx, status=422)
    if upload.size > MAX_BYTES:
        ctx["error"] = _("The file is larger than %(mb)s MB; split it into smaller files.") % {"mb": ctx["max_mb"]}
        return render(request, "web/admin/import.html", ctx, status=422)
    content = upload.read()
    try:
        result = spec["run"](request.user, content, False)
    except DomainError as exc:
        msg = error_message(exc)
        if exc.code == "invalid_file":
            if "columns" in exc.details:
                msg = _("Columns missing in the first row: %(columns)s. Use the template.") % {
                    "columns": "、".join(exc.details["columns"])}
            elif "max_rows" in exc.details:
                msg = _("More than %(n)s rows; split the file.") % {"n": exc.details["max_rows"]}
            elif "max_mb" not in exc.details:
                msg = _("This is not an Excel .xlsx file, or it has no rows below the header.")
            else:
                msg = _("The file is larger than %(mb)s MB; split it into smaller files.") % {"mb": ctx["max_mb"]}
        ctx["error"] = msg
        return render(request, "web/admin/import.html", ctx, status=exc.status)
    token = uuid.uuid4().hex
    old = request.session.get("import") or {}
    if old.get("token"):
        (_import_dir() / f"{old['token']}.xlsx").unlink(missing_ok=True)
    (_import_dir() / f"{token}.xlsx").write_bytes(content)
    request.session["import"] = {"token": token, "kind": kind, "name": upload.name}
    ctx.update(_preview(request, kind, result, upload.name), token=token)
    return render(request, "web/admin/import.html", ctx)


@page(MASTER_DATA)
def import_template(request, kind):
    spec = IMPORTS.get(kind)
    if spec is None:
        raise Http404
    body = template_xlsx(spec["sheet"], spec["columns"], spec["example"])
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''import-{kind}.xlsx"
    return response


# ---------------------------------------------------------------- users and roles

PERMISSION_LABELS = {
    "approve_document": gettext_lazy("Approve documents"),
    "cancel_document": gettext_lazy("Cancel (unapprove) documents"),
    "reverse_document": gettext_lazy("Reverse documents (red-letter)"),
    "edit_document": gettext_lazy("Create and edit drafts"),
    "edit_master_data": gettext_lazy("Edit master data"),
    "close_period": gettext_lazy("Close periods"),
    "reopen_period": gettext_lazy("Reopen periods"),
    "view_cost": gettext_lazy("See cost and purchase prices"),
    "purchase_documents": gettext_lazy("Purchase documents"),
    "sales_documents": gettext_lazy("Sales documents"),
    "stock_documents": gettext_lazy("Stock documents"),
    "money_documents": gettext_lazy("Money documents and invoices"),
    "export_data": gettext_lazy("Export to Excel"),
    "view_audit": gettext_lazy("Read the audit log"),
    "manage_users": gettext_lazy("Manage users and roles"),
    "manage_backup": gettext_lazy("Backups and restore"),
}


def _user_form_ctx(**extra) -> dict:
    return {"roles": users_admin.role_names(), "warehouses": list(Warehouse.objects.order_by("code")), **extra}


@page(MANAGE_USERS)
def users(request):
    wh_names = dict(Warehouse.objects.values_list("code", "name"))
    rows = users_admin.list_users()
    for r in rows:
        r["warehouse_names"] = [wh_names.get(c, c) for c in r["warehouses"]]
    return render(request, "web/admin/users.html", {"rows": rows})


def _user_values(request) -> dict:
    return {"username": request.POST.get("username", "").strip(), "name": request.POST.get("name", "").strip(),
            "password": request.POST.get("password", ""), "roles": request.POST.getlist("roles"),
            "warehouses": request.POST.getlist("warehouses"), "active": bool(request.POST.get("active"))}


@page(MANAGE_USERS)
def user_new(request):
    values = {"active": True, "roles": [], "warehouses": []}
    if request.method == "POST":
        values = _user_values(request)
        try:
            users_admin.create_user(request.user, values)
        except DomainError as exc:
            values["password"] = ""
            return render(request, "web/admin/user_form.html",
                          _user_form_ctx(new=True, v=values, **_error(request, exc)), status=exc.status)
        messages.success(request, _("User %(name)s created.") % {"name": values["username"]})
        return redirect("users")
    return render(request, "web/admin/user_form.html", _user_form_ctx(new=True, v=values))


@page(MANAGE_USERS)
def user_edit(request, username):
    try:
        values = users_admin.user_dict(users_admin.get_user(username))
    except DomainError:
        raise Http404 from None
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "password":
                users_admin.reset_password(request.user, username, request.POST.get("password", ""))
                messages.success(request, _("The password of %(name)s was reset.") % {"name": username})
            elif action == "deactivate":
                users_admin.deactivate_user(request.user, username)
                messages.success(request, _("User %(name)s deactivated.") % {"name": username})
            else:
                posted = _user_values(request)
                values.update({k: posted[k] for k in ("name", "roles", "warehouses", "active")})
                users_admin.update_user(request.user, username, {k: posted[k] for k in ("name", "roles",
                                                                                       "warehouses", "active")})
                messages.success(request, _("User %(name)s saved.") % {"name": username})
        except DomainError as exc:
            return render(request, "web/admin/user_form.html",
                          _user_form_ctx(new=False, v=values, **_error(request, exc)), status=exc.status)
        return redirect("users")
    return render(request, "web/admin/user_form.html", _user_form_ctx(new=False, v=values))


@page(MANAGE_USERS)
def roles(request):
    matrix = users_admin.role_matrix()
    ctx = {}
    if request.method == "POST":
        wanted = {role: [p for p in ALL if request.POST.get(f"{role}:{p}")] for role in matrix}
        try:
            matrix = users_admin.set_role_permissions(request.user, wanted)
            messages.success(request, _("Role permissions saved."))
            return redirect("roles")
        except DomainError as exc:
            matrix = {r: set(ps) for r, ps in wanted.items()}
            ctx = _error(request, exc)
    names = list(matrix)
    grid = [{"code": p, "label": PERMISSION_LABELS.get(p, p),
             "cells": [{"role": r, "on": p in matrix[r]} for r in names]} for p in ALL]
    return render(request, "web/admin/roles.html", {"role_names": names, "grid": grid, **ctx},
                  status=422 if ctx else 200)


# ---------------------------------------------------------------- settings


@page(MANAGE_USERS)
def settings_page(request):
    from openjxc.documents.types import type_label

    values = users_admin.current_settings()
    ctx = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        try:
            users_admin.update_settings(request.user, values)
            messages.success(request, _("Settings saved."))
            return redirect("settings")
        except DomainError as exc:
            ctx = _error(request, exc)
    thresholds = [{"key": f"approval_threshold.{t}", "label": type_label(t),
                   "value": values[f"approval_threshold.{t}"]} for t in users_admin.THRESHOLD_TYPES]
    return render(request, "web/admin/settings.html", {"v": values, "thresholds": thresholds, **ctx},
                  status=422 if ctx else 200)
