"""Creating a new set of books: schema, chart of accounts, go-live date, admin user, demo data."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone


class AlreadyInitialized(Exception):
    pass


def is_initialized() -> bool:
    if "core_setting" not in connection.introspection.table_names():
        return False
    from openjxc.core.services import get_setting

    return get_setting("initialized") is not None


def initialize(
    admin_user: str, admin_password: str, start: dt.date | None, demo: bool = False
) -> None:
    if is_initialized():
        raise AlreadyInitialized("this database already holds a set of books")
    call_command("migrate", verbosity=0, interactive=False)
    from openjxc.core.services import set_setting
    from openjxc.ledger.services import seed_chart

    start = start or timezone.localdate().replace(day=1)
    with transaction.atomic():
        seed_chart()
        set_setting("start_date", start.isoformat())
        set_setting("settlement_cycle", "monthly")
        set_setting("company_name", "演示商贸有限公司" if demo else "我的公司")
        user = get_user_model().objects.create_superuser(admin_user, "", admin_password)
        set_setting("initialized", timezone.now().isoformat())
    if demo:
        from openjxc.demo import load_demo

        load_demo(user, start)
