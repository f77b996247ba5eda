"""The registered error codes: each code's HTTP status and the sentence a user reads.

The API and the pages both say `describe(code, details)` (through `DomainError.sentence()`): the
English template below, translated through the .po (zh-hans) in the active language — Chinese
unless the client or user chose English — filled from the error's details. A code raised
anywhere must be registered here (a test greps)."""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

# Labels other apps give to detail values (e.g. a document status → 已审核); core cannot import
# them, so they register themselves (documents/types.py).
VALUE_LABELS: dict[str, Mapping[str, str]] = {}


def register_labels(detail: str, labels: Mapping[str, str]) -> None:
    VALUE_LABELS[detail] = labels


# A code whose sentence depends on more than a template (wrong_status names what can be done
# now, from the workflow table) registers its own describer; core cannot import that table.
DESCRIBERS: dict[str, Callable[[dict], str]] = {}


def register_describer(code: str, describer: Callable[[dict], str]) -> None:
    DESCRIBERS[code] = describer


def _value(details: dict, key: str) -> str:
    raw = details.get(key, "")
    return str(VALUE_LABELS.get(key, {}).get(raw, raw))


FIELD_LABELS = {
    "memo": N_("Memo"),
    "salesperson": N_("Salesperson"),
    "date": N_("Date"),
    "qty": N_("Quantity"),
    "price": N_("Price"),
    "price_incl_tax": N_("Price incl. tax"),
    "tax_rate": N_("Tax rate"),
    "amount": N_("Amount"),
    "name": N_("Name"),
    "from": N_("From"),
    "to": N_("To"),
    "code": N_("Code"),
    "item": N_("Goods"),
    "warehouse": N_("Warehouse"),
    "to_warehouse": N_("To warehouse"),
    "in_transit": N_("In transit"),
    "partner": N_("Partner"),
    "source": N_("Source document"),
    "lines": N_("Goods"),
    "account": N_("Cash/bank account"),
    "unit_cost": N_("Unit cost"),
    "allocations": N_("Allocations"),
    "username": N_("Username"),
    "password": N_("Password"),
    "roles": N_("Roles"),
    "warehouses": N_("Warehouses"),
    "target": N_("Data folder"),
    "days": N_("Days"),
    "credit_limit": N_("Credit limit"),
    "phone": N_("Phone"),
    "invoice_type": N_("Invoice type"),
    "invoice_no": N_("Invoice number"),
    "unit": N_("Unit"),
    "contact": N_("Contact"),
    "mobile": N_("Mobile"),
    "address": N_("Address"),
    "tax_no": N_("Tax number"),
    "bank_name": N_("Bank"),
    "bank_account": N_("Bank account"),
    "payment_terms_days": N_("Payment terms (days)"),
    "price_level": N_("Price level"),
    "due_date": N_("Due date"),
    "level": N_("Price level"),
    "valid_from": N_("Valid from"),
    "factor": N_("Conversion factor"),
    "units": N_("Alternate units"),
    "barcode": N_("Barcode"),
    "category": N_("Category"),
    "parent": N_("Parent category"),
    "expense_type": N_("Expense type"),
    "from_account": N_("From account"),
    "to_account": N_("To account"),
    "fee": N_("Fee"),
    "kind": N_("Kind"),
    "account_no": N_("Account number"),
    "format": N_("Export format"),
    "period": N_("Period"),
    "batch": N_("Batch"),
    "production_date": N_("Production date"),
    "expiry_date": N_("Expiry date"),
    "serials": N_("Serial numbers"),
    "shelf_life_days": N_("Shelf life (days)"),
    "batch_tracked": N_("Batch tracking"),
    "serial_tracked": N_("Serial numbers tracked"),
}


def field_label(field) -> str:
    """A request field as the user knows it: "lines[0].qty" → "第 1 行 数量"."""
    text = str(field or "")
    found = re.fullmatch(r"(?:lines|allocations|units)\[(\d+)\](?:\.(\w+))?", text)
    if found:
        default = {"l": "item", "a": "allocations", "u": "unit"}[text[0]]
        name = found[2] or default
        return _("Line %(n)s %(field)s") % {"n": int(found[1]) + 1, "field": field_label(name)}
    return _(FIELD_LABELS[text]) if text in FIELD_LABELS else text


def _percent(rate) -> str:
    try:
        return f"{(Decimal(str(rate)) * 100).normalize():f}%"
    except (InvalidOperation, ValueError):
        return str(rate or "")


