"""Receipts, payments and refunds: their vouchers, open items and allocations (核销).

A money document is itself an open item of the opposite sign (a receipt is a credit on the
customer); an allocation moves open amount between the two with a pair of entries. What stays
unallocated is the partner's credit, an advance: a money document's own open amount lives in
the advance account of its kind (receivable → 2203 预收账款, payable → 1123 预付账款), the open
items of every other document in 1122 / 2202. Approval books the part allocated to other
documents against 1122 / 2202 and the rest against the advance account; a later allocation
(or its undoing) appends an `allocation` voucher that moves the amount between the two."""

from django.db import connection, transaction
from django.utils import timezone

from openjxc.audit.services import record
from openjxc.core.errors import DomainError, not_found
from openjxc.core.numbers import fen_str, parse_decimal, to_fen
from openjxc.documents import workflow
from openjxc.documents.access import require_document
from openjxc.documents.models import Document
from openjxc.ledger import chart as A
from openjxc.ledger.models import Allocation, Voucher
from openjxc.ledger.rows import OpenItemLine, VoucherLine
from openjxc.ledger.services import add_open_items, ensure_open, open_amount, post_voucher
from openjxc.users.services import APPROVE, require

from .recipes import pair, recipe_of

# open-item kind -> (the control account of other documents' open items, the advance account
# of money documents' own, the sign that turns an open amount into that account's debit − credit)
ACCOUNTS = {
    "receivable": (A.RECEIVABLE, A.ADVANCE_RECEIVED, 1),
    "payable": (A.PAYABLE, A.ADVANCE_PAID, -1),
}


def money_side(doc_type: str) -> tuple | None:
    """(open-item kind, sign of its own open item, voucher debit, credit) of a money type, from
    its recipe (posting/recipes/money.py); None for any other type."""
    return recipe_of(doc_type).money


def own_open_item(doc: Document) -> OpenItemLine | None:
    """The entry that raises a money document's own open item (a receipt is a credit on the
    customer: negative); None for any other type."""
    side = money_side(doc.type)
    if side is None:
        return None
    kind, sign, _, _ = side
    return OpenItemLine(doc.date, doc.partner_id, kind, doc.id, sign * doc.amount)


def approve_money(doc: Document, user) -> None:
    """One voucher: the money account against 1122 / 2202 for what the approval allocates to
    other documents' open items, and against the advance account for the rest. The
    allocations' entries come first so that the split is known."""
    kind, _, debit, credit = money_side(doc.type)
    add_open_items([own_open_item(doc)])
    to_items = 0
    plan = doc.allocation_plan or {}
    for a in plan.get("allocations", []):
        target = Document.objects.filter(number=a["document"]).first()
        if target is None:
            raise not_found("document", a["document"])
        allocate_between(doc, target, a["amount"], doc.date)
        to_items += 0 if is_money(target) else a["amount"]
    if plan.get("auto"):
        to_items += auto_allocate(doc)
    control, advance, _ = ACCOUNTS[kind]
    account = doc.account.code if doc.account_id else A.BANK
    partner_side = "debit" if debit else "credit"
    money_column = "credit" if debit else "debit"
    partner_lines = [
        VoucherLine(control, **{partner_side: to_items}, partner_id=doc.partner_id),
        VoucherLine(advance, **{partner_side: doc.amount - to_items}, partner_id=doc.partner_id),
    ]
    money_line = [VoucherLine(account, **{money_column: doc.amount})]
    lines = partner_lines + money_line if debit else money_line + partner_lines  # 借 before 贷
    post_voucher(doc.date, doc.id, Voucher.POSTING, lines, doc.number)


def is_money(doc: Document) -> bool:
    return money_side(doc.type) is not None


def _advance_voucher(money_doc: Document, target: Document, amount: int, day, undo: bool):
    """Allocating a money document to another document's open item moves `amount` from the
    advance account to 1122 / 2202 (undoing it moves it back), dated at the allocation;
    between two money documents nothing moves (both sit in the advance account)."""
    if is_money(target):
        return
    kind, sign, _, _ = money_side(money_doc.type)
    control, advance, direction = ACCOUNTS[kind]
    moved = direction * sign * amount * (-1 if undo else 1)  # + debits the control account
    memo = f"{'取消核销' if undo else '核销'} {money_doc.number} → {target.number}"
    post_voucher(
        day,
        money_doc.id,
        Voucher.ALLOCATION,
        pair(control, advance, moved, money_doc.partner_id),
        memo,
    )


def _check_pair(money: Document, target: Document, amount: int) -> tuple[str, int]:
    if money_side(money.type) is None:
        raise DomainError(
            "invalid", f"{money.number} is not a receipt, payment or refund", {"field": "from"}
        )
    kind, sign, _, _ = money_side(money.type)
    if target.partner_id != money.partner_id or target.id == money.id:
        raise DomainError(
            "invalid",
            f"{target.number} is not an open item of {money.partner.code}",
            {"field": "to"},
        )
    workflow.check(target, "settle", document=target.number)
    target_open = open_amount(target.id)
    money_open = open_amount(money.id)
    # the target's open amount has the opposite sign of the money document's own
    if target_open * sign >= 0 or abs(target_open) < amount:
        raise DomainError(
            "exceeds_open_amount",
            f"{target.number} has {fen_str(abs(target_open))} open",
            {"document": target.number, "open_amount": fen_str(target_open)},
        )
    if money_open * sign <= 0 or abs(money_open) < amount:
        raise DomainError(
            "exceeds_open_amount",
            f"{money.number} has {fen_str(abs(money_open))} left to allocate",
            {"document": money.number, "open_amount": fen_str(money_open)},
        )
    return kind, sign


