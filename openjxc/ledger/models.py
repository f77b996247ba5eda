"""General ledger, periods and open items (AR/AP). Journal lines and open-item entries are
append-only; AccountBalance is a cache that reconcile proves equal to the journal."""

from django.db import models


class Account(models.Model):
    DEBIT, CREDIT = "debit", "credit"

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    category = models.CharField(max_length=20)  # asset, liability, equity, cost, profit_loss
    direction = models.CharField(max_length=6)  # normal balance side
    parent = models.ForeignKey("self", null=True, on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return f"{self.code} {self.name}"


class MoneyAccount(models.Model):
    """结算账户: a cash, bank or other money account. Each posts to its own GL account (a
    sub-account of 1001 / 1002 / 1012 made for it; the three seeded ones are those accounts
    themselves), so the ledger needs nothing new and its code is what money documents name."""

    CASH, BANK, OTHER = "cash", "bank", "other"

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10)
    bank_name = models.CharField(max_length=100, blank=True, default="")
    account_no = models.CharField(max_length=64, blank=True, default="")
    active = models.BooleanField(default=True)
    account = models.OneToOneField(Account, on_delete=models.PROTECT, related_name="money_account")


class Period(models.Model):
    OPEN, CLOSED = "open", "closed"

    name = models.CharField(max_length=20, unique=True)
    start = models.DateField(unique=True)
    end = models.DateField()
    status = models.CharField(max_length=10, default=OPEN)
    closed_at = models.DateTimeField(null=True)


class Voucher(models.Model):
    """记账凭证. number is given without gaps when the period closes. The close appends the
    vouchers of no document: 结转损益 (CLOSING_TRANSFER) and, at year end, 3103 → 310401
    (YEAR_END_TRANSFER); reopening appends their red copies (CLOSING_CANCELLATION)."""

    POSTING, CANCELLATION, COST_ADJUSTMENT, REVERSAL = (
        "posting",
        "cancellation",
        "cost_adjustment",
        "reversal",
    )
    CLOSING_TRANSFER, YEAR_END_TRANSFER, CLOSING_CANCELLATION = (
        "closing_transfer",
        "year_end_transfer",
        "closing_cancellation",
    )
    CLOSING_KINDS = (CLOSING_TRANSFER, YEAR_END_TRANSFER, CLOSING_CANCELLATION)
    # a money document's later allocation (or its undoing): advance account ⇄ 1122 / 2202
    ALLOCATION = "allocation"

    date = models.DateField(db_index=True)
    document = models.ForeignKey(
        "documents.Document", null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=20, default=POSTING)
    memo = models.CharField(max_length=500, blank=True, default="")
    number = models.CharField(max_length=20, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["document"], name="voucher_document")]


class JournalLine(models.Model):
    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="lines")
    date = models.DateField()
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    debit = models.BigIntegerField(default=0)  # fen, may be negative (红字)
    credit = models.BigIntegerField(default=0)
    partner = models.ForeignKey(
        "partners.Partner", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["date", "account"], name="jl_date_account")]


class AccountBalance(models.Model):
    account = models.OneToOneField(Account, on_delete=models.PROTECT, related_name="balance")
    debit = models.BigIntegerField(default=0)
    credit = models.BigIntegerField(default=0)


class OpenItemEntry(models.Model):
    """Append-only entry of a receivable/payable open item. The open item is the document that
    raised it; its open amount is the sum of its entries (raise, cancel, allocations)."""

    RECEIVABLE, PAYABLE = "receivable", "payable"
    RAISE, CANCEL, ALLOCATION = "raise", "cancel", "allocation"

    date = models.DateField()
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=10)
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        related_name="open_item_entries",
        db_index=False,
    )
    cause = models.ForeignKey(
        "documents.Document", null=True, on_delete=models.PROTECT, related_name="+"
    )
    entry = models.CharField(max_length=12, default=RAISE)
    amount = models.BigIntegerField()  # fen, signed: + increases what is owed

    class Meta:
        indexes = [
            models.Index(fields=["partner", "kind"], name="oi_partner_kind"),
            models.Index(fields=["document"], name="oi_document"),
        ]


class OpenItem(models.Model):
    """Cache: one row per open item (the document that raised it) with its open amount, the sum
    of its OpenItemEntry rows. Allocation and credit checks read only the rows still open, through
    a partial index, instead of summing a partner's whole history. Reconcile proves it equal."""

    document = models.OneToOneField(
        "documents.Document", primary_key=True, on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=10)
    date = models.DateField()
    due_date = models.DateField(null=True)  # the raising document's; aging by due date reads it
    open_amount = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["partner", "kind", "date"],
                name="oi_still_open",
                condition=~models.Q(open_amount=0),
            )
        ]


class Allocation(models.Model):
    """核销: part of a money document matched to an open item. Its effect lives in two
    OpenItemEntry rows (and two more when it is undone); this row links them."""

    date = models.DateField()
    source = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="allocations_made"
    )
    target = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="allocations_received"
    )
    kind = models.CharField(max_length=10)  # receivable | payable
    amount = models.BigIntegerField()  # fen, positive: reduces the target's open amount toward zero
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True)
    undone_by = models.ForeignKey(
        "documents.Document", null=True, on_delete=models.PROTECT, related_name="+"
    )


class ExpenseType(models.Model):
    """费用类型 / 收入类型: what an expense or other income line is for, and the profit-and-loss
    account it is booked to (a sub-account of 5601 / 5602 / 5603, or of 5051 / 5301 for
    income). The account is read when a draft is saved, so changing it later leaves posted
    documents as they were booked."""

    EXPENSE, INCOME = "expense", "income"

    code = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10)  # expense | income
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)


class AccountMapping(models.Model):
    """科目对照: the accountant's own code (and name) of one of our accounts in the voucher export
    of one format (kingdee, yonyou); an account without a row exports with our code."""

    format = models.CharField(max_length=10)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["format", "account"], name="uniq_account_mapping")
        ]
