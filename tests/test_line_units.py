"""Document lines and units (多单位, API.md "Master data and go-live"): a line may name the item's
base unit; a unit the item lacks is refused with 422 unknown_unit and nothing is created."""

import pytest

from openjxc.documents.models import Document


@pytest.mark.django_db
def test_a_line_in_a_unit_the_item_lacks_is_refused_and_nothing_is_created(api, user):
    # given an item counted in 个 (its base unit) with no alternate units
    body = {
        "type": "purchase_receipt",
        "date": "2026-11-03",
        "partner": "S001",
        "warehouse": "WH1",
        "lines": [{"item": "A001", "qty": "2", "price": "5.00", "unit": "箱"}],
    }
    # when a receipt line is entered in 箱
    r = api.post("/documents", body)
    # then it is refused, naming the line, the item and the unit, and no draft exists
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "unknown_unit"
    assert err["details"] == {"field": "lines[0].unit", "item": "A001", "unit": "箱"}
    assert Document.objects.count() == 0


@pytest.mark.django_db
def test_a_line_may_name_the_base_unit(api, user):
    # given the same item
    unit = api.get("/items/A001").json()["unit"]
    body = {
        "type": "purchase_receipt",
        "date": "2026-11-03",
        "partner": "S001",
        "warehouse": "WH1",
        "lines": [{"item": "A001", "qty": "2", "price": "5.00", "unit": unit}],
    }
    # when the line names the item's own unit
    r = api.post("/documents", body)
    # then the draft takes it in base units: 2 at 5.00 = 10.00
    assert r.status_code == 201, r.json()
    line = r.json()["lines"][0]
    assert (line["qty"], line["amount"], line["unit"]) == ("2", "10.00", unit)
