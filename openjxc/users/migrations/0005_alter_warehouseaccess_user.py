"""Drop the indexes that another index of the table already begins with (core/indexes.py)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from openjxc.core.indexes import drop_column_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0004_add_master_data_permissions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="warehouseaccess",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="warehouse_access",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[drop_column_indexes([("users_warehouseaccess", "user_id")])],
        ),
    ]
