"""The entry grid's reads (reports/entry.py): item lookup, line information, customers' credit,
a money document's open items."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from openjxc.catalog.services import set_item_active, update_item
from openjxc.core.errors import DomainError
from openjxc.core.services import set_setting
from openjxc.documents.types import TYPES
from openjxc.inventory.selectors import get_warehouse
from openjxc.partners.selectors import search_partners
from openjxc.partners.services import update_partner
from openjxc.reports.entry import allocatable_items, credit_positions, line_info, lookup_items
from tests.factories import doc


def person(role: str):
    u = get_user_model().objects.create_user(f"u-{role}", password="pw-123456")
    u.groups.add(Group.objects.get(name=role))
    return u


def test_lookup_by_scan_and_by_search(user):
    # given: items with prices, A003 no longer used
    update_item(user, "A001", {"sale_price": "10.00", "purchase_price": "6.00"})
    set_item_active(user, "A003", False)
    sale = TYPES["sales_delivery"]
    # when: the scanner sends a code
    found = lookup_items(user, sale, "A001")
    # then: exactly that item, with its sale price and tax rate
    assert found["exact"] is True
    assert [(i["code"], i["price"], i["tax_percent"]) for i in found["items"]] == [
        ("A001", "10.00", "13")
    ]
    # a search finds active items only; a stock document's line has no tax
    found = lookup_items(user, TYPES["transfer"], "商品")
    assert found["exact"] is False
    assert [(i["code"], i["tax_percent"]) for i in found["items"]] == [("A001", "0"), ("A002", "0")]
    assert lookup_items(user, sale, "") == {"exact": False, "items": []}
    # prices typed with tax
    set_setting("price_includes_tax", "1")
    assert lookup_items(user, sale, "A001")["items"][0]["price"] == "11.30"


def test_lookup_hides_purchase_prices_from_who_may_not_see_cost(user):
    update_item(user, "A001", {"sale_price": "10.00", "purchase_price": "6.00"})
    clerk = person("库管")  # no view_cost
    assert lookup_items(clerk, TYPES["purchase_receipt"], "A001")["items"][0]["price"] is None
    assert lookup_items(user, TYPES["purchase_receipt"], "A001")["items"][0]["price"] == "6.00"
    assert lookup_items(clerk, TYPES["sales_delivery"], "A001")["items"][0]["price"] == "10.00"


def test_line_info_stock_prices_and_cost(user):
    # given: 10 of A001 in WH1 at 5.00, a sales order reserving 3, a sale to C001 at 9.50
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    doc(user, "sales_order", "2026-03-02", [("A001", 3, "9.00")])
    doc(user, "sales_delivery", "2026-03-03", [("A001", 1, "9.50")])
    update_item(user, "A001", {"sale_price": "10.00"})
    wh = get_warehouse("WH1")
    # when: the line information of A001 on a delivery to C001 in WH1
    info = line_info(user, TYPES["sales_delivery"], "A001", wh, "C001")
    # then: stock, what is reserved and available, the prices and the unit cost
    assert {k: info[k] for k in ("on_hand", "reserved", "available", "unit_cost")} == {
        "on_hand": "9",
        "reserved": "3",
        "available": "6",
        "unit_cost": "5.000000",
    }
    assert (info["last_price"], info["list_price"], info["partner_price"]) == (
        "9.50",
        "10.00",
        None,
    )
    assert info["suggested_price"] == "9.50" and info["tax_percent"] == "13"
    # without a warehouse: no stock figures
    bare = line_info(user, TYPES["sales_delivery"], "A001", None, "C001")
    assert (bare["warehouse"], bare["on_hand"], bare["available"]) == (None, "0", "0")
    # a receipt shows no unit cost (no margin on what is bought)
    assert line_info(user, TYPES["purchase_receipt"], "A001", wh, "S001")["unit_cost"] is None
    # a user without view_cost sees neither cost nor purchase prices
    keeper = person("库管")
    assert line_info(keeper, TYPES["sales_delivery"], "A001", wh, "C001")["unit_cost"] is None
    receipt = line_info(keeper, TYPES["purchase_receipt"], "A001", wh, "S001")
    assert (receipt["last_price"], receipt["suggested_price"]) == (None, None)
    with pytest.raises(DomainError) as refused:
        line_info(user, TYPES["sales_delivery"], "NOPE", wh)
    assert refused.value.code == "not_found"


def test_credit_positions_of_customers_with_a_limit(user):
    # given: C001 with a limit of 100.00 owing 22.60
    update_partner(user, "customer", "C001", {"credit_limit": "100.00"})
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    doc(user, "sales_delivery", "2026-03-02", [("A001", 2, "10.00")])
    customers = list(search_partners("customer"))
    # then: its limit and what it owes, by partner id
    (c001,) = customers
    assert credit_positions(customers) == {c001.id: {"limit": "100.00", "owed": "22.60"}}
    assert credit_positions(search_partners("supplier")) == {}


def test_open_items_a_receipt_can_settle(user):
    # given: two deliveries to C001 (22.60 and 11.30), the first settled by a receipt
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    first = doc(user, "sales_delivery", "2026-03-02", [("A001", 2, "10.00")])
    second = doc(user, "sales_delivery", "2026-03-03", [("A001", 1, "10.00")])
    doc(
        user,
        "receipt",
        "2026-03-04",
        [],
        warehouse=None,
        partner="C001",
        amount="22.60",
        account="1002",
        allocations=[{"document": first, "amount": "22.60"}],
    )
    receipt = TYPES["receipt"]
    # then: only the second delivery is still open, as a positive amount
    rows = allocatable_items(receipt, "C001")
    assert [(r["document"], r["open"]) for r in rows] == [(second, "11.30")]
    assert allocatable_items(receipt, "C001", exclude=second) == []
    assert allocatable_items(receipt, "C999") == []
    # a refund pays back credit: none is left here (the receipt settled exactly)
    assert allocatable_items(TYPES["refund"], "C001") == []
