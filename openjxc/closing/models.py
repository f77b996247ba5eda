"""What closing a period creates — and reopening removes: the close record with the digest of
the period's ledger rows, snapshots of balances at period end, and the gapless voucher numbers."""

from django.conf import settings
from django.db import models


class PeriodClose(models.Model):
    period = models.OneToOneField(
        "ledger.Period", on_delete=models.PROTECT, related_name="close_record"
    )
    digest = models.CharField(max_length=64)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField()
    backup_id = models.CharField(max_length=64, blank=True, default="")
    rows = models.BigIntegerField(default=0)  # ledger rows dated in the period


class StockSnapshot(models.Model):
    period = models.ForeignKey(
        "ledger.Period", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    qty = models.BigIntegerField()
    value = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "item", "warehouse"], name="uniq_stock_snapshot"
            )
        ]


class AccountSnapshot(models.Model):
    period = models.ForeignKey("ledger.Period", on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT, related_name="+")
    debit = models.BigIntegerField()  # cumulative through period end
    credit = models.BigIntegerField()


class PartnerSnapshot(models.Model):
    period = models.ForeignKey("ledger.Period", on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10)
    amount = models.BigIntegerField()


class VoucherNumber(models.Model):
    period = models.ForeignKey("ledger.Period", on_delete=models.PROTECT, related_name="+")
    voucher = models.OneToOneField(
        "ledger.Voucher", on_delete=models.PROTECT, related_name="number_record"
    )
    number = models.CharField(max_length=20)
