"""Minimal pages: login, document list and stock list (the full UI is its own issue)."""

from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from openjxc.closing.checks import reconcile
from openjxc.core.numbers import fen_str
from openjxc.documents.selectors import list_documents
from openjxc.documents.types import STATUS_LABELS, TYPES
from openjxc.inventory.selectors import stock_rows


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"


def logout_view(request):
    logout(request)
    return redirect("login")


@login_required
def home(request):
    return render(request, "web/home.html", {"check": reconcile()})


@login_required
def documents(request):
    doc_type = request.GET.get("type") or None
    status = request.GET.get("status") or None
    qs = list_documents(type=doc_type if doc_type in TYPES else None, status=status)
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


@login_required
def stock(request):
    return render(request, "web/stock.html", {"rows": stock_rows()})
