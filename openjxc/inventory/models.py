"""The stock ledger (append-only) and its balance cache."""

from django.conf import settings
from django.db import models


class Warehouse(models.Model):
    code = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
    # the hidden location of the goods of one in-transit transfer (调拨在途): shipped into it,
    # received out of it; never listed, never chosen on a document
    transit_for = models.ForeignKey(
        "documents.Document", null=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self):
        return f"{self.code} {self.name}"


class StockMove(models.Model):
    """One immutable stock ledger row. qty in 1/10,000 units and value in fen, both signed.

    kind ORIGINAL rows are the timeline: ordered by (date, id). REVERSAL rows undo an original
    when its document is cancelled (dated like it, anchored to it); ADJUSTMENT rows change the
    value of the original they are anchored to, when a back-dated change alters its cost — and,
    for a stock count, its quantity, so that the count keeps stating the counted quantity.
    """

    ORIGINAL, REVERSAL, ADJUSTMENT = 0, 1, 2
    KINDS = [(ORIGINAL, "original"), (REVERSAL, "reversal"), (ADJUSTMENT, "adjustment")]

    # Valuation rules of original rows: how the engine (re)computes their value.
    FIXED_IN = 1  # incoming at the document's own price (purchase receipt, other in)
    AVERAGE_OUT = 2  # outgoing at the moving average
    AVERAGE_IN = 3  # incoming at the moving average (count gain, unlinked sales return)
    LINKED_IN = 4  # incoming at a linked outgoing move's unit cost (transfer in, linked return)
    CAPPED_OUT = 5  # linked purchase return: receipt line's unit cost, capped at the average
    # stock count: its quantity is the counted quantity less the book quantity just before it
    # (re-stated when history before it changes); a gain comes in at the average, a loss goes out
    COUNTED = 6
    # on an ADJUSTMENT row: made by a period close, bringing an outgoing move of a monthly
    # average item to the period's average (closing/monthly.py); reopening appends its negation
    MONTHLY_CLOSE = 7
    # assembly output: the negated value of its line's component moves plus the processing fee
    # (inventory/links.py); re-stated when a component's cost changes
    ASSEMBLED_IN = 8
    # disassembly output: a share (by weights fixed on approval) of its line's outgoing move
    SPLIT_IN = 9
    # an undone correction (posting/corrections.py) takes a move back out at exactly the value it
    # brought in (the source move's, adjustments included), never more than the balance holds
    EXACT_OUT = 10

    date = models.DateField()
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    line = models.ForeignKey("documents.DocumentLine", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(
        "catalog.Item", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    qty = models.BigIntegerField()
    value = models.BigIntegerField()
    kind = models.SmallIntegerField(choices=KINDS, default=ORIGINAL)
    rule = models.SmallIntegerField(default=0)
    anchor = models.ForeignKey(
        "self", null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    source_move = models.ForeignKey(
        "self", null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    cause = models.ForeignKey(
        "documents.Document", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["item", "warehouse", "date", "id"], name="move_key_date"),
            models.Index(
                fields=["date", "item", "warehouse", "qty", "value"], name="move_date_cover"
            ),
            models.Index(fields=["document"], name="move_document"),
            models.Index(fields=["anchor"], name="move_anchor"),
            models.Index(fields=["source_move"], name="move_source"),
        ]


class StockBalance(models.Model):
    """Cache of the ledger per item × warehouse; reconcile proves it equals the ledger."""

    item = models.ForeignKey(
        "catalog.Item", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    qty = models.BigIntegerField(default=0)
    value = models.BigIntegerField(default=0)
    reserved = models.BigIntegerField(default=0)
    on_order = models.BigIntegerField(default=0)
    last_date = models.DateField(null=True)  # latest date of any original move

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "warehouse"], name="uniq_balance_key")
        ]


class ReservationEntry(models.Model):
    """Append-only ledger of reserved (sales orders) and on-order (purchase orders) quantities;
    StockBalance.reserved / on_order are its cache."""

    date = models.DateField()
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="+"
    )  # the order
    line = models.ForeignKey(
        "documents.DocumentLine", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    reserved = models.BigIntegerField(default=0)
    on_order = models.BigIntegerField(default=0)
    cause = models.ForeignKey(
        "documents.Document", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["line"], name="reservation_line")]