def _names(details: dict) -> str:
    allocations = [f"{a['from']}→{a['to']}" for a in details.get("allocations", [])]
    return ", ".join([str(d) for d in details.get("dependents", [])] + allocations)


def _keys(*keys: str) -> Callable[[dict], dict]:
    return lambda d: {k: _value(d, k) for k in keys}


def _field(*keys: str) -> Callable[[dict], dict]:
    return lambda d: {"field": field_label(d.get("field")), **_keys(*keys)(d)}


@dataclass(frozen=True)
class ErrorCode:
    status: int
    message: str  # English msgid; its zh-hans translation is in the .po
    params: Callable[[dict], dict] = _keys()


CODES: dict[str, ErrorCode] = {
    "invalid": ErrorCode(422, N_("%(field)s is missing or not valid."), _field()),
    "reason_required": ErrorCode(422, N_("Please give a reason.")),
    "invalid_number": ErrorCode(
        422,
        N_("%(field)s: %(value)s is not a number. Type digits like 1000 or 12.50."),
        _field("value"),
    ),
    "invalid_date": ErrorCode(
        422, N_("%(field)s: %(value)s is not a date. Type it like 2026-11-25."), _field("value")
    ),
    "invalid_tax_rate": ErrorCode(
        422,
        N_("The tax rate %(rate)s is not possible: VAT rates lie between 0%% and %(max)s."),
        lambda d: {"rate": _percent(d.get("value")), "max": _percent(d.get("max"))},
    ),
    "invalid_range": ErrorCode(
        422, N_("The start date %(from)s is after the end date %(to)s."), _keys("from", "to")
    ),
    "invalid_password": ErrorCode(
        422, N_("The password needs at least %(min)s characters."), _keys("min")
    ),
    "invalid_file": ErrorCode(
        422,
        N_(
            "The file cannot be imported: it must be an undamaged Excel .xlsx file of at "
            "most 5 MB with the template's columns and at least one row."
        ),
    ),
    "invalid_text": ErrorCode(
        422, N_("The text contains characters that cannot be stored (a NUL or a broken character).")
    ),
    "invalid_tax_no": ErrorCode(
        422,
        N_(
            "The tax number %(value)s is not valid: a unified social credit code has 18 "
            "letters and digits and ends with a check character."
        ),
        _keys("value"),
    ),
    "unknown_unit": ErrorCode(
        422,
        N_("%(field)s: the item %(item)s has no unit %(unit)s."),
        _field("item", "unit"),
    ),
    "inexact_base_qty": ErrorCode(
        422,
        N_(
            "%(field)s: %(qty)s %(unit)s is %(base_qty)s in the base unit, which is not a whole "
            "1/10,000 of it; change the quantity."
        ),
        _field("qty", "unit", "base_qty"),
    ),
    "unknown_category": ErrorCode(
        422, N_("%(field)s: there is no item category %(category)s."), _field("category")
    ),
    "category_cycle": ErrorCode(
        422,
        N_("The category %(category)s cannot be put below %(parent)s, which lies below it."),
        _keys("category", "parent"),
    ),
    "bom_cycle": ErrorCode(
        422,
        N_("%(item)s cannot be made of %(component)s: it would be a component of itself."),
        _keys("item", "component"),
    ),
    "no_bom": ErrorCode(
        422,
        N_("%(field)s: the item %(item)s has no bill of materials; give its components."),
        _field("item"),
    ),
    "nothing_to_order": ErrorCode(422, N_("Nothing is short: there is nothing to order."), _keys()),
    "too_long": ErrorCode(
        422,
        N_("%(field)s is too long: %(length)s characters, at most %(max)s."),
        _field("length", "max"),
    ),
    "price_mismatch": ErrorCode(
        422,
        N_(
            "%(field)s: the price %(price)s and the price incl. tax %(price_incl_tax)s "
            "disagree (with tax it is %(expected)s). Give only one of them."
        ),
        _field("price", "price_incl_tax", "expected"),
    ),
    "restore_failed": ErrorCode(
        422,
        N_(
            "The restore failed: the backup is damaged, does not match its manifest, or the "
            "folder cannot be used. Nothing was left in the folder."
        ),
    ),
    "invalid_code_prefix": ErrorCode(
        422,
        N_("The code prefix %(value)s is not possible: at most %(max)s letters, digits, - or _."),
        _keys("value", "max"),
    ),
    "invalid_code_digits": ErrorCode(
        422,
        N_("The number of digits %(value)s is not possible: a whole number from 1 to %(max)s."),
        _keys("value", "max"),
    ),
    "inactive_item": ErrorCode(
        422,
        N_(
            "The item %(item)s is deactivated: it cannot be used on a new document. Activate "
            "it again or choose another item."
        ),
        _keys("item"),
    ),
    "inactive_partner": ErrorCode(
        422,
        N_(
            "%(partner)s is deactivated: it cannot be used on a new document. Activate it "
            "again or choose another one."
        ),
        _keys("partner"),
    ),
    "inactive_warehouse": ErrorCode(
        422,
        N_(
            "The warehouse %(warehouse)s is deactivated: it cannot be used on a new document. "
            "Activate it again or choose another warehouse."
        ),
        _keys("warehouse"),
    ),
    "unknown_expense_type": ErrorCode(
        422,
        N_("%(field)s: there is no such expense or income type %(expense_type)s."),
        _field("expense_type"),
    ),
    "inactive_expense_type": ErrorCode(
        422,
        N_(
            "%(field)s: the expense type %(expense_type)s is deactivated: it cannot be used on "
            "a new document. Activate it again or choose another type."
        ),
        _field("expense_type"),
    ),
    "unknown_money_account": ErrorCode(
        422,
        N_("%(field)s: there is no cash or bank account %(account)s."),
        _field("account"),
    ),
    "inactive_money_account": ErrorCode(
        422,
        N_(
            "The cash or bank account %(account)s is deactivated: it cannot be used on a new "
            "document. Activate it again or choose another account."
        ),
        lambda d: {"account": d.get("account") or d.get("money_account", "")},
    ),
    "unknown_field": ErrorCode(
        422,
        N_("The field %(field)s is not known here (a typo?); nothing was saved."),
        _keys("field"),
    ),
    "control_account": ErrorCode(
        422,
        N_(
            "Account %(account)s is filled from its subledger (opening stock, receivables, "
            "payables) and cannot be typed."
        ),
        _keys("account"),
    ),
    "not_found": ErrorCode(404, N_("Not found.")),
    "method_not_allowed": ErrorCode(405, N_("This address does not accept this kind of request.")),
    "duplicate_code": ErrorCode(409, N_("The code %(code)s is already used."), _keys("code")),
    "duplicate_barcode": ErrorCode(
        409,
        N_("The barcode %(barcode)s is already used by another item or unit."),
        _keys("barcode"),
    ),
    "unit_in_use": ErrorCode(
        409,
        N_("The unit %(unit)s of %(item)s is used on documents and cannot be removed."),
        _keys("unit", "item"),
    ),
    "costing_method_locked": ErrorCode(
        409,
        N_("The costing method of %(item)s cannot change: the item already has stock moves."),
        _keys("item"),
    ),
    "duplicate_opening": ErrorCode(
        409,
        N_("The opening stock of %(item)s in %(warehouse)s was already imported."),
        _keys("item", "warehouse"),
    ),
    "not_in_count": ErrorCode(
        422, N_("%(item)s is not part of the stock count %(document)s."), _keys("item", "document")
    ),
    "wrong_status": ErrorCode(
        409, N_("This cannot be done while the document is %(status)s."), _keys("status")
    ),
    "period_closed": ErrorCode(
        409,
        N_(
            "The period %(period)s is closed: nothing dated %(date)s can be created, "
            "approved or cancelled. Reverse it into the open period instead."
        ),
        lambda d: {"period": d.get("period") or d.get("start_date", ""), "date": d.get("date", "")},
    ),
    "insufficient_stock": ErrorCode(
        409,
        N_(
            "Not enough stock of %(item)s in %(warehouse)s on %(date)s: %(on_hand)s on "
            "hand, %(required)s required."
        ),
        lambda d: {
            **_keys("warehouse", "date", "on_hand", "required")(d),
            # 批次: a batch too small names it
            "item": _("%(item)s batch %(batch)s") % _keys("item", "batch")(d)
            if d.get("batch")
            else _value(d, "item"),
        },
    ),
    "batch_required": ErrorCode(
        422,
        N_("%(field)s: %(item)s is batch-tracked, give the batch."),
        _field("item"),
    ),
    "serial_count_mismatch": ErrorCode(
        422,
        N_("%(field)s: %(serials)s serial numbers for a quantity of %(qty)s (one per unit)."),
        _field("serials", "qty"),
    ),
    "serial_in_stock": ErrorCode(
        409,
        N_("Serial number %(serial)s of %(item)s is already in stock."),
        _keys("serial", "item"),
    ),
    "serial_not_in_stock": ErrorCode(
        409,
        N_("Serial number %(serial)s of %(item)s is not in stock in %(warehouse)s."),
        _keys("serial", "item", "warehouse"),
    ),
    "count_serials_restated": ErrorCode(
        409,
        N_(
            "The stock count %(document)s listed the serial numbers of %(item)s on %(date)s: a "
            "change before it would change what was counted. Cancel the count and count again, "
            "or date the change after %(date)s."
        ),
        _keys("document", "item", "date"),
    ),
    "item_has_moves": ErrorCode(
        409,
        N_("%(item)s has stock moves: %(field)s can no longer change."),
        _field("item"),
    ),
    "has_dependents": ErrorCode(
        409,
        N_(
            "Other documents depend on this one: %(documents)s. Cancel them first, or use "
            "cancel chain."
        ),
        lambda d: {"documents": _names(d)},
    ),
    "exceeds_source": ErrorCode(409, N_("More than what remains on the source document.")),
    "exceeds_open_amount": ErrorCode(
        409,
        N_("More than the open amount (%(open)s)."),
        lambda d: {"open": d.get("open_amount", "")},
    ),
    "exceeds_available": ErrorCode(
        409,
        N_(
            "Not enough available stock of %(item)s in %(warehouse)s: %(available)s "
            "available (on hand minus reserved), %(required)s ordered."
        ),
        _keys("item", "warehouse", "available", "required"),
    ),
    "reserved_for_orders": ErrorCode(
        409,
        N_(
            "The stock of %(item)s in %(warehouse)s is reserved for sales orders: only "
            "%(free)s is free, %(required)s delivered without an order. Deliver from the "
            "order instead."
        ),
        _keys("item", "warehouse", "free", "required"),
    ),
    "credit_limit_exceeded": ErrorCode(
        409,
        N_("Over the customer's credit limit %(limit)s (owes %(owed)s)."),
        lambda d: {"limit": d.get("credit_limit", ""), "owed": d.get("receivable", "")},
    ),
    "second_approver_required": ErrorCode(
        409,
        N_(
            "Above %(threshold)s a second person must approve: someone other than the "
            "maker approves this document."
        ),
        _keys("threshold"),
    ),
    "in_correction": ErrorCode(409, N_("Approve correction %(correction)s."), _keys("correction")),
    "version_conflict": ErrorCode(
        409, N_("Someone else changed this document meanwhile; reload it.")
    ),
    "idempotency_conflict": ErrorCode(
        409,
        N_("The reference %(ref)s was already used for %(document)s with other content."),
        lambda d: {"ref": d.get("external_ref", ""), "document": d.get("document", "")},
    ),
    "already_closed": ErrorCode(409, N_("This period is already closed.")),
    "previous_period_open": ErrorCode(409, N_("Close the previous period first.")),
    "close_check_failed": ErrorCode(
        409, N_("The period cannot be closed yet: fix the problems listed below.")
    ),
    "not_latest_closed": ErrorCode(409, N_("Only the latest closed period can be reopened.")),
    "opening_unbalanced": ErrorCode(
        409,
        N_(
            "The opening balances do not balance: debit %(debit)s, credit %(credit)s, "
            "difference %(difference)s."
        ),
        _keys("debit", "credit", "difference"),
    ),
    "unbalanced": ErrorCode(
        422,
        N_(
            "Debit %(debit)s and credit %(credit)s do not balance (difference %(difference)s): "
            "借贷不平, nothing was saved."
        ),
        _keys("debit", "credit", "difference"),
    ),
    "unknown_account": ErrorCode(
        422, N_("There is no account %(account)s in the chart of accounts."), _keys("account")
    ),
    "parent_account": ErrorCode(
        422,
        N_("Account %(account)s has sub-accounts: post to one of its sub-accounts."),
        _keys("account"),
    ),
    "read_only_archive": ErrorCode(
        409,
        N_(
            "The books are archived (停用系统) and read-only: nothing can be changed. Reports "
            "and exports still work; an administrator can unarchive them."
        ),
    ),
    "not_archived": ErrorCode(409, N_("The books are not archived.")),
    "restore_timeout": ErrorCode(
        409,
        N_("The restore takes too long for the browser: run jxc restore on the server instead."),
    ),
    "forbidden": ErrorCode(403, N_("You do not have the permission for this.")),
    "unauthorized": ErrorCode(401, N_("Wrong username or password.")),
    "locked": ErrorCode(
        429, N_("Too many wrong passwords: this account is locked for 15 minutes.")
    ),
    "too_many_attempts": ErrorCode(
        429,
        N_("Too many failed logins from this computer: try again in %(minutes)s minutes."),
        _keys("minutes"),
    ),
    "too_large": ErrorCode(413, N_("The request is too large.")),
    "uri_too_long": ErrorCode(
        414,
        N_("The address is longer than %(limit)s bytes: shorten the search or the filters."),
        _keys("limit"),
    ),
    "exceeds_in_transit": ErrorCode(
        409,
        N_("More of %(item)s than is in transit on %(document)s (%(in_transit)s)."),
        _keys("item", "document", "in_transit"),
    ),
    "not_in_transit": ErrorCode(
        409, N_("%(document)s is not a transfer in transit."), _keys("document")
    ),
    "no_stock_to_revalue": ErrorCode(
        409,
        N_("There is no stock of %(item)s in %(warehouse)s on %(date)s to revalue."),
        _keys("item", "warehouse", "date"),
    ),
    "invalid_limits": ErrorCode(
        422,
        N_("The maximum quantity %(max_qty)s is below the minimum quantity %(min_qty)s."),
        _keys("min_qty", "max_qty"),
    ),
    "headers_too_large": ErrorCode(
        431,
        N_(
            "The browser sent a header line longer than %(limit)s bytes (often too many "
            "cookies): delete this site's cookies and log in again."
        ),
        _keys("limit"),
    ),
    "backup_tool_missing": ErrorCode(
        409,
        N_(
            "%(tool)s was not found: install the PostgreSQL client tools (package "
            "postgresql-client) on this server. No backup was taken and nothing was changed."
        ),
        _keys("tool"),
    ),
    "backup_failed": ErrorCode(
        409,
        N_("The automatic backup could not be taken, so nothing was changed: %(reason)s"),
        _keys("reason"),
    ),
    "restore_rolled_back": ErrorCode(
        409,
        N_(
            "The restored books did not reconcile, so the books as they were before the restore "
            "were put back from the safety backup %(safety_backup)s."
        ),
        _keys("safety_backup"),
    ),
}


