"""A refused save on the entry page: every mistake the service found, each marked on its field
or line and said in the user's language."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openjxc.core.errors import DomainError

from .errors import error_message


def error_line(exc: DomainError):
    """(line index, field) that an 'invalid' error points at, e.g. lines[2].qty → (2, "qty")."""
    field = str((exc.details or {}).get("field") or "")
    if field.startswith("lines[") and "]" in field:
        index = field[6 : field.index("]")]
        name = field[field.index("]") + 2 :] if "." in field else ""
        if index.isdigit():
            return int(index), name
    if (exc.details or {}).get("line"):
        return int(exc.details["line"]) - 1, ""
    return None, field


def all_errors(error) -> list[DomainError]:
    """The error and, when the service found several mistakes, each of them."""
    if error is None:
        return []
    more = (error.details or {}).get("errors") or []
    return [DomainError(e["code"], e["message"], e.get("details")) for e in more] or [error]


def head_field(error) -> str:
    """The head field the error is about ("" when it is about a line)."""
    index, field = error_line(error) if error else (None, "")
    return field if index is None else ""


FIELD_LABELS = {
    "date": gettext_lazy("Date"),
    "warehouse": gettext_lazy("Warehouse"),
    "to_warehouse": gettext_lazy("To warehouse"),
    "source": gettext_lazy("Source document"),
    "invoice_no": gettext_lazy("Invoice number"),
    "invoice_type": gettext_lazy("Invoice type"),
    "amount": gettext_lazy("Amount"),
    "account": gettext_lazy("Cash/bank account"),
    "item": gettext_lazy("Goods"),
    "lines": gettext_lazy("Goods"),
    "qty": gettext_lazy("Quantity"),
    "price": gettext_lazy("Price"),
    "price_incl_tax": gettext_lazy("Price"),
    "tax_rate": gettext_lazy("Tax rate %"),
}


def line_message(t, exc: DomainError) -> str:
    """The user's sentence, prefixed with the line it is about; a field the service refused is
    named in the user's language (the service's own sentence is English)."""
    index, field = error_line(exc)
    label = (
        FIELD_LABELS.get(field)
        if field != "partner"
        else (_("Customer") if t.partner == "customer" else _("Supplier"))
    )
    text = (
        _("%(field)s is missing or not valid.") % {"field": label}
        if (exc.code == "invalid" and label)
        else error_message(exc)
    )
    return (
        _("Line %(line)s: %(message)s") % {"line": index + 1, "message": text}
        if index is not None
        else text
    )