class StockCount(models.Model):
    """What a stock count (盘点单) covers: every item of its warehouse, a category (its subtree),
    or the items of its lines. Written when a count is opened with `?fill=` or gets its first
    count sheet; a count without one covers its lines."""

    ALL, CATEGORY, ITEMS = "all", "category", "items"

    document = models.OneToOneField(
        "documents.Document", on_delete=models.CASCADE, related_name="+"
    )
    scope = models.CharField(max_length=10, default=ITEMS)
    category = models.ForeignKey(
        "catalog.Category", null=True, on_delete=models.PROTECT, related_name="+"
    )
    # lines were filled with the book quantity: a line no sheet counted is "not yet counted"
    filled = models.BooleanField(default=False)


class CountSheet(models.Model):
    """One counter's sheet (盘点表) on a draft stock count: the quantities that person counted
    (at a location). Sheets of different counters or locations add up per item; a second sheet
    of the same counter and location replaces the first. A draft's working data, not a ledger."""

    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="count_sheets", db_index=False
    )
    counter = models.CharField(max_length=64)
    location = models.CharField(max_length=100, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "counter", "location"], name="uniq_count_sheet"
            )
        ]


class CountSheetLine(models.Model):
    sheet = models.ForeignKey(
        CountSheet, on_delete=models.CASCADE, related_name="lines", db_index=False
    )
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="+")
    qty = models.BigIntegerField()  # 1/10,000 base unit, counted (≥ 0)

    class Meta:
        indexes = [models.Index(fields=["sheet", "item"], name="count_sheet_item")]


class Batch(models.Model):
    """A batch (批次) of an item with its dates; created by the first incoming move naming it."""

    item = models.ForeignKey(
        "catalog.Item", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    code = models.CharField(max_length=64)
    production_date = models.DateField(null=True)
    expiry_date = models.DateField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "code"], name="uniq_batch_code")]


class BatchMove(models.Model):
    """The stock ledger per batch (quantities only: cost stays per item × warehouse).

    Append-only like StockMove: ORIGINAL rows are written on approval, REVERSAL rows (anchored
    to the original) when the document is cancelled; a red-letter reversal appends ORIGINAL rows
    of its own document. Σ qty per item × warehouse equals the stock ledger's for a
    batch-tracked item (reconcile)."""

    date = models.DateField()
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    line = models.ForeignKey("documents.DocumentLine", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(
        "catalog.Item", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="+", db_index=False)
    qty = models.BigIntegerField()
    kind = models.SmallIntegerField(default=0)  # StockMove.ORIGINAL / REVERSAL
    anchor = models.ForeignKey("self", null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["item", "warehouse", "date", "id"], name="batchmove_key"),
            models.Index(fields=["document"], name="batchmove_document"),
            models.Index(fields=["batch"], name="batchmove_batch"),
        ]


class BatchBalance(models.Model):
    """Cache of the batch ledger per batch × warehouse."""

    item = models.ForeignKey(
        "catalog.Item", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="+", db_index=False)
    qty = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "warehouse"], name="uniq_batch_balance")
        ]
        indexes = [models.Index(fields=["item", "warehouse"], name="batchbalance_key")]


class SerialMove(models.Model):
    """The ledger of serial numbers (序列号): one row per unit in (+1) or out (−1)."""

    date = models.DateField()
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    line = models.ForeignKey("documents.DocumentLine", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    serial = models.CharField(max_length=100)
    qty = models.SmallIntegerField()  # +1 in, −1 out
    kind = models.SmallIntegerField(default=0)  # StockMove.ORIGINAL / REVERSAL
    anchor = models.ForeignKey("self", null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["serial"], name="serialmove_serial"),
            models.Index(fields=["document"], name="serialmove_document"),
        ]


class SerialStock(models.Model):
    """Cache of the serial ledger: where each serial of an item is (warehouse null: not in
    stock). The row is locked while a posting checks the serial."""

    item = models.ForeignKey(
        "catalog.Item", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    serial = models.CharField(max_length=100)
    warehouse = models.ForeignKey(Warehouse, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "serial"], name="uniq_item_serial")]
        indexes = [models.Index(fields=["item", "warehouse"], name="serialstock_key")]


class StockLimit(models.Model):
    """Reorder limits of an item in one warehouse (补货): at or below min_qty the reorder report
    suggests ordering up to max_qty. Master data (audited), quantities in 1/10,000 units."""

    item = models.ForeignKey(
        "catalog.Item", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="+")
    min_qty = models.BigIntegerField()
    max_qty = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "warehouse"], name="uniq_stock_limit")
        ]
