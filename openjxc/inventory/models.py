"""The stock ledger (append-only) and its balance cache."""

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

    date = models.DateField()
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+")
    line = models.ForeignKey("documents.DocumentLine", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    qty = models.BigIntegerField()
    value = models.BigIntegerField()
    kind = models.SmallIntegerField(choices=KINDS, default=ORIGINAL)
    rule = models.SmallIntegerField(default=0)
    anchor = models.ForeignKey("self", null=True, on_delete=models.PROTECT, related_name="+")
    source_move = models.ForeignKey("self", null=True, on_delete=models.PROTECT, related_name="+")
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

    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="+")
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
    line = models.ForeignKey("documents.DocumentLine", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    reserved = models.BigIntegerField(default=0)
    on_order = models.BigIntegerField(default=0)
    cause = models.ForeignKey(
        "documents.Document", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["line"], name="reservation_line")]


class StockLimit(models.Model):
    """Reorder limits of an item in one warehouse (补货): at or below min_qty the reorder report
    suggests ordering up to max_qty. Master data (audited), quantities in 1/10,000 units."""

    item = models.ForeignKey("catalog.Item", on_delete=models.CASCADE, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="+")
    min_qty = models.BigIntegerField()
    max_qty = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "warehouse"], name="uniq_stock_limit")
        ]
