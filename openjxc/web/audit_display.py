"""An audit entry as a reader sees it, in the user's language: the object named by its kind,
before/after as "field: value" pairs with the fields labelled, coded values (statuses, types,
policies, permissions) by name, the UTC timestamps the services store in local time
(settings.TIME_ZONE), and nested rows (document lines, cancel-chain steps) as text, not JSON.
The stored entry keeps its codes: the hash chain covers them."""

import datetime as dt
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openjxc.core.error_codes import field_label
from openjxc.core.numbers import fen_str
from openjxc.core.services import POLICIES
from openjxc.documents.types import type_label
from openjxc.documents.workflow import STATUS_NAMES

from .views_impact import STEP_ACTIONS
from .views_users import PERMISSION_LABELS

# An aware ISO timestamp as datetime.isoformat() writes it (…T…+00:00 or …Z).
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)")
ROWS = re.compile(r"(\d+) rows")  # the object of an import entry
# what `jxc reconcile --fix` changed, as closing/fix.py words it: "stock A001 @ WH1: …"
FIXED = re.compile(
    r"(stock|account|open item|advance|batch|serial|voucher|re-statement|snapshots) (.*)", re.S
)

OBJECTS = {
    "document": gettext_lazy("Document"),
    "item": gettext_lazy("Item"),
    "warehouse": gettext_lazy("Warehouse"),
    "customer": gettext_lazy("Customer"),
    "supplier": gettext_lazy("Supplier"),
    "partner": gettext_lazy("Partner"),
    "period": gettext_lazy("Period"),
    "user": gettext_lazy("User"),
    "roles": gettext_lazy("Roles"),
    "setting": gettext_lazy("Setting"),
    "backup": gettext_lazy("Backup"),
    "books": gettext_lazy("Books"),
    "price_level": gettext_lazy("Price level"),
    "category": gettext_lazy("Item category"),
    "bom": gettext_lazy("Bill of materials"),
    "expense_type": gettext_lazy("Expense type"),
    "money_account": gettext_lazy("Cash/bank account"),
    "account_mapping": gettext_lazy("Account mapping of the voucher export"),
    "account": gettext_lazy("Account"),
    "stock_limit": gettext_lazy("Reorder limits"),
    "system": gettext_lazy("System"),
    "correction": gettext_lazy("Correction"),
}
OBJECT_NAMES = {
    "caches": gettext_lazy("Caches"),
    "settings": gettext_lazy("Settings"),
    "verifications": gettext_lazy("Backup verifications"),
}
# Fields the error sentences do not name already (core/error_codes.py FIELD_LABELS).
FIELDS = {
    "min_qty": gettext_lazy("Minimum"),
    "max_qty": gettext_lazy("Maximum"),
    "accounts": gettext_lazy("Account mapping"),
    "id": gettext_lazy("Internal id"),
    "number": gettext_lazy("Number"),
    "type": gettext_lazy("Type"),
    "type_name": gettext_lazy("Type name"),
    "status": gettext_lazy("Status"),
    "kind": gettext_lazy("Kind"),
    "partner_name": gettext_lazy("Partner name"),
    "external_ref": gettext_lazy("External reference"),
    "origin_date": gettext_lazy("Invoice date"),
    "reversal": gettext_lazy("Reversal"),
    "reversal_of": gettext_lazy("Reversal of"),
    "version": gettext_lazy("Version"),
    "line_no": gettext_lazy("Line number"),
    "item_name": gettext_lazy("Item name"),
    "source_line": gettext_lazy("Source line"),
    "fulfilled_qty": gettext_lazy("Fulfilled"),
    "remaining_qty": gettext_lazy("Remaining"),
    "base_qty": gettext_lazy("Quantity in base unit"),
    "base_unit": gettext_lazy("Base unit"),
    "counter": gettext_lazy("Counter"),  # a stock count's sheet (盘点表)
    "location": gettext_lazy("Location"),
    "replaced": gettext_lazy("Replaced the counter's earlier sheet"),
    "tax": gettext_lazy("Tax"),
    "amount_incl_tax": gettext_lazy("Amount incl. tax"),
    "spec": gettext_lazy("Specification"),
    "barcode": gettext_lazy("Barcode"),
    "purchase_price": gettext_lazy("Purchase price"),
    "sale_price": gettext_lazy("Sale price"),
    "safety_stock": gettext_lazy("Safety stock"),
    "costing_method": gettext_lazy("Costing method"),
    "batch_tracked": gettext_lazy("Batch tracking"),
    "shelf_life_days": gettext_lazy("Shelf life (days)"),
    "serial_tracked": gettext_lazy("Serial numbers tracked"),
    "batch": gettext_lazy("Batch"),
    "production_date": gettext_lazy("Production date"),
    "expiry_date": gettext_lazy("Expiry date"),
    "serials": gettext_lazy("Serial numbers"),
    "active": gettext_lazy("Active"),
    "superuser": gettext_lazy("Superuser"),
    "approved_at": gettext_lazy("Approved at"),
    "cancelled_at": gettext_lazy("Cancelled at"),
    "cancel_reason": gettext_lazy("Cancel reason"),
    "closed_at": gettext_lazy("Closed at"),
    "closed_reason": gettext_lazy("Close reason"),
    "stock_value": gettext_lazy("Stock value"),
    "digest": gettext_lazy("Digest"),
    "vouchers": gettext_lazy("Vouchers"),
    "closing_vouchers": gettext_lazy("Profit and loss transfer vouchers"),
    "backup": gettext_lazy("Backup"),
    "in_place": gettext_lazy("Restore in place"),
    "created_at": gettext_lazy("Time"),
    "steps": gettext_lazy("Steps"),
    "action": gettext_lazy("Action"),
    "document": gettext_lazy("Document"),
    "documents": gettext_lazy("Documents"),
    "codes": gettext_lazy("Code"),
    "changes": gettext_lazy("Changes"),
    "proposals": gettext_lazy("Proposed corrections"),
    "backups": gettext_lazy("Backups"),
    "confirmed": gettext_lazy("Confirmed"),
    "verified": gettext_lazy("Verified"),
    "reason": gettext_lazy("Reason"),
    "link": gettext_lazy("Link"),
    "value": gettext_lazy("Value"),
    "token": gettext_lazy("Token"),
    "tokens_revoked": gettext_lazy("Tokens revoked"),
    # 停用系统 (backup/archive.py) and the export
    "rows": gettext_lazy("Rows"),
    "archived": gettext_lazy("Archived"),
    "export": gettext_lazy("Export"),
    "users_deactivated": gettext_lazy("Users deactivated"),
    "deactivated": gettext_lazy("Users deactivated"),
    "users_reactivated": gettext_lazy("Users reactivated"),
    "company_name": gettext_lazy("Company name"),
    "company_address": gettext_lazy("Address"),
    "company_phone": gettext_lazy("Phone"),
    "price_includes_tax": gettext_lazy("Prices entered"),
    "credit_limit_policy": gettext_lazy("Over a customer's credit limit"),
    "oversell": gettext_lazy("A sales order beyond the available stock"),
    "reserved_stock_policy": gettext_lazy(
        "A delivery without an order taking stock reserved for orders"
    ),
    "api_token_days": gettext_lazy("API tokens expire after (days)"),
    "backup_retention": gettext_lazy("Backups kept"),
    "chain": gettext_lazy("Cancel chain"),
    "cancelled": gettext_lazy("Cancelled"),
    "account_lines": gettext_lazy("Opening account balances"),
    "account_name": gettext_lazy("Account name"),
    "direction": gettext_lazy("Normal side"),
    "parent_account": gettext_lazy("Parent account"),
    "debit": gettext_lazy("Debit"),
    "credit": gettext_lazy("Credit"),
    "level_name": gettext_lazy("Price level name"),
    "previous_price": gettext_lazy("Previous price"),
    "expense_type_name": gettext_lazy("Expense type name"),
    "gl_account": gettext_lazy("Account"),
    "gl_account_name": gettext_lazy("Account name"),
    # 红冲蓝补 (posting/corrections.py)
    "correction": gettext_lazy("Correction"),
    "correction_role": gettext_lazy("Role in the correction"),
    "original": gettext_lazy("Original document"),
    "red": gettext_lazy("Red reversal"),
    "blue": gettext_lazy("Blue re-entry"),
    "blue_reversal": gettext_lazy("Reversal of the blue re-entry"),
    "restored": gettext_lazy("Restored original"),
    "copy_of": gettext_lazy("Copy of"),
}
THRESHOLD = "approval_threshold."
KINDS = {
    "customer": gettext_lazy("Customer"),
    "supplier": gettext_lazy("Supplier"),
    "receivable": gettext_lazy("Accounts receivable"),
    "payable": gettext_lazy("Accounts payable"),
    "cash": gettext_lazy("Cash"),
    "bank": gettext_lazy("Bank deposit"),
    "other": gettext_lazy("Other money"),
}
PERIOD_STATUS = {"open": gettext_lazy("Open"), "closed": gettext_lazy("Closed")}
POLICY_VALUES = {"warn": gettext_lazy("Warn and allow"), "block": gettext_lazy("Block")}
PRICES_ENTERED = {"0": gettext_lazy("Excluding tax"), "1": gettext_lazy("Including tax")}
COSTING_METHOD_LABELS = {  # 计价方法 (catalog.models.Item.COSTING_METHODS)
    "moving_average": gettext_lazy("Moving weighted average"),
    "fifo": gettext_lazy("First in, first out"),
    "monthly_average": gettext_lazy("Monthly weighted average"),
}
FIXED_KINDS = {
    "stock": gettext_lazy("Stock"),
    "account": gettext_lazy("Account"),
    "open item": gettext_lazy("Open amount"),
    "advance": gettext_lazy("Moved to the advance account"),
    "batch": gettext_lazy("Batch"),
    "serial": gettext_lazy("Serial number"),
    "voucher": gettext_lazy("Voucher appended"),
    "re-statement": gettext_lazy("Re-statement appended"),
    "snapshots": gettext_lazy("Snapshots of a closed period"),
}


