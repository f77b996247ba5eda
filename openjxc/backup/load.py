"""The import side of the open-format export (export.py): empty the new books' tables and load
the CSV files into them, inside the caller's transaction.

SQLite: the rows go in by batched executemany with the secondary indexes dropped first and
built again after (CREATE INDEX sorts once; maintaining a dozen indexes row by row cost most of
the time), foreign keys off during the load and `PRAGMA foreign_key_check` after it, so a
damaged export still cannot leave a dangling key. PostgreSQL: COPY … FROM STDIN reads the
canonical text as it is; its keys are deferred and checked at commit."""

import csv
import datetime as dt
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

from django.core.management.color import no_style
from django.db import connection

from .export import INTEGER_KINDS, NULL, TEXT_KINDS, _columns, _kind, exported_models
from .files import BackupError

BATCH = 5000


@contextmanager
def fast_load():
    """Around the import's transaction on SQLite: foreign keys off (checked by load_export),
    a large page cache, no fsync per commit (the books are new: a crash leaves a folder to
    throw away). PRAGMA foreign_keys does nothing inside a transaction, hence outside."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA foreign_keys = OFF")
        cur.execute("PRAGMA cache_size = -262144")  # 256 MB
        cur.execute("PRAGMA synchronous = OFF")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA synchronous = NORMAL")


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
    file's row count against the manifest and every key, and set the id sequences after the
    highest id. Returns rows per table."""
    models = exported_models()
    counts = {}
    with connection.cursor() as cur:
        indexes = _drop_indexes(cur, models) if connection.vendor == "sqlite" else []
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
            for sql in indexes:
                cur.execute(sql)
            _check_keys(cur)
            _reset_sqlite_sequences(cur, models)
    return counts


def _drop_indexes(cur, models) -> list[str]:
    """Drop the tables' own indexes (not those of UNIQUE constraints); their CREATE statements."""
    tables = [m._meta.db_table for m in models]
    marks = ", ".join(["%s"] * len(tables))
    cur.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks})",
        tables,
    )
    found = cur.fetchall()
    for name, _sql in found:
        cur.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [sql for _name, sql in found]


def _check_keys(cur) -> None:
    cur.execute("PRAGMA foreign_key_check")
    bad = cur.fetchone()
    if bad:
        table, rowid, parent, _fk = bad
        raise BackupError(
            f"{table}.csv: row {rowid} points to a row of {parent} that the export does not hold"
        )


def _sqlite_row(fields):
    """One function turning a CSV row into INSERT parameters for SQLite, compiled per table:
    integers and dates pass as text (the column's affinity stores them as before), text loses
    its escape, booleans and date-times become what Django writes."""
    env: dict = {"NULL": NULL, "BS": "\\"}
    exprs = []
    for i, f in enumerate(fields):
        kind, v = _kind(f), f"r[{i}]"
        if kind in INTEGER_KINDS or kind in ("DateField", "DecimalField", "JSONField"):
            expr = v
        elif kind in TEXT_KINDS:
            expr = f"({v} if {v}[:1] != BS else {v}[1:])"
        elif kind == "BooleanField":
            expr = f"({v} == 'true')"
        elif kind == "DateTimeField":
            env[f"f{i}"] = lambda s: connection.ops.adapt_datetimefield_value(
                dt.datetime.fromisoformat(s)
            )
            expr = f"f{i}({v})"
        else:
            env[f"f{i}"] = lambda s: s[1:] if s[:1] == "\\" else s
            expr = f"f{i}({v})"
        exprs.append(f"(None if {v} == NULL else {expr})" if f.null else expr)
    return eval(f"lambda r: [{', '.join(exprs)}]", env)  # noqa: S307 - built from field kinds


def _copy_row(row: list) -> list:
    return [None if s == NULL else (s[1:] if s[:1] == "\\" else s) for s in row]


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
                    if len(row) != len(header):
                        raise BackupError(f"{path.name}: a row has not {len(header)} columns")
                    copy.write_row(_copy_row(row))
                    count += 1
            return count
        convert = _sqlite_row(fields)
        sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['?'] * len(header))})"
        raw = cur.cursor  # the sqlite3 cursor: Django's wrapper would rewrite %s per batch
        width = len(header)
        while rows := list(islice(reader, BATCH)):
            if any(len(r) != width for r in rows):
                raise BackupError(f"{path.name}: a row has not {width} columns")
            raw.executemany(sql, [convert(r) for r in rows])
            count += len(rows)
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
