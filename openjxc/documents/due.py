"""Due dates (到期日) of the receivables and payables documents raise (账期).

A type that declares `payment_terms` (a delivery, a receipt) falls due `payment_terms_days`
after its date — or on the `due_date` the body gives. A partner without terms is due at once
(due date = the document's date), so every such open item has a due date and aging by due date
and the dashboard's overdue figure never guess. Other types take no due date."""

import datetime as dt

from openjxc.core.errors import DomainError

from .rules import parse_date


def due_date(t, partner, day: dt.date | None, given) -> dt.date | None:
    """The due date a document of type t gets; raises DomainError, writes nothing."""
    if not t.payment_terms:
        if given not in (None, ""):
            raise DomainError(
                "invalid",
                f"a {t.code} raises no receivable or payable: it takes no due_date",
                {"field": "due_date"},
            )
        return None
    if given not in (None, ""):
        due = parse_date(given, "due_date")
    elif day is None:
        return None
    else:
        terms = partner.payment_terms_days if partner is not None else None
        due = day + dt.timedelta(days=terms or 0)
    if day is not None and due < day:
        raise DomainError(
            "invalid",
            f"due_date {due} is before the document date {day}",
            {"field": "due_date"},
        )
    return due
