"""Drop the indexes that another index of the table already begins with (core/indexes.py)."""

from django.db import migrations, models

from openjxc.core.indexes import drop_column_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0014_correction"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="document",
                    name="type",
                    field=models.CharField(max_length=32),
                ),
            ],
            database_operations=[drop_column_indexes([("documents_document", "type")])],
        ),
    ]
