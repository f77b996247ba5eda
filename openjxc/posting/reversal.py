"""Red-letter reversal (红字冲销): undo an approved document in the open period, leaving its own
(possibly closed) period untouched.

A new approved document of the same type, with negated lines, dated in the open period, takes
every move of the original back out (goods that came in leave at their own unit cost, capped at
the average so stock never carries negative value; goods that went out come back at exactly the
cost they left with), appends a red copy of the original's voucher plus the cost difference the
cap or earlier adjustments leave, and closes the original's open item. The original becomes
`reversed`."""

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from openjxc.audit.services import record
from openjxc.core.errors import DomainError
from openjxc.core.services import next_number
from openjxc.documents import workflow
from openjxc.documents.access import require_document
from openjxc.documents.models import AccountLine, Document, DocumentLine
from openjxc.documents.rules import parse_date
from openjxc.documents.selectors import get_document
from openjxc.documents.types import TYPES
from openjxc.inventory.costing import as_date
from openjxc.inventory.models import StockMove as M
from openjxc.inventory.services import MoveSpec, lock_balances, post_moves
from openjxc.inventory.tracking import follow_counts, reverse_tracking
from openjxc.ledger import chart as A
from openjxc.ledger.models import Voucher
from openjxc.ledger.periods import default_date
from openjxc.ledger.services import add_open_items, ensure_open, negate_vouchers, post_voucher
from openjxc.users.services import REVERSE, require

from . import orders, recipes
from .engine import check_no_dependents, post_adjustment_vouchers, retry_on_conflict
from .money import own_open_item


@dataclass(frozen=True, slots=True)
class OriginalMove:
    """A move of the document being reversed."""

    move_id: int
    line_id: int
    item_id: int
    warehouse_id: int
    qty: int  # effective: a count's later quantity adjustments included
    posted_value: int  # the value its voucher booked (later cost adjustments excluded)


def _original_moves(document_id: int) -> list[OriginalMove]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT COALESCE(anchor_id, id), MIN(line_id), MIN(item_id), MIN(warehouse_id), "
            "SUM(qty), SUM(CASE WHEN kind = 0 THEN value ELSE 0 END) FROM inventory_stockmove "
            "WHERE document_id = %s AND kind <> 1 GROUP BY COALESCE(anchor_id, id) ORDER BY 1",
            [document_id],
        )
        return [OriginalMove(*(int(x) for x in r)) for r in cur.fetchall()]


def copy_lines(doc: Document, rev: Document, sign: int = -1) -> dict:
    """Copies of the original's lines (item lines and account lines), negated for a reversal;
    returns original item line id -> copy's line id."""
    originals = list(doc.lines.order_by("line_no"))
    DocumentLine.objects.bulk_create(
        [
            DocumentLine(
                document=rev,
                line_no=ln.line_no,
                item_id=ln.item_id,
                qty=sign * ln.qty,
                unit=ln.unit,
                unit_factor=ln.unit_factor,
                price=ln.price,
                price_incl_tax=ln.price_incl_tax,
                tax_rate=ln.tax_rate,
                amount=sign * ln.amount,
                tax=sign * ln.tax,
                amount_incl_tax=sign * ln.amount_incl_tax,
                batch=ln.batch,
                production_date=ln.production_date,
                expiry_date=ln.expiry_date,
                serials=ln.serials,
            )
            for ln in originals
        ]
    )
    new = dict(rev.lines.values_list("line_no", "id"))
    AccountLine.objects.bulk_create(  # account lines (a 记账凭证's, an expense's), in red
        AccountLine(
            document=rev,
            line_no=ln.line_no,
            account_id=ln.account_id,
            expense_type_id=ln.expense_type_id,
            debit=sign * ln.debit,
            credit=sign * ln.credit,
            partner_id=ln.partner_id,
            memo=ln.memo,
            tax_rate=ln.tax_rate,
            tax=sign * ln.tax,
        )
        for ln in doc.account_lines.order_by("line_no")
    )
    return {ln.id: new[ln.line_no] for ln in originals}


def _specs(
    doc: Document, moves: list[OriginalMove], line_map: dict, exact: bool = False
) -> list[MoveSpec]:
    """`exact`: what came in goes out at its own value (no cap at the average)."""
    specs = []
    out_rule = M.EXACT_OUT if exact else M.CAPPED_OUT
    for m in moves:
        line, item, wh, qty = line_map[m.line_id], m.item_id, m.warehouse_id, m.qty
        t = TYPES[doc.type]
        if t.to_warehouse or t.transit_receipt:  # a transit receipt goes back into transit
            if qty > 0:  # back out of the target at its average, into the source at that value
                specs.insert(0, MoveSpec(line, item, wh, -qty, M.AVERAGE_OUT))
            else:
                specs.append(MoveSpec(line, item, wh, -qty, M.LINKED_IN, link_same_line=True))
        elif qty > 0:
            specs.append(MoveSpec(line, item, wh, -qty, out_rule, source_move_id=m.move_id))
        elif qty < 0:
            specs.append(MoveSpec(line, item, wh, -qty, M.LINKED_IN, source_move_id=m.move_id))
    return specs


