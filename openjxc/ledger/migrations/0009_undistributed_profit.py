"""Books made before issue 12 get 310401 利润分配—未分配利润, where closing the year's last
period moves 3103 本年利润. New books get it from the chart seeded at init (ledger/chart.py)."""

from django.db import migrations


def add_account(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    AccountBalance = apps.get_model("ledger", "AccountBalance")
    parent = Account.objects.filter(code="3104").first()
    if parent is None:  # no chart yet: init seeds the whole chart
        return
    account, _ = Account.objects.get_or_create(
        code="310401",
        defaults={"name": "未分配利润", "category": "equity", "direction": "credit", "parent": parent},
    )
    AccountBalance.objects.get_or_create(account=account)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0008_account_mapping")]

    operations = [migrations.RunPython(add_account, migrations.RunPython.noop)]
