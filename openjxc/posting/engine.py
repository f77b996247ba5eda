"""The posting engine: approve and cancel any stock document (and any document that posts a
voucher and an open item without stock, kind "ledger") in one transaction.

approve: lock the document and the balance rows it touches, check the period, let the recipe
say which moves it makes, append them (the stock ledger values them and re-states later moves
when back-dated), then the voucher, the open item, the status and the audit entry.
cancel: the same in reverse — reversal rows, red-letter vouchers, open-item reversal, and cost
adjustments (with their vouchers) for every later move whose cost changes.
"""

import functools
import time
from collections import defaultdict
from decimal import Decimal

from django.db import OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from openjxc.audit.services import amount_editors
from openjxc.core.db import load
from openjxc.core.errors import DomainError, not_found
from openjxc.core.numbers import fen_str, to_fen
from openjxc.core.services import get_setting
from openjxc.documents import workflow
from openjxc.documents.access import require_document
from openjxc.documents.models import Correction, Document, DocumentLine
from openjxc.documents.selectors import (
    RELATED,
    get_document,
    require_active,
    used_quantities,
)
from openjxc.documents.types import TYPES
from openjxc.inventory.costing import CostAdjustment
from openjxc.inventory.services import cancel_moves, lock_balances, post_moves, run_shared
from openjxc.inventory.tracking import cancel_tracking, follow_counts, post_tracking
from openjxc.ledger import chart as A
from openjxc.ledger.models import Voucher
from openjxc.ledger.services import (
    add_open_items,
    cached_account_ids,
    ensure_open,
    negate_vouchers,
    post_dated_vouchers,
    post_voucher,
    reverse_open_items,
)
from openjxc.users.services import APPROVE, CANCEL, require

from . import availability, money, orders, recipes


def retry_on_conflict(fn):
    """PostgreSQL may abort one of two transactions that lock in different orders (deadlock);
    the action is then retried from the start, which is safe because nothing was committed."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        for attempt in range(5):
            try:
                return fn(*args, **kwargs)
            except OperationalError as exc:
                text = str(exc).lower()
                if attempt == 4 or not ("deadlock" in text or "could not serialize" in text):
                    raise
                time.sleep(0.01 * (attempt + 1))
        return None

    return wrapper


def _source_moves(lines) -> dict:
    """Original stock move of each linked source line (a delivery or receipt line)."""
    ids = [ln.source_line_id for ln in lines if ln.source_line_id]
    if not ids:
        return {}
    marks = ",".join(["%s"] * len(ids))
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT line_id, MIN(id) FROM inventory_stockmove WHERE kind = 0 AND line_id IN ({marks}) "
            f"GROUP BY line_id",
            ids,
        )
        return dict(cur.fetchall())


def post_adjustment_vouchers(adjustments: list[CostAdjustment], cause_id: int, ids=None) -> None:
    """One cost-adjustment voucher per date: 1405 against each adjusted document's counter."""
    if not adjustments:
        return
    counters = adjusted_counters({a.document_id for a in adjustments})
    by_day: dict = defaultdict(lambda: defaultdict(int))
    for a in adjustments:
        counter = counters[a.document_id]
        if counter:
            by_day[a.date][counter] += a.value
    batch = []
    for day in sorted(by_day):
        lines = []
        for counter, amount in sorted(by_day[day].items()):
            lines += recipes.pair(A.INVENTORY, counter, amount)
        batch.append((day, lines))
    post_dated_vouchers(batch, cause_id, Voucher.COST_ADJUSTMENT, "成本调整 cost adjustment", ids)


def adjusted_counters(doc_ids) -> dict:
    """document id -> the account its stock value changes are booked against (or None)."""
    ids, found = sorted(doc_ids), []
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":  # one array, not 20,000 placeholders to parse
            cur.execute(
                "SELECT id, type, reversal_of_id FROM documents_document WHERE id = ANY(%s)",
                [ids],
            )
            found = cur.fetchall()
        else:
            for n in range(0, len(ids), 1000):
                part = ids[n : n + 1000]
                cur.execute(
                    "SELECT id, type, reversal_of_id FROM documents_document "
                    f"WHERE id IN ({','.join(['%s'] * len(part))})",
                    part,
                )
                found += cur.fetchall()
    kinds = {(t, r is not None) for _id, t, r in found}
    counter = {(t, rev): recipes.counter(t, reversal=rev) for t, rev in kinds}
    return {doc_id: counter[(t, r is not None)] for doc_id, t, r in found}


def finish_restatement() -> None:
    """Run what a cancel in a shared_restatement block scheduled and no back-dated posting ran
    (a re-entry without stock moves): booked to the cancelled document, as its cancel does."""
    cause_id, adjustments = run_shared()
    if adjustments:
        follow_counts(cause_id)
        ensure_open(min(a.date for a in adjustments))
        post_adjustment_vouchers(adjustments, cause_id)


