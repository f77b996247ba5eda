"""Settings (系统设置): company texts, pricing and stock policies, API token life, approval
thresholds per document type."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openjxc.core.codes import CODE_KINDS, digits_key, prefix_key
from openjxc.core.errors import DomainError
from openjxc.users import admin as users_admin
from openjxc.users.services import MANAGE_USERS

from .admin_forms import _error
from .decorators import page

NUMBERING_LABELS = {
    "item": gettext_lazy("Items"),
    "customer": gettext_lazy("Customers"),
    "supplier": gettext_lazy("Suppliers"),
    "warehouse": gettext_lazy("Warehouses"),
}


@page(MANAGE_USERS)
def settings_page(request):
    from openjxc.documents.types import type_label

    values = users_admin.current_settings()
    ctx = {}
    if request.method == "POST":
        # a numbering field left out of the form keeps its value (blank would be refused)
        posted = {
            k: request.POST.get(k, "").strip()
            for k in values
            if k in request.POST or not k.startswith("code_")
        }
        values = {**values, **posted}
        try:
            users_admin.update_settings(request.user, posted)
            messages.success(request, _("Settings saved."))
            return redirect("settings")
        except DomainError as exc:
            ctx = _error(request, exc)
    thresholds = [
        {
            "key": f"approval_threshold.{t}",
            "label": type_label(t),
            "value": values[f"approval_threshold.{t}"],
        }
        for t in users_admin.THRESHOLD_TYPES
    ]
    numbering = [
        {
            "kind": kind,
            "label": NUMBERING_LABELS[kind],
            "prefix_key": prefix_key(kind),
            "digits_key": digits_key(kind),
            "prefix": values[prefix_key(kind)],
            "digits": values[digits_key(kind)],
        }
        for kind in CODE_KINDS
    ]
    return render(
        request,
        "web/admin/settings.html",
        {"v": values, "thresholds": thresholds, "numbering": numbering, **ctx},
        status=422 if ctx else 200,
    )
