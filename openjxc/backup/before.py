"""A backup before every change of settled data — the one function those changes call.

Close and reopen (closing/services.py), reversal and a cancel-chain that reaches a closed period
(posting/settled.py, through the hook registered in apps.py), a restore in place (inplace.py),
and the correction, its undo and the import built beside them all call `backup_before` /
`backed_up` with what they are about to do. The backup is named after it (`before reversal
XS-…`, shown as 红冲前 …), its verification is queued, and inside `backed_up` every audit entry
the action writes carries the backup's id."""

from contextlib import contextmanager

from openjxc.audit.services import naming_backup

from .services import ACTION_REASONS, take_backup

ACTIONS = tuple(reason.removeprefix("before ") for reason in ACTION_REASONS)


def backup_before(action: str, subject: str, user=None) -> dict:
    """Take the automatic backup before `action` (one of ACTIONS: reversal, cancel-chain,
    correction, undoing correction, restore, import) of `subject` (a document number, a backup
    id, a folder); returns its manifest. Call it outside any transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown settled-data action {action!r}")
    return take_backup(f"before {action} {subject}".strip(), user)


@contextmanager
def backed_up(action: str, subject: str, user=None):
    """Back up, then run the block with every audit entry naming the backup; yields the
    manifest (its "id" goes into the response)."""
    manifest = backup_before(action, subject, user)
    with naming_backup(manifest["id"]):
        yield manifest
