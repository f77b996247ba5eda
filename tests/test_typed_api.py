"""Typed API (issue 10, item 5) and the shape of API.md: request bodies refuse unknown fields with
422 unknown_field; every operation of the served OpenAPI document declares typed bodies, errors
included; lists come in one envelope with limit and offset; decimals are strings with their
places."""

import pytest
from django.utils import translation

from openjxc.core.error_codes import status_of
from openjxc.core.errors import DomainError
from openjxc.documents.models import Document
from openjxc.web.errors import error_message

from .factories import (
    As,
    approved,
    created,
    doc,
    person,
    receipt_body,
    state,
)

RECEIPT = {
    "type": "purchase_receipt",
    "date": "2026-03-05",
    "partner": "S001",
    "warehouse": "WH1",
    "lines": [{"item": "A001", "qty": "10", "price": "3.17"}],
}


def refused_as_unknown(response, field: str) -> None:
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "unknown_field"
    assert error["details"]["field"] == field
    assert field in error["message"]


# --- unknown request fields -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**RECEIPT, "categroy": "x"}, "categroy"),
        ({**RECEIPT, "lines": [{**RECEIPT["lines"][0], "discount": "0.1"}]}, "lines[0].discount"),
        (
            {
                "type": "receipt",
                "date": "2026-03-05",
                "partner": "C001",
                "amount": "5",
                "allocations": [{"document": "X", "amount": "5", "note": "n"}],
            },
            "allocations[0].note",
        ),
    ],
)
def test_a_document_field_the_endpoint_does_not_know_is_refused(api, body, field):
    # given: the books; when: a body carries a field no document has
    before = state()
    response = api.post("/documents", body)
    # then: 422 unknown_field naming it, and nothing was created
    refused_as_unknown(response, field)
    assert state() == before
    assert not Document.objects.exists()


def test_unknown_fields_are_refused_on_every_kind_of_body(api, user, client):
    # master data, an edit, an action body and the login all refuse what they do not know
    refused_as_unknown(
        api.post(
            "/items",
            {"code": "B1", "name": "b", "unit": "个", "weight": "1.5"},
        ),
        "weight",
    )
    refused_as_unknown(api.put("/items/A001", {"name": "x", "colour": "red"}), "colour")
    refused_as_unknown(
        api.post("/warehouses", {"code": "W9", "name": "w", "address": "a"}), "address"
    )
    refused_as_unknown(api.post("/customers", {"code": "C9", "name": "c", "fax": "1"}), "fax")
    receipt = doc(user, "purchase_receipt", "2026-03-01", [("A001", 1, "1.00")])
    refused_as_unknown(
        api.post(f"/documents/{receipt}/cancel", {"reason": "r", "force": True}), "force"
    )
    response = client.post(
        "/api/v1/auth/token",
        {"username": "admin", "password": "admin123", "remember": True},
        content_type="application/json",
    )
    refused_as_unknown(response, "remember")


def test_unknown_field_is_registered_and_reads_in_chinese():
    assert status_of("unknown_field") == 422
    exc = DomainError("unknown_field", "unknown field: categroy", {"field": "categroy"})
    with translation.override("zh-hans"):
        text = error_message(exc)
    assert "categroy" in text and "无法识别的字段" in text


def test_known_fields_still_work(api):
    response = api.post("/documents", RECEIPT)
    assert response.status_code == 201, response.content
    assert response.json()["lines"][0]["amount"] == "31.70"


# --- typed responses --------------------------------------------------------------------------


