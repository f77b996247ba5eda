"""`jxc`: the command line of OpenJXC. Every command takes --data-dir / --database-url."""

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path


def _setup(args, must_exist: bool = True) -> None:
    data_dir = Path(args.data_dir or "data").resolve()
    if (
        must_exist
        and not getattr(args, "database_url", None)
        and not (data_dir / "openjxc.sqlite3").exists()
    ):
        print(
            f"error: no set of books in {data_dir}; run `jxc init --data-dir {data_dir}` first",
            file=sys.stderr,
        )
        sys.exit(1)
    os.environ["OPENJXC_DATA_DIR"] = str(data_dir)
    if getattr(args, "database_url", None):
        os.environ["OPENJXC_DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openjxc.settings")
    import django

    django.setup()
    if must_exist:
        _upgrade_schema()


def _upgrade_schema() -> None:
    """Books made by an earlier version get the newer schema before any command touches them."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", verbosity=0, interactive=False)


def _common(p: argparse.ArgumentParser, data_dir_required: bool = False) -> None:
    p.add_argument(
        "--data-dir", required=False, help="data folder (SQLite database, secret key, backups)"
    )
    p.add_argument(
        "--database-url", help="postgresql://user@host:port/db — keep the books in PostgreSQL"
    )


def cmd_init(args) -> int:
    data_dir = Path(args.data_dir or "data").resolve()
    if not args.database_url and (data_dir / "openjxc.sqlite3").exists():
        print(
            f"error: {data_dir} already holds a set of books; nothing was changed", file=sys.stderr
        )
        return 1
    start = None
    if args.start_date:
        try:
            start = dt.date.fromisoformat(args.start_date)
        except ValueError:
            print("error: --start-date must look like 2026-09-01", file=sys.stderr)
            return 2
    created_dir = not data_dir.exists()
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        import secrets

        key_file.write_text(secrets.token_urlsafe(50))
    _setup(args, must_exist=False)
    from openjxc.setup import AlreadyInitialized, initialize

    try:
        initialize(args.admin_user, args.admin_password, start, demo=args.demo)
    except AlreadyInitialized as exc:
        if created_dir:  # a new folder (and secret key) for a database that already has books
            import shutil

            shutil.rmtree(data_dir, ignore_errors=True)
        print(f"error: {exc}; nothing was changed", file=sys.stderr)
        return 1
    except Exception:
        if created_dir and not args.database_url:
            import shutil

            shutil.rmtree(data_dir, ignore_errors=True)
        raise
    where = args.database_url or str(data_dir)
    print(f"OpenJXC initialised in {where} (admin user {args.admin_user})")
    return 0


def cmd_serve(args) -> int:
    _setup(args)
    from openjxc.setup import is_initialized

    if not is_initialized():
        print("error: no set of books here; run `jxc init` first", file=sys.stderr)
        return 1
    from django.db import connections

    # gunicorn forks its workers from this process: they must not inherit its open connection.
    connections.close_all()
    from openjxc.core.server import serve
    from openjxc.core.worker import task_worker

    with task_worker(args):  # background work (backup verification) runs next to gunicorn
        serve(args.host, args.port, args.workers, args.threads)
    return 0


def cmd_worker(args) -> int:
    """The django-tasks database worker on these books (backup verification). Verifications
    lost before it started (never run, or their worker died mid-way) are queued again first."""
    _setup(args)
    from django.core.management import call_command

    from openjxc.backup.verify import requeue_lost

    lost = requeue_lost(worker_start=True)
    if lost:
        print(f"verification queued again: {', '.join(lost)}", flush=True)

    call_command("db_worker", interval=2, verbosity=0, reload=False, startup_delay=False)
    return 0


def cmd_reconcile(args) -> int:
    _setup(args)
    from openjxc.closing.checks import reconcile

    if args.confirm_closed and not args.fix:
        print("error: --confirm-closed goes with --fix", file=sys.stderr)
        return 2
    if args.fix:
        from openjxc.closing.fix import fix_books

        fixed = fix_books(confirm_closed=args.confirm_closed)
        for line in fixed["changes"]:
            print(f"已修复 fixed: {line}")
        if not fixed["changes"]:
            print("无需修复 nothing to fix: everything derivable equals its ledger")
        for p in fixed["proposals"] if not fixed["confirmed"] else ():
            print(f"建议 proposed: [{p['check']}] {p['message']}")
        if fixed["proposals"] and not fixed["confirmed"]:
            print("以上更正分录未记账；确认后运行 jxc reconcile --fix --confirm-closed")
            print("(the proposed entries were not made: run jxc reconcile --fix --confirm-closed)")

    result = reconcile()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    elif result["ok"]:
        print("OK: stock, vouchers, open items and the audit chain all reconcile")
    else:
        for p in result["problems"]:
            print(f"[{p['check']}] {p['message']}")
    return 0 if result["ok"] else 1


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _admin():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_superuser=True).order_by("id").first()


def _domain(fn) -> int:
    from openjxc.core.errors import DomainError

    try:
        fn()
    except DomainError as exc:
        print(f"error [{exc.code}]: {exc.message}", file=sys.stderr)
        for p in exc.details.get("problems", []):
            print(
                f"  - [{p.get('severity', 'error')}] {p['message']} → {p.get('action', '')}",
                file=sys.stderr,
            )
        return 1
    return 0


def cmd_periods(args) -> int:
    _setup(args)
    from openjxc.ledger.models import Period
    from openjxc.ledger.periods import cycle, ensure_periods, set_cycle

    if args.cycle:
        if _domain(lambda: set_cycle(args.cycle)):
            return 1
    ensure_periods()
    print(f"settlement cycle: {cycle()}")
    print(f"{'period':<12} {'start':<11} {'end':<11} status")
    for p in Period.objects.order_by("start"):
        print(
            f"{p.name:<12} {p.start!s:<11} {p.end!s:<11} {'已结账 closed' if p.status == 'closed' else '未结账 open'}"
        )
    return 0


def cmd_close(args) -> int:
    _setup(args)
    from openjxc.closing.services import close

    def run():
        result = close(_admin(), args.period)
        print(
            f"period {result['name']} closed: {result['vouchers']} vouchers numbered, backup {result['backup_id']}"
        )
        for w in result["warnings"]:
            print(f"  warning: {w['message']}")

    return _domain(run)


def cmd_reopen(args) -> int:
    _setup(args)
    from openjxc.closing.services import reopen

    def run():
        result = reopen(_admin(), args.period, args.reason)
        print(f"period {result['name']} reopened; backup taken first: {result['backup_id']}")

    return _domain(run)


def cmd_passwd(args) -> int:
    """Set a user's password (the admin's, when it is forgotten): asked twice unless --password."""
    _setup(args)
    from openjxc.users.admin import reset_password

    password = args.password
    if password is None:
        import getpass

        password = getpass.getpass(f"new password for {args.username}: ")
        if getpass.getpass("again: ") != password:
            print("error: the two passwords differ; nothing changed", file=sys.stderr)
            return 1

    def run():
        reset_password(_admin(), args.username, password)
        print(f"password of {args.username} changed")

    return _domain(run)


def cmd_impact(args) -> int:
    """Print the impact preview of cancel / reverse of a document or reopen of a period."""
    _setup(args)
    if args.action == "reopen":
        from openjxc.closing.services import reopen_impact

        result = reopen_impact(_admin(), args.target)
    else:
        from openjxc.posting import engine, reversal
        from openjxc.posting.impact import preview

        run = {
            "cancel": lambda: engine.cancel(_admin(), args.target, "impact preview"),
            "reverse": lambda: reversal.reverse(_admin(), args.target, "impact preview", args.date),
        }[args.action]
        result = preview(args.action, run)
    if args.json:
        _print_json(result)
        return 0
    print(f"{args.action} {args.target}: {'allowed' if result['allowed'] else 'BLOCKED'}")
    if result["blocked_by"]:
        print(f"  [{result['blocked_by']['code']}] {result['blocked_by']['message']}")
    for row in result.get("stock", []):
        print(
            f"  stock  {row['item']:<10} {row['warehouse'] + (' 在途' if row['in_transit'] else ''):<6} qty {row['qty_before']:>10} → {row['qty_after']:<10}"
            f" value {row['value_before']:>12} → {row['value_after']}"
        )
    for row in result.get("cost_changes", []):
        print(
            f"  cost   {row['document']:<18} {row['item']:<10} {row['cost_before']:>12} → {row['cost_after']}"
        )
    for v in result.get("vouchers", []):
        lines = " / ".join(
            f"{'借' if ln['debit'] != '0.00' else '贷'} {ln['account']} "
            f"{ln['debit'] if ln['debit'] != '0.00' else ln['credit']}"
            for ln in v["lines"]
        )
        print(f"  voucher {v['date']} {v['kind']}: {lines}")
    for e in result.get("open_items", []):
        print(f"  open item {e['partner']} {e['kind']} {e['document']} {e['amount']}")
    for key, value in result.get("removes", {}).items():
        print(f"  removes {key}: {value}")
    return 0 if result["allowed"] else 1


def cmd_backup(args) -> int:
    _setup(args)
    from openjxc.backup.services import take_backup

    manifest = take_backup("manual (jxc backup)")
    print(
        f"backup {manifest['id']}: {manifest['file']} ({manifest['size']} bytes, sha256 {manifest['sha256'][:12]}…)"
    )
    return 0


def cmd_restore(args) -> int:
    """Restore a backup into a NEW data folder (or database) and verify it: checksum, the
    manifest's row counts per table, reconcile. Every failure is one sentence on stderr and
    leaves nothing behind: what this command created in the folder is removed again, and on a
    database target the tables it made are dropped."""
    from openjxc.backup.files import BackupError

    if args.in_place:
        from openjxc.cli_backups import restore_in_place

        return restore_in_place(args)
    source = Path(args.from_file).resolve()
    target = Path(args.data_dir or "data").resolve()
    try:
        before = set(target.iterdir()) if target.is_dir() else None
        if target.exists() and before is None:
            raise BackupError(f"{target} is not a folder")
    except OSError as exc:
        return _restore_failed(f"{target} cannot be used as a data folder ({exc.strerror})")
    if before and (target / "openjxc.sqlite3").exists():
        return _restore_failed(f"{target} already holds a set of books; restore into a new folder")
    try:
        manifest = _restore_into(args, source, target)
    except BackupError as exc:
        message = str(exc)
    except Exception as exc:  # a damaged file fails deep inside SQLite, migrate or loaddata
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        message = f"{source.name} could not be restored: {detail}"
    else:
        print(f"restored backup {manifest['id']} into {args.database_url or target}")
        print("verified: row counts match the manifest")
        print("verified: reconcile OK")
        return 0
    _remove_new(target, before)
    return _restore_failed(message)


def _restore_failed(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def _remove_new(target: Path, before) -> None:
    """Undo a failed restore in the folder: remove it if it was new, else what was added."""
    import shutil

    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()
    if before is None:
        shutil.rmtree(target, ignore_errors=True)
        return
    for path in set(target.iterdir()) - before:
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


def _restore_into(args, source: Path, target: Path) -> dict:
    import secrets
    import shutil

    from openjxc.backup.files import BackupError, check_counts, sqlite_counts, verify_file

    manifest = verify_file(source)
    if manifest["format"] == "pg_dump":
        from openjxc.cli_backups import restore_pg_dump

        return restore_pg_dump(args, source, target, manifest)
    if manifest["format"] == "sqlite" and args.database_url:
        raise BackupError("a SQLite backup restores into a data folder, not --database-url")
    if manifest["format"] == "sqlite":
        check_counts(manifest, sqlite_counts(source, manifest["counts"]), source.name)
    try:
        target.mkdir(parents=True, exist_ok=True)
        key = target / "secret_key"
        if not key.exists():
            key.write_text(secrets.token_urlsafe(50))
    except OSError as exc:
        raise BackupError(f"{target} cannot be used as a data folder ({exc.strerror})") from None
    if manifest["format"] == "sqlite":
        shutil.copyfile(source, target / "openjxc.sqlite3")
        _setup(args)
        _verify_restored()
        return manifest
    _setup(args, must_exist=False)
    import gzip

    from django.core.management import call_command
    from django.db import connection, transaction

    from openjxc.backup.services import dump_counts
    from openjxc.core.models import Setting
    from openjxc.setup import is_initialized

    if is_initialized():
        raise BackupError("the target database already holds a set of books")
    check_counts(manifest, dump_counts(source), source.name)
    tables_before = set(connection.introspection.table_names())
    try:
        call_command("migrate", verbosity=0, interactive=False)
        with (
            open(target / "restore.json", "w") as out,
            gzip.open(source, "rt", encoding="utf-8") as f,
        ):
            shutil.copyfileobj(f, out)
        with transaction.atomic():  # the data and the check stand or fall together
            # migrate's seeding wrote settings (roles_seeded) the backup holds under other ids
            Setting.objects.all().delete()
            call_command("loaddata", str(target / "restore.json"), verbosity=0)
            _verify_restored()
    except Exception:
        if connection.vendor == "postgresql":  # a database target: drop what migrate made
            with connection.cursor() as cur:
                for table in set(connection.introspection.table_names()) - tables_before:
                    cur.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
        raise
    finally:
        (target / "restore.json").unlink(missing_ok=True)
    return manifest


def _verify_restored() -> None:
    from openjxc.backup.files import BackupError
    from openjxc.closing.checks import reconcile

    result = reconcile(deep=False)
    if not result["ok"]:
        problems = "; ".join(f"[{p['check']}] {p['message']}" for p in result["problems"][:3])
        raise BackupError(f"the restored books do not reconcile: {problems}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jxc", description="OpenJXC 进销存 — purchase, sales, inventory and accounts"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser(
        "init", help="create a new set of books (data folder or PostgreSQL database)"
    )
    _common(p)
    p.add_argument("--admin-user", required=True)
    p.add_argument("--admin-password", required=True)
    p.add_argument(
        "--start-date", help="go-live date YYYY-MM-DD (default: first day of this month)"
    )
    p.add_argument("--demo", action="store_true", help="load Chinese demo data")
    p.set_defaults(func=cmd_init)
    p = sub.add_parser(
        "serve", help="serve the web UI at / and the API at /api/v1/ (production server)"
    )
    _common(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="server processes (default: twice the CPU cores, 2 to 8)",
    )
    p.add_argument("--threads", type=int, default=1, help="threads per server process (default: 1)")
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("worker", help="run background work (started by jxc serve)")
    _common(p)
    p.set_defaults(func=cmd_worker)
    p = sub.add_parser("reconcile", help="prove caches equal ledgers; non-zero exit on problems")
    _common(p)
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--fix",
        action="store_true",
        help="修复: append what is derivable (missing re-statements and vouchers of open periods), "
        "re-settle caches and snapshots; problems inside a closed period are only proposed as a "
        "correcting entry dated on the first open day",
    )
    p.add_argument(
        "--confirm-closed",
        action="store_true",
        help="确认: with --fix, also make the proposed correcting entries for closed periods",
    )
    p.set_defaults(func=cmd_reconcile)
    p = sub.add_parser("periods", help="list the accounting periods and their status")
    _common(p)
    p.add_argument(
        "--cycle",
        choices=["monthly", "weekly", "daily"],
        help="change the cycle (before the first close)",
    )
    p.set_defaults(func=cmd_periods)
    p = sub.add_parser("close", help="close (结账) a period, e.g. jxc close 2026-09")
    _common(p)
    p.add_argument("period")
    p.set_defaults(func=cmd_close)
    p = sub.add_parser("reopen", help="reopen (反结账) the latest closed period with a reason")
    _common(p)
    p.add_argument("period")
    p.add_argument("--reason", required=True)
    p.set_defaults(func=cmd_reopen)
    p = sub.add_parser("passwd", help="set a user's password, e.g. jxc passwd admin")
    _common(p)
    p.add_argument("username")
    p.add_argument("--password", help="the new password (asked twice when left out)")
    p.set_defaults(func=cmd_passwd)
    p = sub.add_parser(
        "impact", help="preview what cancel/reverse of a document or reopen of a period changes"
    )
    _common(p)
    p.add_argument("target", help="document number, or period name with --action reopen")
    p.add_argument("--action", choices=["cancel", "reverse", "reopen"], default="cancel")
    p.add_argument("--date", help="date of the reversal (reverse only)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_impact)
    p = sub.add_parser("backup", help="take a verified backup into the data folder's backups/")
    _common(p)
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="restore a backup into a NEW data folder and verify it")
    _common(p)
    p.add_argument(
        "--from",
        dest="from_file",
        required=True,
        help="backup file (.sqlite3, .pgdump or .json.gz)",
    )
    p.add_argument(
        "--in-place",
        action="store_true",
        help="replace the books of --data-dir / --database-url (a safety backup is taken first)",
    )
    p.add_argument("--reason", help="why the books are restored in place (audited)")
    p.set_defaults(func=cmd_restore)
    from openjxc.cli_exit import add_commands

    add_commands(sub, _common)  # export, import, audit verify
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
