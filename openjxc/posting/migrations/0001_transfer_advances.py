"""Books from before advances (预收 / 预付) move each money document's unallocated amount from
1122 / 2202 to 2203 / 1123 with an appended voucher (posting/advances.py); nothing is rewritten."""

from django.db import migrations


def forwards(apps, schema_editor):
    from openjxc.posting.advances import transfer_advances

    transfer_advances()


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0009_undistributed_profit"),
        ("documents", "0010_fund_transfer"),
        ("core", "0002_code_counter"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