def check_reversible(doc: Document) -> None:
    """What refuses a red-letter reversal (or a correction) of `doc`, the document locked."""
    if TYPES[doc.type].kind == "order" and doc.status == Document.APPROVED:
        raise DomainError(
            "invalid",
            f"{doc.number} is an order: cancel or close it instead of reversing it",
            {"type": doc.type},
        )
    if TYPES[doc.type].kind == "price":
        raise DomainError(
            "invalid",
            f"{doc.number} sets prices: cancel it in its open period, or enter a new price "
            "adjustment that sets them again",
            {"type": doc.type},
        )
    workflow.check(doc, "reverse")
    check_no_dependents(doc)


def reversal_date(doc: Document, date=None):
    """The reversal's date: `date` or the default date, never before the original, open."""
    day = parse_date(date) if date else default_date()
    if day < doc.date:
        raise DomainError(
            "invalid", f"a reversal cannot be dated before {doc.date}", {"field": "date"}
        )
    ensure_open(day)
    return day


def new_reversal(doc: Document, day, user, reason: str, status=Document.APPROVED) -> Document:
    """The red document with negated lines; a correction's waits as pending_approval."""
    approved = status == Document.APPROVED
    rev = Document.objects.create(
        number=next_number(TYPES[doc.type].prefix, day),
        type=doc.type,
        status=status,
        date=day,
        partner_id=doc.partner_id,
        warehouse_id=doc.warehouse_id,
        to_warehouse_id=doc.to_warehouse_id,
        account_id=doc.account_id,
        to_account_id=doc.to_account_id,
        fee=-doc.fee,
        reversal_of=doc if approved else None,
        memo=f"红字冲销 {doc.number}: {reason.strip()}"[:500],
        amount=-doc.amount,
        tax=-doc.tax,
        amount_incl_tax=-doc.amount_incl_tax,
        created_by=user,
        approved_by=user if approved else None,
        approved_at=timezone.now() if approved else None,
    )
    copy_lines(doc, rev)
    return rev


def post_reversal(
    user, doc: Document, rev: Document, reason: str, *, exact: bool = False, mark: bool = True
) -> None:
    """Post the red document `rev` (its lines already written) against the locked original: the
    moves back, the red vouchers, the open item taken back; the original becomes `reversed`
    (`mark`). An undone correction reverses its halves `exact`ly (what came in leaves at its own
    value, so the books are as before the correction); its red is not `mark`ed (a reversal is
    never `reversed`)."""
    day = rev.date
    new = dict(rev.lines.values_list("line_no", "id"))
    line_map = {ln_id: new[no] for ln_id, no in doc.lines.values_list("id", "line_no")}
    moves = _original_moves(doc.id)
    specs = _specs(doc, moves, line_map, exact)
    values, adjustments = [], []
    if specs:
        balances = lock_balances({(s.item_id, s.warehouse_id) for s in specs})
        values, adjustments = post_moves(rev.id, day, specs, balances)
        reverse_tracking(doc.id, rev.id, day, line_map)
        if adjustments:
            follow_counts(rev.id)
    memo = f"红字冲销 {doc.number}"
    negate_vouchers(  # a money document's allocation vouchers too: all of it nets to zero
        doc.id,
        Voucher.REVERSAL,
        memo,  # the red of an undone correction posted reversal vouchers
        kinds=(Voucher.POSTING, Voucher.ALLOCATION, Voucher.REVERSAL),
        day=day,
        target_id=rev.id,
    )
    counter = recipes.counter(doc.type, reversal=True)
    remaining = sum(values) + sum(m.posted_value for m in moves)
    if counter and remaining:
        post_voucher(
            day, rev.id, Voucher.REVERSAL, recipes.pair(A.INVENTORY, counter, remaining), memo
        )
    post_adjustment_vouchers(adjustments, rev.id)
    raised = recipes.raised_open_item(doc) or own_open_item(doc)
    if raised:
        add_open_items([raised.taken_back(day, "reverse", rev.id)])
    if mark:
        workflow.transition(
            doc,
            "reverse",
            user=user,
            reason=reason,
            after={"reversal": rev.number, "date": str(as_date(day))},
        )
    orders.unfulfil(
        doc, day
    )  # a delivery / receipt derived from an order: the order holds it again


@retry_on_conflict
def reverse(user, number: str, reason: str | None, date=None) -> Document:
    require(user, REVERSE)
    if not isinstance(reason, str) or not reason.strip():
        raise DomainError("reason_required", "a reason is required to reverse", {"field": "reason"})
    with transaction.atomic():
        doc = get_document(number, for_update=True)
        require_document(user, doc)
        check_reversible(doc)
        rev = new_reversal(doc, reversal_date(doc, date), user, reason)
        post_reversal(user, doc, rev, reason)
        record(
            user,
            "create",
            "document",
            rev.number,
            reason=reason.strip(),
            after={"status": "approved", "reversal_of": doc.number},
        )
    return rev
