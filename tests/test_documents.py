"""Documents and master data through the API: unknown objects and references (404), duplicate
codes, statuses that refuse an action, version conflicts and idempotent external refs — each
refusal in the error body of API.md and changing nothing."""

from openjxc.documents.models import Document

from .factories import (
    _line,
    approved,
    created,
    receipt_body,
    refused,
    snapshot,
    stock_of,
)


def test_404_unknown_objects(api):
    refused(lambda: api.get("/documents/CGRK202603019999"), 404, "not_found")
    refused(lambda: api.put("/documents/NOPE", receipt_body()), 404, "not_found")
    refused(lambda: api.delete("/documents/NOPE"), 404, "not_found")
    refused(lambda: api.post("/documents/NOPE/approve"), 404, "not_found")
    err = refused(lambda: api.post("/documents/NOPE/cancel", {"reason": "x"}), 404, "not_found")
    assert err["details"] == {"object": "document", "ref": "NOPE"}
    for path in (
        "/items/NOPE",
        "/warehouses/NOPE",
        "/customers/NOPE",
        "/suppliers/NOPE",
        "/partners/NOPE/balance",
        "/partners/NOPE/open-items",
        "/stock?item=NOPE",
        "/stock?warehouse=NOPE",
        "/stock/moves?item=NOPE",
    ):
        refused(lambda p=path: api.get(p), 404, "not_found")
    refused(lambda: api.put("/items/NOPE", {"name": "x"}), 404, "not_found")
    # a customer is not a supplier and vice versa
    refused(lambda: api.get("/customers/S001"), 404, "not_found")
    refused(lambda: api.get("/suppliers/C001"), 404, "not_found")


def test_404_unknown_references_in_a_document(api):
    err = refused(
        lambda: api.post("/documents", receipt_body(lines=_line(item="NOPE"))), 404, "not_found"
    )
    assert err["details"] == {"object": "item", "ref": "NOPE"}
    err = refused(lambda: api.post("/documents", receipt_body(warehouse="NOPE")), 404, "not_found")
    assert err["details"] == {"object": "warehouse", "ref": "NOPE"}
    refused(
        lambda: api.post(
            "/documents",
            {
                "type": "transfer",
                "date": "2026-03-01",
                "warehouse": "WH1",
                "to_warehouse": "NOPE",
                "lines": [{"item": "A001", "qty": "1"}],
            },
        ),
        404,
        "not_found",
    )
    err = refused(
        lambda: api.post("/documents", receipt_body(type="sales_delivery", partner="NOPE")),
        404,
        "not_found",
    )
    assert err["details"] == {"object": "customer", "ref": "NOPE"}
    # a supplier code on a customer document is unknown there
    refused(
        lambda: api.post("/documents", receipt_body(type="sales_delivery", partner="S001")),
        404,
        "not_found",
    )
    refused(lambda: api.post("/documents", receipt_body(partner="C001")), 404, "not_found")
    refused(
        lambda: api.post(
            "/documents", receipt_body(type="purchase_return", source="CGRK202603019999")
        ),
        404,
        "not_found",
    )
    number = created(api.post("/documents", receipt_body()))["number"]
    refused(
        lambda: api.put(f"/documents/{number}", receipt_body(lines=_line(item="NOPE"))),
        404,
        "not_found",
    )


def test_409_duplicate_codes(api):
    for path, body in (
        ("/items", {"code": "A001", "name": "x", "unit": "个"}),
        ("/warehouses", {"code": "WH1", "name": "x"}),
        ("/customers", {"code": "C001", "name": "x"}),
        ("/suppliers", {"code": "S001", "name": "x"}),
        ("/items", {"code": " A001 ", "name": "x", "unit": "个"}),
    ):
        err = refused(lambda p=path, b=body: api.post(p, b), 409, "duplicate_code")
        assert err["details"]["code"] == body["code"].strip()
    # codes are unique per kind: a supplier may share a customer's code
    assert api.post("/suppliers", {"code": "C001", "name": "也是供应商"}).status_code == 201
    refused(
        lambda: api.post("/suppliers", {"code": "C001", "name": "again"}), 409, "duplicate_code"
    )


def test_409_wrong_status(api):
    number = created(api.post("/documents", receipt_body()))["number"]
    refused(
        lambda: api.post(f"/documents/{number}/cancel", {"reason": "草稿不能作废"}),
        409,
        "wrong_status",
    )
    approved(api, number)
    err = refused(
        lambda: api.put(f"/documents/{number}", receipt_body(lines=_line(qty="1"))),
        409,
        "wrong_status",
    )
    assert err["details"] == {
        "status": "approved",
        "action": "edit",
        "allowed": ["cancel", "reverse"],
    }
    refused(lambda: api.delete(f"/documents/{number}"), 409, "wrong_status")
    refused(lambda: api.post(f"/documents/{number}/approve"), 409, "wrong_status")
    assert stock_of(api) == ("10", "50.00")

    r = api.post(f"/documents/{number}/cancel", {"reason": "录错了"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    err = refused(
        lambda: api.post(f"/documents/{number}/cancel", {"reason": "again"}), 409, "wrong_status"
    )
    assert err["details"] == {"status": "cancelled", "action": "cancel", "allowed": []}
    refused(lambda: api.post(f"/documents/{number}/approve"), 409, "wrong_status")
    refused(lambda: api.put(f"/documents/{number}", receipt_body()), 409, "wrong_status")
    refused(lambda: api.delete(f"/documents/{number}"), 409, "wrong_status")
    assert stock_of(api) == ("0", "0.00")


def test_409_version_conflict(api):
    d = created(api.post("/documents", receipt_body()))
    assert d["version"] == 1
    r = api.put(f"/documents/{d['number']}", {**receipt_body(lines=_line(qty="2")), "version": 1})
    assert r.status_code == 200 and r.json()["version"] == 2
    refused(
        lambda: api.put(
            f"/documents/{d['number']}", {**receipt_body(lines=_line(qty="3")), "version": 1}
        ),
        409,
        "version_conflict",
    )
    assert api.get(f"/documents/{d['number']}").json()["lines"][0]["qty"] == "2"


def test_external_ref_is_idempotent(api):
    first = created(api.post("/documents", receipt_body(external_ref="shop-1001")))
    before = snapshot()
    again = api.post("/documents", receipt_body(external_ref="shop-1001"))
    assert again.status_code in (200, 201)
    assert again.json()["number"] == first["number"]
    assert again.json()["lines"][0]["qty"] == "10"
    # another body under the same key is a conflict (issue 9), not the first document
    conflict = api.post("/documents", receipt_body(external_ref="shop-1001", lines=_line(qty="99")))
    assert (
        conflict.status_code == 409 and conflict.json()["error"]["code"] == "idempotency_conflict"
    )
    assert snapshot() == before
    assert Document.objects.filter(external_ref="shop-1001").count() == 1
    # the same ref on another type is another document
    other = created(
        api.post(
            "/documents",
            {
                "type": "other_in",
                "date": "2026-03-01",
                "warehouse": "WH1",
                "external_ref": "shop-1001",
                "lines": [{"item": "A001", "qty": "1", "price": "1"}],
            },
        )
    )
    assert other["number"] != first["number"]
    # still idempotent after approval
    approved(api, first["number"])
    again = api.post("/documents", receipt_body(external_ref="shop-1001"))
    assert again.json()["number"] == first["number"] and again.json()["status"] == "approved"
    assert Document.objects.count() == 2
