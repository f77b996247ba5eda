"""Issue 9, books: counts that stay true under back-dated history, returns after invoicing, and
cancel-chain refunds of exactly what the chain was paid."""

import pytest
from django.db import connection

from tests.factories import cancel, doc, fetch, vouchers_of


@pytest.fixture(autouse=True)
def backups_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def post(api, path, body=None, status=200):
    r = api.post(path, body or {})
    assert r.status_code == status, r.content
    return r.json()


def error(api, path, body, status=409):
    r = api.post(path, body)
    assert r.status_code == status, r.content
    return r.json()["error"]["code"]


def on_hand(api, item="A001", wh="WH1", day="2026-12-31"):
    rows = api.get(f"/stock?item={item}&warehouse={wh}&date={day}").json()["items"]
    return (rows[0]["on_hand"], rows[0]["value"]) if rows else ("0", "0.00")


def reconciled(api):
    assert api.get("/reconcile").json() == {"ok": True, "problems": []}


# --- item 9: invoicing never reduces what can be returned ------------------------------------


def _invoiced_delivery(api, kind="sales"):
    """10 of A001 received at 5.00; a delivery (or the receipt itself) of 10, fully invoiced."""
    r = post(
        api,
        "/documents",
        {
            "type": "purchase_receipt",
            "date": "2026-03-01",
            "partner": "S001",
            "warehouse": "WH1",
            "lines": [{"item": "A001", "qty": "10", "price": "5.00"}],
        },
        201,
    )
    post(api, f"/documents/{r['number']}/approve")
    src = r
    if kind == "sales":
        src = post(
            api,
            "/documents",
            {
                "type": "sales_delivery",
                "date": "2026-03-02",
                "partner": "C001",
                "warehouse": "WH1",
                "lines": [{"item": "A001", "qty": "10", "price": "9.00"}],
            },
            201,
        )
        post(api, f"/documents/{src['number']}/approve")
    inv = post(
        api,
        f"/documents/{src['number']}/derive",
        {"type": f"{kind}_invoice", "date": "2026-03-03", "invoice_no": "No.1"},
        201,
    )
    assert inv["lines"][0]["qty"] == "10"
    post(api, f"/documents/{inv['number']}/approve")
    return src


@pytest.mark.parametrize("kind", ["sales", "purchase"])
def test_an_invoiced_delivery_or_receipt_can_still_be_returned(api, kind):
    # given a delivery (receipt) of 10, invoiced in full
    src = _invoiced_delivery(api, kind)
    # when a return is derived from it
    ret = post(
        api,
        f"/documents/{src['number']}/derive",
        {"type": f"{kind}_return", "date": "2026-03-04"},
        201,
    )
    # then all 10 can still be returned, and the return posts
    assert ret["lines"][0]["qty"] == "10"
    post(api, f"/documents/{ret['number']}/approve")
    assert on_hand(api) == (("10", "50.00") if kind == "sales" else ("0", "0.00"))
    # and nothing more than what was delivered: a second return is refused
    assert (
        error(api, f"/documents/{src['number']}/derive", {"type": f"{kind}_return"})
        == "exceeds_source"
    )
    reconciled(api)


def test_an_invoice_of_a_partly_returned_delivery_covers_what_was_kept(api):
    # given a delivery of 10 of which 4 came back
    r = post(
        api,
        "/documents",
        {
            "type": "purchase_receipt",
            "date": "2026-03-01",
            "partner": "S001",
            "warehouse": "WH1",
            "lines": [{"item": "A001", "qty": "10", "price": "5.00"}],
        },
        201,
    )
    post(api, f"/documents/{r['number']}/approve")
    d = post(
        api,
        "/documents",
        {
            "type": "sales_delivery",
            "date": "2026-03-02",
            "partner": "C001",
            "warehouse": "WH1",
            "lines": [{"item": "A001", "qty": "10", "price": "9.00"}],
        },
        201,
    )
    post(api, f"/documents/{d['number']}/approve")
    ret = post(
        api,
        f"/documents/{d['number']}/derive",
        {
            "type": "sales_return",
            "date": "2026-03-03",
            "lines": [{"source_line": d["lines"][0]["id"], "qty": "4"}],
        },
        201,
    )
    post(api, f"/documents/{ret['number']}/approve")
    uninvoiced = api.get("/reports/uninvoiced").json()["items"]
    assert [(u["document"], u["returned"], u["uninvoiced"]) for u in uninvoiced] == [
        (r["number"], "0.00", "56.50"),
        (d["number"], "40.68", "61.02"),
    ]
    # when it is invoiced (derived, or created without lines)
    inv = post(
        api,
        f"/documents/{d['number']}/derive",
        {"type": "sales_invoice", "invoice_no": "No.2"},
        201,
    )
    plain = post(
        api,
        "/documents",
        {
            "type": "sales_invoice",
            "date": "2026-03-04",
            "partner": "C001",
            "source": d["number"],
            "invoice_no": "No.3",
        },
        201,
    )
    # then the invoice covers the 6 that were kept: 6 × 9.00 + 13 % = 61.02
    assert [(ln["qty"], ln["amount_incl_tax"]) for ln in inv["lines"]] == [("6", "61.02")]
    assert [(ln["qty"], ln["amount_incl_tax"]) for ln in plain["lines"]] == [("6", "61.02")]
    post(api, f"/documents/{inv['number']}/approve")
    # and the delivery is fully invoiced; more than the kept quantity cannot be invoiced
    assert [u["document"] for u in api.get("/reports/uninvoiced").json()["items"]] == [r["number"]]
    assert error(api, f"/documents/{plain['number']}/approve", {}) == "exceeds_source"
    assert (
        error(
            api,
            "/documents",
            {
                "type": "sales_invoice",
                "date": "2026-03-04",
                "partner": "C001",
                "source": d["number"],
                "invoice_no": "No.4",
            },
        )
        == "exceeds_source"
    )
    # the 4 returned and the 6 invoiced still leave 6 that may come back
    again = post(api, f"/documents/{d['number']}/derive", {"type": "sales_return"}, 201)
    assert again["lines"][0]["qty"] == "6"
    reconciled(api)


