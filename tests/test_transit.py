"""调拨在途: a transfer in transit leaves the source on approval, waits in transit (valued, in
1405, no voucher) and arrives with receipts — in parts, at the shipped cost; a back-dated cost
change at the source flows through transit to the target."""

from openjxc.posting.transit import receive

from .factories import cancel, doc, fetch, moves, reconciled, refused, stock


def _row(api, item="A001", wh="WH2"):
    items = api.get(f"/stock?item={item}&warehouse={wh}").json()["items"]
    r = items[0]
    return (r["on_hand"], r["value"], r["in_transit"], r["in_transit_value"])


def _ship(user, qty=6, date="2026-03-03"):
    return doc(user, "transfer", date, [("A001", qty)], to_warehouse="WH2", in_transit=True)


def _receive(api, number, date, lines=None, status=200):
    body = {"date": date} if lines is None else {"date": date, "lines": lines}
    r = api.post(f"/documents/{number}/receive", body)
    assert r.status_code == status, r.content
    return r.json() if status == 200 else r.json()["error"]


def test_received_in_two_parts_at_the_shipped_cost(api, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    t = _ship(user)  # 6 × 5.00 = 30.00 leave WH1
    assert stock(api) == ("4", "5.000000", "20.00")
    assert _row(api) == ("0", "0.00", "6", "30.00")  # nothing on hand at WH2, 6 on the way
    body = api.get(f"/documents/{t}").json()
    assert body["in_transit"] is True
    assert [
        (ln["shipped_qty"], ln["received_qty"], ln["in_transit_qty"]) for ln in body["lines"]
    ] == [("6", "0", "6")]
    assert fetch(
        "SELECT COUNT(*) FROM ledger_voucher v JOIN documents_document d ON d.id = v.document_id "
        "WHERE d.number = %s",
        [t],
    ) == [(0,)]  # the value stays in 1405

    r1 = _receive(api, t, "2026-03-05", [{"item": "A001", "qty": "2"}])  # 2 × 5.00
    assert r1["source"] == t and r1["status"] == "approved" and r1["warehouse"] == "WH2"
    assert _row(api) == ("2", "10.00", "4", "20.00")
    r2 = _receive(api, t, "2026-03-07")  # what remains: 4, 20.00
    assert _row(api) == ("6", "30.00", "0", "0.00")
    lines = api.get(f"/documents/{t}").json()["lines"]
    assert (lines[0]["received_qty"], lines[0]["in_transit_qty"]) == ("6", "0")
    assert [(m[1], m[3], m[4]) for m in moves(api, wh="WH2")] == [
        (r1["number"], "2", "10.00"),
        (r2["number"], "4", "20.00"),
    ]
    reconciled(api)


def test_back_dated_cost_at_the_source_flows_to_the_target(api, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    t = _ship(user, qty=3)  # 15.00
    r1 = _receive(api, t, "2026-03-05", [{"item": "A001", "qty": "1"}])  # 5.00
    assert _row(api) == ("1", "5.00", "2", "10.00")
    # given a back-dated receipt of 10 at 6.00 before the transfer: WH1 holds 20 for 110.00,
    # so the 3 shipped cost 3 × 5.50 = 16.50; the first arrival 5.50, transit 11.00
    doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "6.00")])
    assert _row(api) == ("1", "5.50", "2", "11.00")
    assert [(m[1], m[2], m[4]) for m in moves(api, wh="WH2")] == [
        (r1["number"], "original", "5.00"),
        (r1["number"], "adjustment", "0.50"),
    ]
    _receive(api, t, "2026-03-06")  # the last arrival empties transit exactly: 11.00
    assert _row(api) == ("3", "16.50", "0", "0.00")
    reconciled(api)


def test_receiving_more_than_in_transit_and_cancel_paths(api, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    t = _ship(user, qty=4)
    r1 = _receive(api, t, "2026-03-04", [{"item": "A001", "qty": "3"}])
    err = _receive(api, t, "2026-03-05", [{"item": "A001", "qty": "2"}], status=409)
    assert err["code"] == "exceeds_in_transit" and err["details"]["in_transit"] == "1"
    assert _row(api) == ("3", "15.00", "1", "5.00")  # the refusal changed nothing
    # a transfer with receipts is not cancelled under them
    assert refused(
        lambda: api.post(f"/documents/{t}/cancel", {"reason": "错了"}), 409, "has_dependents"
    )
    cancel(user, r1["number"], "收错了")  # back in transit
    assert _row(api) == ("0", "0.00", "4", "20.00")
    cancel(user, t, "不调了")
    assert stock(api) == ("10", "5.000000", "50.00")
    assert api.get("/stock?item=A001&warehouse=WH2").json()["items"] == []
    reconciled(api)


def test_refusals(api, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    plain = doc(user, "transfer", "2026-03-03", [("A001", 1)], to_warehouse="WH2")
    assert _receive(api, plain, "2026-03-04", status=409)["code"] == "not_in_transit"
    t = _ship(user, qty=1)
    assert _receive(api, t, "2026-03-02", status=422)["code"] == "invalid"  # before it left
    bad = api.post(
        "/documents",
        {
            "type": "other_in",
            "date": "2026-03-03",
            "warehouse": "WH1",
            "in_transit": True,
            "lines": [{"item": "A001", "qty": "1", "price": "1"}],
        },
    )
    assert bad.status_code == 422
    # the hidden transit warehouse is never a warehouse of a document or a list
    codes = [w["code"] for w in api.get("/warehouses").json()["items"]]
    assert not any(c.startswith("~") for c in codes)
    hidden = api.post(
        "/documents",
        {
            "type": "other_out",
            "date": "2026-03-04",
            "warehouse": f"~{t}",
            "lines": [{"item": "A001", "qty": "1"}],
        },
    )
    assert hidden.status_code == 404
    assert receive  # the service is what the endpoint calls
    reconciled(api)
