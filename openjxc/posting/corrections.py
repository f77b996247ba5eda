"""红冲蓝补: correct an approved document under approval, and undo the correction.

propose writes the two halves as pending_approval documents: the red one (a red-letter reversal
with negated lines, dated in the open period) when the original's period is closed — none when
it is open, where the original is cancelled instead — and the blue one, the corrected body,
dated in the open period or, for an open original, at the original's date. approve posts both in
one transaction after a backup; maker ≠ checker is the engine's rule (approval_threshold.<type>)
applied to the correction as a whole. undo appends: the blue is cancelled (its period open) or
reversed, and the original's effect comes back as the reversal of the red (closed) or a copy of
the original (open). The Correction row (documents app) links them all."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from openjxc.audit.services import record
from openjxc.core.errors import DomainError, not_found
from openjxc.core.numbers import fen_str, to_fen
from openjxc.core.services import get_setting, next_number
from openjxc.documents import workflow
from openjxc.documents.access import require_document, require_readable, visible
from openjxc.documents.models import Correction, Document
from openjxc.documents.selectors import get_document
from openjxc.documents.services import create_draft
from openjxc.documents.types import TYPES
from openjxc.inventory.services import shared_restatement
from openjxc.ledger.periods import default_date
from openjxc.ledger.services import closed_through, ensure_open
from openjxc.users.services import APPROVE, REVERSE, require

from . import engine
from .engine import check_no_dependents, retry_on_conflict
from .impact import preview_steps
from .reversal import check_reversible, copy_lines, new_reversal, post_reversal, reversal_date
from .settled import backed_up, require_reason

# fields of the create-document body a correction does not take over (it is a new document)
_NOT_COPIED = ("external_ref", "version", "number", "status")


def _in_closed_period(day) -> bool:
    last = closed_through()
    return last is not None and day <= last


def _blue_body(doc: Document, body, day) -> dict:
    if not isinstance(body, dict):
        raise DomainError(
            "invalid", "document must be the corrected document's body", {"field": "document"}
        )
    if body.get("type", doc.type) != doc.type:
        raise DomainError("invalid", "a correction keeps the document type", {"field": "type"})
    kept = {k: v for k, v in body.items() if k not in _NOT_COPIED}
    return {**kept, "type": doc.type, "date": day.isoformat()}


def _refuse_pending(doc: Document) -> None:
    found = (
        Correction.objects.filter(original=doc, status=Correction.PENDING)
        .values_list("id", flat=True)
        .first()
    )
    if found is not None:
        raise DomainError(
            "in_correction",
            f"{doc.number} already has a pending correction {found}",
            {"document": doc.number, "correction": found},
        )


def _check_original(doc: Document) -> bool:
    """Refusals before anything is written; True when the original's period is closed."""
    check_reversible(doc)  # types that cannot be corrected, status, dependents
    _refuse_pending(doc)
    closed = _in_closed_period(doc.date)
    if not closed:
        workflow.check(doc, "cancel")
    return closed


@retry_on_conflict
def propose(user, number: str, reason: str, body: dict, date=None) -> Correction:
    """Create the correction and its pending halves; nothing is posted yet."""
    require(user, REVERSE)
    reason = require_reason(reason).strip()
    with transaction.atomic():
        doc = get_document(number, for_update=True)
        require_document(user, doc)
        red = None
        if _check_original(doc):
            day = reversal_date(doc, date)
            red = new_reversal(doc, day, user, reason, status=Document.PENDING)
        else:  # cancel + re-entry at the original's date
            day = doc.date
            ensure_open(day)
        created, _ = create_draft(user, _blue_body(doc, body, day), check_remaining=False)
        blue = get_document(created["number"])
        workflow.transition(blue, "submit", user=user, reason=reason)
        corr = Correction.objects.create(
            original=doc, red=red, blue=blue, reason=reason[:500], body=body, maker=user
        )
        record(
            user,
            "correct",
            "document",
            doc.number,
            reason=reason,
            after={"correction": corr.id, "red": red and red.number, "blue": blue.number},
        )
    return corr


def _load(correction_id) -> Correction:
    corr = (
        Correction.objects.select_related("original", "red", "blue", "blue_reversal", "restored")
        .filter(pk=correction_id)
        .first()
    )
    if corr is None:
        raise not_found("correction", correction_id)
    return corr


def _require_status(corr: Correction, status: str, action: str) -> None:
    if corr.status != status:
        raise DomainError(
            "wrong_status",
            f"correction {corr.id} is {corr.status}: it cannot be {action}",
            {"status": corr.status, "correction": corr.id},
        )


