"""One Document + DocumentLine model for every 单据 type."""

from django.conf import settings
from django.db import models


class Document(models.Model):
    DRAFT, APPROVED, CANCELLED, REVERSED = "draft", "approved", "cancelled", "reversed"
    PENDING, PARTIAL, COMPLETED, CLOSED = "pending_approval", "partial", "completed", "closed"
    # statuses in which a document's postings are in force
    POSTED = (APPROVED, PARTIAL, COMPLETED, CLOSED, REVERSED)

    number = models.CharField(max_length=32, unique=True)
    type = models.CharField(max_length=32)
    status = models.CharField(max_length=20, default=DRAFT, db_index=True)
    date = models.DateField(db_index=True)
    partner = models.ForeignKey("partners.Partner", null=True, on_delete=models.PROTECT)
    warehouse = models.ForeignKey(
        "inventory.Warehouse", null=True, on_delete=models.PROTECT, related_name="+"
    )
    to_warehouse = models.ForeignKey(
        "inventory.Warehouse", null=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.ForeignKey("self", null=True, on_delete=models.PROTECT, related_name="derived")
    reversal_of = models.OneToOneField(
        "self", null=True, on_delete=models.PROTECT, related_name="reversal"
    )  # a red-letter reversal (红字单据) names the document it reverses
    external_ref = models.CharField(max_length=100, null=True)
    amount = models.BigIntegerField(default=0)  # fen, tax-exclusive
    tax = models.BigIntegerField(default=0)
    amount_incl_tax = models.BigIntegerField(default=0)
    memo = models.CharField(max_length=500, blank=True, default="")
    due_date = models.DateField(null=True)  # of the receivable / payable it raises (账期)
    # the date of the open item it raises when that is earlier than the document (期初应收/应付:
    # the original invoice's date, before go-live; aging counts from it)
    origin_date = models.DateField(null=True)
    account = models.ForeignKey(
        "ledger.Account", null=True, on_delete=models.PROTECT, related_name="+"
    )  # the GL account of its money account (a fund transfer: the one paying)
    # a fund transfer (转账单): the money account receiving `amount`, and the fee (fen, 5603)
    to_account = models.ForeignKey(
        "ledger.Account", null=True, on_delete=models.PROTECT, related_name="+"
    )
    fee = models.BigIntegerField(default=0)
    invoice_no = models.CharField(max_length=64, blank=True, default="")
    invoice_type = models.CharField(max_length=10, blank=True, default="")  # special | ordinary
    salesperson = models.CharField(max_length=64, blank=True, default="")
    allocation_plan = models.JSONField(
        null=True
    )  # money documents: allocations to make on approval
    closed_reason = models.CharField(max_length=500, blank=True, default="")
    # a transfer in transit (调拨在途): leaves the source when approved, arrives with receipts
    in_transit = models.BooleanField(default=False)
    version = models.IntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True)
    cancelled_at = models.DateTimeField(null=True)
    cancel_reason = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["type", "external_ref"], name="uniq_external_ref")
        ]
        indexes = [models.Index(fields=["type", "status", "date"], name="doc_type_status_date")]


