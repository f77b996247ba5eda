"""The entry form's save: a draft created or changed and, when asked, approved in the same
transaction, so that a refused approval leaves the draft as it was."""

from django.db import transaction

from openjxc.documents.services import create_draft, update_draft

from .engine import approve


def save_draft(user, body: dict, number: str | None = None, approve_it: bool = False):
    """(the draft's number, the approved document or None): creates a draft (number None) or
    updates draft `number` from body, then approves it when approve_it."""
    with transaction.atomic():
        if number is None:
            result, _created = create_draft(user, body)
        else:
            result = update_draft(user, number, body)
        approved = approve(user, result["number"]) if approve_it else None
    return result["number"], approved
