"""Recipe of the fund transfer (转账单): money moves between two money accounts (结算账户).

借 to_account amount, 借 5603 财务费用 fee / 贷 from_account amount + fee. No stock, no partner,
no open item; approved, cancelled and reversed by the engine like every kind-ledger document
(the voucher is copied in red)."""

from openjxc.ledger import chart as A
from openjxc.ledger.rows import VoucherLine

from .base import Recipe


def _transfer_voucher(doc, values) -> list[VoucherLine]:
    return [
        VoucherLine(doc.to_account.code, debit=doc.amount),
        VoucherLine(A.FINANCE_COSTS, debit=doc.fee),
        VoucherLine(doc.account.code, credit=doc.amount + doc.fee),
    ]


FUND_TRANSFER = Recipe(voucher=_transfer_voucher)