@retry_on_conflict
def approve(user, number: str, *, correction: bool = False) -> Document:
    """审核. Returns the document (status approved, or pending_approval when a second person
    must approve it); `doc.warnings` lists what the user should know (credit limit, stock
    availability). `correction`: a half of a correction (posting/corrections.py), which checks
    maker ≠ checker for the whole correction; any other approval of such a half is refused."""
    require(user, APPROVE)
    with transaction.atomic():
        doc = _lock_document(number)
        require_document(user, doc)
        workflow.check(doc, "approve")
        if doc.status == Document.PENDING and not correction:
            _refuse_correction_half(doc)
        ensure_open(doc.date)
        require_active(doc)  # 停用 items, partners, warehouses: not on new documents
        doc.warnings = []
        if not correction and _needs_second_approver(doc, user):
            return doc
        kind = TYPES[doc.type].kind
        # the items joined: recipes and batch / serial tracking read them
        lines = load(DocumentLine, "WHERE document_id = %s ORDER BY line_no", [doc.id], ("item",))
        if doc.source_id:
            _check_remaining(doc, lines)
        values = []
        if kind == "order":
            if recipes.recipe_of(doc.type).checks_credit:
                doc.warnings = orders.check_credit_limit(doc) + availability.check_order(doc, lines)
            orders.approve_order(doc, lines)
        elif kind == "money":
            money.approve_money(doc, user)
        elif kind in ("stock", "ledger", "expense_lines"):
            values = _post_stock_document(doc, lines)
        apply = recipes.recipe_of(doc.type).apply
        if apply:
            apply(doc, lines, user)
        else:  # nothing else in an approval writes its lines: the API answers with these
            doc.posted_lines = lines
        workflow.transition(
            doc,
            "approve",
            user=user,
            fields={"approved_by": user, "approved_at": timezone.now()},
            after={"stock_value": str(sum(values))},
        )
        if kind == "stock":
            orders.fulfil(doc, lines)  # after the status: the order counts approved fulfilments
            doc.warnings = availability.check_delivery(doc, lines)
    return doc


def _refuse_correction_half(doc: Document) -> None:
    """A pending red or blue document is approved with its correction, never alone."""
    found = (
        Correction.objects.filter(Q(red_id=doc.id) | Q(blue_id=doc.id), status=Correction.PENDING)
        .values_list("id", flat=True)
        .first()
    )
    if found is not None:
        raise DomainError(
            "in_correction",
            f"{doc.number} is part of correction {found}: approve the correction",
            {"document": doc.number, "correction": found},
        )


def _lock_document(number: str) -> Document:
    """The document row, locked, with its partner and warehouse joined (what an approval's answer
    shows: it needs no read of its own); raw SQL because this runs for every approval (an ORM
    query with its related objects costs more to build than the whole posting)."""
    features = connection.features
    lock = ""
    if features.has_select_for_update:  # PostgreSQL: the document's row, not the joined ones
        lock = " FOR UPDATE OF documents_document" if features.has_select_for_update_of else ""
        lock = lock or " FOR UPDATE"
    found = load(Document, f"WHERE documents_document.number = %s{lock}", [number], RELATED[:2])
    if not found:
        raise not_found("document", number)
    return found[0]


def _post_stock_document(doc: Document, lines) -> list[int]:
    balances = lock_balances(recipes.stock_keys(doc, lines))
    specs = recipes.stock_specs(doc, lines, balances, _source_moves(lines))
    values, adjustments = post_moves(doc.id, doc.date, specs, balances) if specs else ([], [])
    post_tracking(doc.id, doc.date, specs, lines)  # batches and serials of tracked items
    if adjustments:  # back-dated: a later count's re-stated quantity moves its batches too
        follow_counts(doc.id)
    ids = cached_account_ids()
    post_voucher(
        doc.date, doc.id, Voucher.POSTING, recipes.voucher_lines(doc, values), f"{doc.number}", ids
    )
    post_adjustment_vouchers(adjustments, doc.id, ids)
    raised = recipes.raised_open_item(doc)
    if raised:
        add_open_items([raised])
    return values


def _needs_second_approver(doc: Document, user) -> bool:
    """Maker ≠ checker above the amount set for the type (setting approval_threshold.<type>):
    a maker's approval only moves the document to pending_approval. The makers are its creator
    and everyone who changed its amounts (editing a draft and approving it is no second look)."""
    threshold = get_setting(f"approval_threshold.{doc.type}")
    if threshold is None or doc.amount_incl_tax <= to_fen(Decimal(threshold)):
        return False
    if doc.created_by_id != user.id and user.get_username() not in amount_editors(doc.number):
        return False
    if doc.status == Document.PENDING:
        raise DomainError(
            "second_approver_required",
            f"{doc.number} must be approved by someone other than "
            f"its maker (amount above {threshold})",
            {"threshold": threshold},
        )
    workflow.transition(doc, "submit", user=user)
    return True


