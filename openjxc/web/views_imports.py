"""Excel import with a preview: the file is checked row by row, kept until the user
confirms, then imported in one transaction."""

import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openjxc.catalog import imports as item_imports
from openjxc.core.errors import DomainError
from openjxc.core.sheets import MAX_BYTES, template_xlsx
from openjxc.partners import imports as partner_imports
from openjxc.posting import opening
from openjxc.reports.excel import XLSX
from openjxc.users.services import MASTER_DATA, MONEY, can

from .admin_forms import _error
from .decorators import forbidden, page
from .errors import error_message

IMPORTS = {
    "items": {
        "label": gettext_lazy("Items"),
        "columns": item_imports.COLUMNS,
        "example": item_imports.EXAMPLE,
        "run": lambda user, content, commit: item_imports.import_items(user, content, commit),
        "next": "items",
        "sheet": "商品",
    },
    "customers": {
        "label": gettext_lazy("Customers"),
        "columns": partner_imports.COLUMNS["customer"],
        "example": partner_imports.EXAMPLES["customer"],
        "next": "customers",
        "sheet": "客户",
        "run": lambda user, c, commit: partner_imports.import_partners(user, "customer", c, commit),
    },
    "suppliers": {
        "label": gettext_lazy("Suppliers"),
        "columns": partner_imports.COLUMNS["supplier"],
        "example": partner_imports.EXAMPLES["supplier"],
        "next": "suppliers",
        "sheet": "供应商",
        "run": lambda user, c, commit: partner_imports.import_partners(user, "supplier", c, commit),
    },
    "opening": {
        "label": gettext_lazy("Opening stock"),
        "columns": opening.COLUMNS,
        "example": opening.EXAMPLE,
        "run": lambda user, c, commit: opening.import_opening_stock(user, c, commit),
        "next": "opening",
        "sheet": "期初库存",
        "perms": (MASTER_DATA, MONEY),
    },
    "opening_receivables": {
        "label": gettext_lazy("Opening receivables"),
        "columns": opening.ITEM_COLUMNS["receivable"],
        "example": opening.ITEM_EXAMPLES["receivable"],
        "run": lambda user, c, commit: opening.import_open_items(user, "receivable", c, commit),
        "next": "opening",
        "sheet": "期初应收",
        "perms": (MONEY,),
    },
    "opening_payables": {
        "label": gettext_lazy("Opening payables"),
        "columns": opening.ITEM_COLUMNS["payable"],
        "example": opening.ITEM_EXAMPLES["payable"],
        "run": lambda user, c, commit: opening.import_open_items(user, "payable", c, commit),
        "next": "opening",
        "sheet": "期初应付",
        "perms": (MONEY,),
    },
}


def may_import(user, kind: str) -> bool:
    """Master data is imported by whoever edits it; opening balances by finance too."""
    return any(can(user, p) for p in IMPORTS[kind].get("perms", (MASTER_DATA,)))


OBJECT_LABELS = {
    "item": gettext_lazy("Item"),
    "warehouse": gettext_lazy("Warehouse"),
    "customer": gettext_lazy("Customer"),
    "supplier": gettext_lazy("Supplier"),
    "category": gettext_lazy("Category"),
    "price_level": gettext_lazy("Price level"),
}
PREVIEW_ROWS = 300  # rows a preview shows: a whole catalogue would make a page nobody reads


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
    by_code = {
        "invalid_number": _("%(column)s is not a number."),
        "too_long": _("%(column)s is too long."),
    }
    if exc.code in by_code and column:
        return by_code[exc.code] % {"column": column}
    if exc.code == "invalid" and column:
        for needle, text in (
            ("is required", _("%(column)s is required.")),
            ("must not be negative", _("%(column)s must not be negative.")),
            ("must be positive", _("%(column)s must be greater than 0.")),
            ("decimal places", _("%(column)s has too many decimal places.")),
            ("is too large", _("%(column)s is too large.")),
            ("appears twice", _("%(column)s appears twice in this file.")),
            ("same as another unit", _("%(column)s is the same as another unit of the item.")),
            ("unit_cost or amount", _("Give the unit cost or the amount.")),
            ("6 places", _("%(column)s cannot be divided into a unit cost; give the unit cost.")),
        ):
            if needle in msg:
                return text % {"column": column}
    if exc.code == "not_found" and d.get("object"):
        return _("%(object)s %(ref)s does not exist.") % {
            "object": OBJECT_LABELS.get(d["object"], d["object"]),
            "ref": d.get("ref", ""),
        }
    if exc.code == "invalid_date" and column:
        return _("%(column)s is not a date like 2026-11-25.") % {"column": column}
    if exc.code == "duplicate_opening":
        return _("Opening stock of %(item)s in %(warehouse)s was already imported.") % d
    if exc.code == "second_approver_required":
        return _("The amount needs a second approver; ask another user to import it.")
    return error_message(exc)


