"""Issue 9, books: counts that stay true under back-dated history, returns after invoicing, and
cancel-chain refunds of exactly what the chain was paid."""

import pytest

from tests.factories import doc, fetch, vouchers_of


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
    r = post(api, "/documents", {"type": "purchase_receipt", "date": "2026-03-01", "partner": "S001",
                                 "warehouse": "WH1", "lines": [{"item": "A001", "qty": "10", "price": "5.00"}]}, 201)
    post(api, f"/documents/{r['number']}/approve")
    src = r
    if kind == "sales":
        src = post(api, "/documents", {"type": "sales_delivery", "date": "2026-03-02", "partner": "C001",
                                       "warehouse": "WH1", "lines": [{"item": "A001", "qty": "10",
                                                                      "price": "9.00"}]}, 201)
        post(api, f"/documents/{src['number']}/approve")
    inv = post(api, f"/documents/{src['number']}/derive",
               {"type": f"{kind}_invoice", "date": "2026-03-03", "invoice_no": "No.1"}, 201)
    assert inv["lines"][0]["qty"] == "10"
    post(api, f"/documents/{inv['number']}/approve")
    return src


@pytest.mark.parametrize("kind", ["sales", "purchase"])
def test_an_invoiced_delivery_or_receipt_can_still_be_returned(api, kind):
    # given a delivery (receipt) of 10, invoiced in full
    src = _invoiced_delivery(api, kind)
    # when a return is derived from it
    ret = post(api, f"/documents/{src['number']}/derive", {"type": f"{kind}_return", "date": "2026-03-04"}, 201)
    # then all 10 can still be returned, and the return posts
    assert ret["lines"][0]["qty"] == "10"
    post(api, f"/documents/{ret['number']}/approve")
    assert on_hand(api) == (("10", "50.00") if kind == "sales" else ("0", "0.00"))
    # and nothing more than what was delivered: a second return is refused
    assert error(api, f"/documents/{src['number']}/derive", {"type": f"{kind}_return"}) == "exceeds_source"
    reconciled(api)


def test_an_invoice_of_a_partly_returned_delivery_covers_what_was_kept(api):
    # given a delivery of 10 of which 4 came back
    r = post(api, "/documents", {"type": "purchase_receipt", "date": "2026-03-01", "partner": "S001",
                                 "warehouse": "WH1", "lines": [{"item": "A001", "qty": "10", "price": "5.00"}]}, 201)
    post(api, f"/documents/{r['number']}/approve")
    d = post(api, "/documents", {"type": "sales_delivery", "date": "2026-03-02", "partner": "C001",
                                 "warehouse": "WH1", "lines": [{"item": "A001", "qty": "10", "price": "9.00"}]}, 201)
    post(api, f"/documents/{d['number']}/approve")
    ret = post(api, f"/documents/{d['number']}/derive", {"type": "sales_return", "date": "2026-03-03",
               "lines": [{"source_line": d["lines"][0]["id"], "qty": "4"}]}, 201)
    post(api, f"/documents/{ret['number']}/approve")
    uninvoiced = api.get("/reports/uninvoiced").json()["items"]
    assert [(u["document"], u["returned"], u["uninvoiced"]) for u in uninvoiced] == [
        (r["number"], "0.00", "56.50"), (d["number"], "40.68", "61.02")]
    # when it is invoiced (derived, or created without lines)
    inv = post(api, f"/documents/{d['number']}/derive", {"type": "sales_invoice", "invoice_no": "No.2"}, 201)
    plain = post(api, "/documents", {"type": "sales_invoice", "date": "2026-03-04", "partner": "C001",
                                     "source": d["number"], "invoice_no": "No.3"}, 201)
    # then the invoice covers the 6 that were kept: 6 × 9.00 + 13 % = 61.02
    assert [(ln["qty"], ln["amount_incl_tax"]) for ln in inv["lines"]] == [("6", "61.02")]
    assert [(ln["qty"], ln["amount_incl_tax"]) for ln in plain["lines"]] == [("6", "61.02")]
    post(api, f"/documents/{inv['number']}/approve")
    # and the delivery is fully invoiced; more than the kept quantity cannot be invoiced
    assert [u["document"] for u in api.get("/reports/uninvoiced").json()["items"]] == [r["number"]]
    assert error(api, f"/documents/{plain['number']}/approve", {}) == "exceeds_source"
    assert error(api, "/documents", {"type": "sales_invoice", "date": "2026-03-04", "partner": "C001",
                                     "source": d["number"], "invoice_no": "No.4"}) == "exceeds_source"
    # the 4 returned and the 6 invoiced still leave 6 that may come back
    again = post(api, f"/documents/{d['number']}/derive", {"type": "sales_return"}, 201)
    assert again["lines"][0]["qty"] == "6"
    reconciled(api)


