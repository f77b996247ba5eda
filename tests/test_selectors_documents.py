"""The reads behind the document pages: search, counts and totals of a list, list rows, derived
documents and open sources, the detail and entry data, which actions a user may take, and the
prices kept for a user who may not see them."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from openjxc.core.numbers import percent_str
from openjxc.core.services import set_setting
from openjxc.documents.access import document_actions, keep_hidden_prices, may_edit
from openjxc.documents.rules import entry_price
from openjxc.documents.selectors import (
    amount_totals,
    derived_documents,
    display_dict,
    entry_dict,
    get_document,
    list_documents,
    list_row,
    open_sources,
    prices_include_tax,
    status_counts,
)
from openjxc.documents.types import TYPES
from openjxc.posting.orders import close_order, derive
from openjxc.posting.reversal import reverse
from tests.factories import approve, doc


def person(role: str):
    u = get_user_model().objects.create_user(f"u-{role}", password="pw-123456")
    u.groups.add(Group.objects.get(name=role))
    return u


def numbers(qs) -> list[str]:
    return [d.number for d in qs]


def test_list_search_finds_number_partner_memo_and_items(user):
    # given: a receipt of A001 from S001, a delivery of A002 to C001 with a memo
    receipt = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    delivery = doc(
        user, "sales_delivery", "2026-03-02", [("A002", 1, "9.00")], memo="急单", approve_it=False
    )
    # when / then: each kind of search finds its document, newest first
    assert numbers(list_documents(search="供应商一")) == [receipt]
    assert numbers(list_documents(search="急")) == [delivery]
    assert numbers(list_documents(search="a002")) == [delivery]  # item code, any case
    assert numbers(list_documents(search=receipt.lower())) == [receipt]
    assert numbers(list_documents()) == [delivery, receipt]


def test_counts_and_totals_of_a_list(user):
    # given: two approved receipts and a draft one
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])  # 50.00 + 6.50 tax
    doc(user, "purchase_receipt", "2026-03-02", [("A002", 4, "2.50")])  # 10.00 + 1.30 tax
    doc(user, "purchase_receipt", "2026-03-03", [("A003", 1, "1.00")], approve_it=False)
    receipts = list_documents(type="purchase_receipt")
    # when / then: counts per status, and the sums of what the list holds
    assert status_counts(receipts) == {"approved": 2, "draft": 1}
    assert amount_totals(list_documents(type="purchase_receipt", status="approved")) == {
        "amount": "60.00",
        "tax": "7.80",
        "gross": "67.80",
    }
    assert amount_totals(list_documents(type="sales_order")) == {
        "amount": "0.00",
        "tax": "0.00",
        "gross": "0.00",
    }
    # the date bounds
    in_march_2 = list_documents(
        type="purchase_receipt", date_from="2026-03-02", date_to="2026-03-02"
    )
    assert amount_totals(in_march_2)["gross"] == "11.30"


def test_a_list_row_names_partner_and_warehouse(user):
    number = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")], memo="m")
    row = list_row(get_document(number))
    assert {k: row[k] for k in row if k not in ("type_name", "status_name")} == {
        "number": number,
        "type": "purchase_receipt",
        "date": "2026-03-01",
        "partner": "供应商一",
        "warehouse": "仓库WH1",
        "to_warehouse": "",
        "amount": "50.00",
        "tax": "6.50",
        "amount_incl_tax": "56.50",
        "status": "approved",
        "memo": "m",
        "salesperson": "",
    }
    assert row["type_name"] == str(TYPES["purchase_receipt"].label)


def test_derived_documents_and_open_sources_of_an_invoice(user):
    # given: stock, and two deliveries to C001, the first half invoiced
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    first = doc(user, "sales_delivery", "2026-03-02", [("A001", 2, "10.00")])  # 22.60
    second = doc(user, "sales_delivery", "2026-03-03", [("A001", 1, "10.00")])
    invoice = derive(user, first, {"type": "sales_invoice"})
    approve(user, invoice["number"])
    # then: the invoice is derived from the first delivery
    assert numbers(derived_documents(get_document(first))) == [invoice["number"]]
    assert derived_documents(get_document(second)) == []
    # and a new invoice may come only from the delivery not invoiced yet
    t = TYPES["sales_invoice"]
    assert numbers(open_sources(user, t)) == [second]
    assert numbers(open_sources(user, t, "C001")) == [second]
    assert open_sources(user, t, "C999") == []
    # a return may come from both deliveries, newest first
    assert numbers(open_sources(user, TYPES["sales_return"])) == [second, first]


def test_detail_and_entry_data(user):
    # given: a draft with a 13% line and a 9% line
    number = doc(
        user,
        "sales_order",
        "2026-03-01",
        [
            {"item": "A001", "qty": "1.5", "price": "10.00"},
            {"item": "A002", "qty": "2.5", "price": "2.00", "tax_rate": "0.09"},
        ],
        approve_it=False,
    )
    d = get_document(number)
    # when: the detail page's data
    data = display_dict(d)
    # then: tax rates in percent and the quantity total
    assert [ln["tax_percent"] for ln in data["lines"]] == ["13", "9"]
    assert data["qty_total"] == "4"
    # when: the entry form's data, prices typed without tax, then with tax
    plain = entry_dict(d, incl=False)
    assert [ln["price_entry"] for ln in plain["lines"]] == ["10.00", "2.00"]
    assert [ln["tax_percent"] for ln in plain["lines"]] == ["13", "9"]
    assert plain["allocations"] == {} and plain["auto_allocate"] is False
    assert [ln["price_entry"] for ln in entry_dict(d, incl=True)["lines"]] == ["11.30", "2.18"]


def test_prices_as_typed(db):
    # then: the company setting decides whether users type prices with tax
    assert prices_include_tax() is False
    set_setting("price_includes_tax", "1")
    assert prices_include_tax() is True
    assert entry_price(Decimal("3.17"), Decimal("0.13"), incl=True) == "3.5821"
    assert entry_price(Decimal("3.17"), Decimal("0.13"), incl=False) == "3.17"
    assert entry_price(None, Decimal("0.13"), incl=True) is None
    assert (percent_str("0.13"), percent_str(Decimal("0.065")), percent_str(None)) == (
        "13",
        "6.5",
        "",
    )


def actions(user, number) -> dict:
    a = document_actions(user, get_document(number))
    return {k: v for k, v in a.items() if v}


def test_actions_follow_the_workflow_and_the_users_rights(user):
    # given: the admin, a draft, an approved delivery, an approved order, a closed order
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    draft = doc(user, "sales_delivery", "2026-03-02", [("A001", 1, "9")], approve_it=False)
    delivery = doc(user, "sales_delivery", "2026-03-02", [("A001", 1, "9")])
    order = doc(user, "sales_order", "2026-03-02", [("A001", 1, "9")])
    closed = doc(user, "sales_order", "2026-03-02", [("A001", 1, "9")])
    close_order(user, closed, "no longer wanted")
    # then: a draft is edited and approved
    assert actions(user, draft) == {"edit": True, "approve": True}
    # an approved delivery is cancelled, reversed, chain-cancelled, and a return or an invoice
    # derived from it
    derive_to = [code for code, _label in actions(user, delivery).pop("derive_to")]
    assert derive_to == ["sales_return", "sales_invoice"]
    assert {k for k in actions(user, delivery) if k != "derive_to"} == {
        "cancel",
        "reverse",
        "cancel_chain",
    }
    # an approved order is closed, cancelled, chain-cancelled, never reversed
    assert set(actions(user, order)) == {"close", "cancel", "cancel_chain", "derive_to"}
    # a closed order only chain-cancelled (cancel would be refused: wrong_status)
    assert set(actions(user, closed)) == {"cancel_chain"}
    # a red-letter reversal is final: nothing but the chain of its stock
    red = reverse(user, delivery, "wrong customer", None)
    assert set(actions(user, red.number)) == {"cancel_chain", "derive_to"}
    assert actions(user, delivery) == {}  # reversed


def test_actions_of_a_reader_and_of_a_clerk_without_approval(user):
    # given: an approved delivery and a draft one, finance (reads deliveries, invoices them) and
    # a sales clerk (edits drafts, approves nothing)
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    delivery = doc(user, "sales_delivery", "2026-03-02", [("A001", 1, "9")])
    draft = doc(user, "sales_delivery", "2026-03-02", [("A001", 1, "9")], approve_it=False)
    finance, clerk = person("财务"), person("销售")
    # then: finance may derive the invoice but not touch the delivery or the draft
    finance_may = actions(finance, delivery)
    assert [code for code, _label in finance_may.pop("derive_to")] == ["sales_invoice"]
    assert finance_may == {} and actions(finance, draft) == {}
    assert may_edit(finance, "sales_delivery") is False
    # the clerk edits the draft but does not approve it, derives a return or an invoice, cancels
    # nothing
    assert actions(clerk, draft) == {"edit": True}
    derive_to = [code for code, _label in actions(clerk, delivery)["derive_to"]]
    assert derive_to == ["sales_return", "sales_invoice"]
    assert set(actions(clerk, delivery)) == {"derive_to"}


def test_a_form_without_prices_keeps_the_drafts_prices(user):
    # given: a draft receipt with A001 twice at different prices, and A002
    number = doc(
        user,
        "purchase_receipt",
        "2026-03-01",
        [("A001", 1, "5.00"), ("A002", 1, "2.00"), ("A001", 2, "6.00")],
        approve_it=False,
    )
    body = {"lines": [{"item": "A001"}, {"item": "A001"}, {"item": "A002"}, {"item": "A003"}]}
    # when: the body of a user who saw no prices
    keep_hidden_prices(get_document(number), body)
    # then: each line gets the draft's price for its item, in order; a new item none
    assert body["lines"] == [
        {"item": "A001", "price": "5.000000", "tax_rate": "0.1300"},
        {"item": "A001", "price": "6.000000", "tax_rate": "0.1300"},
        {"item": "A002", "price": "2.000000", "tax_rate": "0.1300"},
        {"item": "A003"},
    ]
