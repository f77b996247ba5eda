"""Documents derived from a source (退货, 发票, 出库 from an order): the source must exist, be
approved and still live; a derived document may not exceed what is left of its source nor
predate it; invoicing never reduces what can be returned."""

import pytest

from .factories import (
    _delivered,
    _line,
    _return_body,
    approved,
    approved_doc,
    created,
    delivery_body,
    on_hand,
    post,
    receipt_body,
    reconciled,
    refused,
    sales_body,
    stock_of,
)

pytestmark = pytest.mark.usefixtures("backups_in_tmp")


def error(api, path, body, status=409):
    r = api.post(path, body)
    assert r.status_code == status, r.content
    return r.json()["error"]["code"]


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
        src = approved_doc(api, sales_body("sales_delivery", "10", "9.00", "2026-03-02"))
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
    d = approved_doc(api, sales_body("sales_delivery", "10", "9.00", "2026-03-02"))
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


def test_409_wrong_status_of_a_draft_source(api):
    src = created(api.post("/documents", receipt_body()))
    body = {
        "type": "purchase_return",
        "date": "2026-03-02",
        "partner": "S001",
        "warehouse": "WH1",
        "source": src["number"],
        "lines": [
            {"item": "A001", "qty": "1", "price": "5.00", "source_line": src["lines"][0]["id"]}
        ],
    }
    refused(lambda: api.post("/documents", body), 409, "wrong_status")


@pytest.mark.parametrize("kind", ["purchase_return", "sales_return"])
def test_409_approving_a_draft_derived_from_a_since_cancelled_source(api, kind):
    approved(api, created(api.post("/documents", receipt_body()))["number"])
    if kind == "purchase_return":
        src = created(
            api.post("/documents", receipt_body(date="2026-03-02", lines=_line(price="6.00")))
        )
        partner = "S001"
    else:
        src = created(api.post("/documents", delivery_body(2, "2026-03-02")))
        partner = "C001"
    approved(api, src["number"])
    draft = created(
        api.post(
            "/documents",
            {
                "type": kind,
                "date": "2026-03-03",
                "partner": partner,
                "warehouse": "WH1",
                "source": src["number"],
                "lines": [
                    {
                        "item": "A001",
                        "qty": "2",
                        "price": "6.00",
                        "source_line": src["lines"][0]["id"],
                    }
                ],
            },
        )
    )
    assert api.post(f"/documents/{src['number']}/cancel", {"reason": "作废来源"}).status_code == 200
    err = refused(lambda: api.post(f"/documents/{draft['number']}/approve"), 409, "wrong_status")
    assert err["details"]["source"] == src["number"]
    # and editing the draft is refused the same way
    body = api.get(f"/documents/{draft['number']}").json()
    refused(
        lambda: api.put(
            f"/documents/{draft['number']}",
            {
                "type": kind,
                "date": "2026-03-03",
                "partner": partner,
                "warehouse": "WH1",
                "source": src["number"],
                "lines": [
                    {
                        "item": "A001",
                        "qty": "1",
                        "price": "6.00",
                        "source_line": body["lines"][0]["source_line"],
                    }
                ],
            },
        ),
        409,
        "wrong_status",
    )


def test_422_derived_document_dated_before_its_source(api):
    d = _delivered(api, 5)  # delivered on 2026-03-05
    err = refused(
        lambda: api.post("/documents", _return_body(d, 1, date="2026-03-04")), 422, "invalid"
    )
    assert err["details"]["field"] == "date"
    ok = created(api.post("/documents", _return_body(d, 1, date="2026-03-05")))
    refused(
        lambda: api.put(f"/documents/{ok['number']}", _return_body(d, 1, date="2026-03-01")),
        422,
        "invalid",
    )


def test_409_exceeds_source(api):
    d = _delivered(api, 5)
    err = refused(lambda: api.post("/documents", _return_body(d, 6)), 409, "exceeds_source")
    assert err["details"] == {"source": d["number"], "source_line": d["lines"][0]["id"]}
    # two drafts of 3 each fit alone; the second cannot be approved after the first
    first = created(api.post("/documents", _return_body(d, 3)))["number"]
    second = created(api.post("/documents", _return_body(d, 3)))["number"]
    approved(api, first)
    refused(lambda: api.post(f"/documents/{second}/approve"), 409, "exceeds_source")
    refused(lambda: api.post("/documents", _return_body(d, "2.0001")), 409, "exceeds_source")
    ok = created(api.post("/documents", _return_body(d, 2)))["number"]
    approved(api, ok)
    assert stock_of(api) == ("10", "50.00")


def test_invalid_sources(api):
    d = _delivered(api, 5)
    body = _return_body(d, 1)
    refused(
        lambda: api.post(
            "/documents", {**body, "lines": [{**body["lines"][0], "source_line": 999999}]}
        ),
        422,
        "invalid",
    )
    refused(
        lambda: api.post("/documents", {**body, "lines": [{**body["lines"][0], "item": "A002"}]}),
        422,
        "invalid",
    )
    assert api.post("/customers", {"code": "C002", "name": "客户二"}).status_code == 201
    refused(lambda: api.post("/documents", {**body, "partner": "C002"}), 422, "invalid")
    receipt = api.get("/documents?type=purchase_receipt").json()["items"][0]["number"]
    refused(lambda: api.post("/documents", {**body, "source": receipt}), 422, "invalid")
    refused(lambda: api.post("/documents", delivery_body(1, source=d["number"])), 422, "invalid")
