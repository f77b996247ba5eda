"""Recipes of money documents: the voucher against the money account and the document's own
open item (posting/money.py posts them and applies the allocations)."""

from openjxc.ledger import chart as A

from .base import Recipe

# (open-item kind, sign of its own open item, voucher: debit account, credit account); None is
# the money account
RECEIPT = Recipe(money=("receivable", -1, None, A.RECEIVABLE))  # 借 money account / 贷 1122
REFUND = Recipe(money=("receivable", 1, A.RECEIVABLE, None))  # 借 1122 / 贷 money account
PAYMENT = Recipe(money=("payable", -1, A.PAYABLE, None))  # 借 2202 / 贷 money account
SUPPLIER_REFUND = Recipe(money=("payable", 1, None, A.PAYABLE))  # 借 money account / 贷 2202
