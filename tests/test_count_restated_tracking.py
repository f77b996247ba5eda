"""A back-dated change re-states an approved count's quantity; its batches and serials follow.

A count of a serial-tracked item lists the serials on hand: a change before it would re-state
what was counted, so it is refused (count_serials_restated) and changes nothing; after the
count's date, or once the count is cancelled, the change goes through. A count of a
batch-tracked item moves its batch even when the re-statement changes no value."""

from openjxc.catalog.services import update_item

from .factories import assert_error, cancel, doc, reconciled, state, stock


def _line(qty, serials, price="100.00"):
    return {"item": "A002", "qty": str(qty), "price": price, "serials": serials}


def _draft(api, type, date, lines):
    body = {"type": type, "date": date, "warehouse": "WH1", "lines": lines}
    if type.startswith("purchase"):
        body["partner"] = "S001"
    r = api.post("/documents", body)
    assert r.status_code == 201, r.content
    return r.json()["number"]


def test_a_change_before_a_count_of_serials_is_refused(api, user):
    update_item(user, "A002", {"serial_tracked": True})
    first = doc(user, "purchase_receipt", "2026-03-01", [_line(2, ["SN1", "SN2"])])
    count = doc(user, "stock_count", "2026-03-05", [_line(2, ["SN1", "SN2"], price=None)])
    # a receipt of SN3 dated before the count would make the count lose a serial it never saw
    late = _draft(api, "purchase_receipt", "2026-03-02", [_line(1, ["SN3"])])
    before = state()
    err = assert_error(api.post(f"/documents/{late}/approve"), 409, "count_serials_restated")
    assert err["details"] == {"document": count, "item": "A002", "date": "2026-03-05"}
    assert "盘点单" in err["message"] and "作废" in err["message"]
    assert state() == before
    # cancelling the first receipt would re-state the count too
    err = assert_error(
        api.post(f"/documents/{first}/cancel", {"reason": "录错了"}), 409, "count_serials_restated"
    )
    assert state() == before
    # after the count's date the receipt goes through
    doc(user, "purchase_receipt", "2026-03-06", [_line(1, ["SN3"])])
    assert stock(api, item="A002")[0] == "3"
    # and once the count is cancelled, the back-dated receipt does too
    cancel(user, count, "重新盘点")
    assert api.post(f"/documents/{late}/approve").status_code == 409  # SN3 is in stock now
    doc(user, "purchase_receipt", "2026-03-02", [_line(1, ["SN4"])])
    assert stock(api, item="A002")[0] == "4"
    assert api.get("/serials/SN4").json()["in_stock"] is True
    reconciled(api)


def test_a_quantity_only_restatement_moves_the_counts_batch(api, user):
    # given 5 of L1 received on 03-01 and a count on 03-05 finding those 5 (no difference)
    update_item(user, "A001", {"batch_tracked": True})
    first = doc(
        user,
        "purchase_receipt",
        "2026-03-01",
        [{"item": "A001", "qty": "5", "price": "5.00", "batch": "L1"}],
    )
    doc(user, "stock_count", "2026-03-05", [{"item": "A001", "qty": "5", "batch": "L1"}])
    # when the receipt is cancelled, the count states 5 on its date: a gain of 5 on an empty
    # balance, at the item's purchase price — none, so no value changes, only the quantity
    cancel(user, first, "录错了")
    assert stock(api)[0] == "5"
    # then the gain goes into the count's batch, and batches add up to the stock ledger
    rows = api.get("/stock/batches?item=A001&warehouse=WH1").json()["items"]
    assert [(r["batch"], r["qty"]) for r in rows] == [("L1", "5")]
    reconciled(api)
