"""Recipes of the opening balances (期初): each books its side against 3999 期初余额差额, so that
every voucher balances at every moment and the difference of the opening trial balance is
exactly 3999's balance (zero once the opening balances balance). Nothing goes to 1901.

- opening stock: 借 1405 / 贷 3999 at the lines' value (moves like a receipt, at their price);
- opening receivable: 借 1122 (the customer) / 贷 3999, and the customer's open item;
- opening payable: 借 3999 / 贷 2202 (the supplier), and the supplier's open item;
- opening account balances: each typed account line, the difference to 3999."""

from openjxc.documents.models import AccountLine
from openjxc.ledger import chart as A
from openjxc.ledger.rows import VoucherLine

from .base import Recipe, pair, raised
from .stock_in import _fixed_in


def _receivable_voucher(doc, values):
    return pair(A.RECEIVABLE, A.OPENING_DIFF, doc.amount, doc.partner_id)


def _payable_voucher(doc, values):
    return pair(A.OPENING_DIFF, A.PAYABLE, doc.amount, doc.partner_id)


def _accounts_voucher(doc, values):
    lines = [
        VoucherLine(code, debit, credit, partner)
        for code, debit, credit, partner in AccountLine.objects.filter(document_id=doc.id)
        .order_by("line_no")
        .values_list("account__code", "debit", "credit", "partner_id")
    ]
    difference = sum(ln.debit - ln.credit for ln in lines)
    return [*lines, VoucherLine(A.OPENING_DIFF, max(-difference, 0), max(difference, 0))]


OPENING_STOCK = Recipe(
    moves=_fixed_in,
    voucher=lambda doc, values: pair(A.INVENTORY, A.OPENING_DIFF, sum(values)),
    counter=A.OPENING_DIFF,  # never adjusted: its moves have a fixed value
)
OPENING_RECEIVABLE = Recipe(
    voucher=_receivable_voucher, open_item=lambda doc: raised(doc, "receivable", doc.amount)
)
OPENING_PAYABLE = Recipe(
    voucher=_payable_voucher, open_item=lambda doc: raised(doc, "payable", doc.amount)
)
OPENING_ACCOUNTS = Recipe(voucher=_accounts_voucher)
