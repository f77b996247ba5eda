"""PostgreSQL backups as `pg_dump` custom-format files, restored with `pg_restore`.

pg_dump copies a million-move book in seconds where the JSON export took minutes, and it
restores exactly (sequences, constraints, every table). The row counts in the manifest are
read in the same snapshot the dump is taken from (`pg_export_snapshot`), so a restore can prove
it loaded the backup its manifest describes. Plain Python (psycopg, subprocess): `jxc restore`
calls it before Django is set up on the target."""

import os
import shutil
import subprocess
from pathlib import Path

import psycopg
from psycopg import sql

from .files import BackupError

CLUSTERS = Path("/usr/lib/postgresql")  # Debian: one bin folder per installed major version


class ToolMissing(BackupError):
    def __init__(self, tool: str):
        super().__init__(
            f"{tool} was not found: install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client)"
        )
        self.tool = tool


def tool(name: str) -> str:
    """The path of pg_dump / pg_restore: on PATH, else the newest Debian cluster's bin folder."""
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(CLUSTERS.glob("*/bin"), key=_version, reverse=True):
        if (folder / name).is_file():
            return str(folder / name)
    raise ToolMissing(name)


def _version(folder: Path) -> tuple:
    name = folder.parent.name
    return (int(name), "") if name.isdigit() else (0, name)


def _env(db: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _target_args(db: dict) -> list[str]:
    return ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432)] + [
        "-U",
        db.get("USER") or "postgres",
    ]


def connect(db: dict, name: str | None = None, **kwargs) -> psycopg.Connection:
    return psycopg.connect(
        host=db.get("HOST") or "127.0.0.1",
        port=int(db.get("PORT") or 5432),
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
        dbname=name or db["NAME"],
        **kwargs,
    )


def counts(conn: psycopg.Connection, tables) -> dict:
    """Rows per table (a table the database lacks counts as None)."""
    with conn.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        present = {r[0] for r in cur.fetchall()}
        out = {}
        for t in tables:
            if t in present:
                cur.execute(sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(t)))
                out[t] = cur.fetchone()[0]
            else:
                out[t] = None
        return out


def dump(db: dict, target: Path, tables) -> dict:
    """Write `target` with pg_dump -Fc from one exported snapshot; returns the row counts of
    `tables` in that snapshot."""
    pg_dump = tool("pg_dump")
    with connect(db) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with conn.cursor() as cur:
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
        rows = counts(conn, tables)
        proc = subprocess.run(
            [pg_dump, "-Fc", "-Z", "1", "--snapshot", snapshot, "-f", str(target)]
            + _target_args(db)
            + [db["NAME"]],
            capture_output=True,
            text=True,
            env=_env(db),
        )
        conn.rollback()
    if proc.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {_first_line(proc.stderr)}")
    return rows


def restore(db: dict, source: Path, clean: bool = False) -> None:
    """pg_restore `source` into the database `db` in ONE transaction: a damaged file changes
    nothing. `clean` drops what the database holds first (a restore in place)."""
    args = [tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
    args += ["--single-transaction"] + (["--clean", "--if-exists"] if clean else [])
    proc = subprocess.run(
        args + _target_args(db) + ["-d", db["NAME"], str(source)],
        capture_output=True,
        text=True,
        env=_env(db),
    )
    if proc.returncode != 0:
        raise BackupError(f"{source.name} could not be restored: {_first_line(proc.stderr)}")


def create_database(db: dict, name: str) -> None:
    with connect(db, "postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(db: dict, name: str) -> None:
    with connect(db, "postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _first_line(text: str) -> str:
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    return lines[0] if lines else "no message"


def restore_new(db: dict, source: Path, manifest: dict) -> None:
    """Restore a pg_dump backup into the EMPTY database `db` and check the manifest's row counts;
    on any failure the database is left empty again."""
    from .files import check_counts

    with connect(db) as conn:
        if conn.execute(
            "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()"
        ).fetchone()[0]:
            raise BackupError(f"the database {db['NAME']} is not empty: restore into a new one")
    restore(db, source)
    try:
        with connect(db) as conn:
            check_counts(manifest, counts(conn, manifest["counts"]), source.name)
    except BackupError:
        empty(db)
        raise


def empty(db: dict) -> None:
    """Drop every table of the database's schema (only ever one this restore filled)."""
    with connect(db, autocommit=True) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            ).fetchall()
        ]
        for t in tables:
            conn.execute(sql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(sql.Identifier(t)))
