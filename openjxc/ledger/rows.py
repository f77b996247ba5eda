"""The rows the posting path appends to the general ledger and the open items, as values.

Recipes, the engine, reversal and money documents hand these to `ledger.services`; named fields
replace positional tuples, where a swapped debit and credit or a misplaced partner id went
unnoticed. Frozen (a posted record is immutable, as in beancount) and slotted (the posting path
builds several per document). Amounts are integer fen, signed: a red-letter (红字) line is
negative. Numbers are formatted only where they are shown (the API schemas, the templates)."""

import datetime as dt
from dataclasses import dataclass, replace

from .models import OpenItemEntry

KINDS = (OpenItemEntry.RECEIVABLE, OpenItemEntry.PAYABLE)


@dataclass(frozen=True, slots=True)
class VoucherLine:
    """One line of a voucher (凭证): 借 debit or 贷 credit on an account (by code), with the
    partner for the sub-ledger of 1122 / 2202. A line carries one side only."""

    account: str
    debit: int = 0
    credit: int = 0
    partner_id: int | None = None

    def __post_init__(self):
        if type(self.debit) is not int or type(self.credit) is not int:
            raise TypeError(f"voucher line {self.account}: amounts are integer fen")
        if self.debit and self.credit:
            raise ValueError(f"voucher line {self.account} has both a debit and a credit")

    def negated(self) -> "VoucherLine":
        """The red-letter copy: the same side, the amount negated."""
        return VoucherLine(self.account, -self.debit, -self.credit, self.partner_id)


@dataclass(frozen=True, slots=True)
class OpenItemLine:
    """One entry of a receivable / payable open item (the document that raised it): its
    'raise', and later 'cancel', 'reverse', 'allocation' or 'unallocation' caused by another
    document. amount is signed: + increases what is owed (to us for receivables, by us for
    payables). Appended as a ledger.models.OpenItemEntry row."""

    date: dt.date
    partner_id: int
    kind: str  # OpenItemEntry.RECEIVABLE | PAYABLE
    document_id: int
    amount: int
    entry: str = "raise"
    cause_id: int | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"open item kind {self.kind!r} is neither receivable nor payable")
        if type(self.amount) is not int:
            raise TypeError(f"open item of document {self.document_id}: amount is integer fen")

    def taken_back(self, day: dt.date, entry: str, cause_id: int) -> "OpenItemLine":
        """The entry that takes this one back (same open item, negated amount)."""
        return replace(self, date=day, entry=entry, cause_id=cause_id, amount=-self.amount)
