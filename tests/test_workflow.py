"""The declared workflow: every type × status × action is allowed by the table or refused with one
409 wrong_status naming the status, the action and what can be done — never contradicting itself."""

import pytest
from django.utils import translation

from openjxc.core.errors import DomainError
from openjxc.documents import workflow
from openjxc.documents.models import Document
from openjxc.documents.types import TYPES
from openjxc.web.errors import error_message

from .factories import post

pytestmark = pytest.mark.usefixtures("backups_in_tmp")

ACTIONS = (
    "approve",
    "submit",
    "edit",
    "delete",
    "cancel",
    "reverse",
    "close",
    "fulfil",
    "derive",
    "settle",
    "allocate",
    "cancel_chain",
)
# given: what each family allows from each status (written out here, independent of the table)
POSTING = {
    "draft": {"approve", "submit", "edit", "delete"},
    "pending_approval": {"approve"},
    "approved": {"cancel", "reverse", "derive", "settle", "allocate", "cancel_chain"},
    "cancelled": set(),
    "reversed": set(),
}
ORDER = {
    "draft": {"approve", "submit", "edit", "delete"},
    "pending_approval": {"approve", "cancel_chain"},
    "approved": {"cancel", "close", "fulfil", "derive", "settle", "cancel_chain"},
    "partial": {"cancel", "close", "fulfil", "derive", "settle", "cancel_chain"},
    "completed": {"cancel", "fulfil", "settle", "cancel_chain"},
    "closed": {"settle", "cancel_chain"},
    "cancelled": set(),
}
# opening balances (期初) are corrected by cancelling, never reversed into a later period
OPENING = {**POSTING, "approved": POSTING["approved"] - {"reverse", "cancel_chain"}}
OFFERED = ("approve", "edit", "delete", "cancel", "reverse", "close")
CASES = [
    (code, status, action)
    for code, t in TYPES.items()
    for status in (ORDER if t.kind == "order" else POSTING)
    for action in ACTIONS
]


def _doc(code, status, reversal_of_id=None):
    return Document(number="X1", type=code, status=status, reversal_of_id=reversal_of_id)


@pytest.mark.parametrize("code,status,action", CASES)
def test_every_type_status_and_action_is_allowed_or_refused_with_details(code, status, action):
    # given a document of the type in the status
    doc = _doc(code, status)
    family = ORDER if TYPES[code].kind == "order" else OPENING if TYPES[code].opening else POSTING
    table = family[status]
    offered = [a for a in OFFERED if a in table]
    assert workflow.allowed(doc) == offered
    # when the action is checked
    if action in table:
        workflow.check(doc, action)
        return
    with pytest.raises(DomainError) as refused:
        workflow.check(doc, action)
    # then it is refused with the status, the action and what can be done instead
    assert refused.value.code == "wrong_status" and refused.value.status == 409
    assert refused.value.details == {"status": status, "action": action, "allowed": offered}
    assert action not in refused.value.details["allowed"]


@pytest.mark.parametrize("code,status,action", [c for c in CASES if c[2] in OFFERED])
def test_the_chinese_message_names_the_status_and_only_what_is_allowed(code, status, action):
    doc = _doc(code, status)
    if workflow.can(doc, action):
        return
    with translation.override("zh-hans"):
        text = error_message(workflow.refusal(doc, action))
        status_name, action_name = (
            str(workflow.STATUS_NAMES[status]),
            str(workflow.ACTION_NAMES[action]),
        )
        others = {str(workflow.ACTION_NAMES[a]) for a in workflow.allowed(doc)}
    assert f"当前为{status_name}，不能{action_name}。" in text
    assert all(name in text for name in others)
    assert ("现在可以：" in text) == bool(others) and ("不能再做任何操作" in text) != bool(others)
    assert not any(ch.isascii() and ch.isalpha() for ch in text), text


@pytest.mark.parametrize("code", [c for c, t in TYPES.items() if t.kind != "order"])
def test_a_red_letter_reversal_is_final(code):
    # given an approved reversal document
    doc = _doc(code, "approved", reversal_of_id=1)
    # then it can neither be cancelled nor reversed, and the message says nothing can be done
    assert workflow.allowed(doc) == []
    for action in ("cancel", "reverse"):
        err = workflow.refusal(doc, action)
        assert err.details == {"status": "approved", "action": action, "allowed": []}
    with translation.override("zh-hans"):
        assert (
            error_message(workflow.refusal(doc, "cancel"))
            == "单据当前为已审核，不能作废。 它已不能再做任何操作。"
        )


def test_transition_writes_status_and_fields_and_refuses_an_illegal_target(db):
    from tests.factories import setup_books

    user = setup_books()
    doc = Document.objects.create(
        number="SO1", type="sales_order", status="approved", date="2026-03-01"
    )
    with pytest.raises(DomainError) as refused:
        workflow.transition(doc, "fulfil", user=None, to="closed", audit=False)
    assert refused.value.code == "wrong_status"
    assert (
        workflow.transition(
            doc, "close", user=user, reason=" 不要了 ", fields={"closed_reason": "不要了"}
        )
        == "approved"
    )
    doc.refresh_from_db()
    assert (doc.status, doc.closed_reason) == ("closed", "不要了")


# --- scenarios through the API, one per family ------------------------------------------------


def refused(response, details):
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["code"] == "wrong_status"
    assert {k: error["details"][k] for k in details} == details
    return error


def _receipt(api, qty="10"):
    d = post(
        api,
        "/documents",
        {
            "type": "purchase_receipt",
            "date": "2026-03-01",
            "partner": "S001",
            "warehouse": "WH1",
            "lines": [{"item": "A001", "qty": qty, "price": "5.00"}],
        },
        201,
    )
    return post(api, f"/documents/{d['number']}/approve")