# What an "invalid" error's kind says about its field (DomainError.kind).
INVALID_KINDS = {
    "required": N_("Please fill in %(field)s."),
    "negative": N_("%(field)s must not be negative."),
    "positive": N_("%(field)s must be greater than zero."),
    "too_large": N_("%(field)s is too large."),
    "decimals": N_("%(field)s has too many decimal places."),
    "allocations_exceed": N_("The allocations add up to more than the amount."),
    "tick": N_("Tick at least one item to order."),
    "same_as_base": N_("%(field)s: an alternate unit must differ from the base unit."),
    "twice": N_("%(field)s is given twice."),
    "same_account": N_("%(field)s must differ from the account the money comes from."),
    "pg_dump_folder": N_(
        "A PostgreSQL backup (pg_dump) is restored into a new PostgreSQL database "
        "(jxc restore --database-url) or in place, not into a data folder."
    ),
}


def status_of(code: str) -> int:
    """The HTTP status of code; an unregistered one (a test forbids raising it) is refused as
    invalid input or a conflict rather than crashing the request."""
    entry = CODES.get(code)
    if entry is not None:
        return entry.status
    return 422 if code.startswith("invalid") else 409


def describe(code: str, details: dict | None, kind: str = "") -> str:
    """The registered sentence for code, in the active language, filled from details."""
    details = details or {}
    if code == "invalid":
        if not (details.get("field") or details.get("line")):
            return _("The input is not valid.")
        field = field_label(details.get("field") or "lines")
        if details.get("line") and not details.get("field"):
            field = _("Line %(n)s %(field)s") % {"n": details["line"], "field": _("Goods")}
        return _(INVALID_KINDS.get(kind, CODES[code].message)) % {"field": field}
    if code in DESCRIBERS:
        return DESCRIBERS[code](details)
    entry = CODES.get(code)
    if entry is None:
        return _("The request was refused.")
    return _(entry.message) % entry.params(details)
