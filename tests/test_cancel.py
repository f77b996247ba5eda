"""Cancelling: a document with dependents is refused, the reason is kept on every database, and
the cancel-chain refunds exactly what was paid against the chain."""

import pytest

from .factories import (
    _delivered,
    _return_body,
    approved,
    approved_doc,
    created,
    doc,
    fetch,
    post,
    receipt_body,
    reconciled,
    refused,
    sales_body,
    stock_of,
    vouchers_of,
)

pytestmark = pytest.mark.usefixtures("backups_in_tmp")


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
    so = approved_doc(api, sales_body("sales_order", "25", "10.00", "2026-03-02"))
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
        "借 2203 预收账款 282.50 / 贷 1002 银行存款 282.50"  # paid back from the advance
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
    d = approved_doc(api, sales_body("sales_delivery", "2", "50.00", "2026-03-02"))
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


def test_a_long_cancel_reason_behaves_the_same_on_every_database(api):
    number = created(api.post("/documents", receipt_body()))["number"]
    approved(api, number)
    reason = "原因" * 300
    r = api.post(f"/documents/{number}/cancel", {"reason": reason})
    assert r.status_code == 200, r.content
    assert r.json()["cancel_reason"] == reason[:500]
    assert api.get(f"/audit?object={number}").json()["items"][0]["reason"] == reason[:500]


def test_409_has_dependents(api):
    d = _delivered(api)
    ret = created(api.post("/documents", _return_body(d, 2)))["number"]
    # a draft return is no obstacle …
    assert api.get(f"/documents/{d['number']}").json()["status"] == "approved"
    approved(api, ret)
    # … an approved one is
    err = refused(
        lambda: api.post(f"/documents/{d['number']}/cancel", {"reason": "x"}), 409, "has_dependents"
    )
    assert err["details"] == {"dependents": [ret]}
    # once the return is cancelled the delivery may go
    assert api.post(f"/documents/{ret}/cancel", {"reason": "退货取消"}).status_code == 200
    assert api.post(f"/documents/{d['number']}/cancel", {"reason": "发货取消"}).status_code == 200
    assert stock_of(api) == ("10", "50.00")


def test_409_has_dependents_of_a_receipt(api):
    r = created(api.post("/documents", receipt_body()))
    approved(api, r["number"])
    ret = created(
        api.post(
            "/documents",
            {
                "type": "purchase_return",
                "date": "2026-03-02",
                "partner": "S001",
                "warehouse": "WH1",
                "source": r["number"],
                "lines": [
                    {
                        "item": "A001",
                        "qty": "4",
                        "price": "5.00",
                        "source_line": r["lines"][0]["id"],
                    }
                ],
            },
        )
    )
    approved(api, ret["number"])
    err = refused(
        lambda: api.post(f"/documents/{r['number']}/cancel", {"reason": "x"}), 409, "has_dependents"
    )
    assert err["details"] == {"dependents": [ret["number"]]}
    assert stock_of(api) == ("6", "30.00")
