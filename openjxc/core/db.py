"""Set-based writes for the posting path: one statement for many rows.

executemany sends one statement per row to PostgreSQL (a network round trip each); a
multi-row INSERT and an UPDATE … FROM (VALUES …) send one. On SQLite both are equally fast."""

from django.db import connection

CHUNK = 500


def insert_rows(cur, table: str, columns: tuple[str, ...], rows: list) -> None:
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
    for n in range(0, len(rows), CHUNK):
        chunk = rows[n : n + CHUNK]
        cur.execute(head + ", ".join([one] * len(chunk)), [x for row in chunk for x in row])


def add_to_columns(
    cur,
    table: str,
    keys: tuple[str, ...],
    columns: tuple[str, ...],
    rows: list,
    casts: tuple[str, ...],
) -> None:
    """UPDATE table SET col = col + delta … for rows of (*key values, *deltas)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        sets = ", ".join(f"{c} = {c} + %s" for c in columns)
        where = " AND ".join(f"{k} = %s" for k in keys)
        cur.executemany(
            f"UPDATE {table} SET {sets} WHERE {where}",
            [(*row[len(keys) :], *row[: len(keys)]) for row in rows],
        )
        return
    names = keys + tuple(f"d_{c}" for c in columns)
    one = "(" + ", ".join(f"%s::{t}" for t in casts) + ")"
    sets = ", ".join(f"{c} = {table}.{c} + v.d_{c}" for c in columns)
    where = " AND ".join(f"{table}.{k} = v.{k}" for k in keys)
    cur.execute(
        f"UPDATE {table} SET {sets} FROM (VALUES {', '.join([one] * len(rows))}) AS v({', '.join(names)}) "
        f"WHERE {where}",
        [x for row in rows for x in row],
    )
