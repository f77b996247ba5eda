"""What the pages show of a correction (红冲蓝补): its status in words and the original, red and
blue documents it links, each linked only when the user may open it. The document detail, the
print and the correction pages share this."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openjxc.documents.access import document_actions, readable_numbers
from openjxc.documents.correction_selectors import corrections_of, has_pending_correction
from openjxc.documents.models import Correction, Document
from openjxc.documents.types import TYPES

CORRECTION_STATUS = {
    "pending_approval": _("Correction pending approval"),
    "approved": _("Correction approved"),
    "undone": _("Correction undone"),
}
ROLES = {
    "original": _("Original document"),
    "red": _("Red reversal document"),
    "blue": _("Blue re-entry document"),
    "blue_reversal": _("Reversal of the blue document"),
    "restored": _("Restored original"),
}


def _number(doc) -> str | None:
    return doc.number if doc is not None else None


def correction_row(c: Correction) -> dict:
    """One correction as the pages show it (document numbers, status label, people)."""
    return {
        "id": c.id,
        "url": reverse("correction_detail", args=[c.id]),
        "status": c.status,
        "status_label": CORRECTION_STATUS.get(c.status, c.status),
        "original": _number(c.original),
        "red": _number(c.red),
        "blue": _number(c.blue),
        "blue_reversal": _number(c.blue_reversal),
        "restored": _number(c.restored),
        "reason": c.reason,
        "undo_reason": c.undo_reason,
        "maker": c.maker.username if c.maker_id else "",
        "approver": c.approver.username if c.approver_id else "",
        "created_at": c.created_at,
        "approved_at": c.approved_at,
        "undone_at": c.undone_at,
    }


def linked_corrections(user, doc) -> list[dict]:
    """The corrections this document is part of (newest first), each with this document's role
    and all its documents (linked when the user may open them)."""
    rows = [correction_row(c) for c in corrections_of(doc)]
    readable = readable_numbers(user, [row[r] for row in rows for r in ROLES])
    for row in rows:
        row["role"] = next(r for r in ROLES if row[r] == doc.number)
        row["role_label"] = ROLES[row["role"]]
        row["documents"] = [
            {"role": r, "label": label, "number": row[r], "linked": row[r] in readable}
            for r, label in ROLES.items()
            if row[r]
        ]
    return rows


def may_correct(user, doc: Document) -> bool:
    """Whether the document page offers 更正: an approved document the user may reverse (the 红冲
    button's rule), filled into the ordinary entry form (not a red-letter document itself), with
    no correction of it waiting for approval already."""
    t = TYPES[doc.type]
    return (
        doc.status == Document.APPROVED
        and doc.reversal_of_id is None
        and t.kind != "ledger"
        and not t.manual_lines
        and document_actions(user, doc)["reverse"]
        and not has_pending_correction(doc)
    )


def in_pending_correction(corrections: list[dict]) -> bool:
    """Whether the document is a half of a correction waiting for approval: it is approved on
    the correction's page, together with the other half, not on its own."""
    return any(c["status"] == Correction.PENDING and c["role"] != "original" for c in corrections)
