"""Fresh sets of books on SQLite (a temporary file) or PostgreSQL (a scratch database created and
dropped here), in this process; and the small SQL and reconcile helpers the benchmarks share."""

import os
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from .config import PG_DB, START, log


def django_setup(data_dir: str) -> None:
    os.environ["OPENJXC_DATA_DIR"] = data_dir
    os.environ["OPENJXC_DATABASE_URL"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openjxc.settings")
    import django

    django.setup()


def use_database(db: dict) -> None:
    """Point Django's default connection at another database (the process keeps running)."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.db import connections

    connections.close_all()
    dbs = connections.configure_settings({"default": db})
    settings.DATABASES = dbs
    connections._settings = dbs
    connections.settings = dbs  # shadows the cached_property
    try:
        del connections["default"]
    except AttributeError:
        pass
    ContentType.objects.clear_cache()


def pg_admin_url() -> str:
    return os.environ.get("OPENJXC_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def pg_url(dbname: str) -> str:
    u = urlparse(pg_admin_url())
    return urlunparse(u._replace(path="/" + dbname))


def pg_admin(sql: str):
    """Run one statement on the maintenance connection; its first row, if any."""
    import psycopg

    with psycopg.connect(pg_admin_url(), autocommit=True, connect_timeout=5) as conn:
        cur = conn.execute(sql)
        return cur.fetchone() if cur.description else None


def pg_reachable() -> str | None:
    """None when the server answers, else the reason."""
    try:
        pg_admin("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means "skip PostgreSQL"
        return f"{type(exc).__name__}: {exc}".strip()
    return None


def pg_fresh_database() -> str:
    """Drop and create the scratch database; its URL."""
    pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    pg_admin(f"CREATE DATABASE {PG_DB}")
    return pg_url(PG_DB)


def pg_drop_database() -> None:
    try:
        pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    except Exception as e:  # noqa: BLE001
        log(f"could not drop {PG_DB}: {e}")


class Books:
    """A fresh, initialised set of books on one backend."""

    def __init__(self, backend: str, tmp: str, name: str):
        self.backend, self.tmp, self.name = backend, tmp, name

    def __enter__(self):
        from openjxc.settings import database_from_url, sqlite_database

        if self.backend == "sqlite":
            path = os.path.join(self.tmp, f"{self.name}.sqlite3")
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(path + suffix):
                    os.remove(path + suffix)
            use_database(sqlite_database(Path(path)))
        else:
            use_database(database_from_url(pg_fresh_database()))
        from django.contrib.auth import get_user_model

        from openjxc.setup import initialize

        initialize("admin", "bench-admin-pw", START)
        self.user = get_user_model().objects.get(username="admin")
        return self

    def __exit__(self, *exc):
        from django.db import connections

        connections.close_all()
        if self.backend == "pg":
            pg_drop_database()
        return False


def scalar(sql, params=()):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, list(params))
        return cur.fetchone()[0]


def scalar_rows(sql, params=()):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, list(params))
        return cur.fetchall()


def reconcile_timed() -> tuple[float, dict]:
    from openjxc.closing.checks import reconcile

    t0 = time.perf_counter()
    result = reconcile()
    return time.perf_counter() - t0, result


def reconcile_checks_s() -> dict:
    """Seconds per reconcile check (each run on its own, outside reconcile's snapshot)."""
    from openjxc.closing import checks

    out = {}
    for check in checks.CHECKS:
        t0 = time.perf_counter()
        check()
        out[check.__name__] = round(time.perf_counter() - t0, 3)
    return out