def needs_other_approver(corr: Correction, user) -> bool:
    """Maker ≠ checker as the engine has it: above approval_threshold.<type> (the larger of
    the original's and the corrected amount) someone other than the maker approves."""
    threshold = get_setting(f"approval_threshold.{corr.original.type}")
    if threshold is None or corr.maker_id != user.id:
        return False
    amount = max(abs(corr.original.amount_incl_tax), abs(corr.blue.amount_incl_tax))
    return amount > to_fen(Decimal(threshold))


def _check_checker(corr: Correction, user) -> None:
    if needs_other_approver(corr, user):
        threshold = get_setting(f"approval_threshold.{corr.original.type}")
        raise DomainError(
            "second_approver_required",
            f"correction {corr.id} must be approved by someone other than its maker "
            f"(amount above {threshold})",
            {"threshold": threshold},
        )


def _post_red(user, corr: Correction) -> Document:
    """The first half: the red reversal of a closed original, or the cancel of an open one."""
    doc = get_document(corr.original.number, for_update=True)
    require_document(user, doc)
    if corr.red_id is None:
        return engine.cancel(user, doc.number, corr.reason)
    check_reversible(doc)
    red = get_document(corr.red.number, for_update=True)
    ensure_open(red.date)
    workflow.transition(
        red,
        "approve",
        user=user,
        reason=corr.reason,
        fields={"approved_by": user, "approved_at": timezone.now(), "reversal_of": doc},
        after={"reversal_of": doc.number, "correction": corr.id},
    )
    post_reversal(user, doc, red, corr.reason)
    return red


def _post_blue(user, corr: Correction) -> Document:
    return engine.approve(user, corr.blue.number, correction=True)


def approve(user, correction_id: int) -> tuple[Correction, str | None]:
    """Post both halves in one transaction, after a backup; returns (correction, backup id)."""
    require(user, REVERSE)
    require(user, APPROVE)
    corr = _load(correction_id)
    require_document(user, corr.original)
    _require_status(corr, Correction.PENDING, "approved")
    _check_checker(corr, user)
    with backed_up("correction", corr.original.number, user) as manifest:
        corr = _approve(user, correction_id)
    return corr, manifest["id"] if manifest else None


@retry_on_conflict
def _approve(user, correction_id: int) -> Correction:
    with transaction.atomic():
        corr = Correction.objects.select_for_update().get(pk=correction_id)
        corr = _load(corr.pk)
        _require_status(corr, Correction.PENDING, "approved")
        _check_checker(corr, user)
        with shared_restatement():  # an open original: its cancel and re-entry re-state once
            _post_red(user, corr)
            _post_blue(user, corr)
            engine.finish_restatement()
        corr.status, corr.approver, corr.approved_at = Correction.APPROVED, user, timezone.now()
        corr.save(update_fields=["status", "approver", "approved_at"])
        record(user, "approve", "correction", str(corr.id), reason=corr.reason, after=_links(corr))
    return corr


def preview(user, number: str, body: dict, date=None) -> dict:
    """What the correction would do — each half (`steps` red, blue) and the net effect (the
    top-level stock, cost_changes, vouchers, open_items, and `net_accounts`) — by proposing and
    posting it and rolling back. Maker ≠ checker is not asked: it is about who, not what."""
    require(user, REVERSE)  # a refusal by role or area answers 403, not a blocked preview
    require_document(user, get_document(number))
    held: dict = {}

    def red():
        held["corr"] = propose(user, number, "impact preview", body, date)
        _post_red(user, held["corr"])

    def blue():
        _post_blue(user, held["corr"])
        engine.finish_restatement()

    with shared_restatement():  # as approve: the later moves' re-statement shows under blue
        result = preview_steps("correct", [("red", red), ("blue", blue)], user)
    result["net_accounts"] = net_accounts(result.get("vouchers", []))
    return {"document": number, **result}


def net_accounts(vouchers: list[dict]) -> list[dict]:
    """The vouchers summed per account: what the correction changes in the general ledger."""
    sums: dict = {}
    for v in vouchers:
        for ln in v["lines"]:
            key = (ln["account"], ln["account_name"])
            sums[key] = (
                sums.get(key, 0) + to_fen(Decimal(ln["debit"])) - to_fen(Decimal(ln["credit"]))
            )
    return [
        {"account": code, "account_name": name, "net_debit": fen_str(amount)}
        for (code, name), amount in sorted(sums.items())
        if amount
    ]


def undo(user, correction_id: int, reason: str) -> tuple[Correction, str | None]:
    """Restore the original's effect, after a backup; returns (correction, backup id)."""
    require(user, REVERSE)
    reason = require_reason(reason).strip()
    corr = _load(correction_id)
    require_document(user, corr.original)
    _require_status(corr, Correction.APPROVED, "undone")
    check_no_dependents(corr.blue)
    with backed_up("undoing correction", str(corr.id), user) as manifest:
        corr = _undo(user, correction_id, reason)
    return corr, manifest["id"] if manifest else None