# --- item 10: cancel-chain refunds what was paid against the chain ---------------------------


def test_cancel_chain_refunds_only_what_was_paid_against_the_chain(api):
    # given an order of 25 × 10.00 (282.50 with tax) delivered, and a receipt of 400.00 of which
    # 282.50 settles the delivery and 117.50 stays on the customer as credit
    post(
        api,
        "/documents/"
        + post(
            api,
            "/documents",
            {
                "type": "purchase_receipt",
                "date": "2026-03-01",
                "partner": "S001",
                "warehouse": "WH1",
                "lines": [{"item": "A001", "qty": "30", "price": "5.00"}],
            },
            201,
        )["number"]
        + "/approve",
    )
    so = post(
        api,
        "/documents",
        {
            "type": "sales_order",
            "date": "2026-03-02",
            "partner": "C001",
            "warehouse": "WH1",
            "lines": [{"item": "A001", "qty": "25", "price": "10.00"}],
        },
        201,
    )
    post(api, f"/documents/{so['number']}/approve")
    d = post(
        api,
        f"/documents/{so['number']}/derive",
        {"type": "sales_delivery", "date": "2026-03-03"},
        201,
    )
    post(api, f"/documents/{d['number']}/approve")
    rc = post(
        api,
        "/documents",
        {
            "type": "receipt",
            "date": "2026-03-04",
            "partner": "C001",
            "amount": "400.00",
            "allocations": [{"document": d["number"], "amount": "282.50"}],
        },
        201,
    )
    post(api, f"/documents/{rc['number']}/approve")
    assert api.get("/partners/C001/balance").json()["receivable"] == "-117.50"
    # when the chain is cancelled with a refund
    result = post(
        api, f"/documents/{so['number']}/cancel-chain", {"reason": "整单退货", "refund": True}
    )
    # then the refund pays back the 282.50 paid for this chain, not the receipt's 400.00
    refunds = [s for s in result["steps"] if s["action"] == "refund"]
    assert [s["amount"] for s in refunds] == ["282.50"]
    assert vouchers_of(refunds[0]["document"]) == [
        "借 1122 应收账款 282.50 / 贷 1002 银行存款 282.50"
    ]
    # and the older credit stays on the customer
    assert api.get("/partners/C001/balance").json()["receivable"] == "-117.50"
    assert [
        (o["document"], o["open_amount"])
        for o in api.get("/partners/C001/open-items").json()["items"]
    ] == [(rc["number"], "-117.50")]
    reconciled(api)


def test_cancel_chain_refunds_each_receipt_what_it_paid_for_the_chain(api, user):
    # given a delivery settled by two receipts, one of which paid it only in part
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    d = post(
        api,
        "/documents",
        {
            "type": "sales_delivery",
            "date": "2026-03-02",
            "partner": "C001",
            "warehouse": "WH1",
            "lines": [{"item": "A001", "qty": "2", "price": "50.00"}],
        },
        201,
    )
    post(api, f"/documents/{d['number']}/approve")
    r1 = post(
        api,
        "/documents",
        {
            "type": "receipt",
            "date": "2026-03-03",
            "partner": "C001",
            "amount": "100.00",
            "allocations": [{"document": d["number"], "amount": "100.00"}],
        },
        201,
    )
    post(api, f"/documents/{r1['number']}/approve")
    r2 = post(
        api,
        "/documents",
        {
            "type": "receipt",
            "date": "2026-03-03",
            "partner": "C001",
            "amount": "50.00",
            "allocations": [{"document": d["number"], "amount": "13.00"}],
        },
        201,
    )
    post(api, f"/documents/{r2['number']}/approve")
    # when the delivery's chain is cancelled with a refund
    result = post(api, f"/documents/{d['number']}/cancel-chain", {"reason": "退货", "refund": True})
    # then each receipt gets back what it paid for the delivery
    refunds = sorted((s["amount"]) for s in result["steps"] if s["action"] == "refund")
    assert refunds == ["100.00", "13.00"]
    assert api.get("/partners/C001/balance").json()["receivable"] == "-37.00"
    assert fetch("SELECT COUNT(*) FROM documents_document WHERE type = 'refund'")[0][0] == 2
    reconciled(api)


