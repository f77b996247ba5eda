"""The menu: groups of pages, each shown only to users with its permission. The pages enforce
the same permissions on the server (see web/decorators.py); the menu only spares a click."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from openjxc.documents.access import may_read_type
from openjxc.documents.types import (
    INVENTORY,
    MONEY_GROUP,
    OPENING_GROUP,
    PURCHASING,
    SELLING,
    TYPES,
)
from openjxc.users.services import (
    CLOSE,
    MANAGE_BACKUP,
    MANAGE_USERS,
    MASTER_DATA,
    MONEY,
    PURCHASE,
    SALES,
    STOCK,
    VIEW_AUDIT,
    VIEW_COST,
    can,
)


def _docs(group: str) -> list:
    """The document list entries of a navigation group, from the registry of types:
    (label, url name, kwargs, check)."""
    return [
        (t.plural, "doc_list", {"doc_type": code}, lambda u, code=code: may_read_type(u, code))
        for code, t in TYPES.items()
        if t.posts and t.nav == group
    ]


def _perm(*perms):
    return lambda u: any(can(u, p) for p in perms)


ANYONE = lambda u: True  # noqa: E731


def may_open(user) -> bool:
    """The 期初 page: finance (money documents) who may see the stock value it adds up."""
    return can(user, MONEY) and can(user, VIEW_COST)


# (group label, [(entry label, url name, url kwargs, who sees it)])
MENU = [
    (_("Purchasing"), _docs(PURCHASING)),
    (_("Sales"), _docs(SELLING)),
    (
        _("Inventory"),
        [
            (_("Stock balances"), "stock", {}, ANYONE),
            (_("Stock ledger"), "stock_ledger", {}, ANYONE),
            (_("Low stock"), "low_stock", {}, ANYONE),
            (_("Bills of materials"), "boms", {}, ANYONE),
            (_("Material requirements"), "material_requirements", {}, ANYONE),
            (_("Stock by batch"), "batch_stock", {}, ANYONE),
            (_("Expiring batches"), "expiring", {}, ANYONE),
            (_("Serial number history"), "serial_history", {}, ANYONE),
            (_("Reorder suggestions"), "reorder", {}, _perm(PURCHASE, STOCK)),
            *_docs(INVENTORY),
        ],
    ),
    (
        _("Money"),
        [
            *_docs(MONEY_GROUP),
            (_("Expense types"), "expense_types", {}, _perm(MONEY, MASTER_DATA)),
            (_("Receivables and payables"), "receivables", {}, _perm(MONEY, SALES, PURCHASE)),
            (_("Aging"), "aging", {}, _perm(MONEY, SALES, PURCHASE)),
            (_("Statements"), "statements", {}, _perm(MONEY, SALES, PURCHASE)),
            (_("Cash/bank accounts"), "money_accounts", {}, _perm(MONEY)),
            (_("Cash journal"), "cash_journal", {}, _perm(MONEY)),
            (_("Funds report"), "funds_report", {}, _perm(MONEY)),
            (_("Chart of accounts"), "chart_of_accounts", {}, _perm(MONEY)),
        ],
    ),
    (
        _("Opening balances"),
        [(_("Opening balances"), "opening", {}, may_open), *_docs(OPENING_GROUP)],
    ),
    (
        _("Reports"),
        [
            (_("Inventory summary"), "inventory_summary", {}, ANYONE),
            (_("Sales summary"), "trade_summary", {"kind": "sales"}, _perm(SALES, MONEY)),
            (_("Purchase summary"), "trade_summary", {"kind": "purchase"}, _perm(PURCHASE, MONEY)),
            (_("Gross margin"), "margin_report", {}, _perm("users.view_cost")),
            (_("Journal"), "journal", {}, _perm(VIEW_COST)),
            (_("Trial balance"), "trial_balance", {}, _perm(VIEW_COST)),
        ],
    ),
    (
        _("Financial statements"),
        [
            (_("Income statement"), "income_statement", {}, _perm(VIEW_COST)),
            (_("Balance sheet"), "balance_sheet", {}, _perm(VIEW_COST)),
        ],
    ),
    (
        _("Settlement"),
        [
            (_("Periods and closing"), "periods", {}, _perm(CLOSE, "users.reopen_period")),
            (_("Data check"), "data_check", {}, _perm(CLOSE, "users.view_cost")),
            (_("Corrections"), "corrections", {}, ANYONE),  # those of the documents one reads
        ],
    ),
    (
        _("Master data"),
        [
            (_("Items"), "items", {}, ANYONE),
            (_("Item categories"), "categories", {}, ANYONE),
            (_("Customers"), "customers", {}, ANYONE),
            (_("Suppliers"), "suppliers", {}, ANYONE),
            (_("Price levels"), "price_levels", {}, ANYONE),
            (_("Warehouses"), "warehouses", {}, ANYONE),
            (_("Excel import"), "import", {}, _perm(MASTER_DATA)),
        ],
    ),
    (
        _("System"),
        [
            (_("Users and roles"), "users", {}, _perm(MANAGE_USERS)),
            (_("Audit log"), "audit", {}, _perm(VIEW_AUDIT)),
            (_("Backups"), "backups", {}, _perm(MANAGE_BACKUP)),
            (_("Cancel the system"), "system_archive", {}, _perm(MANAGE_BACKUP)),
            (_("Settings"), "settings", {}, _perm(MANAGE_USERS)),
        ],
    ),
]


def menu_for(user) -> list[dict]:
    """The menu groups this user sees; entries whose page does not exist (yet) are left out."""
    groups = []
    for label, entries in MENU:
        links = []
        for entry_label, name, kwargs, check in entries:
            if not check(user):
                continue
            try:
                links.append({"label": entry_label, "url": reverse(name, kwargs=kwargs)})
            except NoReverseMatch:
                continue
        if links:
            groups.append({"label": label, "links": links})
    return groups
