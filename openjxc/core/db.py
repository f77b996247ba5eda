"""Set-based writes for the posting path: one statement for many rows.

executemany sends one statement per row to PostgreSQL (a network round trip each); a
multi-row INSERT and an UPDATE … FROM (VALUES …) send one. On SQLite both are equally fast."""

import inspect

from django.db import connection
from django.db.models import Model, signals
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute

CHUNK = 500


def insert_rows(cur, table: str, columns: tuple[str, ...], rows: list) -> None:
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
    for n in range(0, len(rows), CHUNK):
        chunk = rows[n : n + CHUNK]
        cur.execute(head + ", ".join([one] * len(chunk)), [x for row in chunk for x in row])


def insert_tuples(cur, table: str, columns: tuple[str, ...], rows) -> None:
    """Many rows (tuples in column order) into one table: COPY on PostgreSQL (no SQL text and
    no quoting of values into it: executemany is a round trip per row, a multi-row VALUES or
    an unnest of arrays is quoted by the client), one prepared statement run per row on SQLite,
    its fastest way."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        with cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def insert_models(model, rows: list[dict], returning: str | None = None) -> list[tuple]:
    """Insert rows ({field attname: value}, every row the same fields) into model's table by
    multi-row INSERTs of CHUNK rows: the ORM's bulk_create without its per-value machinery,
    which cost a master-data import more than its data. The columns not given take their model
    default (auto_now / auto_now_add: now), so a column added later with a default needs no
    change here. Values go to the driver as they are (text, int, bool, Decimal, None); date,
    time and JSON fields are prepared by their field. With `returning` (a unique column), the
    (id, that column) of every row inserted."""
    from django.db.models import DateField, JSONField, TimeField
    from django.utils import timezone

    if not rows:
        return []
    given = list(rows[0])
    fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
    const = []
    for name, f in fields.items():
        if name in given:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = timezone.now()
        else:
            value = f.get_default()
        const.append((f.column, f.get_db_prep_save(value, connection)))
    prepared = [
        (n, fields[n].get_db_prep_save)
        for n in given
        if isinstance(fields[n], DateField | TimeField | JSONField)
    ]
    qn = connection.ops.quote_name
    columns = [qn(fields[n].column) for n in given] + [qn(c) for c, _v in const]
    tail = [v for _c, v in const]
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    head = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(columns)}) VALUES "
    back = f" RETURNING {qn(model._meta.pk.column)}, {qn(returning)}" if returning else ""
    if connection.vendor == "postgresql":
        return _insert_unnest(model, fields, given, const, rows, returning)
    out = []
    with connection.cursor() as cur:
        for n in range(0, len(rows), CHUNK):
            params = []
            for row in rows[n : n + CHUNK]:
                for name, prep in prepared:
                    row = {**row, name: prep(row[name], connection)}
                params += [row[g] for g in given]
                params += tail
            cur.execute(head + ", ".join([one] * (len(params) // len(columns))) + back, params)
            if returning:
                out += cur.fetchall()
    return out


def _insert_unnest(model, fields, given, const, rows, returning) -> list[tuple]:
    """PostgreSQL: INSERT … SELECT FROM unnest(one array per column), as Django 5.2's bulk_create
    does — one placeholder per column, where a multi-row VALUES has one per value, which psycopg
    parses with a regex on every statement (most of an import's time). JSON goes as text."""
    import json

    from django.db.models import JSONField

    qn = connection.ops.quote_name
    names = given + [c for c, _v in const]
    columns, casts, params = [], [], []
    for name in given:
        f = fields[name]
        columns.append(qn(f.column))
        if isinstance(f, JSONField):
            casts.append("jsonb[]")
            values = [None if r[name] is None else json.dumps(r[name], cls=f.encoder) for r in rows]
        else:
            casts.append(f"{f.db_type(connection)}[]")
            values = [r[name] for r in rows]
        params.append(values)
    for column, value in const:
        f = next(x for x in fields.values() if x.column == column)
        columns.append(qn(column))
        casts.append("jsonb[]" if isinstance(f, JSONField) else f"{f.db_type(connection)}[]")
        params.append([value] * len(rows))
    assert len(names) == len(columns)
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT * FROM unnest({', '.join(f'%s::{c}' for c in casts)})"
    )
    if returning:
        sql += f" RETURNING {qn(model._meta.pk.column)}, {qn(returning)}"
    out = []
    with connection.cursor() as cur:
        for n in range(0, len(rows), 5000):
            cur.execute(sql, [values[n : n + 5000] for values in params])
            if returning:
                out += cur.fetchall()
    return out


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