class DocumentLine(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="lines")
    line_no = models.IntegerField()
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="+")
    qty = models.BigIntegerField()  # 1/10,000 `unit`; for stock_count the counted quantity
    # 多单位: the line is entered in `unit` ("" = the item's base unit); `unit_factor` base units
    # per unit (1/10,000); `base_qty` = qty × factor is what moves stock, in 1/10,000 base unit.
    # The database computes it, so that it can never disagree with qty and factor — whoever
    # writes a line (a draft, a reversal, an import) — and every reader of stock quantities
    # (recipes, reservations, returns, reports) reads it. The service refuses a qty whose
    # product is not a whole 1/10,000 base unit, so the division is exact.
    unit = models.CharField(max_length=20, blank=True, default="")
    unit_factor = models.BigIntegerField(default=10000)
    base_qty = models.GeneratedField(
        expression=models.F("qty") * models.F("unit_factor") / 10000,
        output_field=models.BigIntegerField(),
        db_persist=True,
    )
    # 调价单 (price_adjustment): the level whose price the line sets (none: the item's list sale
    # price), and the price in force before approval — shown on the document, and the list price
    # restored when it is cancelled (a level's earlier rows come back by themselves).
    price_level = models.ForeignKey(
        "catalog.PriceLevel", null=True, on_delete=models.PROTECT, related_name="+"
    )
    previous_price = models.DecimalField(max_digits=19, decimal_places=6, null=True)
    price = models.DecimalField(max_digits=19, decimal_places=6, null=True)
    price_incl_tax = models.DecimalField(max_digits=19, decimal_places=6, null=True)
    tax_rate = models.DecimalField(max_digits=6, decimal_places=4, default="0")
    amount = models.BigIntegerField(default=0)  # fen
    tax = models.BigIntegerField(default=0)
    amount_incl_tax = models.BigIntegerField(default=0)
    source_line = models.ForeignKey(
        "self", null=True, on_delete=models.PROTECT, related_name="derived_lines"
    )
    # 批次: a batch-tracked item's batch and its dates (an outgoing line without a batch is
    # picked first-expiry-first-out when approved); 序列号: one serial per unit
    batch = models.CharField(max_length=64, blank=True, default="")
    production_date = models.DateField(null=True)
    expiry_date = models.DateField(null=True)
    serials = models.JSONField(null=True)
    # 成本调整单 (cost_adjustment): the warehouse whose stock the line revalues (none: the
    # document's); the value change itself is `amount` (signed fen)
    warehouse = models.ForeignKey(
        "inventory.Warehouse", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["line_no"]


class AccountLine(models.Model):
    """A line booked to a general-ledger account rather than an item: the opening balances of
    accounts (期初), the lines of expenses and other income, and later manual vouchers. Amounts
    in fen; one side per line."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="account_lines")
    line_no = models.IntegerField()
    account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT, related_name="+")
    debit = models.BigIntegerField(default=0)
    credit = models.BigIntegerField(default=0)
    partner = models.ForeignKey(
        "partners.Partner", null=True, on_delete=models.PROTECT, related_name="+"
    )
    memo = models.CharField(max_length=200, blank=True, default="")
    # 费用单 / 其他收入单 (expense, other_income): the line's expense type (its account is copied
    # into `account` when the draft is saved), the VAT rate and the tax on the amount; the
    # tax-exclusive amount is the line's debit (an expense) or credit (an income)
    expense_type = models.ForeignKey(
        "ledger.ExpenseType", null=True, on_delete=models.PROTECT, related_name="+"
    )
    tax_rate = models.DecimalField(max_digits=6, decimal_places=4, null=True)
    tax = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["line_no"]


class LineComponent(models.Model):
    """What an assembly line consumes or a disassembly line yields (组装 / 拆卸): the BOM
    exploded for the line's quantity, or the components given on the line. `qty` in 1/10,000
    base units for the whole line. `weight` is set when a disassembly is approved: the
    component's average cost × qty then, by which the disassembled value is split."""

    line = models.ForeignKey(DocumentLine, on_delete=models.CASCADE, related_name="components")
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="+")
    qty = models.BigIntegerField()
    weight = models.BigIntegerField(default=0)
    bom = models.ForeignKey("catalog.Bom", null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]


class Correction(models.Model):
    """红冲蓝补: the correction of an approved document. `red` takes the original out (a
    red-letter reversal in the open period; none when the original's period is open: the
    original is then cancelled), `blue` re-enters it as corrected from `body` (the create-document
    body). Both wait as pending_approval documents until the correction is approved; undo appends
    `blue_reversal` (none when the blue could be cancelled) and `restored`, which puts the
    original's effect back."""

    PENDING, APPROVED, UNDONE = "pending_approval", "approved", "undone"

    original = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")
    red = models.ForeignKey(Document, null=True, on_delete=models.PROTECT, related_name="+")
    blue = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")
    blue_reversal = models.ForeignKey(
        Document, null=True, on_delete=models.PROTECT, related_name="+"
    )
    restored = models.ForeignKey(Document, null=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, default=PENDING, db_index=True)
    reason = models.CharField(max_length=500)
    body = models.JSONField()
    maker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    undo_reason = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True)
    undone_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["id"]
