"""Typed API (issue 10, item 5): request bodies refuse unknown fields with 422 unknown_field,
and every operation of the served OpenAPI document declares typed bodies, errors included."""

import pytest
from django.utils import translation

from openjxc.core.error_codes import status_of
from openjxc.core.errors import DomainError
from openjxc.documents.models import Document
from openjxc.web.errors import error_message

from .factories import doc
from .test_permission_matrix import As, person, state

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
            {"code": "B1", "name": "b", "unit": "个", "units": [{"unit": "箱", "factor": "12"}]},
        ),
        "units",
    )
    refused_as_unknown(api.put("/items/A001", {"name": "x", "category": "C1"}), "category")
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
