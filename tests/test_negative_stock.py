"""Stock never goes negative: a delivery beyond stock, a back-dated approval or a cancel that
would leave a later balance negative is refused with 409 insufficient_stock and changes nothing."""

from .factories import (
    approved,
    created,
    delivery_body,
    receipt_body,
    refused,
    stock_of,
)


def test_409_insufficient_stock_simple(api):
    approved(api, created(api.post("/documents", receipt_body()))["number"])
    number = created(api.post("/documents", delivery_body(11)))["number"]  # drafts are not checked
    err = refused(lambda: api.post(f"/documents/{number}/approve"), 409, "insufficient_stock")
    assert err["details"] == {
        "item": "A001",
        "warehouse": "WH1",
        "date": "2026-03-05",
        "on_hand": "10",
        "required": "11",
    }
    assert api.get(f"/documents/{number}").json()["status"] == "draft"
    for body in (
        {
            "type": "other_out",
            "date": "2026-03-05",
            "warehouse": "WH1",
            "lines": [{"item": "A001", "qty": "10.0001"}],
        },
        {
            "type": "transfer",
            "date": "2026-03-05",
            "warehouse": "WH1",
            "to_warehouse": "WH2",
            "lines": [{"item": "A001", "qty": "12"}],
        },
        {
            "type": "purchase_return",
            "date": "2026-03-05",
            "partner": "S001",
            "warehouse": "WH2",
            "lines": [{"item": "A001", "qty": "1", "price": "5"}],
        },
        delivery_body(1, warehouse="WH2"),
        delivery_body(1, date="2026-02-28"),
    ):  # before the receipt
        n = created(api.post("/documents", body))["number"]
        refused(lambda n=n: api.post(f"/documents/{n}/approve"), 409, "insufficient_stock")
    assert stock_of(api) == ("10", "50.00")
    assert stock_of(api, wh="WH2") == ("0", "0.00")


def test_409_back_dated_approval_that_would_make_a_later_balance_negative(api):
    approved(api, created(api.post("/documents", receipt_body()))["number"])  # 3-01: +10
    approved(
        api, created(api.post("/documents", delivery_body(8, "2026-03-10")))["number"]
    )  # 3-10: -8
    # 3-05: -5 is fine on its own day (10 on hand) but leaves 5 for the 8 delivered on 3-10
    late = created(api.post("/documents", delivery_body(5, "2026-03-05")))["number"]
    err = refused(lambda: api.post(f"/documents/{late}/approve"), 409, "insufficient_stock")
    assert err["details"] == {
        "item": "A001",
        "warehouse": "WH1",
        "date": "2026-03-10",
        "on_hand": "5",
        "required": "8",
    }
    assert api.get(f"/documents/{late}").json()["status"] == "draft"
    assert stock_of(api) == ("2", "10.00")
    assert stock_of(api, day="2026-03-05") == ("10", "50.00")
    # 2 still fit before the later delivery
    ok = created(api.post("/documents", delivery_body(2, "2026-03-05")))["number"]
    approved(api, ok)
    assert stock_of(api) == ("0", "0.00")
    assert api.get("/reconcile").json() == {"ok": True, "problems": []}


def test_409_cancel_of_a_receipt_whose_goods_were_later_delivered(api):
    r1 = created(api.post("/documents", receipt_body()))["number"]
    approved(api, r1)
    approved(api, created(api.post("/documents", delivery_body(8)))["number"])
    err = refused(
        lambda: api.post(f"/documents/{r1}/cancel", {"reason": "录错了"}), 409, "insufficient_stock"
    )
    assert err["details"]["date"] == "2026-03-05"
    assert err["details"]["required"] == "8"
    assert api.get(f"/documents/{r1}").json()["status"] == "approved"
    assert stock_of(api) == ("2", "10.00")
