"""The dashboard's and the money pages' reads: the sales trend with its total, what waits for
the user, receivables and payables with their totals, a document's margin, suggested prices."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from openjxc.catalog.selectors import get_item
from openjxc.catalog.services import update_item
from openjxc.documents.selectors import get_document
from openjxc.partners.selectors import find_partner
from openjxc.reports import dashboard
from openjxc.reports.money import document_margin, visible_prices
from tests.factories import doc


def person(role: str):
    u = get_user_model().objects.create_user(f"u-{role}", password="pw-123456")
    u.groups.add(Group.objects.get(name=role))
    return u


def test_sales_trend_labels_days_and_totals_them(user):
    # given: a sale of 20.00 on 3 March and a return of 9.00 on 4 March
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    sold = doc(user, "sales_delivery", "2026-03-03", [("A001", 2, "10.00")])
    doc(user, "sales_return", "2026-03-04", [("A001", 1, "9.00")], source=sold)
    # when
    trend = dashboard.sales_trend(dt.date(2026, 3, 2), dt.date(2026, 3, 5))
    # then: every day, returns negative, and the net total
    assert [(d["label"], d["amount"]) for d in trend["days"]] == [
        ("03-02", "0.00"),
        ("03-03", "20.00"),
        ("03-04", "-9.00"),
        ("03-05", "0.00"),
    ]
    assert trend["total"] == "11.00"


def test_waiting_documents_are_those_the_user_may_see(user):
    # given: draft receipts and a draft delivery
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 1, "5.00")], approve_it=False)
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 1, "5.00")], approve_it=False)
    doc(user, "sales_delivery", "2026-03-01", [("A001", 1, "9.00")], approve_it=False)
    # then: the admin sees all, a purchaser the receipts only
    assert dashboard.waiting_documents(user) == [
        {"type": "purchase_receipt", "status": "draft", "count": 2},
        {"type": "sales_delivery", "status": "draft", "count": 1},
    ]
    assert dashboard.waiting_documents(person("采购")) == [
        {"type": "purchase_receipt", "status": "draft", "count": 2}
    ]


def test_receivables_and_payables_with_totals(user):
    # given: 56.50 owed to S001, 22.60 owed by C001
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    doc(user, "sales_delivery", "2026-03-02", [("A001", 2, "10.00")])
    # then: both, or the customers only
    both = dashboard.receivables_summary(["customer", "supplier"])
    assert [(r["partner"], r["net"]) for r in both["items"]] == [
        ("C001", "22.60"),
        ("S001", "-56.50"),
    ]
    assert both["totals"] == {"receivable": "22.60", "payable": "56.50", "net": "-33.90"}
    customers = dashboard.receivables_summary(["customer"])
    assert customers["totals"] == {"receivable": "22.60", "payable": "0.00", "net": "22.60"}
    assert dashboard.receivables_summary(["customer"], "supplier")["items"] == []


def test_margin_of_a_document_for_who_sees_cost(user):
    # given: A001 at 5.00, an order to sell 2 at 10.00
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    order = get_document(doc(user, "sales_order", "2026-03-02", [("A001", 2, "10.00")]))
    receipt = get_document(doc(user, "purchase_receipt", "2026-03-03", [("A002", 1, "1.00")]))
    # then: revenue 20.00, cost 10.00, margin 50%
    m = document_margin(user, order)
    assert (m["revenue"], m["cost"], m["margin"], m["margin_pct"]) == (
        "20.00",
        "10.00",
        "10.00",
        "50.00",
    )
    # none for a user without view_cost, or on a purchase
    assert document_margin(person("销售"), order) is None
    assert document_margin(user, receipt) is None


def test_suggested_prices_without_purchase_prices_for_who_may_not_see_cost(user):
    # given: A001 bought from S001 at 5.00, list prices 6.00 / 10.00
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    update_item(user, "A001", {"purchase_price": "6.00", "sale_price": "10.00"})
    item, supplier = get_item("A001"), find_partner("supplier", "S001")
    # then
    prices = visible_prices(user, item, supplier, "purchase")
    assert (prices["last_price"], prices["list_price"]) == ("5.00", "6.00")
    hidden = visible_prices(person("销售"), item, supplier, "purchase")
    assert (hidden["last_price"], hidden["list_price"], hidden["partner_price"]) == (None,) * 3
    assert visible_prices(person("库管"), item, None, "sales")["list_price"] == "10.00"