@retry_on_conflict
def _undo(user, correction_id: int, reason: str) -> Correction:
    with transaction.atomic():
        corr = Correction.objects.select_for_update().get(pk=correction_id)
        corr = _load(corr.pk)
        _require_status(corr, Correction.APPROVED, "undone")
        blue = get_document(corr.blue.number, for_update=True)
        require_document(user, blue)
        if corr.red_id is None and not _in_closed_period(blue.date):
            with shared_restatement():  # the cancel and the copy re-state the later moves once
                engine.cancel(user, blue.number, reason)  # has_dependents when something uses it
                corr.restored = _copy_original(user, corr.original, corr.original.date, reason)
                engine.finish_restatement()
        else:
            check_reversible(blue)
            day = max(default_date(), blue.date, corr.red.date if corr.red_id else blue.date)
            corr.blue_reversal = _reverse(user, blue, day, reason)
            if corr.red_id:  # the red's reversal: the original's moves and vouchers again
                red = get_document(corr.red.number, for_update=True)
                check_no_dependents(red)
                corr.restored = _reverse(user, red, day, reason, red=True)
            else:
                corr.restored = _copy_original(user, corr.original, day, reason)
        corr.status, corr.undone_by, corr.undone_at = Correction.UNDONE, user, timezone.now()
        corr.undo_reason = reason[:500]
        corr.save(
            update_fields=[
                "status",
                "undone_by",
                "undone_at",
                "undo_reason",
                "blue_reversal",
                "restored",
            ]
        )
        record(user, "undo", "correction", str(corr.id), reason=reason, after=_links(corr))
    return corr


def _reverse(user, doc: Document, day, reason: str, red: bool = False) -> Document:
    """A half of a correction reversed exactly (its red keeps its status)."""
    rev = new_reversal(doc, reversal_date(doc, day.isoformat()), user, reason)
    post_reversal(user, doc, rev, reason, exact=True, mark=not red)
    if red:  # the red keeps its status: its reversal is written down here
        record(
            user, "reverse", "document", doc.number, reason=reason, after={"reversal": rev.number}
        )
    return rev


def _copy_original(user, original: Document, day, reason: str) -> Document:
    """A new approved document with the original's lines, dated `day` (the original itself was
    cancelled and stays so: history is appended, never rewritten)."""
    ensure_open(day)
    doc = Document.objects.create(
        number=next_number(TYPES[original.type].prefix, day),
        type=original.type,
        date=day,
        partner_id=original.partner_id,
        warehouse_id=original.warehouse_id,
        to_warehouse_id=original.to_warehouse_id,
        account_id=original.account_id,
        to_account_id=original.to_account_id,
        fee=original.fee,
        memo=f"撤销更正 {original.number}: {reason}"[:500],
        amount=original.amount,
        tax=original.tax,
        amount_incl_tax=original.amount_incl_tax,
        due_date=original.due_date,
        invoice_no=original.invoice_no,
        invoice_type=original.invoice_type,
        salesperson=original.salesperson,
        created_by=user,
    )
    copy_lines(original, doc, sign=1)
    record(
        user, "create", "document", doc.number, reason=reason, after={"copy_of": original.number}
    )
    return engine.approve(user, doc.number, correction=True)


def _links(corr: Correction) -> dict:
    def number(doc):
        return doc.number if doc is not None else None

    return {
        "status": corr.status,
        "original": corr.original.number,
        "red": number(corr.red),
        "blue": number(corr.blue),
        "blue_reversal": number(corr.blue_reversal),
        "restored": number(corr.restored),
    }


def correction_dict(corr: Correction) -> dict:
    """A correction as the API and pages show it (links by number; no prices: the documents
    themselves show those, masked as each user may see them)."""

    def name(u):
        return u.get_username() if u is not None else None

    def when(t):
        return t.isoformat() if t else None

    return {
        "id": corr.id,
        **_links(corr),
        "reason": corr.reason,
        "undo_reason": corr.undo_reason or None,
        "maker": name(corr.maker),
        "approver": name(corr.approver),
        "undone_by": name(corr.undone_by),
        "created_at": when(corr.created_at),
        "approved_at": when(corr.approved_at),
        "undone_at": when(corr.undone_at),
    }


def get(user, correction_id: int) -> Correction:
    """A correction the user may read (its original's area and warehouses)."""
    corr = _load(correction_id)
    require_readable(user, corr.original)
    return corr


def list_corrections(user, status: str | None = None) -> list[Correction]:
    """The corrections of documents the user may read, newest first."""
    qs = Correction.objects.filter(original__in=visible(user, Document.objects.all()))
    if status:
        qs = qs.filter(status=status)
    return list(
        qs.select_related(
            "original", "red", "blue", "blue_reversal", "restored", "maker", "approver", "undone_by"
        ).order_by("-id")
    )
