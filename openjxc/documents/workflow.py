"""Statuses and transitions of every document type as data, and the one way to move them.

A document's family (its type's `kind`) picks a table: status → action → the statuses the
action may lead to (an empty tuple: the action is allowed but leaves the status as it is).
`transition()` checks the move, writes the status (and the fields that go with it) in one
UPDATE, and audits it; `check()` guards actions that do not move the status (edit, derive …).
Every refusal is the same 409 `wrong_status` naming the current status and what can be done,
so no caller words its own (possibly self-contradicting) message."""

from django.db import connection
from django.db.models import Model
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from openjxc.audit.services import record
from openjxc.core.error_codes import register_describer
from openjxc.core.errors import DomainError

from .models import Document
from .types import TYPES

D, P, A = Document.DRAFT, Document.PENDING, Document.APPROVED
PA, CO, CL = Document.PARTIAL, Document.COMPLETED, Document.CLOSED
CA, RE = Document.CANCELLED, Document.REVERSED

_DRAFT = {"edit": (), "delete": (), "submit": (P,), "approve": (A,)}
_PENDING = {"approve": (A,)}
# stock documents, invoices and money documents
_POSTING = {
    D: _DRAFT,
    P: _PENDING,
    A: {
        "cancel": (CA,),
        "reverse": (RE,),
        "derive": (),
        "settle": (),
        "allocate": (),
        "cancel_chain": (),
    },
    CA: {},
    RE: {},
}
# orders: fulfilment moves them between approved, partial and completed
_FULFIL = (A, PA, CO)
_ORDER = {
    D: _DRAFT,
    P: {**_PENDING, "cancel_chain": (CA,)},
    A: {
        "cancel": (CA,),
        "close": (CL,),
        "fulfil": _FULFIL,
        "derive": (),
        "settle": (),
        "cancel_chain": (CA,),
    },
    PA: {
        "cancel": (CA,),
        "close": (CL,),
        "fulfil": _FULFIL,
        "derive": (),
        "settle": (),
        "cancel_chain": (CA,),
    },
    CO: {"cancel": (CA,), "fulfil": _FULFIL, "settle": (), "cancel_chain": (CA,)},
    CL: {"settle": (), "cancel_chain": ()},
    CA: {},
}
# a 调价单 (kind price) follows the posting table; its red-letter reversal is refused by the
# reversal itself (posting/reversal.py), as an approved order's is
FLOWS = {
    "stock": _POSTING,
    "invoice": _POSTING,
    "money": _POSTING,
    "ledger": _POSTING,
    "expense_lines": _POSTING,
    "order": _ORDER,
    "price": _POSTING,
}

# what a user can do from the document's page, in the order they are offered; the other actions
# (submit, fulfil, derive, settle, allocate, cancel_chain) happen inside these or elsewhere
OFFERED = ("approve", "edit", "delete", "cancel", "reverse", "close")
# a red-letter reversal is itself final: it is never cancelled, reversed or closed
_NOT_FOR_REVERSALS = {"cancel", "reverse", "close"}
# opening balances (期初) belong to the go-live date: corrected by cancelling while the first
# period is open, never reversed into a later one
_NOT_FOR_OPENING = {"reverse", "cancel_chain"}
# audit verb where it differs from the action (a chain records each step as the user's own)
_AUDIT_VERB = {"cancel_chain": "cancel"}

STATUS_NAMES = {
    D: _("draft"),
    P: _("pending approval"),
    A: _("approved"),
    PA: _("partly fulfilled"),
    CO: _("completed"),
    CL: _("closed"),
    CA: _("cancelled"),
    RE: _("reversed"),
    "undone": _("undone"),  # a correction's (documents.Correction), by undo
}
ACTION_NAMES = {
    "approve": _("approve"),
    "edit": _("edit"),
    "delete": _("delete"),
    "cancel": _("cancel"),
    "reverse": _("reverse"),
    "close": _("close the order"),
    "derive": _("derive a document"),
    "settle": _("allocate to it"),
    "allocate": _("allocate"),
    "cancel_chain": _("cancel the chain"),
    "submit": _("approve"),
    "fulfil": _("fulfil"),
}


