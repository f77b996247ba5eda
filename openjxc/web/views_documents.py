"""Document pages: lists per type, entry, approval, print (owned by the documents work)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from openjxc.core.numbers import fen_str
from openjxc.documents.access import visible
from openjxc.documents.selectors import list_documents
from openjxc.documents.types import STATUS_LABELS, TYPES


@login_required
def documents(request):
    doc_type = request.GET.get("type") or None
    status = request.GET.get("status") or None
    qs = visible(request.user, list_documents(type=doc_type if doc_type in TYPES else None, status=status))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [
        {"doc": d, "type_name": TYPES[d.type].label, "status_name": STATUS_LABELS.get(d.status, d.status),
         "amount": fen_str(d.amount_incl_tax)}
        for d in page
    ]
    types = [(t.code, t.label) for t in TYPES.values() if t.posts]
    return render(request, "web/documents.html",
                  {"rows": rows, "page": page, "types": types, "type": doc_type, "status": status,
                   "statuses": STATUS_LABELS.items()})


