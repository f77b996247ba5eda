from django.db import models


class Setting(models.Model):
    """Company-wide settings of this set of books (go-live date, company name, cycle)."""

    key = models.CharField(max_length=64, unique=True)
    value = models.TextField()


class NumberCounter(models.Model):
    """Last serial used per document-number prefix and day (CGRK + 20260905 → 0001)."""

    prefix = models.CharField(max_length=16)
    day = models.CharField(max_length=8)
    last = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "day"], name="uniq_counter")]


class CodeCounter(models.Model):
    """Last serial given out per master-data kind and code prefix (item + SP → 12: SP0012 next
    is SP0013). Its row is locked while a code is chosen, so parallel creates never collide."""

    kind = models.CharField(max_length=16)
    prefix = models.CharField(max_length=16)
    last = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "prefix"], name="uniq_code_counter")]