def test_every_operation_declares_typed_bodies_and_the_error_body(api):
    spec = api.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert set(schemas["ErrorOut"]["properties"]) == {"error"}
    untyped = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            responses = op["responses"]
            ok = [code for code in responses if code.startswith("2")]
            assert ok, (method, path)
            for code in ok:
                content = responses[code].get("content")
                if code == "204":
                    continue
                ref = content["application/json"]["schema"].get("$ref", "")
                if not ref.startswith("#/components/schemas/"):
                    untyped.append(f"{method} {path} {code}")
            errors = [c for c in responses if c.startswith("4")]
            assert errors, (method, path)
            for code in errors:
                ref = responses[code]["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/ErrorOut", (method, path, code)
    assert untyped == []
    # a document's lines and amounts are described, amounts nullable (masked for some users)
    document = schemas["DocumentOut"]
    assert {"number", "status", "lines", "amount"} <= set(document["required"])
    assert {"type": "null"} in document["properties"]["amount"]["anyOf"]


def test_a_typed_response_adds_and_drops_nothing(api):
    # a receipt is no order: its lines carry no fulfilment fields, and nothing else was invented
    number = api.post("/documents", RECEIPT).json()["number"]
    body = api.get(f"/documents/{number}").json()
    assert "warnings" not in body and "fulfilled_qty" not in body["lines"][0]
    assert body["lines"][0]["price"] == "3.17" and body["status"] == "draft"
    approved = api.post(f"/documents/{number}/approve").json()
    assert approved["status"] == "approved" and approved["warnings"] == []
    order = api.post("/documents", {**RECEIPT, "type": "purchase_order"}).json()
    assert order["lines"][0]["remaining_qty"] == "10"


def test_masked_cost_fields_fit_their_schema(client, user):
    # given: a receipt; when: a keeper (no view_cost) reads stock and the receipt
    receipt = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "3.17")])
    person("库管")
    clerk = As(client, "u-库管")
    stock = clerk.get("/stock")
    assert stock.status_code == 200, stock.content
    row = next(r for r in stock.json()["items"] if r["item"] == "A001")
    assert row["on_hand"] == "10" and row["value"] is None and row["unit_cost"] is None
    body = clerk.get(f"/documents/{receipt}")
    assert body.status_code == 200, body.content
    assert body.json()["amount"] is None and body.json()["lines"][0]["price"] is None
    assert body.json()["lines"][0]["qty"] == "10"


