"""费用单 / 其他收入单 lines are account lines with an expense type, a VAT rate and its tax."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0008_line_base_qty_generated'),
        ('ledger', '0006_expense_types'),
    ]

    operations = [
        migrations.AddField(
            model_name='accountline',
            name='expense_type',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.expensetype'),
        ),
        migrations.AddField(
            model_name='accountline',
            name='tax',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='accountline',
            name='tax_rate',
            field=models.DecimalField(decimal_places=4, max_digits=6, null=True),
        ),
    ]
