"""Backups (备份): list with checksums, take, download, restore into a new data folder."""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openjxc.backup.restore import find_backup, restore_to_folder
from openjxc.backup.services import (
    format_label,
    is_verified,
    list_backups,
    reason_label,
    take_backup,
)
from openjxc.backup.verify import requeue_lost, with_verification
from openjxc.closing.inplace import restore_in_place
from openjxc.core.errors import DomainError
from openjxc.users.services import (
    MANAGE_BACKUP,
)

from .decorators import page
from .errors import error_message


def _backup_row(m: dict) -> dict:
    """A manifest as shown: local time, the reason and the format in the user's language."""
    created = m.get("created_at")
    try:
        created = timezone.localtime(dt.datetime.fromisoformat(created)) if created else None
    except ValueError:
        pass
    return {
        **m,
        "reason_label": reason_label(m.get("reason") or ""),
        "format_label": format_label(m.get("format") or ""),
        "created": created,
    }


def _backup_rows() -> list[dict]:
    return [
        {
            **_backup_row(with_verification(m)),
            "checksum_ok": is_verified(m),
            "size_kb": (m.get("size") or 0) / 1024,
        }
        for m in list_backups()
    ]


@page(MANAGE_BACKUP)
def backups(request):
    rows = _backup_rows()
    pending = any(r["verified"] is None for r in rows)
    return render(request, "web/settlement/backups.html", {"rows": rows, "pending": pending})


@require_POST
@page(MANAGE_BACKUP)
def backup_take(request):
    manifest = take_backup("manual (web)", request.user)
    messages.success(request, _("Backup %(id)s taken.") % {"id": manifest["id"]})
    return redirect("backups")


@require_POST
@page(MANAGE_BACKUP)
def backup_requeue(request):
    """Verify again every backup whose verification is pending with nothing left to finish it."""
    lost = requeue_lost(request.user)
    if lost:
        messages.success(
            request, _("Verification queued again for %(n)s backups.") % {"n": len(lost)}
        )
    else:
        messages.info(request, _("No verification was lost: nothing queued again."))
    return redirect("backups")


@page(MANAGE_BACKUP)
def backup_download(request, backup_id: str):
    try:
        manifest, path = find_backup(backup_id)
    except DomainError as exc:
        raise Http404 from exc
    if not path.exists():
        raise Http404
    return FileResponse(open(path, "rb"), as_attachment=True, filename=manifest["file"])


@page(MANAGE_BACKUP)
def backup_restore(request, backup_id: str):
    """Restore into a NEW data folder given by the administrator; the running books stay as they are."""
    try:
        manifest, _path = find_backup(backup_id)
    except DomainError as exc:
        raise Http404 from exc
    target = request.POST.get("target", "").strip()
    error = result = None
    if request.method == "POST":
        try:
            result = restore_to_folder(request.user, backup_id, target)
        except DomainError as exc:
            error = exc
    return render(
        request,
        "web/settlement/restore.html",
        {
            "m": _backup_row(manifest),
            "target": target,
            "result": result,
            "error": error_message(error) if error else None,
            "suggested": str(Path(settings.DATA_DIR).resolve().parent / f"restored-{backup_id}"),
        },
        status=error.status if error else 200,
    )


@page(MANAGE_BACKUP)
def backup_restore_in_place(request):
    """恢复到当前账套: the administrator picks a listed backup (no path, no shell), confirms and
    gives a reason; the running books become the backup's (a safety backup is taken first and
    put back if the restored books do not reconcile)."""
    rows = [r for r in _backup_rows() if r["verified"] is not False]
    chosen = (request.POST if request.method == "POST" else request.GET).get("backup", "")
    reason = request.POST.get("reason", "").strip()
    error = result = None
    if request.method == "POST":
        try:
            _manifest, path = find_backup(chosen)
            if request.POST.get("confirm") != "1":
                raise DomainError("invalid", "tick the confirmation", {"field": "confirm"})
            result = restore_in_place(request.user, path, reason)
        except DomainError as exc:
            error = exc
        else:
            # the sessions table is the backup's now: keep this administrator logged in (a new
            # session row in the restored books; the password check still applies)
            request.session.create()
            messages.success(
                request,
                _("Backup %(id)s restored in place; the books before it are in backup %(safety)s.")
                % {"id": result["backup"], "safety": result["safety_backup"]},
            )
            return redirect("backups")
    return render(
        request,
        "web/settlement/restore_in_place.html",
        {
            "rows": rows,
            "chosen": chosen,
            "reason": reason,
            "error": error_message(error) if error else None,
        },
        status=error.status if error else 200,
    )