def test_schema_names_are_unique():
    # the OpenAPI document names components by class name: two classes of one name would
    # describe one of them with the other's fields
    from openjxc.core.api import Input, Output

    def family(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from family(sub)

    names = [c.__name__ for base in (Input, Output) for c in family(base)]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


def test_fields_a_schema_does_not_declare_pass_through(api, user):
    # given: a receivable; when: reports whose rows carry more than their schema declares
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    doc(user, "sales_delivery", "2026-03-02", [("A001", 2, "9.00")])
    aging = api.get("/reports/aging?as_of=2026-03-10").json()
    summary = api.get("/reports/inventory-summary?from=2026-03-01&to=2026-03-31").json()
    # then: the age buckets, the range and the closing unit cost are still there
    row = next(r for r in aging["items"] if r["partner"] == "C001")
    assert row["0-30"] == row["total"] == "20.34"
    a001 = next(r for r in summary["items"] if r["item"] == "A001")
    assert a001["closing_unit_cost"] == "5.000000" and summary["from"] == "2026-03-01"


def test_list_envelope_with_limit_and_offset(api):
    numbers = [
        created(api.post("/documents", receipt_body(date=f"2026-03-0{i}")))["number"]
        for i in range(1, 6)
    ]
    body = api.get("/documents").json()
    assert set(body) >= {"items", "count"} and body["count"] == 5
    assert [d["number"] for d in body["items"]] == numbers[::-1]  # newest first
    page = api.get("/documents?limit=2&offset=1").json()
    assert page["count"] == 5 and [d["number"] for d in page["items"]] == numbers[::-1][1:3]
    assert api.get("/documents?limit=2&offset=4").json()["items"][0]["number"] == numbers[0]
    assert api.get("/documents?offset=100").json() == {"items": [], "count": 5}
    assert api.get("/documents?offset=100000000000000000000000").json() == {"items": [], "count": 5}
    assert api.get("/documents?limit=0").json() == {"items": [], "count": 5}
    assert api.get("/documents?from=2026-03-02&to=2026-03-03").json()["count"] == 2
    items = api.get("/items?limit=1&offset=2").json()
    assert items["count"] == 3 and [i["code"] for i in items["items"]] == ["A003"]
    for path in (
        "/items",
        "/warehouses",
        "/customers",
        "/suppliers",
        "/documents",
        "/stock",
        "/stock/moves",
        "/journal",
        "/audit",
        "/accounts",
        "/partners/S001/open-items",
    ):
        body = api.get(path + "?limit=1").json()
        assert {"items", "count"} <= set(body), path
        assert isinstance(body["count"], int) and len(body["items"]) <= 1, path


def test_decimals_are_strings_with_the_right_places(api):
    d = created(
        api.post(
            "/documents", receipt_body(lines=[{"item": "A001", "qty": "3.5", "price": "3.5714"}])
        )
    )
    line = d["lines"][0]
    assert line["qty"] == "3.5"
    assert line["price"] == "3.5714"
    assert line["amount"] == "12.50"  # 3.5 × 3.5714 = 12.4999 → 12.50
    assert line["tax"] == "1.63"  # 12.50 × 0.13 = 1.625 → 1.63 (half up)
    assert line["amount_incl_tax"] == "14.13"
    assert line["tax_rate"] == "0.13"
    assert (d["amount"], d["tax"], d["amount_incl_tax"]) == ("12.50", "1.63", "14.13")
    approved(api, d["number"])
    row = api.get("/stock?item=A001").json()["items"][0]
    assert (row["on_hand"], row["unit_cost"], row["value"]) == ("3.5", "3.571429", "12.50")
    assert (row["reserved"], row["available"]) == ("0", "3.5")
    # numbers in, strings out; money always with two places
    d2 = created(
        api.post("/documents", receipt_body(lines=[{"item": "A002", "qty": 2, "price": 6.5}]))
    )
    assert (d2["lines"][0]["qty"], d2["lines"][0]["price"], d2["amount"]) == ("2", "6.50", "13.00")
    d3 = created(
        api.post(
            "/documents",
            receipt_body(lines=[{"item": "A003", "qty": "3", "price_incl_tax": "11.30"}]),
        )
    )
    assert (d3["amount"], d3["tax"], d3["amount_incl_tax"]) == ("30.00", "3.90", "33.90")
    assert d3["lines"][0]["price"] == "10.00" and d3["lines"][0]["price_incl_tax"] == "11.30"
    move = api.get("/stock/moves?item=A001").json()["items"][0]
    assert (
        move["qty"],
        move["unit_cost"],
        move["value"],
        move["balance_qty"],
        move["balance_value"],
    ) == ("3.5", "3.571429", "12.50", "3.5", "12.50")
    jl = api.get("/journal").json()["items"][0]["lines"]
    assert [(x["account"], x["debit"], x["credit"]) for x in jl] == [
        ("1405", "12.50", "0.00"),
        ("22210101", "1.63", "0.00"),
        ("2202", "0.00", "14.13"),
    ]
    assert api.get("/partners/S001/balance").json()["payable"] == "14.13"


def test_openapi_is_served(api, client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    spec = r.json()
    assert "/api/v1/documents/{number}/approve" in spec["paths"]
    assert "/api/v1/documents/{number}/cancel" in spec["paths"]
    assert "/api/v1/auth/token" in spec["paths"]

    # query parameters read from ?from= / ?to= / ?date= are described too
    def query_params(path):
        return {
            p["name"]
            for p in spec["paths"]["/api/v1" + path]["get"].get("parameters", [])
            if p["in"] == "query"
        }

    assert {"type", "status", "partner", "from", "to", "limit", "offset"} <= query_params(
        "/documents"
    )
    assert {"item", "warehouse", "date"} <= query_params("/stock")
    assert {"item", "warehouse", "from", "to"} <= query_params("/stock/moves")
    assert {"from", "to"} <= query_params("/journal")
    assert {"period"} <= query_params("/reports/trial-balance")
    # request decimals are documented as a string or a number
    qty = spec["components"]["schemas"]["LineIn"]["properties"]["qty"]
    assert sorted(t["type"] for t in qty["anyOf"]) == ["integer", "number", "string"]