# --- item 8: a stock count states the quantity on its date -----------------------------------


def count_moves(api, number, item="A001", wh="WH1"):
    """(kind, qty, value) of one document's rows in the stock ledger."""
    rows = api.get(f"/stock/moves?item={item}&warehouse={wh}").json()["items"]
    return [(m["kind"], m["qty"], m["value"]) for m in rows if m["document"] == number]


def test_a_back_dated_receipt_before_a_count_is_absorbed_by_the_count(api, user):
    # given 10 received at 5.00, a count that finds 6 (loss of 4) and a delivery of 2 after it
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    count = doc(user, "stock_count", "2026-03-05", [("A001", 6)])
    delivery = doc(user, "sales_delivery", "2026-03-06", [("A001", 2, "9.00")])
    assert on_hand(api, day="2026-03-05") == ("6", "30.00")
    # when a receipt of 8 at 6.00 is entered back-dated before the count (ERPNext
    # test_backdated_stock_reco_qty_reposting)
    late = doc(user, "purchase_receipt", "2026-03-03", [("A001", 8, "6.00")])
    # then the count still states 6 on its date (its loss grows by 8, at the new average), and
    # the stock after it is unchanged in quantity
    assert on_hand(api, day="2026-03-05") == ("6", "32.67")  # 98.00 − 12 × 98.00 / 18
    assert on_hand(api) == ("4", "21.78")
    assert count_moves(api, count) == [("original", "-4", "-20.00"), ("adjustment", "-8", "-45.33")]
    assert vouchers_of(late) == [
        "借 1405 库存商品 48.00 / 借 22210101 进项税额 6.24 / 贷 2202 应付账款 54.24",
        "借 1901 待处理财产损溢 45.33 / 贷 1405 库存商品 45.33",  # the count's re-stated loss
        "借 5401 主营业务成本 0.89 / 贷 1405 库存商品 0.89",  # the delivery at the new average
    ]
    assert count_moves(api, delivery) == [
        ("original", "-2", "-10.00"),
        ("adjustment", "0", "-0.89"),
    ]
    reconciled(api)
    # when the back-dated receipt is cancelled, the count is re-stated again: back to a loss of 4
    cancel(user, late, "录错了")
    assert on_hand(api, day="2026-03-05") == ("6", "30.00")
    assert on_hand(api) == ("4", "20.00")
    assert count_moves(api, count)[-1] == ("adjustment", "8", "45.33")
    assert vouchers_of(late) == [  # in date order
        "借 1405 库存商品 48.00 / 借 22210101 进项税额 6.24 / 贷 2202 应付账款 54.24",
        "借 1405 库存商品 -48.00 / 借 22210101 进项税额 -6.24 / 贷 2202 应付账款 -54.24",
        "借 1901 待处理财产损溢 45.33 / 贷 1405 库存商品 45.33",
        "借 1405 库存商品 45.33 / 贷 1901 待处理财产损溢 45.33",  # the count's loss back to 4
        "借 5401 主营业务成本 0.89 / 贷 1405 库存商品 0.89",
        "借 1405 库存商品 0.89 / 贷 5401 主营业务成本 0.89",
    ]
    reconciled(api)


def test_a_count_that_found_the_book_quantity_is_re_stated_too(api, user):
    # given a count that confirmed the book quantity of 6 (no difference, no voucher)
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 6, "5.00")])
    count = doc(user, "stock_count", "2026-03-05", [("A001", 6)])
    assert vouchers_of(count) == [] and count_moves(api, count) == []
    # when 8 more are received back-dated before it
    late = doc(user, "purchase_receipt", "2026-03-03", [("A001", 8, "5.00")])
    # then the stock on the count's date stays 6, not 14: the count now finds 8 fewer
    assert on_hand(api, day="2026-03-05") == ("6", "30.00")
    assert on_hand(api) == ("6", "30.00")
    assert count_moves(api, count) == [("adjustment", "-8", "-40.00")]
    summary = api.get("/reports/inventory-summary?from=2026-03-01&to=2026-03-31").json()["items"]
    assert [
        (r["in_qty"], r["in_value"], r["out_qty"], r["out_value"], r["closing_qty"])
        for r in summary
    ] == [("14", "70.00", "8", "40.00", "6")]
    assert vouchers_of(late)[1:] == ["借 1901 待处理财产损溢 40.00 / 贷 1405 库存商品 40.00"]
    reconciled(api)


