"""A migration operation that drops the index Django made for a column on its own (a foreign
key's, or `db_index=True`) when another index of the table begins with that column: every
insert paid for both, and the other one answers every look-up the first one did.

Only the database changes; the models say `db_index=False` and the migration's state
operations record it. Django's own AlterField would rebuild the whole table on SQLite (a copy
of every stock move) to drop an index."""

from django.db import migrations


def _names(schema_editor, table: str, column: str) -> list[str]:
    """The name Django gave the column's index, and its text-pattern twin on PostgreSQL."""
    name = schema_editor._create_index_name(table, [column])
    return [name, schema_editor._create_index_name(table, [column], suffix="_like")]


def drop_column_indexes(columns: list[tuple[str, str]]) -> migrations.RunPython:
    """columns: (table, column) pairs whose own index goes."""

    def forwards(apps, schema_editor):
        for table, column in columns:
            for name in _names(schema_editor, table, column):
                schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")

    def backwards(apps, schema_editor):
        for table, column in columns:
            name = _names(schema_editor, table, column)[0]
            q = schema_editor.quote_name
            schema_editor.execute(f"CREATE INDEX {q(name)} ON {q(table)} ({q(column)})")

    return migrations.RunPython(forwards, backwards)
