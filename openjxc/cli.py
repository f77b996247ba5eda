"""`jxc`: the command line of OpenJXC. Every command takes --data-dir / --database-url."""

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path


def _setup(args) -> None:
    data_dir = Path(args.data_dir or "data").resolve()
    os.environ["OPENJXC_DATA_DIR"] = str(data_dir)
    if getattr(args, "database_url", None):
        os.environ["OPENJXC_DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openjxc.settings")
    import django

    django.setup()


def _common(p: argparse.ArgumentParser, data_dir_required: bool = False) -> None:
    p.add_argument("--data-dir", required=False, help="data folder (SQLite database, secret key, backups)")
    p.add_argument("--database-url", help="postgresql://user@host:port/db — keep the books in PostgreSQL")


def cmd_init(args) -> int:
    data_dir = Path(args.data_dir or "data").resolve()
    if not args.database_url and (data_dir / "openjxc.sqlite3").exists():
        print(f"error: {data_dir} already holds a set of books; nothing was changed", file=sys.stderr)
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
    _setup(args)
    from openjxc.setup import AlreadyInitialized, initialize

    try:
        initialize(args.admin_user, args.admin_password, start, demo=args.demo)
    except AlreadyInitialized as exc:
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
    from openjxc.core.server import serve

    serve(args.host, args.port, args.workers)
    return 0


def cmd_reconcile(args) -> int:
    _setup(args)
    from openjxc.closing.checks import reconcile

    result = reconcile()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    elif result["ok"]:
        print("OK: stock, vouchers, open items and the audit chain all reconcile")
    else:
        for p in result["problems"]:
            print(f"[{p['check']}] {p['message']}")
    return 0 if result["ok"] else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jxc", description="OpenJXC 进销存 — purchase, sales, inventory and accounts")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("init", help="create a new set of books (data folder or PostgreSQL database)")
    _common(p)
    p.add_argument("--admin-user", required=True)
    p.add_argument("--admin-password", required=True)
    p.add_argument("--start-date", help="go-live date YYYY-MM-DD (default: first day of this month)")
    p.add_argument("--demo", action="store_true", help="load Chinese demo data")
    p.set_defaults(func=cmd_init)
    p = sub.add_parser("serve", help="serve the web UI at / and the API at /api/v1/ (production server)")
    _common(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=2)
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("reconcile", help="prove caches equal ledgers; non-zero exit on problems")
    _common(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_reconcile)
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
