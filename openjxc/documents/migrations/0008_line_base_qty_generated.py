"""多单位: a line's base quantity is computed by the database from qty and unit_factor (it was a
plain column, backfilled = qty by 0005, never written since), so that it can never disagree."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0007_origin_date"),
    ]

    operations = [
        migrations.RemoveField(model_name="documentline", name="base_qty"),
        migrations.AddField(
            model_name="documentline",
            name="base_qty",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.F("qty") * models.F("unit_factor") / 10000,
                output_field=models.BigIntegerField(),
            ),
        ),
    ]
