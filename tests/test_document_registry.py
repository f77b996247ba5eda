"""The registry of document types (documents/types.py): every type is declared once, its recipe
is found through it, and the checks and the close-check cover every type whose recipe makes
vouchers."""

import pytest
from django.db import connection
from django.utils import translation

from openjxc.closing.checks import reconcile
from openjxc.closing.services import close_check
from openjxc.documents.access import visible_types
from openjxc.documents.types import TYPES, codes, order_of, trade_types
from openjxc.posting.recipes import recipe_of
from openjxc.users.admin import THRESHOLD_TYPES
from openjxc.users.masking import PRICED_AT_COST
from tests.factories import doc, fetch, master_data, setup_books


def test_each_posting_type_names_a_recipe_that_agrees_with_its_declaration():
    for code, t in TYPES.items():
        recipe = recipe_of(code)
        if t.posts:
            assert t.recipe, code
        assert recipe.makes_vouchers == t.makes_vouchers, code
        assert (recipe.money is not None) == (t.kind == "money"), code
        assert (recipe.reservation is not None) == (t.kind == "order"), code
        # a transfer receipt posts moves but is made by 收货 only, never entered (posts=False)
        posts = t.posts or t.transit_receipt
        assert (recipe.moves is not None) == (posts and t.kind == "stock"), code


def test_masking_thresholds_and_reports_come_from_the_registry():
    assert PRICED_AT_COST == {
        "purchase_order",
        "purchase_receipt",
        "purchase_return",
        "purchase_invoice",
        "other_in",
        "cost_adjustment",  # its values are cost
        "opening_stock",
    }
    assert THRESHOLD_TYPES == [
        "purchase_order",
        "purchase_receipt",
        "sales_order",
        "sales_delivery",
        "payment",
        "refund",
        "expense",
        "manual_voucher",
    ]
    assert trade_types("sales") == ("sales_delivery", "sales_return")
    assert trade_types("purchase") == ("purchase_receipt", "purchase_return")
    assert order_of("sales_delivery") == "sales_order" and order_of("sales_return") is None
    assert codes(kind="invoice") == ("purchase_invoice", "sales_invoice")


def test_the_menu_lists_the_posting_types_of_each_group(db):
    from openjxc.web.nav import MENU

    listed = [
        kw["doc_type"] for _g, entries in MENU for _l, name, kw, _c in entries if name == "doc_list"
    ]
    assert listed == [c for c, t in TYPES.items() if t.posts]


def test_a_superuser_sees_every_type(db):
    assert visible_types(setup_books()) == list(TYPES)


@pytest.mark.parametrize(
    "doc_type,lines",
    [
        ("stock_count", [("A001", "3", "2.00")]),
        ("other_out", [("A001", "1")]),
        ("purchase_receipt", [("A001", "1", "2.00")]),
    ],
)
def test_a_document_that_lost_its_voucher_is_caught_whatever_its_type(db, doc_type, lines):
    """Given an approved document of a type whose recipe makes vouchers, when its voucher is
    missing, then reconcile and the close-check name it (before the registry only four
    trade types were checked: a count or an issue without its voucher went unseen)."""
    user = setup_books()
    master_data(user)
    doc(user, "purchase_receipt", "2026-01-05", [("A001", "5", "2.00")])
    number = doc(user, doc_type, "2026-01-06", lines)
    assert reconcile()["ok"]
    (doc_id,) = fetch("SELECT id FROM documents_document WHERE number = %s", [number])[0]
    with connection.cursor() as cur:  # tampering: the ledger itself never deletes
        cur.execute(
            "DELETE FROM ledger_journalline WHERE voucher_id IN "
            "(SELECT id FROM ledger_voucher WHERE document_id = %s)",
            [doc_id],
        )
        cur.execute("DELETE FROM ledger_voucher WHERE document_id = %s", [doc_id])
    with translation.override("en"):
        problems = reconcile()["problems"]
    assert {
        "check": "document_voucher",
        "message": f"approved document {number} has no voucher",
        "document": number,
    } in problems
    check = {p["check"]: p for p in close_check("2026-01")["problems"]}
    assert check["documents_without_vouchers"]["documents"] == [number]


def test_a_count_without_difference_needs_no_voucher(db):
    """A count line's price only values a gain on an empty balance: a count that finds the book
    quantity books nothing, so it is not reported as missing its voucher."""
    user = setup_books()
    master_data(user)
    doc(user, "purchase_receipt", "2026-01-05", [("A001", "1", "0.01")])
    doc(user, "stock_count", "2026-01-06", [("A001", "1", "0.01")])
    assert reconcile()["ok"], reconcile()["problems"]
