"""补货上下限 of one item per warehouse, shown and edited on the item's page (the same service
as PUT /api/v1/items/{code}/stock-limits/{warehouse}): one form, a row per warehouse the user
may use; a row left empty removes that warehouse's limits."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from openjxc.core.errors import DomainError
from openjxc.inventory.limits import item_limits, set_item_limits
from openjxc.users.services import MASTER_DATA

from .decorators import page
from .errors import error_message


def limits_rows(user, code: str) -> list[dict]:
    """The rows of the item page's limits form."""
    return item_limits(user, code)


@page(MASTER_DATA)
def stock_limits(request, code):
    """POST only: save every row at once (all or nothing), back to the item page."""
    back = reverse("item_edit", args=[code]) + "#stock-limits"
    if request.method != "POST":
        return redirect(back)
    wanted = {}
    for key in request.POST:
        if key.startswith("min_"):
            wh = key[4:]
            wanted[wh] = tuple(
                (request.POST.get(f"{k}_{wh}") or "").strip() or None for k in ("min", "max")
            )
    try:
        set_item_limits(request.user, code, wanted)
    except DomainError as exc:
        messages.error(request, error_message(exc))
        return redirect(back)
    messages.success(request, _("Reorder limits of %(code)s saved.") % {"code": code})
    return redirect(back)
