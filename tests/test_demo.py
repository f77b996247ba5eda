"""`jxc init --demo` (what `make run` shows a new user): the demo books reconcile and have one
user per role who sees what the role allows."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from openjxc.closing.checks import reconcile
from openjxc.core.services import get_setting
from openjxc.documents.models import Document
from openjxc.users.masking import sees_cost
from openjxc.users.services import allowed_warehouse_ids, check_login


@pytest.mark.django_db
def test_demo_books_reconcile_and_have_a_user_per_role():
    from openjxc.setup import initialize

    initialize("admin", "admin123", dt.date(2026, 1, 1), demo=True)
    assert reconcile() == {"ok": True, "problems": []}
    assert get_setting("company_name") == "演示商贸有限公司"
    assert Document.objects.filter(status="approved").count() > 20
    assert Document.objects.filter(status="draft").count() == 1
    roles = {
        u.username: [g.name for g in u.groups.all()]
        for u in get_user_model().objects.exclude(username="admin")
    }
    assert roles == {
        "laoban": ["老板"],
        "caigou": ["采购"],
        "xiaoshou": ["销售"],
        "kuguan": ["库管"],
        "caiwu": ["财务"],
    }
    clerk = check_login("xiaoshou", "demo1234")
    assert not sees_cost(clerk) and sees_cost(check_login("laoban", "demo1234"))
    assert allowed_warehouse_ids(check_login("kuguan", "demo1234")) == {
        get_user_model().objects.get(username="kuguan").warehouse_access.get().warehouse_id
    }
