"""Orders, money and the settled-order chain, through the API."""

import pytest

from .factories import approved_doc, post, sales_body

pytestmark = pytest.mark.usefixtures("backups_in_tmp")


def receive(api, qty="10", price="5.00", date="2026-03-01"):
    d = post(
        api,
        "/documents",
        {
            "type": "purchase_receipt",
            "date": date,
            "partner": "S001",
            "warehouse": "WH1",
            "lines": [{"item": "A001", "qty": qty, "price": price}],
        },
        201,
    )
    return post(api, f"/documents/{d['number']}/approve")


def stock(api):
    row = api.get("/stock?item=A001&warehouse=WH1&date=2026-12-31").json()["items"][0]
    return row["on_hand"], row["reserved"], row["available"], row["value"]


def test_sales_order_reserves_derives_partial_completed(api):
    receive(api)
    so = approved_doc(api, sales_body("sales_order", "6", "9.00", "2026-03-02"))
    assert stock(api) == ("10", "6", "4", "50.00")
    # derive a partial delivery of 2, then the rest
    d1 = post(
        api,
        f"/documents/{so['number']}/derive",
        {
            "type": "sales_delivery",
            "date": "2026-03-03",
            "lines": [{"source_line": so["lines"][0]["id"], "qty": "2"}],
        },
        201,
    )
    assert d1["source"] == so["number"] and d1["lines"][0]["qty"] == "2"
    post(api, f"/documents/{d1['number']}/approve")
    assert api.get(f"/documents/{so['number']}").json()["status"] == "partial"
    assert stock(api) == ("8", "4", "4", "40.00")
    # more than remains is refused
    r = api.post(
        "/documents",
        {
            "type": "sales_delivery",
            "date": "2026-03-04",
            "partner": "C001",
            "warehouse": "WH1",
            "source": so["number"],
            "lines": [
                {"item": "A001", "qty": "5", "price": "9", "source_line": so["lines"][0]["id"]}
            ],
        },
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "exceeds_source"
    d2 = post(
        api,
        f"/documents/{so['number']}/derive",
        {"type": "sales_delivery", "date": "2026-03-04"},
        201,
    )
    assert d2["lines"][0]["qty"] == "4"
    post(api, f"/documents/{d2['number']}/approve")
    order = api.get(f"/documents/{so['number']}").json()
    assert order["status"] == "completed" and order["lines"][0]["remaining_qty"] == "0"
    assert stock(api) == ("4", "0", "4", "20.00")
    # cancelling a delivery puts its quantity back on the order
    post(api, f"/documents/{d2['number']}/cancel", {"reason": "客户取消"})
    assert api.get(f"/documents/{so['number']}").json()["status"] == "partial"
    assert stock(api) == ("8", "4", "4", "40.00")
    # close (强制结单) releases the rest
    post(api, f"/documents/{so['number']}/close", {"reason": "不再发货"})
    assert stock(api) == ("8", "0", "8", "40.00")
    assert api.get("/reconcile").json()["ok"]


def test_receipt_allocation_credit_and_has_dependents(api):
    receive(api)
    d = approved_doc(
        api, sales_body("sales_delivery", "2", "10.00", "2026-03-02")
    )  # 22.60 receivable
    rc = post(
        api,
        "/documents",
        {
            "type": "receipt",
            "date": "2026-03-05",
            "partner": "C001",
            "amount": "30.00",
            "account": "1002",
            "auto_allocate": True,
        },
        201,
    )
    post(api, f"/documents/{rc['number']}/approve")
    items = api.get("/partners/C001/open-items").json()["items"]
    assert [(i["document"], i["open_amount"]) for i in items] == [(rc["number"], "-7.40")]
    assert api.get("/partners/C001/balance").json()["receivable"] == "-7.40"
    journal = api.get("/journal?from=2026-03-05&to=2026-03-05").json()["items"]
    assert [(ln["account"], ln["debit"], ln["credit"]) for ln in journal[0]["lines"]] == [
        ("1002", "30.00", "0.00"),
        ("1122", "0.00", "22.60"),
        ("2203", "0.00", "7.40"),  # what is not allocated is an advance (预收账款)
    ]
    r = api.post(f"/documents/{d['number']}/cancel", {"reason": "x"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "has_dependents"
    assert api.get("/reconcile").json()["ok"]


def test_cancel_chain_of_a_settled_order_with_refund(api):
    receive(api)
    so = approved_doc(api, sales_body("sales_order", "4", "10.00", "2026-03-02"))
    d = post(
        api,
        f"/documents/{so['number']}/derive",
        {"type": "sales_delivery", "date": "2026-03-03"},
        201,
    )
    post(api, f"/documents/{d['number']}/approve")
    inv = post(
        api,
        "/documents",
        {
            "type": "sales_invoice",
            "date": "2026-03-03",
            "partner": "C001",
            "source": d["number"],
            "invoice_no": "No.0001",
            "invoice_type": "special",
        },
        201,
    )
    post(api, f"/documents/{inv['number']}/approve")
    rc = post(
        api,
        "/documents",
        {
            "type": "receipt",
            "date": "2026-03-04",
            "partner": "C001",
            "amount": "45.20",
            "allocations": [{"document": d["number"], "amount": "45.20"}],
        },
        201,
    )
    post(api, f"/documents/{rc['number']}/approve")
    preview = api.get(f"/documents/{so['number']}/impact?action=cancel-chain&refund=true").json()
    assert (
        preview["allowed"] and api.get(f"/documents/{so['number']}").json()["status"] == "completed"
    )
    result = post(
        api, f"/documents/{so['number']}/cancel-chain", {"reason": "客户整单退货", "refund": True}
    )
    actions = [s["action"] for s in result["steps"]]
    assert actions == ["cancel", "unallocate", "cancel", "cancel", "refund"]
    assert stock(api) == ("10", "0", "10", "50.00")
    assert api.get("/partners/C001/balance").json()["receivable"] == "0.00"
    assert api.get(f"/documents/{so['number']}").json()["status"] == "cancelled"
    assert api.get("/reconcile").json()["ok"]


def test_aging_suggest_margin_statement(api):
    receive(api)
    d = approved_doc(api, sales_body("sales_delivery", "2", "10.00", "2026-03-02"))
    aging = api.get("/reports/aging?kind=receivable&as_of=2026-04-15").json()
    assert aging["items"][0]["partner"] == "C001" and aging["items"][0]["31-60"] == "22.60"
    assert (
        api.get("/prices/suggest?item=A001&partner=C001&kind=sales").json()["last_price"] == "10.00"
    )
    m = api.get(f"/documents/{d['number']}/margin").json()
    assert (m["revenue"], m["cost"], m["margin"], m["margin_pct"]) == (
        "20.00",
        "10.00",
        "10.00",
        "50.00",
    )
    st = api.get("/partners/C001/statement?from=2026-03-01&to=2026-03-31").json()
    assert st["opening"]["receivable"] == "0.00" and st["closing"]["receivable"] == "22.60"
    assert [ln["document"] for ln in st["lines"]] == [d["number"]]
    uninvoiced = {
        i["document"]: i["uninvoiced"] for i in api.get("/reports/uninvoiced").json()["items"]
    }
    assert uninvoiced[d["number"]] == "22.60"


def test_second_approver_above_the_threshold(api, user, django_user_model, client):
    from openjxc.users.services import issue_token

    assert api.put("/settings/approval_threshold.sales_order", {"value": "100"}).status_code == 200
    receive(api)
    so = post(
        api,
        "/documents",
        {
            "type": "sales_order",
            "date": "2026-03-02",
            "partner": "C001",
            "warehouse": "WH1",
            "lines": [{"item": "A001", "qty": "10", "price": "20.00"}],
        },
        201,
    )
    # the maker's approval only submits it
    assert post(api, f"/documents/{so['number']}/approve")["status"] == "pending_approval"
    assert stock(api) == ("10", "0", "10", "50.00")
    r = api.post(f"/documents/{so['number']}/approve")
    assert r.status_code == 409 and r.json()["error"]["code"] == "second_approver_required"
    # someone else with the permission approves it
    checker = django_user_model.objects.create_superuser("checker", "", "pw")
    token = issue_token("checker", "pw")
    r = client.post(
        f"/api/v1/documents/{so['number']}/approve", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert stock(api) == ("10", "10", "0", "50.00")
    assert checker


def test_credit_limit_warns_or_blocks(api):
    receive(api, qty="100")
    r = api.post("/customers", {"code": "C9", "name": "限额客户", "credit_limit": "100.00"})
    assert r.status_code == 201
    body = {
        "type": "sales_order",
        "date": "2026-03-02",
        "partner": "C9",
        "warehouse": "WH1",
        "lines": [{"item": "A001", "qty": "10", "price": "20.00"}],
    }
    so = post(api, "/documents", body, 201)
    approved = post(api, f"/documents/{so['number']}/approve")
    assert (
        approved["status"] == "approved"
        and approved["warnings"][0]["code"] == "credit_limit_exceeded"
    )
    assert api.put("/settings/credit_limit_policy", {"value": "block"}).status_code == 200
    so2 = post(api, "/documents", body, 201)
    r = api.post(f"/documents/{so2['number']}/approve")
    assert r.status_code == 409 and r.json()["error"]["code"] == "credit_limit_exceeded"
    assert api.get(f"/documents/{so2['number']}").json()["status"] == "draft"


def test_statement_share_link_is_read_only_expiring_and_revocable(api, client):
    receive(api)
    d = approved_doc(api, sales_body("sales_delivery", "2", "10.00", "2026-03-02"))
    link = post(
        api,
        "/partners/C001/statement/share",
        {"from": "2026-03-01", "to": "2026-03-31", "days": 3},
        201,
    )
    client.logout()
    page = client.get(link["url"])  # no account, no token
    assert page.status_code == 200
    text = page.content.decode()
    assert d["number"] in text and "22.60" in text and "对账单" in text
    assert client.get(link["url"].replace(link["token"][:5], "xxxxx")).status_code == 404
    assert api.delete(f"/share-links/{link['id']}").status_code == 200
    assert client.get(link["url"]).status_code == 404


def test_sales_summary_margin_and_order_follow_up(api):
    receive(api)
    so = post(
        api,
        "/documents",
        {
            "type": "sales_order",
            "date": "2026-03-02",
            "partner": "C001",
            "warehouse": "WH1",
            "salesperson": "小王",
            "lines": [{"item": "A001", "qty": "5", "price": "10.00"}],
        },
        201,
    )
    post(api, f"/documents/{so['number']}/approve")
    d = post(
        api,
        f"/documents/{so['number']}/derive",
        {
            "type": "sales_delivery",
            "date": "2026-03-03",
            "lines": [{"source_line": so["lines"][0]["id"], "qty": "3"}],
        },
        201,
    )
    post(api, f"/documents/{d['number']}/approve")
    by_item = api.get("/reports/sales-summary?by=item&from=2026-03-01&to=2026-03-31").json()
    assert by_item["items"] == [
        {
            "item": "A001",
            "name": "商品A001",
            "qty": "3",
            "amount": "30.00",
            "tax": "3.90",
            "amount_incl_tax": "33.90",
            "cost": "15.00",
            "margin": "15.00",
            "margin_pct": "50.00",
            "category": None,
            "category_name": None,
        }
    ]
    by_person = api.get(
        "/reports/sales-summary?by=salesperson&from=2026-03-01&to=2026-03-31"
    ).json()
    assert by_person["items"][0]["salesperson"] == "小王"
    purchases = api.get("/reports/purchase-summary?by=partner&from=2026-03-01&to=2026-03-31").json()
    assert purchases["totals"]["amount"] == "50.00"
    follow = api.get("/reports/order-follow-up?kind=sales").json()["items"]
    assert [(f["ordered"], f["fulfilled"], f["outstanding"]) for f in follow] == [("5", "3", "2")]
    xlsx = api.get("/reports/sales-summary?by=item&from=2026-03-01&to=2026-03-31&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_cancel_an_order_by_its_state(api):
    receive(api)
    body = {
        "type": "sales_order",
        "date": "2026-03-02",
        "partner": "C001",
        "warehouse": "WH1",
        "lines": [{"item": "A001", "qty": "3", "price": "10.00"}],
    }
    # not yet approved → delete
    draft = post(api, "/documents", body, 201)
    assert api.delete(f"/documents/{draft['number']}").status_code == 204
    assert api.get(f"/documents/{draft['number']}").status_code == 404
    # approved, nothing delivered → cancel releases the reservation
    so = post(api, "/documents", body, 201)
    post(api, f"/documents/{so['number']}/approve")
    assert stock(api) == ("10", "3", "7", "50.00")
    assert (
        post(api, f"/documents/{so['number']}/cancel", {"reason": "客户取消"})["status"]
        == "cancelled"
    )
    assert stock(api) == ("10", "0", "10", "50.00")
    # partly delivered → a plain cancel is refused and names the delivery; the preview says what goes back
    so2 = post(api, "/documents", body, 201)
    post(api, f"/documents/{so2['number']}/approve")
    d = post(
        api,
        f"/documents/{so2['number']}/derive",
        {
            "type": "sales_delivery",
            "date": "2026-03-03",
            "lines": [{"source_line": so2["lines"][0]["id"], "qty": "1"}],
        },
        201,
    )
    post(api, f"/documents/{d['number']}/approve")
    r = api.post(f"/documents/{so2['number']}/cancel", {"reason": "x"})
    assert r.status_code == 409 and r.json()["error"]["details"]["dependents"] == [d["number"]]
    preview = api.get(f"/documents/{so2['number']}/impact?action=cancel-chain").json()
    assert preview["allowed"]
    assert {(s["item"], s["qty_change"]) for s in preview["stock"]} == {("A001", "1")}
    assert (
        api.get(f"/documents/{d['number']}").json()["status"] == "approved"
    )  # the preview changed nothing
    post(api, f"/documents/{so2['number']}/cancel-chain", {"reason": "整单取消"})
    assert stock(api) == ("10", "0", "10", "50.00")


def test_cancel_chain_reverses_what_lies_in_a_closed_period(api):
    receive(api, date="2026-01-05")
    so = approved_doc(api, sales_body("sales_order", "4", "10.00", "2026-01-06"))
    d = post(
        api,
        f"/documents/{so['number']}/derive",
        {"type": "sales_delivery", "date": "2026-01-07"},
        201,
    )
    post(api, f"/documents/{d['number']}/approve")
    post(api, "/periods/2026-01/close")
    result = post(
        api, f"/documents/{so['number']}/cancel-chain", {"reason": "退货", "date": "2026-02-02"}
    )
    reversal = [s for s in result["steps"] if s["action"] == "reverse"]
    assert reversal and reversal[0]["document"] == d["number"]
    assert api.get(f"/documents/{d['number']}").json()["status"] == "reversed"
    rev = api.get(f"/documents/{reversal[0]['reversal']}").json()
    assert rev["date"] == "2026-02-02" and rev["reversal_of"] == d["number"]
    assert stock(api) == ("10", "0", "10", "50.00")
    assert api.get("/reconcile").json()["ok"]


def test_sales_and_purchase_details_by_line_and_summary_by_period(api):
    # given: receipts in March and April, a delivery in each month and a linked return in April
    receive(api, qty="10", price="5.00", date="2026-03-01")
    receive(api, qty="10", price="7.00", date="2026-04-01")
    d1 = post(
        api,
        "/documents",
        {
            "type": "sales_delivery",
            "date": "2026-03-05",
            "partner": "C001",
            "warehouse": "WH1",
            "salesperson": "小王",
            "lines": [{"item": "A001", "qty": "4", "price": "9.00"}],
        },
        201,
    )
    post(api, f"/documents/{d1['number']}/approve")
    d2 = approved_doc(api, sales_body("sales_delivery", "2", "10.00", "2026-04-02"))
    rt = post(
        api,
        "/documents",
        {
            "type": "sales_return",
            "date": "2026-04-03",
            "partner": "C001",
            "warehouse": "WH1",
            "source": d1["number"],
            "lines": [
                {"item": "A001", "qty": "1", "price": "9.00", "source_line": d1["lines"][0]["id"]}
            ],
        },
        201,
    )
    post(api, f"/documents/{rt['number']}/approve")
    # when: the sales detail over both months
    detail = api.get("/reports/sales-details?from=2026-03-01&to=2026-04-30").json()
    # then: one row per line in date order, the return negative at the delivery's cost (5.00)
    rows = [
        (
            r["period"],
            r["document"],
            r["qty"],
            r["price"],
            r["amount"],
            r["cost"],
            r["margin"],
            r["salesperson"],
        )
        for r in detail["items"]
    ]
    # April's average is (6 × 5 + 10 × 7) / 16 = 6.25
    assert rows == [
        ("2026-03", d1["number"], "4", "9.00", "36.00", "20.00", "16.00", "小王"),
        ("2026-04", d2["number"], "2", "10.00", "20.00", "12.50", "7.50", ""),
        ("2026-04", rt["number"], "-1", "9.00", "-9.00", "-5.00", "-4.00", ""),
    ]
    assert detail["count"] == 3 and detail["totals"] == {
        "qty": "5",
        "amount": "47.00",
        "tax": "6.11",
        "amount_incl_tax": "53.11",
        "cost": "27.50",
        "margin": "19.50",
        "margin_pct": "41.49",
    }
    only_march = api.get(
        "/reports/sales-details?from=2026-03-01&to=2026-04-30&salesperson=小王"
    ).json()
    assert [r["document"] for r in only_march["items"]] == [d1["number"]]
    paged = api.get("/reports/sales-details?from=2026-03-01&to=2026-04-30&limit=1&offset=1").json()
    assert [r["document"] for r in paged["items"]] == [d2["number"]] and paged["count"] == 3
    assert paged["totals"]["amount"] == "47.00"
    purchases = api.get("/reports/purchase-details?from=2026-03-01&to=2026-04-30&item=A001").json()
    assert [(r["period"], r["qty"], r["amount"]) for r in purchases["items"]] == [
        ("2026-03", "10", "50.00"),
        ("2026-04", "10", "70.00"),
    ]
    by_period = api.get("/reports/sales-summary?by=period&from=2026-03-01&to=2026-04-30").json()[
        "items"
    ]
    assert [(r["period"], r["qty"], r["amount"], r["margin"]) for r in by_period] == [
        ("2026-03", "4", "36.00", "16.00"),
        ("2026-04", "1", "11.00", "3.50"),
    ]
    xlsx = api.get("/reports/purchase-details?from=2026-03-01&to=2026-04-30&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    bad = api.get("/reports/sales-summary?by=colour")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid"
