"""The impact preview of a change that reaches goods in transit: they show as 在途 under the
transfer's target, never as the hidden transit warehouse, and a user limited to some warehouses
sees only their rows (a transit row when the transfer leaves or reaches one of them)."""

import json

from .factories import As, doc, person
from .test_transit import _receive, _ship


def _back_dated(user, api):
    """10 × 5.00 on 03-01, 3 shipped in transit on 03-03, 1 received at WH2 on 03-05, then a
    back-dated 10 × 8.00 on 03-02: average 6.50, the transfer 19.50, the receipt 6.50."""
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    t = _ship(user, qty=3)
    r = _receive(api, t, "2026-03-05", [{"item": "A001", "qty": "1"}])
    late = doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "8.00")])
    return t, r["number"], late


def _stock(body):
    return [
        (s["warehouse"], s["in_transit"], s["qty_change"], s["value_before"], s["value_after"])
        for s in body["stock"]
    ]


def test_transit_shows_as_in_transit_under_the_target(api, user):
    t, r, late = _back_dated(user, api)
    body = api.get(f"/documents/{late}/impact?action=cancel").json()
    assert body["allowed"] is True
    assert _stock(body) == [
        ("WH1", False, "-10", "110.50", "35.00"),  # 17 at 6.50 → 7 at 5.00
        ("WH2", False, "0", "6.50", "5.00"),  # the 1 received
        ("WH2", True, "0", "13.00", "10.00"),  # the 2 still in transit
    ]
    costs = {(c["document"], c["warehouse"], c["in_transit"]) for c in body["cost_changes"]}
    assert costs == {(t, "WH1", False), (t, "WH2", True), (r, "WH2", True), (r, "WH2", False)}
    assert "~" not in json.dumps(body)  # no hidden transit code anywhere


def test_a_limited_user_sees_the_rows_of_its_warehouses(api, user, client):
    t, r, late = _back_dated(user, api)
    person("老板", warehouses=("WH1",))
    wh1 = As(client, "u-老板")
    body = wh1.get(f"/documents/{late}/impact?action=cancel").json()
    assert _stock(body) == [
        ("WH1", False, "-10", "110.50", "35.00"),
        ("WH2", True, "0", "13.00", "10.00"),  # in transit from WH1: its keeper sees it
    ]
    costs = {(c["document"], c["warehouse"], c["in_transit"]) for c in body["cost_changes"]}
    assert costs == {(t, "WH1", False), (t, "WH2", True), (r, "WH2", True)}


def test_the_page_labels_transit(api, user, admin_client):
    _t, _r, late = _back_dated(user, api)
    html = admin_client.get(f"/doc/{late}/impact/cancel/").content.decode()
    assert 'class="in-transit"' in html and "~" not in html.split("impact-stock")[1]


def test_the_command_line_labels_transit(api, user, monkeypatch, capsys):
    from argparse import Namespace

    from openjxc import cli

    _t, _r, late = _back_dated(user, api)
    monkeypatch.setattr(cli, "_setup", lambda args: None)  # the test's database is set up
    cli.cmd_impact(Namespace(action="cancel", target=late, json=False, date=None))
    stock = [ln.split() for ln in capsys.readouterr().out.splitlines() if "stock" in ln]
    assert [ln[1:4] for ln in stock] == [
        ["A001", "WH1", "qty"],
        ["A001", "WH2", "qty"],
        ["A001", "WH2", "在途"],
    ]
