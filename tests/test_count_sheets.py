"""Stock counts by several people (issue 13 item 2): a count filled with the warehouse's book
quantities, sheets of two counters adding up per item (a second sheet of the same counter and
location replacing the first), the draft's book / counted / difference / value, items not yet
counted left out of the approval, and a back-dated receipt before the approved count that leaves
the stock on the count's date at what was counted. Refusals change nothing."""

import pytest

from .factories import (
    As,
    assert_error,
    doc,
    fetch,
    on_hand,
    person,
    post,
    reconciled,
    vouchers_of,
)

pytestmark = pytest.mark.usefixtures("backups_in_tmp")


def _filled(api, day="2026-03-05", **query) -> dict:
    qs = "&".join(f"{k}={v}" for k, v in {"fill": "all", **query}.items())
    return post(
        api, f"/documents?{qs}", {"type": "stock_count", "date": day, "warehouse": "WH1"}, 201
    )


def _lines(api, number) -> list[tuple]:
    body = api.get(f"/documents/{number}").json()
    return [
        (
            ln["item"],
            ln["book_qty"],
            ln["qty"],
            ln["difference"],
            ln["difference_value"],
            ln["counted"],
        )
        for ln in body["lines"]
    ]


def _sheet(api, number, counter, lines, location=None, status=201):
    body = {"counter": counter, "lines": [{"item": i, "qty": q} for i, q in lines]}
    if location is not None:
        body["location"] = location
    return post(api, f"/documents/{number}/count-sheets", body, status)


def test_two_counters_and_a_back_dated_receipt_before_the_count(api, user):
    # given 10 × A001 at 5.00 and 4 × A002 at 3.00 in WH1 (A003 never moved there)
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00"), ("A002", 4, "3.00")])
    # when a count is opened on 03-05 with every item of the warehouse at its book quantity
    count = _filled(api)["number"]
    # then both items are listed, at book, neither counted yet (no difference, nothing to post)
    assert _lines(api, count) == [
        ("A001", "10", "10", "0", "0.00", False),
        ("A002", "4", "4", "0", "0.00", False),
    ]
    # when Alice counts shelf A and Bob shelf B: the sheets add up per item
    _sheet(api, count, "Alice", [("A001", "4")], "货架A")
    _sheet(api, count, "Bob", [("A001", "3"), ("A002", "4")], "货架B")
    assert _lines(api, count)[0] == ("A001", "10", "7", "-3", "-15.00", True)  # 3 × 5.00
    # when Bob recounts shelf B: his sheet there is replaced, not added (A001 = 4 + 2)
    _sheet(api, count, "Bob", [("A001", "2"), ("A002", "4")], "货架B")
    assert _lines(api, count) == [
        ("A001", "10", "6", "-4", "-20.00", True),  # 4 × 5.00
        ("A002", "4", "4", "0", "0.00", True),
    ]
    sheets = api.get(f"/documents/{count}/count-sheets").json()["items"]
    assert [
        (s["counter"], s["location"], [(x["item"], x["qty"]) for x in s["lines"]]) for s in sheets
    ] == [
        ("Alice", "货架A", [("A001", "4")]),
        ("Bob", "货架B", [("A001", "2"), ("A002", "4")]),
    ]
    # when it is approved: the loss of 4 at 5.00 is posted
    post(api, f"/documents/{count}/approve")
    assert vouchers_of(count) == ["借 1901 待处理财产损溢 20.00 / 贷 1405 库存商品 20.00"]
    assert on_hand(api, day="2026-03-05") == ("6", "30.00")
    doc(user, "sales_delivery", "2026-03-06", [("A001", 2, "9.00")])
    assert on_hand(api) == ("4", "20.00")
    # when 8 × A001 at 6.00 are received back-dated on 03-03, before the count
    doc(user, "purchase_receipt", "2026-03-03", [("A001", 8, "6.00")])
    # then the stock on the count's date stays what was counted: 18 on the books (98.00) less
    # 12 at 98.00 / 18 = 65.33 leaves 6 at 32.67; after the delivery of 2 (10.89): 4 at 21.78
    assert on_hand(api, day="2026-03-05") == ("6", "32.67")
    assert on_hand(api) == ("4", "21.78")
    assert on_hand(api, "A002") == ("4", "12.00")
    reconciled(api)


