from django.db import models


class Item(models.Model):
    """An inventory item (商品). Quantities are integer 1/10,000 units, prices Decimal(6)."""

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
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.code} {self.name}"


class PriceListEntry(models.Model):
    """A customer's (or supplier's) own price for an item (客户价格表)."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey("catalog.Item", on_delete=models.CASCADE, related_name="+")
    price = models.DecimalField(max_digits=19, decimal_places=6)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "item"], name="uniq_price_list_entry")
        ]