def _allocation_lines(day, kind: str, partner_id: int, *, target_id, money_id, amount):
    """The pair of entries of an allocation: `amount` (signed) on the target's open item, the
    opposite on the money document's own, each caused by the other."""
    return [
        OpenItemLine(day, partner_id, kind, target_id, amount, "allocation", cause_id=money_id),
        OpenItemLine(day, partner_id, kind, money_id, -amount, "allocation", cause_id=target_id),
    ]


def allocate_between(money: Document, target: Document, amount: int, day) -> Allocation:
    kind, sign = _check_pair(money, target, amount)
    add_open_items(
        _allocation_lines(
            day,
            kind,
            money.partner_id,
            target_id=target.id,
            money_id=money.id,
            amount=sign * amount,
        )
    )
    return Allocation.objects.create(
        date=day, source=money, target=target, kind=kind, amount=amount
    )


def auto_allocate(money: Document) -> int:
    """Allocate what is left of a money document to the partner's oldest open items; returns
    the amount allocated to documents other than money documents."""
    kind, sign, _, _ = money_side(money.type)
    left = abs(open_amount(money.id))
    with connection.cursor() as cur:
        cur.execute(
            "SELECT o.document_id, o.open_amount FROM ledger_openitem o JOIN documents_document d ON d.id = o.document_id "
            f"WHERE o.partner_id = %s AND o.kind = %s AND o.open_amount <> 0 AND o.open_amount {'>' if sign < 0 else '<'} 0 "
            "AND o.document_id <> %s ORDER BY o.date, d.number",
            [money.partner_id, kind, money.id],
        )
        candidates = cur.fetchall()
    targets = {d.id: d for d in Document.objects.filter(pk__in=[c[0] for c in candidates])}
    to_items = 0
    for doc_id, open_total in candidates:
        if left <= 0:
            break
        amount = min(left, abs(int(open_total)))
        allocate_between(money, targets[doc_id], amount, money.date)
        to_items += 0 if is_money(targets[doc_id]) else amount
        left -= amount
    return to_items


def allocate(user, source: str, target: str, amount) -> dict:
    """POST /allocations: allocate part of an approved money document to an open item."""
    require(user, APPROVE)
    fen = to_fen(parse_decimal(amount, "amount", 2))
    if fen <= 0:
        raise DomainError(
            "invalid", "amount must be positive", {"field": "amount"}, kind="positive"
        )
    with transaction.atomic():
        money = Document.objects.select_for_update().filter(number=source).first()
        tgt = Document.objects.select_for_update().filter(number=target).first()
        if money is None or tgt is None:
            raise not_found("document", source if money is None else target)
        require_document(user, money)
        workflow.check(money, "allocate", document=money.number)
        day = max(timezone.localdate(), money.date, tgt.date)
        ensure_open(day)
        allocation = allocate_between(money, tgt, fen, day)
        _advance_voucher(money, tgt, fen, day, undo=False)
        record(
            user,
            "allocate",
            "document",
            money.number,
            after={"to": tgt.number, "amount": fen_str(fen)},
        )
    return allocation_dict(allocation)


def unallocate(user, allocation_id: int, cause: Document | None = None) -> dict:
    require(user, APPROVE)
    with transaction.atomic():
        a = (
            Allocation.objects.select_for_update()
            .select_related("source", "target")
            .filter(pk=allocation_id)
            .first()
        )
        if a is None:
            raise not_found("allocation", allocation_id)
        require_document(user, a.source)
        if a.undone_at:
            raise DomainError(
                "wrong_status",
                f"allocation {allocation_id} is already undone",
                {"allocation": allocation_id, "status": "undone"},
            )
        undo(a, cause)
        record(
            user,
            "unallocate",
            "document",
            a.source.number,
            after={"to": a.target.number, "amount": fen_str(a.amount)},
        )
    return allocation_dict(a)


def undo(a: Allocation, cause: Document | None = None) -> None:
    """Append the entries that take an allocation back (dated today, or its own date if later)."""
    _, sign, _, _ = money_side(a.source.type)
    day = max(timezone.localdate(), a.date)
    ensure_open(day)
    allocated = _allocation_lines(
        a.date,
        a.kind,
        a.source.partner_id,
        target_id=a.target_id,
        money_id=a.source_id,
        amount=sign * a.amount,
    )
    add_open_items(e.taken_back(day, "unallocation", e.cause_id) for e in allocated)
    _advance_voucher(a.source, a.target, a.amount, day, undo=True)
    Allocation.objects.filter(pk=a.pk).update(undone_at=timezone.now(), undone_by=cause)
    a.undone_at = timezone.now()


def active_allocations(doc: Document) -> list[Allocation]:
    return list(
        Allocation.objects.filter(undone_at__isnull=True)
        .filter(source=doc)
        .select_related("source", "target")
        | Allocation.objects.filter(undone_at__isnull=True)
        .filter(target=doc)
        .select_related("source", "target")
    )


def allocation_dict(a: Allocation) -> dict:
    return {
        "id": a.id,
        "from": a.source.number,
        "to": a.target.number,
        "amount": fen_str(a.amount),
        "date": str(a.date),
        "kind": a.kind,
        "undone": a.undone_at is not None,
    }