def test_items_nobody_counted_are_marked_and_left_out_of_the_approval(api, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00"), ("A002", 4, "3.00")])
    count = _filled(api)["number"]
    _sheet(api, count, "Alice", [("A001", "12")])
    assert _lines(api, count) == [
        ("A001", "10", "12", "2", "10.00", True),  # a gain of 2 at the average 5.00
        ("A002", "4", "4", "0", "0.00", False),  # not yet counted
    ]
    post(api, f"/documents/{count}/approve")
    assert vouchers_of(count) == ["借 1405 库存商品 10.00 / 贷 1901 待处理财产损溢 10.00"]
    # A002 was not counted: the count states nothing about it (no move marks its place)
    assert fetch(
        "SELECT COUNT(*) FROM inventory_stockmove m JOIN catalog_item i ON i.id = m.item_id "
        "WHERE i.code = 'A002' AND m.document_id = (SELECT id FROM documents_document "
        "WHERE number = %s)",
        [count],
    ) == [(0,)]
    doc(user, "purchase_receipt", "2026-03-03", [("A002", 1, "3.00")])  # back-dated: not absorbed
    assert on_hand(api, "A002") == ("5", "15.00")
    reconciled(api)


def test_a_filled_count_of_a_category_lists_only_its_items(api, user):
    post(api, "/categories", {"code": "C1", "name": "饮料"}, 201)
    api.put("/items/A002", {"category": "C1"})
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00"), ("A002", 4, "3.00")])
    count = _filled(api, category="C1")["number"]
    assert [ln[0] for ln in _lines(api, count)] == ["A002"]
    err = assert_error(
        api.post(
            f"/documents/{count}/count-sheets",
            {"counter": "A", "lines": [{"item": "A001", "qty": "1"}]},
        ),
        422,
        "not_in_count",
    )
    assert err["details"]["item"] == "A001"
    _sheet(api, count, "A", [("A002", "3")])
    assert _lines(api, count) == [("A002", "4", "3", "-1", "-3.00", True)]


def _sheets_rows():
    return fetch("SELECT COUNT(*) FROM inventory_countsheet")[0][0], fetch(
        "SELECT COUNT(*), COALESCE(SUM(qty), 0) FROM documents_documentline"
    )[0]


def test_sheet_refusals_change_nothing(api, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    typed = doc(user, "stock_count", "2026-03-05", [("A001", 9)], approve_it=False)
    _sheet(api, typed, "Alice", [("A001", "9")])
    receipt = doc(user, "purchase_receipt", "2026-03-02", [("A001", 1, "5.00")], approve_it=False)
    before = _sheets_rows()

    def refused(number, lines, status, code):
        r = api.post(
            f"/documents/{number}/count-sheets",
            {"counter": "Bob", "lines": [{"item": i, "qty": q} for i, q in lines]},
        )
        err = assert_error(r, status, code)
        assert _sheets_rows() == before
        return err

    # an item the count does not cover (its lines: A001 only)
    assert refused(typed, [("A002", "1")], 422, "not_in_count")["details"]["item"] == "A002"
    assert refused(typed, [("NOPE", "1")], 404, "not_found")["details"]["ref"] == "NOPE"
    assert refused(typed, [("A001", "-1")], 422, "invalid")["details"]["field"] == "lines[0].qty"
    refused(receipt, [("A001", "1")], 422, "invalid")  # not a stock count
    refused("PDD-NOPE", [("A001", "1")], 404, "not_found")
    post(api, f"/documents/{typed}/approve")
    before = _sheets_rows()
    assert refused(typed, [("A001", "1")], 409, "wrong_status")["details"]["status"] == "approved"
    r = api.post(f"/documents/{typed}/count-sheets", {"counter": "Bob", "lines": [], "x": 1})
    assert r.status_code == 422


def test_the_difference_value_is_cost(api, user, client):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    count = _filled(api)["number"]
    _sheet(api, count, "Alice", [("A001", "8")])
    person("库管", username="keeper")
    keeper = As(client, "keeper")
    line = keeper.get(f"/documents/{count}").json()["lines"][0]
    assert (line["book_qty"], line["difference"], line["difference_value"]) == ("10", "-2", None)
    r = keeper.post(
        f"/documents/{count}/count-sheets",
        {"counter": "K", "lines": [{"item": "A001", "qty": "1"}]},
    )
    assert r.status_code == 201
    assert _lines(api, count)[0][1:5] == ("10", "9", "-1", "-5.00")
    person("销售", username="seller")  # no stock documents
    assert_error(As(client, "seller").get(f"/documents/{count}/count-sheets"), 403, "forbidden")
