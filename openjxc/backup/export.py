"""The open-format export (导出全部数据): one UTF-8 CSV file per table and a manifest.json, the
same on SQLite and PostgreSQL, and its import into empty books.

Why CSV with ids, not the JSON backup's natural keys: whoever leaves the product must be able to
read every row with any tool, and an import must rebuild the books exactly — the same ids (which
documents, vouchers and the audit chain refer to), so nothing is renumbered.

Value text (one canonical form per column type, whatever database wrote it):
NULL is ``\\N``; a text starting with a backslash gets one more in front; booleans are
``true``/``false``; dates ``YYYY-MM-DD``; date-times ISO 8601 in UTC (``2026-03-01T02:00:00+00:00``);
decimals with their column's places; JSON as compact JSON text with sorted keys; integers in
decimal.

The books digest (``manifest["digest"]``) is a SHA-256 over every row of the ledgers
(``DIGEST_TABLES``) in id order, in that canonical text: equal digests mean equal ledgers, and
``reconcile`` proves every cache equals its ledger — together, the same books. The audit log is
left out so that the import's own audit entry does not change it (reconcile verifies the chain).

Rows are streamed both ways (database cursor → CSV writer, CSV reader → batched inserts or
PostgreSQL COPY), so a book of a million stock moves never sits in memory."""

import csv
import datetime as dt
import hashlib
import json
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.db import connection

from .files import BackupError, sha256_file

FORMAT = "openjxc-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
NULL = "\\N"
BATCH = 5000
# who is logged in is not part of the books
SKIP_TABLES = {"django_session"}
DIGEST_TABLES = (
    "inventory_stockmove",
    "ledger_voucher",
    "ledger_journalline",
    "ledger_openitementry",
)


def exported_models() -> list:
    """Every concrete table of the books (many-to-many tables included), by table name."""
    seen = {}
    for m in apps.get_models(include_auto_created=True):
        meta = m._meta
        if meta.managed and not meta.proxy and meta.db_table not in SKIP_TABLES:
            seen.setdefault(meta.db_table, m)
    return [seen[t] for t in sorted(seen)]


def _columns(model) -> list:
    """The stored columns (a generated column is derived by the database, so left out)."""
    return [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]


INTEGER_KINDS = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}
TEXT_KINDS = {"CharField", "TextField", "SlugField", "EmailField", "UUIDField"}


def _kind(field) -> str:
    """The column's type (a key column has the type of what it points to)."""
    if field.is_relation:
        return field.target_field.get_internal_type()
    return field.get_internal_type()


def _formatter(field):
    """value as the database driver returns it → canonical text (None handled by the caller)."""
    kind = _kind(field)
    if kind == "BooleanField":
        return lambda v: "true" if v else "false"
    if kind == "DateTimeField":

        def fmt_dt(v):
            if isinstance(v, str):  # SQLite: naive UTC text
                v = dt.datetime.fromisoformat(v)
            if v.tzinfo is None:
                v = v.replace(tzinfo=dt.UTC)
            return v.astimezone(dt.UTC).isoformat()

        return fmt_dt
    if kind == "DateField":
        return lambda v: v if isinstance(v, str) else v.isoformat()
    if kind == "DecimalField":
        quantum = Decimal(1).scaleb(-field.decimal_places)
        return lambda v: str(Decimal(str(v)).quantize(quantum))
    if kind == "JSONField":
        return lambda v: json.dumps(
            json.loads(v) if isinstance(v, str) else v,
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )
    return str


def _converter(fields):
    """One function turning a database row into its CSV values, compiled per table: integers
    pass as they are (the csv writer prints them), text gets its escape inline, the rest goes
    through its formatter — a million rows cost no call per integer."""
    env: dict = {}
    exprs = []
    for i, f in enumerate(fields):
        kind, v = _kind(f), f"r[{i}]"
        if kind in INTEGER_KINDS:
            expr = v
        elif kind in TEXT_KINDS:
            expr = f"({v} if {v}[:1] != BS else BS + {v})"
        else:
            env[f"f{i}"] = _formatter(f)
            expr = f"f{i}({v})"
        exprs.append(expr if not f.null else f"(NULL if {v} is None else {expr})")
    env.update(NULL=NULL, BS="\\")
    return eval(f"lambda r: [{', '.join(exprs)}]", env)  # noqa: S307 - built from field kinds


