"""`jxc export`, `jxc import` and `jxc audit verify`: the exit path on the command line.

Kept apart from cli.py (which wires them in with add_commands) so that the commands of the
backups stay readable there. The import is `jxc restore`'s twin for the open format: it runs on
new books only, and every failure is one sentence on stderr that leaves nothing behind."""

import json
import sys
from pathlib import Path


def add_commands(sub, common) -> None:
    p = sub.add_parser("export", help="export every table as CSV + manifest.json (open format)")
    common(p)
    p.add_argument("--to", dest="to_dir", required=True, help="a new or empty folder")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser(
        "import", help="rebuild the books of a `jxc export` in a NEW data folder or empty database"
    )
    common(p)
    p.add_argument("--from", dest="from_dir", required=True, help="the export's folder")
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("audit", help="the audit log: `jxc audit verify` checks its hash chain")
    common(p)
    p.add_argument("action", choices=["verify"])
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_audit)


def cmd_export(args) -> int:
    from openjxc.cli import _setup

    _setup(args)
    from openjxc.backup.archive import export_books
    from openjxc.backup.files import BackupError

    try:
        manifest = export_books(Path(args.to_dir).resolve())
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    rows = sum(t["rows"] for t in manifest["tables"].values())
    print(f"exported {len(manifest['tables'])} tables, {rows} rows into {args.to_dir}")
    print(f"digest {manifest['digest']}")
    return 0


def cmd_audit(args) -> int:
    from openjxc.cli import _setup

    _setup(args)
    from openjxc.audit.verify import verify

    result = verify()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    elif result["ok"]:
        print(f"OK: the audit chain of {result['entries']} entries is intact")
    else:
        b = result["first_broken"]
        print(
            f"BROKEN at entry {b['id']} ({b['at']} {b['user']} {b['action']} {b['object']}): "
            f"{b['problem']}"
        )
    return 0 if result["ok"] else 1


def cmd_import(args) -> int:
    from openjxc.backup.files import BackupError
    from openjxc.cli import _remove_new, _restore_failed

    source = Path(args.from_dir).resolve()
    target = Path(args.data_dir or "data").resolve()
    try:
        before = set(target.iterdir()) if target.is_dir() else None
        if target.exists() and before is None:
            raise BackupError(f"{target} is not a folder")
    except (OSError, BackupError) as exc:
        return _restore_failed(f"{target} cannot be used as a data folder ({exc})")
    if before and (target / "openjxc.sqlite3").exists():
        return _restore_failed(f"{target} already holds a set of books; import into a new folder")
    try:
        result = _import_into(args, source, target)
    except BackupError as exc:
        message = str(exc)
    except Exception as exc:  # a damaged file fails deep inside the database or migrate
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        message = f"the export in {source} could not be imported: {detail}"
    else:
        print(
            f"imported {result['tables']} tables, {result['rows']} rows into "
            f"{args.database_url or target}"
        )
        print(f"verified: digest {result['digest']} equals the manifest's")
        print("verified: reconcile OK")
        return 0
    _remove_new(target, before)
    return _restore_failed(message)


def _import_into(args, source: Path, target: Path) -> dict:
    import secrets

    from openjxc.backup.files import BackupError
    from openjxc.cli import _setup

    if not source.is_dir():
        raise BackupError(f"{source} is not a folder holding an export")
    try:
        target.mkdir(parents=True, exist_ok=True)
        key = target / "secret_key"
        if not key.exists():
            key.write_text(secrets.token_urlsafe(50))
    except OSError as exc:
        raise BackupError(f"{target} cannot be used as a data folder ({exc.strerror})") from None
    _setup(args, must_exist=False)
    from django.db import connection

    from openjxc.backup.export import verify_export
    from openjxc.setup import is_initialized

    if is_initialized():
        raise BackupError("the target database already holds a set of books")
    manifest = verify_export(source)
    tables_before = set(connection.introspection.table_names())
    try:
        return _load(source, manifest)
    except Exception:
        if connection.vendor == "postgresql":  # a database target: drop what migrate made
            with connection.cursor() as cur:
                for table in set(connection.introspection.table_names()) - tables_before:
                    cur.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
        raise


def _load(source: Path, manifest: dict) -> dict:
    """Migrate to the export's schema, load, prove it (row counts, reconcile, digest), then bring
    the schema up to this version."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.migrations.executor import MigrationExecutor

    from openjxc.audit.services import record
    from openjxc.backup.export import books_digest
    from openjxc.backup.files import BackupError
    from openjxc.backup.load import clear_tables, fast_load, load_export
    from openjxc.cli import _verify_restored

    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    targets = []
    for app, names in manifest.get("migrations", {}).items():
        unknown = [n for n in names if (app, n) not in graph.nodes]
        if unknown:
            raise BackupError(
                f"manifest.json: migration {app}.{unknown[0]} is unknown to this version; "
                "import with the OpenJXC version that exported the books (or a newer one)"
            )
        applied = set(names)  # the app's last applied migration: none of its children applied
        targets += [
            (app, n)
            for n in names
            if not any(
                c.key[0] == app and c.key[1] in applied for c in graph.node_map[(app, n)].children
            )
        ]
    executor.migrate(targets)
    with fast_load(), transaction.atomic():  # the rows and their proof stand or fall together
        clear_tables()
        counts = load_export(source, manifest)
        _verify_restored()
        digest = books_digest()
        if digest != manifest.get("digest"):
            raise BackupError(
                f"manifest.json: the imported ledgers' digest {digest[:12]}… is not the "
                f"manifest's {str(manifest.get('digest'))[:12]}…: the export was altered"
            )
        record(
            "system",
            "import",
            "books",
            manifest.get("created_at", ""),
            after={"from": str(source), "digest": digest, "rows": sum(counts.values())},
        )
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", verbosity=0, interactive=False)
    return {"tables": len(counts), "rows": sum(counts.values()), "digest": digest}
