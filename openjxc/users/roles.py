"""The six roles of PRODUCT.md as Django groups with sensible default permissions.

Roles are seeded after every migrate (new permissions reach existing books); an administrator
may change a role's permissions afterwards — seeding only adds what a role has never had, and a
role removed by hand stays removed.

Sensible defaults for a small business: 采购 may add suppliers and items, 销售 may add customers
(adding only: editing or deactivating stays with edit_master_data — 老板, 库管, 管理员)."""

from django.contrib.auth.models import Group, Permission

from openjxc.core.services import get_setting, set_setting

ALL = (
    "approve_document",
    "cancel_document",
    "reverse_document",
    "edit_document",
    "edit_master_data",
    "close_period",
    "reopen_period",
    "view_cost",
    "purchase_documents",
    "sales_documents",
    "stock_documents",
    "money_documents",
    "export_data",
    "view_audit",
    "manage_users",
    "manage_backup",
    "add_items",
    "add_suppliers",
    "add_customers",
)
# permissions added after the first books were made: seeding grants them once to the roles whose
# defaults name them (setting roles_seeded remembers which permissions were seeded)
LATER = ("add_items", "add_suppliers", "add_customers")

ROLES = {
    "老板": [p for p in ALL if p not in ("manage_users", "manage_backup")],
    "采购": [
        "edit_document",
        "purchase_documents",
        "view_cost",
        "export_data",
        "add_items",
        "add_suppliers",
    ],
    "销售": ["edit_document", "sales_documents", "export_data", "add_customers"],
    "库管": ["edit_document", "stock_documents", "edit_master_data"],
    "财务": [
        "edit_document",
        "money_documents",
        "approve_document",
        "cancel_document",
        "reverse_document",
        "close_period",
        "reopen_period",
        "view_cost",
        "export_data",
        "view_audit",
    ],
    "管理员": list(ALL),
}


def seed_roles(**_) -> None:
    """Create missing roles with their default permissions (idempotent)."""
    perms = {
        p.codename: p
        for p in Permission.objects.filter(content_type__app_label="users", codename__in=ALL)
    }
    if len(perms) < len(ALL):  # permissions not created yet (first migrate in progress)
        return
    stored = get_setting("roles_seeded")
    seeded = set(stored.split(",")) if stored else set(ALL) - set(LATER)
    for name, codenames in ROLES.items():
        group, created = Group.objects.get_or_create(name=name)
        if created:
            group.permissions.set([perms[c] for c in codenames])
        else:  # a permission new since the last seeding reaches the existing role once
            group.permissions.add(*[perms[c] for c in codenames if c not in seeded])
    if stored != ",".join(ALL):
        set_setting("roles_seeded", ",".join(ALL))
