"""Drop the indexes that another index of the table already begins with (core/indexes.py)."""

import django.db.models.deletion
from django.db import migrations, models

from openjxc.core.indexes import drop_column_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0015_alter_document_type"),
        ("ledger", "0009_undistributed_profit"),
        ("partners", "0002_full_partner_records"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="openitem",
                    name="partner",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="partners.partner",
                    ),
                ),
                migrations.AlterField(
                    model_name="openitementry",
                    name="document",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="open_item_entries",
                        to="documents.document",
                    ),
                ),
                migrations.AlterField(
                    model_name="openitementry",
                    name="partner",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="partners.partner",
                    ),
                ),
                migrations.AlterField(
                    model_name="voucher",
                    name="document",
                    field=models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="documents.document",
                    ),
                ),
            ],
            database_operations=[
                drop_column_indexes(
                    [
                        ("ledger_openitem", "partner_id"),
                        ("ledger_openitementry", "document_id"),
                        ("ledger_openitementry", "partner_id"),
                        ("ledger_voucher", "document_id"),
                    ]
                )
            ],
        ),
    ]
