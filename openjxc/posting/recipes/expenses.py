"""Recipes of expenses (费用单) and other income (其他收入单): no stock; lines by expense type,
each booked to its type's account (copied onto the line when the draft was saved).

- expense: 借 each line's account its amount, 借 22210101 进项税额 the tax / 贷 the money account
  the total (paid now), or 贷 2202 应付账款 (the supplier) and a payable open item that payments
  allocate to, falling due after the supplier's 账期;
- other income: 借 the money account, or 1122 应收账款 (the customer) and a receivable open item /
  贷 each line's account, 贷 22210102 销项税额 the tax.
A supplier or customer named beside a money account is only recorded."""

from openjxc.documents.models import AccountLine
from openjxc.ledger import chart as A
from openjxc.ledger.rows import VoucherLine

from .base import Recipe, raised


def _lines(doc) -> list[tuple[str, int, int]]:
    """(account, debit, credit) of the document's lines."""
    return list(
        AccountLine.objects.filter(document_id=doc.id)
        .order_by("line_no")
        .values_list("account__code", "debit", "credit")
    )


def _counter(doc, owed: str) -> tuple[str, int | None]:
    """The money account paid from or into, else the partner's receivable / payable."""
    if doc.account_id:
        return doc.account.code, None
    return owed, doc.partner_id


def _expense_voucher(doc, values):
    account, partner = _counter(doc, A.PAYABLE)
    return [
        *(VoucherLine(code, debit=debit) for code, debit, _ in _lines(doc)),
        VoucherLine(A.INPUT_VAT, debit=doc.tax),
        VoucherLine(account, credit=doc.amount_incl_tax, partner_id=partner),
    ]


def _income_voucher(doc, values):
    account, partner = _counter(doc, A.RECEIVABLE)
    return [
        VoucherLine(account, debit=doc.amount_incl_tax, partner_id=partner),
        *(VoucherLine(code, credit=credit) for code, _, credit in _lines(doc)),
        VoucherLine(A.OUTPUT_VAT, credit=doc.tax),
    ]


def _owed(kind: str):
    """The open item of a document not paid now (no money account)."""
    return lambda doc: None if doc.account_id else raised(doc, kind, doc.amount_incl_tax)


EXPENSE = Recipe(voucher=_expense_voucher, open_item=_owed("payable"))
OTHER_INCOME = Recipe(voucher=_income_voucher, open_item=_owed("receivable"))
