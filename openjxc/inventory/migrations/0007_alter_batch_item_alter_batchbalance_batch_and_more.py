"""Drop the indexes that another index of the table already begins with (core/indexes.py)."""

import django.db.models.deletion
from django.db import migrations, models

from openjxc.core.indexes import drop_column_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0008_alter_itemunit_item_alter_levelprice_item_and_more"),
        ("documents", "0015_alter_document_type"),
        ("inventory", "0006_stock_limits"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="batch",
                    name="item",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="catalog.item",
                    ),
                ),
                migrations.AlterField(
                    model_name="batchbalance",
                    name="batch",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="inventory.batch",
                    ),
                ),
                migrations.AlterField(
                    model_name="batchbalance",
                    name="item",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="catalog.item",
                    ),
                ),
                migrations.AlterField(
                    model_name="batchmove",
                    name="batch",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="inventory.batch",
                    ),
                ),
                migrations.AlterField(
                    model_name="batchmove",
                    name="document",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="documents.document",
                    ),
                ),
                migrations.AlterField(
                    model_name="batchmove",
                    name="item",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="catalog.item",
                    ),
                ),
                migrations.AlterField(
                    model_name="countsheet",
                    name="document",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="count_sheets",
                        to="documents.document",
                    ),
                ),
                migrations.AlterField(
                    model_name="countsheetline",
                    name="sheet",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="lines",
                        to="inventory.countsheet",
                    ),
                ),
                migrations.AlterField(
                    model_name="reservationentry",
                    name="line",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="documents.documentline",
                    ),
                ),
                migrations.AlterField(
                    model_name="serialmove",
                    name="document",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="documents.document",
                    ),
                ),
                migrations.AlterField(
                    model_name="serialstock",
                    name="item",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="catalog.item",
                    ),
                ),
                migrations.AlterField(
                    model_name="stockbalance",
                    name="item",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="catalog.item",
                    ),
                ),
                migrations.AlterField(
                    model_name="stocklimit",
                    name="item",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="catalog.item",
                    ),
                ),
                migrations.AlterField(
                    model_name="stockmove",
                    name="anchor",
                    field=models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="inventory.stockmove",
                    ),
                ),
                migrations.AlterField(
                    model_name="stockmove",
                    name="document",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="documents.document",
                    ),
                ),
                migrations.AlterField(
                    model_name="stockmove",
                    name="item",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="catalog.item",
                    ),
                ),
                migrations.AlterField(
                    model_name="stockmove",
                    name="source_move",
                    field=models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="inventory.stockmove",
                    ),
                ),
            ],
            database_operations=[
                drop_column_indexes(
                    [
                        ("inventory_batch", "item_id"),
                        ("inventory_batchbalance", "batch_id"),
                        ("inventory_batchbalance", "item_id"),
                        ("inventory_batchmove", "batch_id"),
                        ("inventory_batchmove", "document_id"),
                        ("inventory_batchmove", "item_id"),
                        ("inventory_countsheet", "document_id"),
                        ("inventory_countsheetline", "sheet_id"),
                        ("inventory_reservationentry", "line_id"),
                        ("inventory_serialmove", "document_id"),
                        ("inventory_serialstock", "item_id"),
                        ("inventory_stockbalance", "item_id"),
                        ("inventory_stocklimit", "item_id"),
                        ("inventory_stockmove", "anchor_id"),
                        ("inventory_stockmove", "document_id"),
                        ("inventory_stockmove", "item_id"),
                        ("inventory_stockmove", "source_move_id"),
                    ]
                )
            ],
        ),
    ]
