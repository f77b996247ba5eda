"""Drop the indexes that another index of the table already begins with (core/indexes.py)."""

import django.db.models.deletion
from django.db import migrations, models

from openjxc.core.indexes import drop_column_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("closing", "0001_initial"),
        ("ledger", "0009_undistributed_profit"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="stocksnapshot",
                    name="period",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="ledger.period",
                    ),
                ),
            ],
            database_operations=[drop_column_indexes([("closing_stocksnapshot", "period_id")])],
        ),
    ]
