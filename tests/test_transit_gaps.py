"""Gaps closed around transit and 成本调整单: a cost adjustment line's own warehouse is checked
against the user's warehouses; 进销存汇总 by warehouse shows the goods in transit as one 在途
row, never the hidden per-transfer warehouses."""

from .factories import As, doc, person


def test_a_cost_adjustment_line_in_another_warehouse_needs_access_to_it(api, user, client):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    person("库管", warehouses=["WH2"], username="keeper2")
    keeper = As(client, "keeper2")
    body = {
        "type": "cost_adjustment",
        "date": "2026-03-02",
        "warehouse": "WH2",
        "lines": [{"item": "A001", "warehouse": "WH1", "value": "3.00"}],
    }
    r = keeper.post("/documents", body)
    assert r.status_code == 403, r.content
    assert r.json()["error"]["details"] == {"warehouse": "WH1"}
    # the admin's draft with a WH1 line cannot be read or approved by the WH2 keeper either
    number = api.post("/documents", body).json()["number"]
    assert keeper.get(f"/documents/{number}").status_code == 403


def test_inventory_summary_by_warehouse_folds_transit_into_one_row(api, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    doc(user, "transfer", "2026-03-03", [("A001", 6)], to_warehouse="WH2", in_transit=True)
    doc(user, "transfer", "2026-03-04", [("A001", 1)], to_warehouse="WH2", in_transit=True)
    q = "/reports/inventory-summary?from=2026-03-01&to=2026-03-31"
    rows = api.get(q + "&by_warehouse=true").json()["items"]
    # WH1: 10 in, 7 out → 3 (15.00); in transit: 7 in (35.00) over both transfers, one row
    assert [(r["warehouse"], r["closing_qty"], r["closing_value"]) for r in rows] == [
        ("WH1", "3", "15.00"),
        ("~", "7", "35.00"),
    ]
    assert rows[1]["warehouse_name"] == "在途"
    total = api.get(q).json()["totals"]
    assert (total["closing_qty"], total["closing_value"]) == ("10", "50.00")