def _preview(request, kind, result, name):
    spec = IMPORTS[kind]
    columns = spec["columns"]
    rows = [
        {
            "row": r["row"],
            "cells": [r["data"].get(k) or "" for k, _l, _r in columns],
            "error": row_error(r["error"], columns) if r["error"] else "",
        }
        for r in result["rows"]
    ]
    bad = sum(1 for r in rows if r["error"])
    shown = rows
    if len(rows) > PREVIEW_ROWS:  # the rows with errors first, then the first good ones
        keep = {id(r) for r in [r for r in rows if r["error"]][:PREVIEW_ROWS]}
        keep |= {id(r) for r in [r for r in rows if not r["error"]][: PREVIEW_ROWS - len(keep)]}
        shown = [r for r in rows if id(r) in keep]
    ctx = {
        "preview": shown,
        "total": len(rows),
        "bad": bad,
        "ok": result["ok"],
        "file_name": name,
        "headers": [label for _k, label, _r in columns],
    }
    if kind == "opening" and result["ok"]:
        ctx["totals"] = _opening_totals(result["rows"], columns)
    return ctx


def _opening_totals(rows, columns) -> list[str]:
    """The totals row of an opening-stock preview, under the quantity and amount columns."""
    totals = opening.preview_totals(rows)
    return [totals.get(k, "") for k, _l, _r in columns]


@page()
def import_page(request):
    kind = request.POST.get("kind") or request.GET.get("kind") or "items"
    if kind not in IMPORTS:
        kind = "items"
    if not may_import(request.user, kind):
        return forbidden(request)
    ctx = {
        "kind": kind,
        "kinds": [(k, s["label"]) for k, s in IMPORTS.items() if may_import(request.user, k)],
        "max_mb": MAX_BYTES // 1024 // 1024,
        "headers": [label + ("*" if req else "") for _k, label, req in IMPORTS[kind]["columns"]],
    }
    if request.method != "POST":
        return render(request, "web/admin/import.html", ctx)
    spec = IMPORTS[kind]
    if request.POST.get("action") == "import":
        stored = request.session.get("import") or {}
        path = _import_dir() / f"{stored.get('token', '')}.xlsx"
        if (
            stored.get("kind") != kind
            or stored.get("token") != request.POST.get("token")
            or not path.exists()
        ):
            ctx["error"] = _("The uploaded file has expired; please upload it again.")
            return render(request, "web/admin/import.html", ctx, status=409)
        try:
            result = spec["run"](request.user, path.read_bytes(), True)
        except DomainError as exc:
            return render(
                request, "web/admin/import.html", {**ctx, **_error(request, exc)}, status=exc.status
            )
        if not result["ok"]:
            ctx.update(_preview(request, kind, result, stored.get("name")), token=stored["token"])
            ctx["error"] = _(
                "Nothing was imported: fix the rows marked below and upload the file again."
            )
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
        ctx["error"] = _("The file is larger than %(mb)s MB; split it into smaller files.") % {
            "mb": ctx["max_mb"]
        }
        return render(request, "web/admin/import.html", ctx, status=422)
    content = upload.read()
    try:
        result = spec["run"](request.user, content, False)
    except DomainError as exc:
        msg = error_message(exc)
        if exc.code == "invalid_file":
            if "columns" in exc.details:
                msg = _("Columns missing in the first row: %(columns)s. Use the template.") % {
                    "columns": "、".join(exc.details["columns"])
                }
            elif "max_rows" in exc.details:
                msg = _("More than %(n)s rows; split the file.") % {"n": exc.details["max_rows"]}
            elif "max_mb" not in exc.details:
                msg = _("This is not an Excel .xlsx file, or it has no rows below the header.")
            else:
                msg = _("The file is larger than %(mb)s MB; split it into smaller files.") % {
                    "mb": ctx["max_mb"]
                }
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


@page()
def import_template(request, kind):
    spec = IMPORTS.get(kind)
    if spec is None:
        raise Http404
    if not may_import(request.user, kind):
        return forbidden(request)
    body = template_xlsx(spec["sheet"], spec["columns"], spec["example"])
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''import-{kind}.xlsx"
    return response