def test_a_back_dated_delivery_before_a_count_is_allowed_while_stock_lasts(api, user):
    # given 10 received and a count of 6 (loss of 4)
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    count = doc(user, "stock_count", "2026-03-05", [("A001", 6)])
    # when 8 are delivered back-dated before the count (2 left on that day)
    d = doc(user, "sales_delivery", "2026-03-03", [("A001", 8, "9.00")])
    # then the count, which found 6, now records a gain of 4 and the stock stays 6
    assert on_hand(api, day="2026-03-03") == ("2", "10.00")
    assert on_hand(api) == ("6", "30.00")
    assert count_moves(api, count) == [("original", "-4", "-20.00"), ("adjustment", "8", "40.00")]
    assert vouchers_of(d)[1:] == ["借 1405 库存商品 40.00 / 贷 1901 待处理财产损溢 40.00"]
    reconciled(api)


def test_a_re_statement_that_would_drive_stock_negative_is_refused(api, user):
    # given 10 received, 4 delivered, a count that confirms 6 and a delivery of 6 after it
    r1 = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    doc(user, "sales_delivery", "2026-03-02", [("A001", 4, "9.00")])
    doc(user, "stock_count", "2026-03-05", [("A001", 6)])
    doc(user, "sales_delivery", "2026-03-06", [("A001", 6, "9.00")])
    before = fetch("SELECT COUNT(*), SUM(qty), SUM(value) FROM inventory_stockmove")
    # when a back-dated delivery of 8 would leave the stock before the count at −2
    d = doc(user, "sales_delivery", "2026-03-03", [("A001", 8, "9.00")], approve_it=False)
    r = api.post(f"/documents/{d}/approve", {})
    # then it is refused with insufficient_stock, and nothing changes
    assert r.status_code == 409 and r.json()["error"]["code"] == "insufficient_stock"
    assert r.json()["error"]["details"]["date"] == "2026-03-03"
    # and likewise the cancel of the receipt the first delivery took from (a count later on
    # cannot make up for stock that was not there before it)
    r = api.post(f"/documents/{r1}/cancel", {"reason": "录错了"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "insufficient_stock"
    assert fetch("SELECT COUNT(*), SUM(qty), SUM(value) FROM inventory_stockmove") == before
    assert on_hand(api) == ("0", "0.00")
    reconciled(api)


def test_cancelling_or_reversing_a_re_stated_count_takes_back_all_it_posted(api, user):
    # given a count of 6 re-stated by a back-dated receipt (loss 4 + 8)
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    count = doc(user, "stock_count", "2026-03-05", [("A001", 6)])
    doc(user, "purchase_receipt", "2026-03-03", [("A001", 8, "5.00")])
    assert on_hand(api) == ("6", "30.00")
    # when the count is cancelled, all 12 come back
    cancel(user, count, "盘错了")
    assert on_hand(api) == ("18", "90.00")
    reconciled(api)
    # and a red-letter reversal of another re-stated count takes back its whole difference too
    count2 = doc(user, "stock_count", "2026-03-06", [("A001", 10)])
    doc(user, "other_out", "2026-03-04", [("A001", 3)])  # back-dated: the count now finds 2 fewer
    assert count_moves(api, count2) == [("original", "-8", "-40.00"), ("adjustment", "3", "15.00")]
    post(api, f"/documents/{count2}/reverse", {"reason": "盘错了", "date": "2026-03-07"})
    assert on_hand(api) == ("15", "75.00")
    reconciled(api)


def test_reconcile_reports_a_count_that_no_longer_holds(api, user):
    # given a count whose move was written before counts were re-stated (a plain loss)
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    count = doc(user, "stock_count", "2026-03-05", [("A001", 6)])
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE inventory_stockmove SET rule = 2 WHERE document_id = "
            "(SELECT id FROM documents_document WHERE number = %s)",
            [count],
        )
    # when a receipt is entered back-dated before it
    doc(user, "purchase_receipt", "2026-03-03", [("A001", 8, "5.00")])
    # then reconcile says the stock on the count's date is no longer what was counted (in
    # English, which this client asks for)
    api.headers["HTTP_ACCEPT_LANGUAGE"] = "en"
    result = api.get("/reconcile").json()
    assert not result["ok"]
    assert [(p["check"], p["document"], p["item"], p["warehouse"]) for p in result["problems"]] == [
        ("stock_count", count, "A001", "WH1")
    ]
    assert "counted at 6" in result["problems"][0]["message"]
    assert "holds 14" in result["problems"][0]["message"]
