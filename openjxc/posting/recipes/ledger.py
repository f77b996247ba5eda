"""Recipe of the manual voucher (记账凭证): exactly the account lines the user typed, each on
its side, with the partner where given. The lines balance (checked when the draft is saved)."""

from openjxc.documents.models import AccountLine
from openjxc.ledger.rows import VoucherLine

from .base import Recipe


def _typed_lines(doc, values):
    return [
        VoucherLine(code, debit, credit, partner)
        for code, debit, credit, partner in AccountLine.objects.filter(document_id=doc.id)
        .order_by("line_no")
        .values_list("account__code", "debit", "credit", "partner_id")
    ]


MANUAL_VOUCHER = Recipe(voucher=_typed_lines)
