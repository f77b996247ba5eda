"""Pages of stock counts by several people (issue 13): the count (book, counted, difference and
its value per item, items not yet counted marked, the sheets, Excel export and the import of a
sheet) and a counter's sheet entry, made for a phone and a barcode scanner. Thin: the services
are posting/counts.py's, the reads inventory/count_selectors.py's."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from openjxc.core.errors import DomainError
from openjxc.documents import workflow
from openjxc.documents.access import document_actions, mask_document, may_edit
from openjxc.documents.selectors import document_dict
from openjxc.documents.types import TYPES, type_label
from openjxc.inventory.count_selectors import scope_dict
from openjxc.posting import counts
from openjxc.reports.excel import export_xlsx
from openjxc.users.masking import sees_cost
from openjxc.users.services import EXPORT, can

from .decorators import forbidden, page
from .errors import error_message
from .views_documents import _load


def _count(request, number):
    doc, denied = _load(request, number)
    if doc is not None and not TYPES[doc.type].counted:
        raise Http404(number)
    return doc, denied


def _rows(request, doc) -> list[dict]:
    return mask_document(request.user, document_dict(doc), None)["lines"]


@page()
def count_page(request, number):
    doc, denied = _count(request, number)
    if denied:
        return denied
    if request.GET.get("format") == "xlsx":
        return _export(request, doc)
    error = None
    if request.method == "POST":  # the Excel import of one counter's sheet
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError("invalid", "file is required", {"field": "file"})
            sheet = counts.import_sheet(
                request.user,
                number,
                upload.read(),
                request.POST.get("counter") or "",
                request.POST.get("location") or "",
            )
            messages.success(
                request,
                _("Saved the sheet of %(counter)s: %(n)s items.")
                % {"counter": sheet["counter"], "n": len(sheet["lines"])},
            )
            return redirect("count_page", number=number)
        except DomainError as exc:
            error = error_message(exc)
    rows = _rows(request, doc)
    may = document_actions(request.user, doc)
    draft = doc.status == doc.DRAFT
    return render(
        request,
        "web/counts/count.html",
        {
            "doc": doc,
            "type_name": type_label(doc.type),
            "rows": rows,
            "uncounted": sum(1 for r in rows if r.get("counted") is False),
            "sheets": counts.sheets(request.user, number),
            "scope": scope_dict(doc),
            "draft": draft,
            "can_edit": draft and may_edit(request.user, doc.type) and workflow.can(doc, "edit"),
            "can_approve": may["approve"],
            "can_export": can(request.user, EXPORT),
            "sees_cost": sees_cost(request.user),
            "error": error,
        },
        status=422 if error else 200,
    )


def _export(request, doc):
    if not can(request.user, EXPORT):
        return forbidden(request)
    columns = [
        ("item", _("Item")),
        ("item_name", _("Name")),
        ("book_qty", _("Book quantity")),
        ("qty", _("Counted quantity")),
        ("difference_qty", _("Difference")),
        ("difference_value", _("Difference value")),
        ("status", _("Status")),
    ]
    rows = [
        {
            **r,
            "difference_qty": r.get("difference"),
            "status": _("Counted") if r.get("counted", True) else _("Not yet counted"),
        }
        for r in document_dict(doc)["lines"]
    ]
    return export_xlsx(
        request.user, f"{doc.number}.xlsx", f"{type_label(doc.type)} {doc.number}", columns, rows
    )


@page()
def count_sheet(request, number):
    """One counter's sheet: scan (code + Enter adds one), or type the quantities; save."""
    doc, denied = _count(request, number)
    if denied:
        return denied
    if not may_edit(request.user, doc.type):
        return forbidden(request)
    error, status = None, 200
    form = {"counter": request.user.get_username(), "location": "", "lines": []}
    if request.method == "POST":
        items = request.POST.getlist("line_item")
        qtys = request.POST.getlist("line_qty")
        form = {
            "counter": request.POST.get("counter") or "",
            "location": request.POST.get("location") or "",
            "lines": [{"item": i, "qty": q} for i, q in zip(items, qtys, strict=False) if i],
        }
        try:
            sheet = counts.add_sheet(request.user, number, form)
            messages.success(
                request,
                _("Saved the sheet of %(counter)s: %(n)s items.")
                % {"counter": sheet["counter"], "n": len(sheet["lines"])},
            )
            return redirect("count_page", number=number)
        except DomainError as exc:
            error, status = error_message(exc), exc.status
    return render(
        request,
        "web/counts/sheet.html",
        {
            "doc": doc,
            "type_name": type_label(doc.type),
            "form": form,
            "error": error,
            "draft": doc.status == doc.DRAFT,
            "lookup_url": reverse("doc_item_lookup"),
        },
        status=status,
    )
