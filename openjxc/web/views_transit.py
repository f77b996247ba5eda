"""收货 of a transfer in transit (调拨在途): a form with the date and a quantity per line
(defaulting to what is still in transit), a confirmation that runs the real receipt and rolls
it back (posting/impact.preview) so that a mistake shows inline before anything is posted, then
the receipt (posting/transit.receive, the API's service)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from openjxc.core.errors import DomainError
from openjxc.documents.access import may_receive
from openjxc.documents.selectors import display_dict
from openjxc.posting.impact import preview
from openjxc.posting.transit import receive

from .decorators import forbidden, page
from .errors import error_message
from .params import today
from .views_documents import _load


def _body(request, lines) -> dict:
    wanted = []
    for ln in lines:
        qty = (request.POST.get(f"qty_{ln['id']}") or "").strip()
        if qty and qty != "0":
            wanted.append({"source_line": ln["id"], "qty": qty})
    return {
        "date": (request.POST.get("date") or "").strip(),
        "lines": wanted,
        "memo": request.POST.get("memo") or "",
    }


@page()
def receive_page(request, number):
    doc, denied = _load(request, number)
    if denied:
        return denied
    if not may_receive(request.user, doc):
        return forbidden(request)
    data = display_dict(doc)
    lines = [ln for ln in data["lines"] if ln.get("in_transit_qty", "0") != "0"]
    for ln in lines:  # what the form shows: what was typed, else all that is on its way
        ln["value"] = request.POST.get(f"qty_{ln['id']}", ln["in_transit_qty"]).strip()
    ctx = {"doc": doc, "data": data, "lines": lines, "date": str(today()), "error": None}
    status = 200
    if request.method == "POST":
        body = _body(request, lines)
        ctx.update(date=body["date"], memo=body["memo"])
        try:
            if request.POST.get("step") != "confirm":  # try it, roll it back, then ask
                result = preview(
                    "receive", lambda: receive(request.user, number, body), request.user
                )
                if not result["allowed"]:
                    raise DomainError(
                        result["blocked_by"]["code"], "", result["blocked_by"]["details"]
                    )
                ctx["confirm"] = [{**ln, "qty": ln["value"] or "0"} for ln in lines]
            else:
                made = receive(request.user, number, body)
                messages.success(request, _("Received: %(number)s.") % {"number": made.number})
                return redirect("doc_detail", number=number)
        except DomainError as exc:
            ctx["error"], status = error_message(exc), exc.status
    return render(request, "web/documents/receive.html", ctx, status=status)
