"""A fund transfer (转账单) names the money account receiving it and the fee it costs."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0009_account_line_expense"),
        ("ledger", "0007_money_accounts"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="to_account",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="ledger.account",
            ),
        ),
        migrations.AddField(
            model_name="document",
            name="fee",
            field=models.BigIntegerField(default=0),
        ),
    ]
