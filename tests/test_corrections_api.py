"""红冲蓝补 over HTTP: propose, preview (GET with a body, or POST), approve by another user,
read, undo — status codes, bodies and what changed."""

import json

import pytest

from openjxc.closing.services import close
from openjxc.core.services import set_setting
from tests.factories import As, doc, person, state, vouchers_of

pytestmark = pytest.mark.usefixtures("backups_in_tmp")

CORRECTED = {
    "reason": "单价录错",
    "date": "2026-02-03",
    "document": {
        "type": "sales_delivery",
        "date": "2026-01-06",
        "warehouse": "WH1",
        "partner": "C001",
        "lines": [{"item": "A001", "qty": "4", "price": "10.00"}],
    },
}


@pytest.fixture
def delivery(user):
    doc(user, "purchase_receipt", "2026-01-05", [("A001", 10, "5.00")])
    d = doc(user, "sales_delivery", "2026-01-06", [("A001", 4, "9.00")])
    close(user, "2026-01")
    return d


def test_correct_approve_and_undo_over_http(api, client, delivery):
    set_setting("approval_threshold.sales_delivery", "10")
    # preview: GET with the body, and POST for clients that cannot send one; nothing changes
    before = state()
    got = client.generic(
        "GET",
        f"/api/v1/documents/{delivery}/impact?action=correct",
        json.dumps(CORRECTED),
        content_type="application/json",
        **api.headers,
    )
    posted = api.post(f"/documents/{delivery}/impact?action=correct", CORRECTED)
    assert got.status_code == posted.status_code == 200
    assert got.json() == posted.json() and got.json()["allowed"] is True
    assert [s["step"] for s in got.json()["steps"]] == ["red", "blue"]
    assert state() == before
    # proposed: both halves pending
    r = api.post(f"/documents/{delivery}/correct", CORRECTED)
    assert r.status_code == 201, r.content
    corr = r.json()
    assert corr["status"] == "pending_approval" and corr["red"] and corr["blue"]
    assert api.get(f"/documents/{corr['blue']}").json()["status"] == "pending_approval"
    assert api.post(f"/documents/{corr['blue']}/approve").json()["error"]["code"] == "in_correction"
    # the maker may not approve above the threshold; the boss may
    r = api.post(f"/corrections/{corr['id']}/approve")
    assert r.status_code == 409 and r.json()["error"]["code"] == "second_approver_required"
    person("老板")
    r = As(client, "u-老板").post(f"/corrections/{corr['id']}/approve")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "approved" and r.json()["approver"] == "u-老板"
    assert r.json()["backup_id"]
    assert vouchers_of(corr["blue"])[0].startswith("借 1122 应收账款 45.20")
    original = api.get(f"/documents/{delivery}").json()
    assert (original["status"], original["correction"], original["correction_role"]) == (
        "reversed",
        corr["id"],
        "original",
    )
    assert api.get(f"/documents/{corr['red']}").json()["correction_role"] == "red"
    assert api.get(f"/corrections/{corr['id']}").json()["status"] == "approved"
    listed = api.get("/corrections?status=approved").json()["corrections"]
    assert [c["id"] for c in listed] == [corr["id"]]
    # undone, after a backup
    r = api.post(f"/corrections/{corr['id']}/undo", {"reason": "恢复原价"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "undone" and body["undo_reason"] == "恢复原价" and body["backup_id"]
    assert api.get(f"/documents/{body['restored']}").json()["correction_role"] == "restored"


def test_unknown_fields_and_missing_correction(api, delivery):
    bad = {**CORRECTED, "document": {**CORRECTED["document"], "pricee": "1"}}
    for r in (
        api.post(f"/documents/{delivery}/correct", bad),
        api.post(f"/documents/{delivery}/impact?action=correct", bad),
        api.post(f"/documents/{delivery}/correct", {**CORRECTED, "why": "x"}),
    ):
        assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_field"
    assert api.get("/corrections/999").status_code == 404
    r = api.post(f"/documents/{delivery}/correct", {**CORRECTED, "reason": ""})
    assert r.status_code == 400 or r.status_code == 422
    assert r.json()["error"]["code"] == "reason_required"