def load(model, where: str, params: list, related: tuple[str, ...] = ()) -> list:
    """Model instances from one plain SELECT: Model.from_db, no queryset machinery (building an
    ORM query costs more than running it on the hot paths — approval, the token check, reading a
    document back). `related` names foreign keys to join, as select_related would: their objects
    are cached on each instance. The main table keeps its name, so `where` may qualify a column
    with it when a join makes the name ambiguous."""
    head, parts = _plan(model, related)
    with connection.cursor() as cur:
        cur.execute(f"{head} {where}", params)
        rows = cur.fetchall()
    alias = connection.alias
    makers = [_plain if plain and not _observed(m) else None for m, *_, plain in parts]
    out = []
    for row in rows:
        objs = []
        for (rel_model, names, convs, start, stop, pk, field, _), make in zip(
            parts, makers, strict=True
        ):
            values = list(row[start:stop])
            if field is not None and values[pk] is None:  # a null foreign key
                field.set_cached_value(objs[0], None)
                objs.append(None)
                continue
            for n, col, fns in convs:
                for fn in fns:
                    values[n] = fn(values[n], col, connection)
            if make is None:
                obj = rel_model.from_db(alias, names, values)
            else:
                obj = make(rel_model, names, values, alias)
            if field is not None:
                field.set_cached_value(objs[0], obj)
            objs.append(obj)
        out.append(objs[0])
    return out


_PLANS: dict = {}


def _plan(model, related: tuple[str, ...]) -> tuple:
    """The SELECT … FROM … JOIN of load() and how to cut its rows into instances (cached)."""
    key = (model, related, connection.vendor)
    if key in _PLANS:
        return _PLANS[key]
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    sources = [(model, table, None)] + [
        (f.related_model, f"r{n}", f)
        for n, f in enumerate(model._meta.get_field(name) for name in related)
    ]
    cols, joins, parts = [], [], []
    for rel_model, alias, field in sources:
        fields = rel_model._meta.concrete_fields
        convs = []
        for n, f in enumerate(fields):
            col = f.get_col(alias)
            fns = connection.ops.get_db_converters(col) + f.get_db_converters(connection)
            if fns:
                convs.append((n, col, fns))
        names = [f.attname for f in fields]
        pk = names.index(rel_model._meta.pk.attname)
        start, stop = len(cols), len(cols) + len(fields)
        parts.append((rel_model, names, convs, start, stop, pk, field, _is_plain(rel_model)))
        cols += [f"{alias}.{qn(f.column)}" for f in fields]
        if field is not None:
            target, key_col = qn(rel_model._meta.db_table), qn(rel_model._meta.pk.column)
            joins.append(
                f"LEFT JOIN {target} {alias} ON {alias}.{key_col} = {table}.{qn(field.column)}"
            )
    head = f"SELECT {', '.join(cols)} FROM {table} {' '.join(joins)}"
    _PLANS[key] = head, parts
    return head, parts


def _is_plain(model) -> bool:
    """Whether Model.from_db of model only stores each value under its attribute name: no own
    __init__ or from_db, and no field whose descriptor does more than store the value (a foreign
    key's only clears a cached object, which a new instance does not have)."""
    if model.__init__ is not Model.__init__ or model.from_db.__func__ is not Model.from_db.__func__:
        return False
    plain = (DeferredAttribute, ForeignKeyDeferredAttribute)
    return all(
        type(inspect.getattr_static(model, f.attname, None)) in plain
        for f in model._meta.concrete_fields
    )


def _observed(model) -> bool:
    """A receiver of pre_init or post_init must see every instance made (asked per load: one may
    connect at any time)."""
    return signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model)


def _plain(model, names: list[str], values: list, alias: str):
    """What Model.from_db(alias, names, values) makes for a plain model (_is_plain) and all its
    fields, without Model.__init__'s per-field setattr and its two signals sent to no one: ~6 µs
    less per instance, and approving a 5-line document reads about 25 of them."""
    obj = model.__new__(model)
    obj._state = state = ModelState()
    state.adding, state.db = False, alias
    obj.__dict__.update(zip(names, values, strict=True))
    return obj
