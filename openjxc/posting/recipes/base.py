"""What a posting recipe is: the stock moves a document type makes, its voucher, its open item
and where later changes in its stock value are booked. One module per family of types declares
them (stock_in, stock_out, warehouse, orders, money, invoices, prices); the registry of types
(documents/types.py) names each type's recipe.

Amounts are integer fen; `values` are the stock values the ledger gave each move (signed).
Vouchers are lists of ledger.rows.VoucherLine, open items ledger.rows.OpenItemLine."""

from collections.abc import Callable
from dataclasses import dataclass

from openjxc.ledger.rows import OpenItemLine, VoucherLine


@dataclass(frozen=True)
class Recipe:
    moves: Callable | None = None  # (doc, line, source move id, balances) -> [MoveSpec]
    # (doc, lines) -> all the item × warehouse keys its moves touch, locked before the moves are
    # asked for, when they are not simply its lines' items in the document's warehouse (and
    # to_warehouse): a transfer in transit, its receipts, an assembly's components
    keys: Callable | None = None
    voucher: Callable | None = None  # (doc, move values) -> [VoucherLine]
    open_item: Callable | None = None  # doc -> the OpenItemLine that raises its open item
    counter: str | None = None  # account a change in its stock value is booked against (1405)
    reversal_counter: str | None = None  # the same for its red-letter reversal (default: counter)
    own_price_fallback: bool = False  # an average-in on an empty balance takes the line's price
    reservation: str | None = None  # an order: the balance column it holds (reserved / on_order)
    checks_credit: bool = False  # an order checked against the customer's credit limit
    money: tuple | None = None  # a money document: (open-item kind, sign, debit, credit account)
    # what approving and cancelling change outside the ledgers (a 调价单: prices), in the same
    # transaction: apply(doc, lines, user), undo(doc, user, reason)
    apply: Callable | None = None
    undo: Callable | None = None

    @property
    def makes_vouchers(self) -> bool:
        return self.voucher is not None or self.money is not None


def pair(debit: str, credit: str, amount: int, partner=None) -> list[VoucherLine]:
    """借 debit / 贷 credit amount; a negative amount is written with the sides swapped."""
    if amount >= 0:
        return [
            VoucherLine(debit, debit=amount, partner_id=partner),
            VoucherLine(credit, credit=amount, partner_id=partner),
        ]
    return [
        VoucherLine(credit, debit=-amount, partner_id=partner),
        VoucherLine(debit, credit=-amount, partner_id=partner),
    ]


def raised(doc, kind: str, amount: int) -> OpenItemLine:
    """The entry that raises a document's open item (kind receivable / payable, signed)."""
    return OpenItemLine(doc.date, doc.partner_id, kind, doc.id, amount)
