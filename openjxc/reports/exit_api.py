"""The exit path over HTTP: the full export as a zip, the handover workbook, the audit chain's
verification, and 停用系统 (archive / unarchive). Thin: each calls one service."""

from typing import Any

from django.http import FileResponse, HttpResponse
from ninja import Router

from openjxc.audit.verify import verify
from openjxc.backup.archive import archive, export_folder, new_export, unarchive, zip_export
from openjxc.core.api import Input, Output, typed
from openjxc.core.archive_guard import archive_state
from openjxc.users.services import MANAGE_BACKUP, VIEW_AUDIT, require

from .handover import CONTENT_TYPE, handover_workbook

router = Router(tags=["exit"])


class ArchiveIn(Input):
    reason: str


class BrokenOut(Output):
    id: int | None
    at: str | None
    user: str | None
    action: str | None
    object_type: str | None
    object: str | None
    problem: str


class VerifyOut(Output):
    ok: bool
    entries: int
    first_broken: BrokenOut | None = None


class ArchivedOut(Output):
    archived: bool
    export: str
    digest: str
    counts: dict[str, int]
    tokens_revoked: int
    users_deactivated: list[str]


class UnarchivedOut(Output):
    archived: bool
    users_reactivated: list[str]


class ArchiveStateOut(Output):
    archived: bool
    state: dict[str, Any] | None


@router.get("/audit/verify", response=typed(VerifyOut), tags=["checks"])
def audit_verify(request):
    """Walk the audit log's hash chain; name the first broken entry."""
    require(request.user, VIEW_AUDIT)
    return verify()


@router.get("/export", response=typed(Output))  # the body is the zip; errors are ErrorOut
def export_zip(request):
    """The full export (one CSV per table + manifest.json) as a zip, for an administrator."""
    made = new_export(request.user)
    return FileResponse(
        zip_export(export_folder(made["id"])),
        as_attachment=True,
        filename=f"openjxc-export-{made['id']}.zip",
        content_type="application/zip",
    )


@router.get("/export/workbook", response=typed(Output))  # the body is the xlsx
def export_workbook(request):
    """Master data, open items and stock as one Excel workbook (交接工作簿)."""
    response = HttpResponse(handover_workbook(request.user), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = "attachment; filename=openjxc-handover.xlsx"
    return response


@router.get("/system/archive", response=typed(ArchiveStateOut))
def archive_status(request):
    require(request.user, MANAGE_BACKUP)
    state = archive_state()
    return {"archived": state is not None, "state": state}


@router.post("/system/archive", response=typed(ArchivedOut))
def archive_books(request, payload: ArchiveIn):
    """停用系统: export, verify the counts, revoke every token, deactivate every other user,
    read-only books."""
    return archive(request.user, payload.reason)


@router.post("/system/unarchive", response=typed(UnarchivedOut))
def unarchive_books(request, payload: ArchiveIn):
    """Writing again (an administrator, with a reason)."""
    return unarchive(request.user, payload.reason)