def local_time(text: str) -> str:
    """A stored UTC timestamp in local time ("2026-11-30 18:05:00"); other text unchanged."""
    if not TIMESTAMP.fullmatch(text):
        return text
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def object_kind(object_type: str) -> str:
    """The kind in words; an import of opening balances names its document type."""
    return str(OBJECTS[object_type]) if object_type in OBJECTS else type_label(object_type)


def object_name(name: str, object_type: str = "") -> str:
    """The object as stored, in words where the service wrote some ("3 rows" → "3 行", a setting
    by its label)."""
    rows = ROWS.fullmatch(name)
    if rows:
        return _("%(n)s rows") % {"n": rows[1]}
    if object_type == "setting" and name not in OBJECT_NAMES:
        return key_label(name, object_type)
    return str(OBJECT_NAMES.get(name, name))


def key_label(key: str, object_type: str) -> str:
    if object_type == "roles":
        return key  # the keys are role names
    if key.startswith(THRESHOLD):
        return _("Second approver above (%(type)s)") % {"type": type_label(key[len(THRESHOLD) :])}
    return str(FIELDS[key]) if key in FIELDS else field_label(key)


def coded(key: str, value: str, object_type: str) -> str:
    """A coded value by its name; anything else as it is."""
    if key == "status":
        names = PERIOD_STATUS if object_type == "period" else STATUS_NAMES
        return str(names.get(value, value))
    if key == "type":
        return type_label(value)
    if key in POLICIES:
        return str(POLICY_VALUES.get(value, value))
    names = {"kind": KINDS, "action": STEP_ACTIONS, "price_includes_tax": PRICES_ENTERED}
    names["costing_method"] = COSTING_METHOD_LABELS
    if key in names:
        return str(names[key].get(value, value))
    if key == "stock_value" and value.lstrip("-").isdigit():
        return fen_str(int(value))  # stored in fen
    fixed = FIXED.fullmatch(value) if key == "changes" else None
    if fixed:
        return f"{FIXED_KINDS[fixed[1]]} {fixed[2]}"
    return local_time(value)


def _value(key: str, value, object_type: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, str):
        return coded(key, value, object_type)
    if isinstance(value, dict):
        return f"（{_pairs(value, object_type, '，')}）"
    if isinstance(value, list):
        if object_type == "roles":
            return "、".join(str(PERMISSION_LABELS.get(v, v)) for v in value)
        return "、".join(_value(key, v, object_type) for v in value)
    return str(value)


def _pairs(value: dict, object_type: str, sep: str) -> str:
    if "type_name" in value and "type" in value:
        # the type's name was stored in the language of whoever made the entry: say it again
        value = {**value, "type_name": type_label(value["type"])}
    return sep.join(
        f"{key_label(k, object_type)}: {_value(k, v, object_type)}" for k, v in value.items()
    )


def readable(value, object_type: str = "", name: str = "") -> str:
    """before/after of an audit entry: "状态: 已审核; 审核时间: 2026-11-30 18:05:00". One setting
    changed through the API ({"value": …}, the object its key) reads like the settings page."""
    if value is None:
        return ""
    if object_type == "setting" and isinstance(value, dict) and list(value) == ["value"]:
        value = {name: value["value"]}
    if not isinstance(value, dict):
        return _value("", value, object_type)
    return _pairs(value, object_type, "; ")
