from django.db import models


class AuditEntry(models.Model):
    """Append-only, hash-chained record of every change: who, when, what, why, before/after."""

    at = models.DateTimeField(db_index=True)
    user = models.CharField(max_length=150)
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=40)
    object = models.CharField(max_length=100, db_index=True)
    reason = models.CharField(max_length=500, blank=True, default="")
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)


class ChainHead(models.Model):
    """Single row holding the latest hash; locking it serialises appends to the chain."""

    last_hash = models.CharField(max_length=64, default="0" * 64)
    last_id = models.BigIntegerField(default=0)
