"""Drop the indexes that another index of the table already begins with (core/indexes.py)."""

import django.db.models.deletion
from django.db import migrations, models

from openjxc.core.indexes import drop_column_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0007_tracking"),
        ("partners", "0002_full_partner_records"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="itemunit",
                    name="item",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="units",
                        to="catalog.item",
                    ),
                ),
                migrations.AlterField(
                    model_name="levelprice",
                    name="item",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="level_prices",
                        to="catalog.item",
                    ),
                ),
                migrations.AlterField(
                    model_name="pricelistentry",
                    name="partner",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="partners.partner",
                    ),
                ),
            ],
            database_operations=[
                drop_column_indexes(
                    [
                        ("catalog_itemunit", "item_id"),
                        ("catalog_levelprice", "item_id"),
                        ("catalog_pricelistentry", "partner_id"),
                    ]
                )
            ],
        ),
    ]
