"""Changes of settled data, each taken after an automatic backup: a reversal (红冲), and a
cancel-chain that reaches a closed period. The API and the pages call these, never the bare
`reversal.reverse` / `chain.cancel_chain` (which an impact preview runs and rolls back, and which
a cancel-chain calls inside its transaction — neither may take a backup).

The backup app sits above posting, so it registers how to back up (`register_backup`, from its
AppConfig.ready); `backed_up` is the one context manager every settled-data change enters."""

from contextlib import contextmanager, nullcontext

from django.db.models import Q

from openjxc.core.errors import DomainError
from openjxc.documents.models import Document
from openjxc.documents.types import TYPES
from openjxc.ledger.services import closed_through
from openjxc.users.services import CANCEL, REVERSE, require

from . import chain, reversal

_HOOKS: list = []


def register_backup(hook) -> None:
    """hook(action, subject, user) is a context manager yielding the backup's manifest."""
    _HOOKS[:] = [hook]


@contextmanager
def backed_up(action: str, subject: str, user):
    """Back up before the block (the registered hook); yields the manifest, None without one."""
    with _HOOKS[0](action, subject, user) if _HOOKS else nullcontext() as manifest:
        yield manifest


def require_reason(reason) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise DomainError("reason_required", "a reason is required", {"field": "reason"})
    return reason


def reverse(user, number: str, reason: str | None, date=None) -> tuple[Document, str | None]:
    """红冲 after a backup; returns the reversal document and the backup's id. The cheap refusals
    (permission, reason) come first, so they take no backup."""
    require(user, REVERSE)
    require_reason(reason)
    with backed_up("reversal", number, user) as manifest:
        rev = reversal.reverse(user, number, reason, date)
    return rev, manifest["id"] if manifest else None


def reaches_closed_period(number: str) -> bool:
    """Whether cancelling the chain of `number` reverses a document dated in a closed period
    (the fulfilments cancel_chain undoes and the approved documents derived from them)."""
    last_closed = closed_through()
    root = Document.objects.filter(number=number).only("id", "type").first()
    if last_closed is None or root is None:
        return False
    if TYPES[root.type].kind == "order":
        roots = Document.objects.filter(source=root, status=Document.APPROVED)
    else:
        roots = Document.objects.filter(pk=root.pk, status=Document.APPROVED)
    ids = list(roots.values_list("id", flat=True))
    return Document.objects.filter(
        Q(id__in=ids) | Q(source_id__in=ids), status=Document.APPROVED, date__lte=last_closed
    ).exists()


def cancel_chain(user, number: str, reason: str | None, refund: bool = False, date=None) -> dict:
    """cancel-chain; when it reaches a closed period, after a backup (`backup_id` in the result)."""
    require(user, CANCEL)
    require_reason(reason)
    if not reaches_closed_period(number):
        return {**chain.cancel_chain(user, number, reason, refund, date), "backup_id": None}
    with backed_up("cancel-chain", number, user) as manifest:
        result = chain.cancel_chain(user, number, reason, refund, date)
    return {**result, "backup_id": manifest["id"] if manifest else None}
