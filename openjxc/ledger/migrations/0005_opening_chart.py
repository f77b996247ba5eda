"""Books made before the 期初 work get the balance-sheet accounts of 小企业会计准则 that opening
balances are typed into, and 3999 期初余额差额 (the other side of every opening balance). New
books get them from the chart seeded at init (ledger/chart.py)."""

from django.db import migrations

# code, name, category, normal side (none of them has a parent)
ACCOUNTS = [
    ("1101", "短期投资", "asset", "debit"),
    ("1121", "应收票据", "asset", "debit"),
    ("1131", "应收股利", "asset", "debit"),
    ("1132", "应收利息", "asset", "debit"),
    ("1403", "原材料", "asset", "debit"),
    ("1411", "周转材料", "asset", "debit"),
    ("1501", "长期债券投资", "asset", "debit"),
    ("1511", "长期股权投资", "asset", "debit"),
    ("1601", "固定资产", "asset", "debit"),
    ("1602", "累计折旧", "asset", "credit"),
    ("1604", "在建工程", "asset", "debit"),
    ("1701", "无形资产", "asset", "debit"),
    ("1702", "累计摊销", "asset", "credit"),
    ("1801", "长期待摊费用", "asset", "debit"),
    ("2001", "短期借款", "liability", "credit"),
    ("2201", "应付票据", "liability", "credit"),
    ("2211", "应付职工薪酬", "liability", "credit"),
    ("2231", "应付利息", "liability", "credit"),
    ("2232", "应付利润", "liability", "credit"),
    ("2241", "其他应付款", "liability", "credit"),
    ("2501", "长期借款", "liability", "credit"),
    ("2701", "长期应付款", "liability", "credit"),
    ("3001", "实收资本", "equity", "credit"),
    ("3002", "资本公积", "equity", "credit"),
    ("3101", "盈余公积", "equity", "credit"),
    ("3999", "期初余额差额", "equity", "credit"),
]


def add_accounts(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    AccountBalance = apps.get_model("ledger", "AccountBalance")
    if not Account.objects.exists():  # no chart yet: init seeds the whole chart
        return
    for code, name, category, direction in ACCOUNTS:
        account, _ = Account.objects.get_or_create(
            code=code, defaults={"name": name, "category": category, "direction": direction}
        )
        AccountBalance.objects.get_or_create(account=account)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_openitem_due_date")]

    operations = [migrations.RunPython(add_accounts, migrations.RunPython.noop)]
