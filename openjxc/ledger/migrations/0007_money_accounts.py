"""结算账户: money accounts, each posting to its own GL account. Existing books get the three
money accounts 1001 现金, 1002 银行存款 and 1012 其他货币资金 on the GL accounts of the same code,
so documents naming "1002" post as before. New books get them when the chart is seeded."""

import django.db.models.deletion
from django.db import migrations, models

SEEDED = [("1001", "现金", "cash"), ("1002", "银行存款", "bank"), ("1012", "其他货币资金", "other")]


def seed_money_accounts(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    MoneyAccount = apps.get_model("ledger", "MoneyAccount")
    for code, name, kind in SEEDED:
        account = Account.objects.filter(code=code).first()
        if account is not None:  # no chart yet: init seeds it with its money accounts
            MoneyAccount.objects.get_or_create(
                code=code, defaults={"name": name, "kind": kind, "account": account}
            )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0006_expense_types")]

    operations = [
        migrations.CreateModel(
            name="MoneyAccount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=20, unique=True)),
                ("name", models.CharField(max_length=100)),
                ("kind", models.CharField(max_length=10)),
                ("bank_name", models.CharField(blank=True, default="", max_length=100)),
                ("account_no", models.CharField(blank=True, default="", max_length=64)),
                ("active", models.BooleanField(default=True)),
                (
                    "account",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="money_account",
                        to="ledger.account",
                    ),
                ),
            ],
        ),
        migrations.RunPython(seed_money_accounts, migrations.RunPython.noop),
    ]