def _moves(doc: Document) -> dict:
    doc_type = TYPES[doc.type]
    moves = FLOWS[doc_type.kind].get(doc.status, {})
    if doc.reversal_of_id:
        return {a: t for a, t in moves.items() if a not in _NOT_FOR_REVERSALS}
    if doc_type.opening:
        return {a: t for a, t in moves.items() if a not in _NOT_FOR_OPENING}
    return moves


def can(doc: Document, action: str) -> bool:
    return action in _moves(doc)


def targets(doc: Document, action: str) -> tuple:
    """The statuses action may lead to from doc's status (empty: refused, or status kept)."""
    return _moves(doc).get(action, ())


def allowed(doc: Document) -> list[str]:
    """The actions a user may take on the document now (for messages and buttons)."""
    moves = _moves(doc)
    return [a for a in OFFERED if a in moves]


def refusal(doc: Document, action: str, **details) -> DomainError:
    """The wrong_status error for `action` on doc (details name the status and what is allowed)."""
    ok = allowed(doc)
    what = ", ".join(ok) if ok else "nothing"
    return DomainError(
        "wrong_status",
        f"{doc.number} is {doc.status}: cannot {action}; allowed: {what}",
        {**details, "status": doc.status, "action": action, "allowed": ok},
    )


def check(doc: Document, action: str, **details) -> None:
    if action not in _moves(doc):
        raise refusal(doc, action, **details)


def transition(
    doc: Document, action: str, *, user, reason=None, to=None, fields=None, after=None, audit=True
) -> str:
    """Move doc by action (to one of its targets; default the first), writing status and `fields`
    in one UPDATE and recording the audit entry with `after` added. Returns the old status."""
    targets = _moves(doc).get(action)
    if not targets or (to is not None and to not in targets):
        raise refusal(doc, action)
    new = to or targets[0]
    before = doc.status
    values = {"status": new, **(fields or {})}
    _write(doc.pk, values)
    for name, value in values.items():
        setattr(doc, name, value)
    if audit:
        record(
            user,
            _AUDIT_VERB.get(action, action),
            "document",
            doc.number,
            reason=reason or "",
            before={"status": before},
            after={"status": new, **(after or {})},
        )
    return before


def _write(pk: int, values: dict) -> None:
    """One plain UPDATE (approval is the hot path: no queryset machinery)."""
    cols, params = [], []
    for name, value in values.items():
        field = Document._meta.get_field(name)
        if isinstance(value, Model):
            value = value.pk
        cols.append(f"{field.column} = %s")
        params.append(field.get_db_prep_save(value, connection) if not field.is_relation else value)
    with connection.cursor() as cur:
        cur.execute(f"UPDATE documents_document SET {', '.join(cols)} WHERE id = %s", [*params, pk])


def describe_refusal(d: dict) -> str:
    """wrong_status as a user reads it: what was refused, the status that refused it, and what
    can be done now (from the table above)."""
    if "allocation" in d:
        return gettext("This allocation has already been undone.")
    if d.get("setting") == "settlement_cycle":
        return gettext("The settlement cycle cannot change once a period has been closed.")
    if "status" not in d:
        return gettext("This cannot be done in the current state.")
    names = {"status": STATUS_NAMES.get(d["status"], d["status"]), "number": d.get("source", "")}
    action = ACTION_NAMES.get(d.get("action", ""))
    if d.get("source"):
        refused = (
            gettext("The source document %(number)s is %(status)s: nothing can be derived from it.")
            % names
        )
    elif action:
        refused = gettext("Cannot %(action)s: the document is %(status)s.") % {
            **names,
            "action": action,
        }
    else:
        refused = gettext("This cannot be done while the document is %(status)s.") % names
    allowed = [str(ACTION_NAMES[a]) for a in d.get("allowed", []) if a in ACTION_NAMES]
    if not allowed:
        return refused + " " + gettext("No further action is possible on it.")
    comma = "、" if (get_language() or "").startswith("zh") else ", "
    return (
        refused
        + " "
        + gettext("What can be done now: %(actions)s.") % {"actions": comma.join(allowed)}
    )


register_describer("wrong_status", describe_refusal)
