"""DomainError → the sentence a user reads: Chinese by error code (translated), with the
service's details filled in. Pages show this inline; the API keeps code + English message."""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from openjxc.core.errors import DomainError
from openjxc.documents.types import STATUS_LABELS

MESSAGES = {
    "period_closed": lambda d: _("The period %(period)s is closed: nothing dated %(date)s can be created, "
                                 "approved or cancelled. Reverse it into the open period instead.")
    % {"period": d.get("period") or d.get("start_date", ""), "date": d.get("date", "")},
    "insufficient_stock": lambda d: _("Not enough stock of %(item)s in %(warehouse)s on %(date)s: %(on_hand)s on "
                                      "hand, %(required)s required.")
    % {k: d.get(k, "") for k in ("item", "warehouse", "date", "on_hand", "required")},
    "wrong_status": lambda d: _("This cannot be done while the document is %(status)s.")
    % {"status": STATUS_LABELS.get(d.get("status", ""), d.get("status", ""))},
    "has_dependents": lambda d: _("Other documents depend on this one: %(documents)s. Cancel them first, or use "
                                  "cancel chain.") % {"documents": ", ".join(_names(d))},
    "forbidden": lambda d: _("You do not have the permission for this."),
    "not_found": lambda d: _("Not found."),
    "duplicate_code": lambda d: _("The code %(code)s is already used.") % {"code": d.get("code", "")},
    "exceeds_source": lambda d: _("More than what remains on the source document."),
    "exceeds_open_amount": lambda d: _("More than the open amount (%(open)s).") % {"open": d.get("open_amount", "")},
    "reason_required": lambda d: _("Please give a reason."),
    "close_check_failed": lambda d: _("The period cannot be closed yet: fix the problems listed below."),
    "previous_period_open": lambda d: _("Close the previous period first."),
    "already_closed": lambda d: _("This period is already closed."),
    "not_latest_closed": lambda d: _("Only the latest closed period can be reopened."),
    "credit_limit_exceeded": lambda d: _("Over the customer's credit limit %(limit)s (owes %(owed)s).")
    % {"limit": d.get("credit_limit", ""), "owed": d.get("receivable", "")},
    "idempotency_conflict": lambda d: _("The reference %(ref)s was already used for %(document)s with "
                                        "other content.") % {"ref": d.get("external_ref", ""),
                                                             "document": d.get("document", "")},
    "version_conflict": lambda d: _("Someone else changed this document meanwhile; reload it."),
    "locked": lambda d: _("Too many wrong passwords: this account is locked for 15 minutes."),
    "unauthorized": lambda d: _("Wrong username or password."),
    "exceeds_available": lambda d: _("Not enough available stock of %(item)s in %(warehouse)s: %(available)s "
                                     "available (on hand minus reserved), %(required)s ordered.")
    % {k: d.get(k, "") for k in ("item", "warehouse", "available", "required")},
    "reserved_for_orders": lambda d: _("The stock of %(item)s in %(warehouse)s is reserved for sales orders: only "
                                       "%(free)s is free, %(required)s delivered without an order. Deliver from "
                                       "the order instead.")
    % {k: d.get(k, "") for k in ("item", "warehouse", "free", "required")},
    "invalid_number": lambda d: _("%(field)s: %(value)s is not a number. Type digits like 1000 or 12.50.")
    % {"field": field_label(d.get("field")), "value": d.get("value", "")},
    "invalid_date": lambda d: _("%(field)s: %(value)s is not a date. Type it like 2026-11-25.")
    % {"field": field_label(d.get("field")), "value": d.get("value", "")},
    "invalid_tax_rate": lambda d: _("The tax rate %(rate)s is not possible: VAT rates lie between 0%% and %(max)s.")
    % {"rate": _percent(d.get("value")), "max": _percent(d.get("max"))},
    "too_long": lambda d: _("%(field)s is too long: %(length)s characters, at most %(max)s.")
    % {"field": field_label(d.get("field")), "length": d.get("length", ""), "max": d.get("max", "")},
    "price_mismatch": lambda d: _("%(field)s: the price %(price)s and the price incl. tax %(price_incl_tax)s "
                                  "disagree (with tax it is %(expected)s). Give only one of them.")
    % {"field": field_label(d.get("field")), **{k: d.get(k, "") for k in ("price", "price_incl_tax", "expected")}},
    "invalid_range": lambda d: _("The start date %(from)s is after the end date %(to)s.")
    % {"from": d.get("from", ""), "to": d.get("to", "")},
    "too_many_attempts": lambda d: _("Too many failed logins from this computer: try again in %(minutes)s "
                                     "minutes.") % {"minutes": d.get("minutes", "")},
    "invalid_text": lambda d: _("The text contains characters that cannot be stored (a NUL or a broken "
                                "character)."),
    "too_large": lambda d: _("The request is too large."),
    "uri_too_long": lambda d: _("The address is too long."),
    "restore_failed": lambda d: _("The restore failed: the backup is damaged, does not match its manifest, or "
                                  "the folder cannot be used. Nothing was left in the folder."),
    "unknown_field": lambda d: _("The field %(field)s is not known here (a typo?); nothing was saved.")
    % {"field": d.get("field", "")},
}


def _percent(rate) -> str:
    try:
        return f"{(Decimal(str(rate)) * 100).normalize():f}%"
    except (InvalidOperation, ValueError):
        return str(rate or "")


def field_label(field) -> str:
    """A request field as the user knows it: "lines[0].qty" → "第 1 行 数量"."""
    labels = {"memo": _("Memo"), "salesperson": _("Salesperson"), "date": _("Date"), "qty": _("Quantity"),
              "price": _("Price"), "price_incl_tax": _("Price incl. tax"), "tax_rate": _("Tax rate"),
              "amount": _("Amount"), "name": _("Name"), "from": _("From"), "to": _("To")}
    found = re.fullmatch(r"lines\[(\d+)\]\.(\w+)", str(field or ""))
    if found:
        return _("Line %(n)s %(field)s") % {"n": int(found[1]) + 1,
                                            "field": labels.get(found[2], found[2])}
    return labels.get(str(field or ""), str(field or ""))


def _names(details: dict) -> list[str]:
    allocations = [f"{a['from']}→{a['to']}" for a in details.get("allocations", [])]
    return [str(d) for d in details.get("dependents", [])] + allocations


def error_message(exc: DomainError) -> str:
    """The user's sentence for exc; invalid input keeps the service's own field message."""
    describe = MESSAGES.get(exc.code)
    if describe is None:
        return _("Invalid input: %(message)s") % {"message": exc.message}
    try:
        return describe(exc.details or {})
    except (KeyError, TypeError, ValueError):
        return exc.message
