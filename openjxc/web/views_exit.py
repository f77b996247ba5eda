"""停用系统 (cancel the system): the administrator's wizard — export with download, verify the
counts, confirm, done — and the way back (unarchive). Each step calls one service."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openjxc.backup.archive import (
    archive,
    export_folder,
    new_export,
    unarchive,
    verify_counts,
    zip_export,
)
from openjxc.core.archive_guard import archive_state
from openjxc.core.errors import DomainError
from openjxc.reports.handover import CONTENT_TYPE, handover_workbook
from openjxc.users.services import MANAGE_BACKUP, VIEW_COST, require

from .decorators import page
from .errors import error_message


def _export(export_id: str | None) -> dict | None:
    """The export shown in steps 1-2: its id and the counts read back from its files."""
    if not export_id:
        return None
    try:
        counts = verify_counts(export_folder(export_id))
    except DomainError as exc:
        return {"id": export_id, "error": error_message(exc)}
    return {
        "id": export_id,
        "counts": sorted(counts.items()),
        "tables": len(counts),
        "rows": sum(counts.values()),
    }


@page(MANAGE_BACKUP)
def system_archive(request):
    state = archive_state()
    step = "done" if state else ("confirm" if request.GET.get("step") == "confirm" else "export")
    return render(
        request,
        "web/admin/system_archive.html",
        {
            "state": state,
            "step": step,
            "export": _export(request.GET.get("export")),
        },
    )


@require_POST
@page(MANAGE_BACKUP)
def system_export(request):
    made = new_export(request.user, reason="停用系统 wizard")
    return redirect(f"/system/archive/?export={made['id']}")


@page(MANAGE_BACKUP)
def system_export_download(request, export_id: str):
    require(request.user, VIEW_COST)  # every value is in it
    try:
        folder = export_folder(export_id)
    except DomainError as exc:
        raise Http404 from exc
    return FileResponse(
        zip_export(folder), as_attachment=True, filename=f"openjxc-export-{export_id}.zip"
    )


@page(MANAGE_BACKUP)
def system_workbook(request):
    response = HttpResponse(handover_workbook(request.user), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = "attachment; filename=openjxc-handover.xlsx"
    return response


@require_POST
@page(MANAGE_BACKUP)
def system_archive_confirm(request):
    export_id = request.POST.get("export", "")
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Tick the confirmation first."))
        return redirect(f"/system/archive/?export={export_id}&step=confirm")
    try:
        result = archive(request.user, request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, error_message(exc))
        return redirect(f"/system/archive/?export={export_id}&step=confirm")
    messages.success(
        request,
        _("The books are archived: %(users)s users deactivated, %(tokens)s API tokens revoked.")
        % {"users": len(result["users_deactivated"]), "tokens": result["tokens_revoked"]},
    )
    return redirect("system_archive")


@require_POST
@page(MANAGE_BACKUP)
def system_unarchive(request):
    try:
        unarchive(request.user, request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, error_message(exc))
        return redirect("system_archive")
    messages.success(request, _("The books are open for changes again."))
    return redirect("system_archive")