def test_stock_family_through_the_api(api):
    # given an approved receipt and its red-letter reversal
    rc = _receipt(api)
    refused(
        api.post(f"/documents/{rc['number']}/approve"),
        {"status": "approved", "action": "approve", "allowed": ["cancel", "reverse"]},
    )
    rev = post(api, f"/documents/{rc['number']}/reverse", {"reason": "录错了"})
    # when the reversal itself is cancelled or reversed, then nothing is allowed (no contradiction)
    refused(
        api.post(f"/documents/{rev['number']}/cancel", {"reason": "x"}),
        {"status": "approved", "action": "cancel", "allowed": []},
    )
    refused(
        api.post(f"/documents/{rev['number']}/reverse", {"reason": "x"}),
        {"status": "approved", "action": "reverse", "allowed": []},
    )
    refused(
        api.delete(f"/documents/{rc['number']}"),
        {"status": "reversed", "action": "delete", "allowed": []},
    )
    assert api.get(f"/documents/{rev['number']}").json()["status"] == "approved"


def test_order_family_through_the_api(api):
    _receipt(api)
    so = post(
        api,
        "/documents",
        {
            "type": "sales_order",
            "date": "2026-03-02",
            "partner": "C001",
            "warehouse": "WH1",
            "lines": [{"item": "A001", "qty": "6", "price": "9.00"}],
        },
        201,
    )
    # a draft order cannot be closed: it can be approved, edited or deleted
    refused(
        api.post(f"/documents/{so['number']}/close", {"reason": "不要了"}),
        {"status": "draft", "action": "close", "allowed": ["approve", "edit", "delete"]},
    )
    post(api, f"/documents/{so['number']}/approve")
    post(api, f"/documents/{so['number']}/close", {"reason": "不要了"})
    # a closed order: closing, cancelling or deriving again is refused, and the audit has one close
    refused(
        api.post(f"/documents/{so['number']}/close", {"reason": "again"}),
        {"status": "closed", "action": "close", "allowed": []},
    )
    refused(
        api.post(f"/documents/{so['number']}/cancel", {"reason": "again"}),
        {"status": "closed", "action": "cancel", "allowed": []},
    )
    refused(
        api.post(f"/documents/{so['number']}/derive", {"type": "sales_delivery"}),
        {"status": "closed", "action": "derive", "source": so["number"]},
    )
    audit = api.get(f"/audit?object={so['number']}").json()["items"]
    closes = [e for e in audit if e["action"] == "close"]
    assert len(closes) == 1 and closes[0]["before"] == {"status": "approved"}
    assert closes[0]["after"] == {"status": "closed"} and closes[0]["reason"] == "不要了"


def test_money_family_through_the_api(api):
    _receipt(api)
    rc = post(
        api,
        "/documents",
        {
            "type": "receipt",
            "date": "2026-03-05",
            "partner": "C001",
            "amount": "30.00",
            "account": "1002",
        },
        201,
    )
    post(api, f"/documents/{rc['number']}/approve")
    post(api, f"/documents/{rc['number']}/cancel", {"reason": "录错了"})
    d = post(
        api,
        "/documents",
        {
            "type": "sales_delivery",
            "date": "2026-03-06",
            "partner": "C001",
            "warehouse": "WH1",
            "lines": [{"item": "A001", "qty": "1", "price": "10.00"}],
        },
        201,
    )
    post(api, f"/documents/{d['number']}/approve")
    # allocating from a cancelled receipt is refused, naming it and its status
    refused(
        api.post("/allocations", {"from": rc["number"], "to": d["number"], "amount": "1.00"}),
        {"status": "cancelled", "action": "allocate", "allowed": [], "document": rc["number"]},
    )


def test_a_money_document_above_the_threshold_keeps_its_allocations_for_the_second_approver(
    api, django_user_model, client
):
    from openjxc.users.services import issue_token

    # given a delivery owing 22.60 and a receipt above the approval threshold allocated to it
    _receipt(api)
    d = post(
        api,
        "/documents",
        {
            "type": "sales_delivery",
            "date": "2026-03-02",
            "partner": "C001",
            "warehouse": "WH1",
            "lines": [{"item": "A001", "qty": "2", "price": "10.00"}],
        },
        201,
    )
    post(api, f"/documents/{d['number']}/approve")
    assert api.put("/settings/approval_threshold.receipt", {"value": "10"}).status_code == 200
    rc = post(
        api,
        "/documents",
        {
            "type": "receipt",
            "date": "2026-03-05",
            "partner": "C001",
            "amount": "22.60",
            "account": "1002",
            "allocations": [{"document": d["number"], "amount": "22.60"}],
        },
        201,
    )
    assert post(api, f"/documents/{rc['number']}/approve")["status"] == "pending_approval"
    # when someone else approves it
    django_user_model.objects.create_superuser("checker", "", "pw")
    token = issue_token("checker", "pw")
    r = client.post(
        f"/api/v1/documents/{rc['number']}/approve", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    # then it is approved and the delivery is settled
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "approved"
    assert api.get("/partners/C001/open-items").json()["items"] == []


def test_the_web_page_says_in_chinese_what_can_be_done(api, client, user):
    rc = _receipt(api)
    client.force_login(user)
    with translation.override("zh-hans"):
        r = client.post(
            f"/doc/{rc['number']}/", {"action": "approve"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
    assert r.status_code == 409
    assert "单据当前为已审核，不能审核。 现在可以：作废、红字冲销。" in r.content.decode()
