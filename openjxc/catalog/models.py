from django.db import models


class Category(models.Model):
    """A node of the item category tree (商品分类); reports filter by a node and its subtree."""

    code = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    active = models.BooleanField(default=True)

    def __str__(self):
        return f"{self.code} {self.name}"


class Item(models.Model):
    """An inventory item (商品). Quantities are integer 1/10,000 units, prices Decimal(6)."""

    # 计价方法: how its outgoing moves are valued (inventory/costing.py, inventory/fifo.py,
    # inventory/monthly.py); fixed once the item has stock moves
    MOVING_AVERAGE, FIFO, MONTHLY_AVERAGE = "moving_average", "fifo", "monthly_average"
    COSTING_METHODS = [
        (MOVING_AVERAGE, "moving_average"),
        (FIFO, "fifo"),
        (MONTHLY_AVERAGE, "monthly_average"),
    ]

    code = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=20)
    spec = models.CharField(max_length=200, blank=True, default="")
    barcode = models.CharField(max_length=64, blank=True, default="", db_index=True)
    pinyin = models.CharField(
        max_length=200, blank=True, default="", db_index=True
    )  # 拼音首字母 of name
    tax_rate = models.DecimalField(max_digits=6, decimal_places=4, default="0.13")
    purchase_price = models.DecimalField(max_digits=19, decimal_places=6, null=True)
    sale_price = models.DecimalField(max_digits=19, decimal_places=6, null=True)
    safety_stock = models.BigIntegerField(default=0)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    costing_method = models.CharField(
        max_length=20, choices=COSTING_METHODS, default=MOVING_AVERAGE
    )
    # 批次 / 序列号 (inventory/tracking.py): every stock line of a batch-tracked item names its
    # batch (expiry = production date + shelf life unless given); a serial-tracked item carries
    # one serial per unit. Changeable only while the item has no stock moves.
    batch_tracked = models.BooleanField(default=False)
    shelf_life_days = models.IntegerField(null=True)
    serial_tracked = models.BooleanField(default=False)

    def __str__(self):
        return f"{self.code} {self.name}"


class PriceListEntry(models.Model):
    """A customer's (or supplier's) own price for an item (客户价格表)."""

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    item = models.ForeignKey("catalog.Item", on_delete=models.CASCADE, related_name="+")
    price = models.DecimalField(max_digits=19, decimal_places=6)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "item"], name="uniq_price_list_entry")
        ]


class ItemUnit(models.Model):
    """An alternate unit of an item (多单位): `factor` base units per unit, in 1/10,000 base unit
    (a 箱 of 12 个 has factor 120000). Stock, cost and reports stay in the base unit."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="units", db_index=False)
    unit = models.CharField(max_length=20)
    factor = models.BigIntegerField()
    barcode = models.CharField(max_length=64, blank=True, default="", db_index=True)
    purchase_price = models.DecimalField(max_digits=19, decimal_places=6, null=True)
    sale_price = models.DecimalField(max_digits=19, decimal_places=6, null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "unit"], name="uniq_item_unit")]


class PriceLevel(models.Model):
    """A price level (价格等级) such as 零售价 / 批发价 / VIP价; a customer may have one."""

    code = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100)
    active = models.BooleanField(default=True)

    def __str__(self):
        return f"{self.code} {self.name}"


class LevelPrice(models.Model):
    """An item's price at a level (per unit; "" = base unit) in force from `valid_from`.

    Rows are appended — by `PUT /items/{code}/prices/{level}` or an approved 调价单 (`document`) —
    so the history shows every change; the price on a day is the latest row dated on or before it
    that is not cancelled. Cancelling the 调价单 marks its rows, which restores the previous ones."""

    level = models.ForeignKey(PriceLevel, on_delete=models.PROTECT, related_name="prices")
    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="level_prices", db_index=False
    )
    unit = models.CharField(max_length=20, blank=True, default="")
    price = models.DecimalField(max_digits=19, decimal_places=6)
    valid_from = models.DateField()
    document = models.ForeignKey(
        "documents.Document", null=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["item", "level", "unit", "valid_from"], name="level_price_at")
        ]


class Bom(models.Model):
    """A bill of materials (物料清单): `qty` of `item` (1/10,000 base units) is made of the
    components' quantities. A component may have BOMs of its own (multi-level); cycles are
    refused when a BOM is saved (catalog/bom.py). An item's default BOM is its first active one."""

    code = models.CharField(max_length=64, unique=True)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="boms")
    qty = models.BigIntegerField()
    active = models.BooleanField(default=True)
    memo = models.CharField(max_length=200, blank=True, default="")


class BomComponent(models.Model):
    bom = models.ForeignKey(Bom, on_delete=models.CASCADE, related_name="components")
    line_no = models.IntegerField()
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    qty = models.BigIntegerField()  # 1/10,000 base units per `bom.qty` of the output

    class Meta:
        ordering = ["line_no"]