def _rows(model):
    """The table's rows in id order as CSV values, fetched in batches (a named, server-side
    cursor on PostgreSQL, held by the caller's transaction)."""
    fields = _columns(model)
    convert = _converter(fields)
    cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    pk = connection.ops.quote_name(model._meta.pk.column)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.chunked_cursor() as cur:
        cur.execute(f"SELECT {cols} FROM {table} ORDER BY {pk}")
        while batch := cur.fetchmany(BATCH):
            yield from map(convert, batch)


def _write(out, model) -> int:
    """The table's header and rows through a csv writer; returns the rows written."""
    out.writerow([c.column for c in _columns(model)])
    count = 0
    write = out.writerow
    for row in _rows(model):
        write(row)
        count += 1
    return count


class _HashSink:
    def __init__(self):
        self.h = hashlib.sha256()

    def write(self, text: str) -> None:
        self.h.update(text.encode())


def books_digest() -> str:
    """The ledgers' digest (see the module's docstring) read from the database: each ledger
    table's CSV text hashed as the export writes it, without a file. Read inside the caller's
    consistent snapshot."""
    by_table = {m._meta.db_table: m for m in exported_models()}
    hashes = {}
    for table in DIGEST_TABLES:
        sink = _HashSink()
        _write(csv.writer(sink, lineterminator="\n"), by_table[table])
        hashes[table] = sink.h.hexdigest()
    return _combine(hashes)


def applied_migrations() -> dict:
    """The schema the rows belong to: applied migrations per app."""
    from django.db.migrations.recorder import MigrationRecorder

    out: dict = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        out.setdefault(app, []).append(name)
    return out


def write_export(folder: Path, progress=None) -> dict:
    """Write every table as CSV and the manifest into `folder` (new or empty); the caller holds a
    consistent read of the books (on PostgreSQL a transaction: the cursors are server-side). progress(table, done, total) is called after each table."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: export into a new folder")
    models = exported_models()
    tables: dict = {}
    for n, model in enumerate(models, 1):
        table = model._meta.db_table
        path = folder / f"{table}.csv"
        with open(path, "w", encoding="utf-8", newline="") as f:
            count = _write(csv.writer(f, lineterminator="\n"), model)
        tables[table] = {"file": path.name, "rows": count, "sha256": sha256_file(path)}
        if progress:
            progress(table, n, len(models))
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "database": connection.vendor,
        "migrations": applied_migrations(),
        "digest": _combine({t: tables[t]["sha256"] for t in DIGEST_TABLES}),
        "tables": tables,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest


def _combine(hashes: dict) -> str:
    """The books digest from the SHA-256 of each ledger table's CSV text."""
    h = hashlib.sha256()
    for table in DIGEST_TABLES:
        h.update(f"{table}\n{hashes[table]}\n".encode())
    return h.hexdigest()


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{MANIFEST} is missing in {folder}: not an OpenJXC export")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        tables = manifest["tables"]
        assert manifest["format"] == FORMAT and isinstance(tables, dict) and tables
        assert all({"file", "rows", "sha256"} <= set(t) for t in tables.values())
    except (OSError, ValueError, KeyError, TypeError, AssertionError):
        raise BackupError(f"{MANIFEST} is damaged or not an OpenJXC export manifest") from None
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{MANIFEST}: format version {manifest.get('format_version')} is not "
            f"{FORMAT_VERSION}; import it with the OpenJXC version that wrote it"
        )
    return manifest


def verify_export(folder: Path) -> dict:
    """The manifest, after checking that every table of these books has its file and every file
    its checksum; names the first file that is missing, foreign or altered."""
    manifest = read_manifest(folder)
    tables = manifest["tables"]
    known = {m._meta.db_table for m in exported_models()}
    for table in sorted(set(tables) - known):
        raise BackupError(f"{tables[table]['file']}: table {table} is not known to this version")
    for table in sorted(known - set(tables)):
        raise BackupError(f"{table}.csv is missing from the manifest")
    for table in sorted(tables):
        entry = tables[table]
        name = Path(entry["file"]).name  # never a path out of the folder
        if name != f"{table}.csv":
            raise BackupError(f"{MANIFEST}: {table} points to {entry['file']}")
        path = folder / name
        if not path.is_file():
            raise BackupError(f"{name} is missing")
        if sha256_file(path) != entry["sha256"]:
            raise BackupError(
                f"{name}: its sha256 does not match the manifest — the file is damaged or "
                "was altered"
            )
    return manifest
