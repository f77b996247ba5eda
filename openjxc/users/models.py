from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 is stored. It ends at expires_at, and with
    the password it was issued under (auth_hash: Django's session hash of that password)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True)
    expires_at = models.DateTimeField(null=True)
    auth_hash = models.CharField(max_length=128, default="")


class Permissions(models.Model):
    """Holder of the action permissions checked by services (approve, cancel, …)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("approve_document", "Can approve (审核) documents"),
            ("cancel_document", "Can cancel (反审核/作废) documents"),
            ("reverse_document", "Can reverse (红字冲销) documents"),
            ("edit_document", "Can create and edit draft documents"),
            ("edit_master_data", "Can edit items, partners and warehouses"),
            ("close_period", "Can close periods"),
            ("reopen_period", "Can reopen periods"),
            ("view_cost", "Can see costs and purchase prices"),
            ("purchase_documents", "Can work with purchase documents (采购)"),
            ("sales_documents", "Can work with sales documents (销售)"),
            ("stock_documents", "Can work with stock documents (库存)"),
            ("money_documents", "Can work with money documents and invoices (资金)"),
            ("export_data", "Can export to Excel"),
            ("view_audit", "Can read the audit log"),
            ("manage_users", "Can manage users and roles"),
            ("manage_backup", "Can take, download and restore backups"),
            ("add_items", "Can add items (without editing existing ones)"),
            ("add_suppliers", "Can add suppliers (without editing existing ones)"),
            ("add_customers", "Can add customers (without editing existing ones)"),
        ]


class WarehouseAccess(models.Model):
    """The warehouses a user may work with. A user without rows may use every warehouse."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="warehouse_access",
        db_index=False,
    )
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.CASCADE, related_name="+")

    class Meta:
        unique_together = [("user", "warehouse")]


class LoginFailure(models.Model):
    """A failed login (web or API token) and the client address it came from, for the
    per-client throttle and the lockout of a username from that client."""

    username = models.CharField(max_length=150, db_index=True)
    client = models.CharField(max_length=45, default="", db_index=True)
    at = models.DateTimeField(auto_now_add=True)