def _check_remaining(doc: Document, lines) -> None:
    """Re-check inside the lock that the source is still approved, is not dated after this
    document (a return linked to a later delivery would take its cost from a move that comes
    after it, a cycle), and that derived quantities still fit what remains on it."""
    source = get_document(doc.source.number, for_update=True)
    workflow.check(source, "derive", source=source.number)
    if doc.date < source.date:
        raise DomainError(
            "invalid",
            f"{doc.number} ({doc.date}) cannot be dated before its source "
            f"{source.number} ({source.date})",
            {"field": "date", "source": source.number},
        )
    used = used_quantities(doc.source, by_invoice=TYPES[doc.type].kind == "invoice")
    src_qty = dict(doc.source.lines.values_list("id", "base_qty"))  # 多单位: in base units
    asked: dict = defaultdict(int)
    for ln in lines:
        if ln.source_line_id:
            asked[ln.source_line_id] += ln.base_qty
    for sl, qty in asked.items():
        if qty + used.get(sl, 0) > src_qty.get(sl, 0):
            raise DomainError(
                "exceeds_source",
                f"quantity exceeds what remains on {doc.source.number}",
                {"source": doc.source.number, "source_line": sl},
            )


@retry_on_conflict
def cancel(user, number: str, reason: str) -> Document:
    require(user, CANCEL)
    if not isinstance(reason, str) or not reason.strip():
        raise DomainError("reason_required", "a reason is required to cancel", {"field": "reason"})
    with transaction.atomic():
        doc = get_document(number, for_update=True)
        require_document(user, doc)
        kind = TYPES[doc.type].kind
        workflow.check(doc, "cancel")
        ensure_open(doc.date)
        check_no_dependents(doc)
        workflow.transition(
            doc,
            "cancel",
            user=user,
            reason=reason,
            fields={"cancelled_at": timezone.now(), "cancel_reason": reason.strip()[:500]},
        )
        if kind == "order":
            orders.release_all(doc, doc.id)
        elif kind == "money":
            negate_vouchers(
                doc.id,
                Voucher.CANCELLATION,
                f"作废 {doc.number}",
                kinds=(Voucher.POSTING, Voucher.ALLOCATION),
            )
            reverse_open_items(doc.id, doc.date, doc.id)
        elif kind in ("stock", "ledger", "expense_lines"):
            _cancel_stock_document(doc)
            orders.unfulfil(doc)
        undo = recipes.recipe_of(doc.type).undo
        if undo:
            undo(doc, user, reason)
    return doc


def check_no_dependents(doc: Document) -> None:
    """has_dependents: approved documents derived from it, or allocations (核销) on it."""
    dependents = list(
        Document.objects.filter(source=doc)
        .exclude(status__in=[Document.DRAFT, Document.CANCELLED, Document.REVERSED])
        .values_list("number", flat=True)
    )
    allocations = money.active_allocations(doc)
    if dependents or allocations:
        names = dependents + [
            f"核销 {a.source.number}→{a.target.number} {fen_str(a.amount)}" for a in allocations
        ]
        details = {"dependents": dependents}
        if allocations:
            details["allocations"] = [money.allocation_dict(a) for a in allocations]
        raise DomainError(
            "has_dependents", f"{doc.number} has dependents: " + ", ".join(names), details
        )


def _cancel_stock_document(doc: Document) -> None:
    adjustments = cancel_moves(doc.id, doc.id)
    cancel_tracking(doc.id)
    if adjustments:
        follow_counts(doc.id)
    if adjustments:
        ensure_open(min(a.date for a in adjustments))
    ids = cached_account_ids()
    negate_vouchers(doc.id, Voucher.CANCELLATION, f"作废 {doc.number}", kinds=(Voucher.POSTING,))
    counter = recipes.counter(doc.type)
    for day, amount in _own_adjustments(doc.id):
        if counter:
            post_voucher(
                day,
                doc.id,
                Voucher.CANCELLATION,
                recipes.pair(A.INVENTORY, counter, -amount),
                f"作废 {doc.number}",
                ids,
            )
    post_adjustment_vouchers(adjustments, doc.id, ids)
    reverse_open_items(doc.id, doc.date, doc.id)


def _own_adjustments(document_id: int) -> list:
    """Cost adjustments made earlier to this document's own moves, per date."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT date, SUM(value) FROM inventory_stockmove WHERE document_id = %s AND kind = 2 "
            "GROUP BY date ORDER BY date",
            [document_id],
        )
        return [(d, int(v)) for d, v in cur.fetchall() if int(v)]
