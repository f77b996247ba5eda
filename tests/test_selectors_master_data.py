"""Named reads of items, partners and warehouses, the warehouses a user may use, and the stock
balance page's read (inventory.selectors.stock_report)."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from openjxc.catalog.selectors import (
    find_item,
    item_choices,
    item_codes,
    item_names,
    items_by_code,
    matching_codes,
    search_items,
)
from openjxc.catalog.services import set_item_active
from openjxc.core.errors import DomainError
from openjxc.inventory.models import Warehouse
from openjxc.inventory.selectors import (
    active_warehouses,
    all_warehouses,
    find_warehouse,
    stock_report,
    user_warehouses,
    warehouse_codes,
    warehouse_names,
    warehouse_scope,
)
from openjxc.inventory.services import create_warehouse, update_warehouse
from openjxc.partners.selectors import find_partner, search_partners
from openjxc.partners.services import create_partner
from openjxc.users.models import WarehouseAccess
from tests.factories import doc


def keeper(*codes):
    u = get_user_model().objects.create_user("keeper", password="pw-123456")
    u.groups.add(Group.objects.get(name="库管"))
    for code in codes:
        WarehouseAccess.objects.create(user=u, warehouse=Warehouse.objects.get(code=code))
    return u


def test_item_reads(user):
    # given: A003 no longer used
    set_item_active(user, "A003", False)
    ids = {i.code: i.id for i in search_items(None)}
    # then
    assert [i.code for i in search_items("商品", active_only=True)] == ["A001", "A002"]
    assert [i.code for i in search_items("a00")] == ["A001", "A002", "A003"]
    assert find_item("A002").code == "A002"  # the code
    assert find_item("商品").code == "A001"  # else the first a search finds
    assert find_item("") is None and find_item("zzz") is None
    assert set(items_by_code(["A001", "A001", "X"])) == {"A001"}
    assert item_codes([ids["A001"], ids["A003"]]) == {ids["A001"]: "A001", ids["A003"]: "A003"}
    assert item_names(["A002"]) == {"A002": "商品A002"}
    assert matching_codes("a00", 2) == {"A001", "A002"}
    assert item_choices(5) == [("A001", "商品A001"), ("A002", "商品A002")]


def test_partner_reads(user):
    # given: a second customer found by its phone
    create_partner(user, "customer", {"code": "C002", "name": "客户二", "phone": "13800001111"})
    # then
    assert [p.code for p in search_partners("customer")] == ["C001", "C002"]
    assert [p.code for p in search_partners("customer", "0000111")] == ["C002"]
    assert [p.code for p in search_partners("customer", "客户一")] == ["C001"]
    assert [p.code for p in search_partners("supplier", active_only=True)] == ["S001"]
    assert find_partner("customer", "C002").name == "客户二"
    assert find_partner("supplier", "C002") is None and find_partner("customer", None) is None


def test_warehouses_a_user_may_use(user):
    # given: WH3 out of use, a keeper of WH2
    create_warehouse(user, {"code": "WH3", "name": "仓库WH3"})
    update_warehouse(user, "WH3", {"name": "仓库WH3", "active": False})
    k = keeper("WH2")
    wh = {w.code: w for w in all_warehouses()}
    # then
    assert [w.code for w in all_warehouses()] == ["WH1", "WH2", "WH3"]
    assert [w.code for w in active_warehouses()] == ["WH1", "WH2"]
    assert [w.code for w in user_warehouses(user)] == ["WH1", "WH2", "WH3"]
    assert [w.code for w in user_warehouses(user, active_only=True)] == ["WH1", "WH2"]
    assert [w.code for w in user_warehouses(k)] == ["WH2"]
    assert find_warehouse("WH2") == wh["WH2"] and find_warehouse(None) is None
    assert warehouse_codes([wh["WH1"].id]) == {wh["WH1"].id: "WH1"}
    assert warehouse_names(["WH2"]) == {"WH2": "仓库WH2"}
    assert set(warehouse_names()) == {"WH1", "WH2", "WH3"}
    # the scope of a read: all, the keeper's, the one asked for — never another's
    assert warehouse_scope(user) is None
    assert warehouse_scope(k) == [wh["WH2"].id]
    assert warehouse_scope(user, wh["WH1"]) == [wh["WH1"].id]
    with pytest.raises(DomainError) as refused:
        warehouse_scope(k, wh["WH1"])
    assert (refused.value.code, refused.value.details) == ("forbidden", {"warehouse": "WH1"})


def test_stock_report_rows_search_and_total(user):
    # given: A001 and A002 in WH1, A003 in WH2
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00"), ("A002", 4, "2.50")])
    doc(user, "purchase_receipt", "2026-03-02", [("A003", 3, "1.20")], warehouse="WH2")
    # when / then: every balance with the total value
    data = stock_report(user)
    assert [(r["item"], r["warehouse"], r["on_hand"], r["value"]) for r in data["items"]] == [
        ("A001", "WH1", "10", "50.00"),
        ("A002", "WH1", "4", "10.00"),
        ("A003", "WH2", "3", "3.60"),
    ]
    assert data["totals"] == {"value": "63.60"}
    # at a date, in one warehouse, of what a search finds
    assert stock_report(user, day=None, search="a002")["totals"] == {"value": "10.00"}
    wh2 = find_warehouse("WH2")
    assert stock_report(user, warehouse_id=wh2.id)["totals"] == {"value": "3.60"}
    assert stock_report(user, day=dt.date(2026, 3, 1))["totals"] == {"value": "60.00"}
    # a keeper of WH2 sees WH2 only
    assert [r["item"] for r in stock_report(keeper("WH2"))["items"]] == ["A003"]
