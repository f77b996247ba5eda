"""No index of the books repeats the leading columns of another index of its table: every row
written pays for each index, and the longer one answers every look-up the shorter one would
(core/indexes.py). Read from the migrated test database, on SQLite and PostgreSQL alike."""

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db

OURS = "openjxc."


def indexes_of(table: str) -> dict[str, tuple[tuple[str, ...], bool]]:
    """name → (columns, unique or primary key) of the table's indexes, as the database has them
    (PostgreSQL's text-pattern twins of an index are the same columns for other look-ups)."""
    with connection.cursor() as cur:
        found = connection.introspection.get_constraints(cur, table)
    return {
        name: (tuple(c["columns"]), bool(c["unique"] or c["primary_key"]))
        for name, c in found.items()
        if (c["index"] or c["unique"] or c["primary_key"])
        and not c["foreign_key"]
        and not c["check"]
        and not name.endswith("_like")
    }


def covered(indexes: dict) -> list[str]:
    """The non-unique indexes whose columns begin another index of the same table."""
    out = []
    for name, (columns, unique) in indexes.items():
        if unique:
            continue
        for other, (longer, other_unique) in indexes.items():
            if other == name or longer[: len(columns)] != columns:
                continue
            if len(longer) > len(columns) or other_unique or other < name:
                out.append(f"{name} {columns} ⊆ {other} {longer}")
                break
    return out


def test_no_index_repeats_the_leading_columns_of_another():
    tables = sorted({m._meta.db_table for m in apps.get_models() if m.__module__.startswith(OURS)})
    assert len(tables) > 40
    found = [f"{t}: {line}" for t in tables for line in covered(indexes_of(t))]
    assert found == []


def test_the_check_sees_a_repeated_and_a_covered_index():
    indexes = {
        "move_key": (("item_id", "warehouse_id", "date"), False),
        "move_item": (("item_id",), False),  # the leading column of move_key
        "doc_a": (("document_id",), False),
        "doc_b": (("document_id",), False),  # the same columns twice: one is reported
        "uniq": (("code",), True),
        "code_idx": (("code",), False),  # covered by the unique one
        "date": (("date",), False),
    }
    assert covered(indexes) == [
        "move_item ('item_id',) ⊆ move_key ('item_id', 'warehouse_id', 'date')",
        "doc_b ('document_id',) ⊆ doc_a ('document_id',)",
        "code_idx ('code',) ⊆ uniq ('code',)",
    ]
