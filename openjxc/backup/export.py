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
from django.core.management.color import no_style
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


def _text(value) -> str:
    return "\\" + value if value.startswith("\\") else value


def _formatter(field):
    """value as the database driver returns it → canonical text (None handled by the caller)."""
    kind = field.get_internal_type()
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
    if kind in ("CharField", "TextField", "SlugField", "EmailField", "UUIDField"):
        return lambda v: _text(str(v))
    return str


def _rows(model):
    """The table's rows in id order as lists of canonical text, fetched in batches (a named,
    server-side cursor on PostgreSQL, held by the caller's transaction)."""
    fields = _columns(model)
    fmts = [_formatter(f) for f in fields]
    cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    pk = connection.ops.quote_name(model._meta.pk.column)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.chunked_cursor() as cur:
        cur.execute(f"SELECT {cols} FROM {table} ORDER BY {pk}")
        while batch := cur.fetchmany(BATCH):
            for row in batch:
                yield [NULL if v is None else f(v) for f, v in zip(fmts, row, strict=True)]


def _digest_update(h, row: list) -> None:
    h.update(("\x1f".join(row) + "\n").encode())


def books_digest() -> str:
    """SHA-256 over the ledgers' rows (see the module's docstring); read inside the caller's
    consistent snapshot."""
    by_table = {m._meta.db_table: m for m in exported_models()}
    digested = {t: hashlib.sha256() for t in DIGEST_TABLES}
    for table, h in digested.items():
        for row in _rows(by_table[table]):
            _digest_update(h, row)
    return _combine(digested)


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
    digested = {t: hashlib.sha256() for t in DIGEST_TABLES}
    for n, model in enumerate(models, 1):
        table = model._meta.db_table
        path = folder / f"{table}.csv"
        count = 0
        h = digested.get(table)
        with open(path, "w", encoding="utf-8", newline="") as f:
            out = csv.writer(f, lineterminator="\n")
            out.writerow([c.column for c in _columns(model)])
            for row in _rows(model):
                out.writerow(row)
                if h is not None:
                    _digest_update(h, row)
                count += 1
        tables[table] = {"file": path.name, "rows": count, "sha256": sha256_file(path)}
        if progress:
            progress(table, n, len(models))
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "database": connection.vendor,
        "migrations": applied_migrations(),
        "digest": _combine(digested),
        "tables": tables,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest


def _combine(digested: dict) -> str:
    """books_digest() from per-table hashers fed while the CSV files were written: the digest is
    defined per table and combined, so that export needs one pass over the rows."""
    h = hashlib.sha256()
    for table in DIGEST_TABLES:
        h.update(table.encode() + b"\n" + digested[table].hexdigest().encode() + b"\n")
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


def _loader(field):
    """canonical text → parameter for an INSERT on SQLite (PostgreSQL's COPY reads the text)."""
    kind = field.get_internal_type()
    if kind == "BooleanField":
        return lambda s: s == "true"
    if kind == "DateTimeField":
        return lambda s: connection.ops.adapt_datetimefield_value(dt.datetime.fromisoformat(s))
    return None


def _unescape(s: str):
    if s == NULL:
        return None
    return s[1:] if s.startswith("\\") else s


def clear_tables() -> None:
    """Empty every table (what migrate seeded) inside the caller's transaction."""
    tables = [m._meta.db_table for m in exported_models()]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # TRUNCATE refuses while deferred key checks of this transaction are pending
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")
            cur.execute(
                "TRUNCATE " + ", ".join(connection.ops.quote_name(t) for t in tables) + " CASCADE"
            )
        else:
            for t in tables:
                cur.execute(f"DELETE FROM {connection.ops.quote_name(t)}")


def load_export(folder: Path, manifest: dict, progress=None) -> dict:
    """Load every CSV file into the (emptied) tables inside the caller's transaction, check each
    file's row count against the manifest, and set the id sequences after the highest id.
    Returns rows per table."""
    models = exported_models()
    counts = {}
    with connection.cursor() as cur:
        for n, model in enumerate(models, 1):
            table = model._meta.db_table
            counts[table] = _load_table(cur, folder / f"{table}.csv", model)
            expected = manifest["tables"][table]["rows"]
            if counts[table] != expected:
                raise BackupError(
                    f"{table}.csv holds {counts[table]} rows, the manifest says {expected}"
                )
            if progress:
                progress(table, n, len(models))
        if connection.vendor == "postgresql":
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cur.execute(sql)
        else:
            _reset_sqlite_sequences(cur, models)
    return counts


def _load_table(cur, path: Path, model) -> int:
    fields = _columns(model)
    q = connection.ops.quote_name
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header != [c.column for c in fields]:
            raise BackupError(
                f"{path.name}: its columns are not those of table {model._meta.db_table}"
            )
        cols = ", ".join(q(c) for c in header)
        table = q(model._meta.db_table)
        count = 0
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in reader:
                    copy.write_row([_unescape(s) for s in row])
                    count += 1
            return count
        loaders = [_loader(fl) for fl in fields]
        sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(header))})"
        batch = []
        for row in reader:
            values = [_unescape(s) for s in row]
            batch.append(
                [
                    v if v is None or ld is None else ld(v)
                    for ld, v in zip(loaders, values, strict=True)
                ]
            )
            if len(batch) >= BATCH:
                cur.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cur.executemany(sql, batch)
            count += len(batch)
    return count


def _reset_sqlite_sequences(cur, models) -> None:
    """AUTOINCREMENT counters after the highest imported id (what migrate's seeding left counts
    for nothing)."""
    cur.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
    if not cur.fetchone():
        return
    for model in models:
        table = model._meta.db_table
        pk = connection.ops.quote_name(model._meta.pk.column)
        cur.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
        cur.execute(
            f"INSERT INTO sqlite_sequence (name, seq) SELECT %s, MAX({pk}) "
            f"FROM {connection.ops.quote_name(table)} HAVING MAX({pk}) IS NOT NULL",
            [table],
        )
