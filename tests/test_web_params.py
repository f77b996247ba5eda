"""The pages' request parameters (web/params.py): dates and ranges with the registered errors,
the warehouse among a user's."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import RequestFactory

from openjxc.core.errors import DomainError
from openjxc.inventory.models import Warehouse
from openjxc.users.models import WarehouseAccess
from openjxc.web import params


def get(user=None, **query):
    request = RequestFactory().get("/", query)
    request.user = user
    return request


def keeper(*codes):
    u = get_user_model().objects.create_user("keeper", password="pw-123456")
    u.groups.add(Group.objects.get(name="库管"))
    for code in codes:
        WarehouseAccess.objects.create(user=u, warehouse=Warehouse.objects.get(code=code))
    return u


def refusal(call) -> tuple:
    with pytest.raises(DomainError) as refused:
        call()
    return refused.value.code, refused.value.details.get("field")


def test_dates_and_ranges():
    default = dt.date(2026, 3, 9)
    assert params.date_param(get(date="2026-03-01"), "date", default) == dt.date(2026, 3, 1)
    assert params.date_param(get(date=""), "date", default) == default
    assert params.optional_date_param(get(), "from") is None
    assert params.optional_date_param(get(to=" 2026-03-31 "), "to") == dt.date(2026, 3, 31)
    # a malformed date, one outside 1900–2999, a range ending before it starts
    assert refusal(lambda: params.date_param(get(date="2026-13-01"), "date", default)) == (
        "invalid_date",
        "date",
    )
    assert refusal(lambda: params.optional_date_param(get(to="20260301"), "to")) == (
        "invalid_date",
        "to",
    )
    assert refusal(lambda: params.optional_date_param(get(to="9999-12-31"), "to")) == (
        "invalid",
        "to",
    )
    assert refusal(
        lambda: params.period_param(get(**{"from": "2026-03-02", "to": "2026-03-01"}))
    ) == ("invalid_range", "to")
    assert params.period_param(get(**{"from": "2026-03-01", "to": "2026-03-31"})) == (
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 31),
    )
    first, last = params.period_param(get())
    assert (first, last) == params.this_month() and first.day == 1
    assert params.wants_xlsx(get(format="xlsx")) and not params.wants_xlsx(get())


def test_the_warehouse_among_the_users(user):
    k = keeper("WH2")
    # an unrestricted user: any warehouse, or none
    choices, restricted, chosen = params.warehouse_choice(get(user, warehouse="WH1"), True)
    assert ([w.code for w in choices], restricted, chosen.code) == (["WH1", "WH2"], False, "WH1")
    assert params.warehouse_choice(get(user), True)[2] is None
    # a keeper: his own; asking for another gives his when the page needs one, else none
    choices, restricted, chosen = params.warehouse_choice(get(k, warehouse="WH1"), True)
    assert ([w.code for w in choices], restricted, chosen.code) == (["WH2"], True, "WH2")
    assert params.warehouse_choice(get(k, warehouse="WH1"), False)[2] is None
    # a warehouse named outright: forbidden when it is not his; unknown is none
    assert params.warehouse_param(get(k, warehouse="WH2")).code == "WH2"
    assert params.warehouse_param(get(k, warehouse="NOPE")) is None
    with pytest.raises(DomainError) as refused:
        params.warehouse_param(get(k, warehouse="WH1"))
    assert (refused.value.code, refused.value.details) == ("forbidden", {"warehouse": "WH1"})
