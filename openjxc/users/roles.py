"""The six roles of PRODUCT.md as Django groups with sensible default permissions.

Roles are seeded after every migrate (new permissions reach existing books); an administrator
may change a role's permissions afterwards — seeding only adds what a role has never had, and a
role removed by hand stays removed."""

from django.contrib.auth.models import Group, Permission

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
)

ROLES = {
    "老板": [p for p in ALL if p not in ("manage_users", "manage_backup")],
    "采购": ["edit_document", "purchase_documents", "view_cost", "export_data"],
    "销售": ["edit_document", "sales_documents", "export_data"],
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
    for name, codenames in ROLES.items():
        group, created = Group.objects.get_or_create(name=name)
        if created:
            group.permissions.set([perms[c] for c in codenames])