# --- item 10: cancel-chain refunds what was paid against the chain ---------------------------


def test_cancel_chain_refunds_only_what_was_paid_against_the_chain(api):
    # given an order of 25 × 10.00 (282.50 with tax) delivered, and a receipt of 400.00 of which
    # 282.50 settles the delivery and 117.50 stays on the customer as credit
    post(api, "/documents/" + post(api, "/documents", {
        "type": "purchase_receipt", "date": "2026-03-01", "partner": "S001", "warehouse": "WH1",
        "lines": [{"item": "A001", "qty": "30", "price": "5.00"}]}, 201)["number"] + "/approve")
    so = post(api, "/documents", {"type": "sales_order", "date": "2026-03-02", "partner": "C001", "warehouse": "WH1",
                                  "lines": [{"item": "A001", "qty": "25", "price": "10.00"}]}, 201)
    post(api, f"/documents/{so['number']}/approve")
    d = post(api, f"/documents/{so['number']}/derive", {"type": "sales_delivery", "date": "2026-03-03"}, 201)
    post(api, f"/documents/{d['number']}/approve")
    rc = post(api, "/documents", {"type": "receipt", "date": "2026-03-04", "partner": "C001", "amount": "400.00",
                                  "allocations": [{"document": d["number"], "amount": "282.50"}]}, 201)
    post(api, f"/documents/{rc['number']}/approve")
    assert api.get("/partners/C001/balance").json()["receivable"] == "-117.50"
    # when the chain is cancelled with a refund
    result = post(api, f"/documents/{so['number']}/cancel-chain", {"reason": "整单退货", "refund": True})
    # then the refund pays back the 282.50 paid for this chain, not the receipt's 400.00
    refunds = [s for s in result["steps"] if s["action"] == "refund"]
    assert [s["amount"] for s in refunds] == ["282.50"]
    assert vouchers_of(refunds[0]["document"]) == ["借 1122 应收账款 282.50 / 贷 1002 银行存款 282.50"]
    # and the older credit stays on the customer
    assert api.get("/partners/C001/balance").json()["receivable"] == "-117.50"
    assert [(o["document"], o["open_amount"]) for o in
            api.get("/partners/C001/open-items").json()["items"]] == [(rc["number"], "-117.50")]
    reconciled(api)


def test_cancel_chain_refunds_each_receipt_what_it_paid_for_the_chain(api, user):
    # given a delivery settled by two receipts, one of which paid it only in part
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    d = post(api, "/documents", {"type": "sales_delivery", "date": "2026-03-02", "partner": "C001",
                                 "warehouse": "WH1", "lines": [{"item": "A001", "qty": "2", "price": "50.00"}]}, 201)
    post(api, f"/documents/{d['number']}/approve")
    r1 = post(api, "/documents", {"type": "receipt", "date": "2026-03-03", "partner": "C001", "amount": "100.00",
                                  "allocations": [{"document": d["number"], "amount": "100.00"}]}, 201)
    post(api, f"/documents/{r1['number']}/approve")
    r2 = post(api, "/documents", {"type": "receipt", "date": "2026-03-03", "partner": "C001", "amount": "50.00",
                                  "allocations": [{"document": d["number"], "amount": "13.00"}]}, 201)
    post(api, f"/documents/{r2['number']}/approve")
    # when the delivery's chain is cancelled with a refund
    result = post(api, f"/documents/{d['number']}/cancel-chain", {"reason": "退货", "refund": True})
    # then each receipt gets back what it paid for the delivery
    refunds = sorted((s["amount"]) for s in result["steps"] if s["action"] == "refund")
    assert refunds == ["100.00", "13.00"]
    assert api.get("/partners/C001/balance").json()["receivable"] == "-37.00"
    assert fetch("SELECT COUNT(*) FROM documents_document WHERE type = 'refund'")[0][0] == 2
    reconciled(api)
