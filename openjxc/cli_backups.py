"""`jxc restore` of a pg_dump backup into a new PostgreSQL database, and `jxc restore --in-place`
(kept apart from cli.py, which holds the commands' parser and the plain restore)."""

from pathlib import Path

from openjxc.cli import _admin, _domain, _setup, _upgrade_schema, _verify_restored


def restore_pg_dump(args, source: Path, target: Path, manifest: dict) -> dict:
    """A pg_dump backup into the empty PostgreSQL database --database-url (pg_restore)."""
    import secrets

    from openjxc.backup import pgdump
    from openjxc.backup.files import BackupError

    if not args.database_url:
        raise BackupError(
            "a pg_dump backup restores into a PostgreSQL database: give --database-url"
        )
    target.mkdir(parents=True, exist_ok=True)
    if not (target / "secret_key").exists():
        (target / "secret_key").write_text(secrets.token_urlsafe(50))
    _setup(args, must_exist=False)
    from django.conf import settings

    db = settings.DATABASES["default"]
    pgdump.restore_new(db, source, manifest)
    try:
        _upgrade_schema()
        _verify_restored()
    except Exception:
        from django.db import connections

        connections.close_all()
        pgdump.empty(db)
        raise
    return manifest


def restore_in_place(args) -> int:
    """`jxc restore --from BACKUP --in-place`: the books of --data-dir / --database-url become
    the backup's (closing/inplace.py: safety backup first, put back if the check fails)."""
    _setup(args)
    from openjxc.closing.inplace import restore_in_place

    def run():
        result = restore_in_place(
            _admin(), Path(args.from_file).resolve(), args.reason or "jxc restore --in-place"
        )
        print(f"restored backup {result['backup']} in place; reconcile OK")
        print(f"the books as they were are in the safety backup {result['safety_backup']}")

    return _domain(run)
