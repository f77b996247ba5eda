"""Print views of a document: A4 and the 80 mm receipt, with the amount in Chinese capitals."""

from django.shortcuts import render
from django.utils import timezone

from openjxc.core.services import get_setting
from openjxc.core.words import amount_in_words
from openjxc.documents.access import hides_prices, mask_document
from openjxc.documents.selectors import display_dict
from openjxc.documents.types import STATUS_LABELS, TYPES

from .correction_links import linked_corrections
from .decorators import page
from .views_documents import _load


@page()
def doc_print(request, number):
    doc, denied = _load(request, number)
    if denied:
        return denied
    t = TYPES[doc.type]
    fmt = "receipt" if request.GET.get("format") == "receipt" else "a4"
    data = mask_document(request.user, display_dict(doc), "—")
    return render(
        request,
        "web/documents/print.html",
        {
            "t": t,
            "doc": doc,
            "data": data,
            "format": fmt,
            "status_name": STATUS_LABELS.get(doc.status, doc.status),
            "company": {
                "name": get_setting("company_name") or "",
                "address": get_setting("company_address") or "",
                "phone": get_setting("company_phone") or "",
            },
            "words": ""
            if hides_prices(request.user, doc.type)
            else amount_in_words(doc.amount_incl_tax),
            "qty_total": data["qty_total"],
            "printed_at": timezone.localtime(),
            "maker": doc.created_by.username if doc.created_by_id else "",
            "approver": doc.approved_by.username if doc.approved_by_id else "",
            "account_name": doc.account.name if doc.account_id else "",
            "corrections": linked_corrections(request.user, doc),
        },
    )
