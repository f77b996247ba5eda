"""Settings (系统设置): company texts, pricing and stock policies, API token life, approval
thresholds per document type."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from openjxc.core.errors import DomainError
from openjxc.users import admin as users_admin
from openjxc.users.services import MANAGE_USERS

from .admin_forms import _error
from .decorators import page


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
    thresholds = [
        {
            "key": f"approval_threshold.{t}",
            "label": type_label(t),
            "value": values[f"approval_threshold.{t}"],
        }
        for t in users_admin.THRESHOLD_TYPES
    ]
    return render(
        request,
        "web/admin/settings.html",
        {"v": values, "thresholds": thresholds, **ctx},
        status=422 if ctx else 200,
    )
