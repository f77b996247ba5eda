"""Expense and income types (费用类型), each mapped to its own profit-and-loss sub-account. Books
made before them get the default types and their sub-accounts here; new books get them from the
chart seeded at init (ledger/expense_types.py `seed_expense_types`, whose list this copies)."""

import django.db.models.deletion
from django.db import migrations, models

# code, name, kind, parent account — sub-accounts numbered in this order under each parent
DEFAULTS = [
    ("YF", "运费", "expense", "5601"),
    ("GGF", "广告费", "expense", "5601"),
    ("FZ", "房租", "expense", "5602"),
    ("SDF", "水电费", "expense", "5602"),
    ("BGF", "办公费", "expense", "5602"),
    ("GZ", "工资", "expense", "5602"),
    ("SXF", "手续费", "expense", "5603"),
    ("LX", "利息", "expense", "5603"),
    ("ZJSR", "租金收入", "income", "5051"),
    ("QTSR", "其他收入", "income", "5051"),
    ("FKSR", "罚款收入", "income", "5301"),
]


def add_types(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    AccountBalance = apps.get_model("ledger", "AccountBalance")
    ExpenseType = apps.get_model("ledger", "ExpenseType")
    if not Account.objects.exists():  # no chart yet: init seeds the chart and the types
        return
    for code, name, kind, parent_code in DEFAULTS:
        if ExpenseType.objects.filter(code=code).exists():
            continue
        parent = Account.objects.get(code=parent_code)
        taken = set(Account.objects.filter(parent=parent).values_list("code", flat=True))
        sub = next(f"{parent_code}{n:02d}" for n in range(1, 100) if f"{parent_code}{n:02d}" not in taken)
        account = Account.objects.create(
            code=sub,
            name=name,
            category=parent.category,
            direction=parent.direction,
            parent=parent,
        )
        AccountBalance.objects.create(account=account)
        ExpenseType.objects.create(code=code, name=name, kind=kind, account=account)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_opening_chart")]

    operations = [
        migrations.CreateModel(
            name="ExpenseType",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.CharField(max_length=64, unique=True)),
                ("name", models.CharField(max_length=100)),
                ("kind", models.CharField(max_length=10)),
                ("active", models.BooleanField(default=True)),
                (
                    "account",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="ledger.account",
                    ),
                ),
            ],
        ),
        migrations.RunPython(add_types, migrations.RunPython.noop),
    ]
