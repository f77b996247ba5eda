"""Due dates from payment terms (账期) and aging by days past due (issue 11, item 4).

A delivery or receipt falls due `payment_terms_days` after its date, or on the due date given;
open items carry it; aging by due date buckets what is past due and puts the rest in
"not_due"; the dashboard's overdue figure is what is past due."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from openjxc.partners.services import update_partner
from openjxc.reports import money
from tests.factories import doc, fetch

BUCKET_KEYS = ("0-30", "31-60", "61-90", "91-180", "181-365", "365+")


@pytest.fixture
def terms(user):
    """C001 pays in 30 days, S001 is paid in 60; stock to sell."""
    update_partner(user, "customer", "C001", {"payment_terms_days": 30})
    update_partner(user, "supplier", "S001", {"payment_terms_days": 60})
    doc(user, "purchase_receipt", "2026-01-10", [("A001", 100, "4.00")])
    return user


def _delivery(api, date, qty, due_date=None, approve=True):
    body = {
        "type": "sales_delivery",
        "date": date,
        "partner": "C001",
        "warehouse": "WH1",
        "lines": [{"item": "A001", "qty": str(qty), "price": "10.00"}],
    }
    if due_date:
        body["due_date"] = due_date
    r = api.post("/documents", body)
    assert r.status_code == 201, r.content
    if approve:
        assert api.post(f"/documents/{r.json()['number']}/approve").status_code == 200
    return r.json()


def test_the_due_date_is_the_date_plus_the_terms_or_the_one_given(api, terms):
    # when: one delivery follows the terms, one names its own due date
    by_terms = _delivery(api, "2026-03-01", 1)
    given = _delivery(api, "2026-03-01", 1, due_date="2026-03-15")
    # then: both on the document, in and out
    assert by_terms["due_date"] == "2026-03-31"
    assert given["due_date"] == "2026-03-15"
    assert api.get(f"/documents/{by_terms['number']}").json()["due_date"] == "2026-03-31"
    # the receipt from the supplier: 60 days
    (receipt,) = fetch("SELECT due_date FROM documents_document WHERE type = 'purchase_receipt'")
    assert str(receipt[0])[:10] == "2026-03-11"
    # the open items carry it, in the list and in the cache
    rows = {r["document"]: r for r in api.get("/partners/C001/open-items").json()["items"]}
    assert rows[by_terms["number"]]["due_date"] == "2026-03-31"
    assert rows[given["number"]]["due_date"] == "2026-03-15"
    cached = dict(
        fetch(
            "SELECT d.number, o.due_date FROM ledger_openitem o "
            "JOIN documents_document d ON d.id = o.document_id WHERE d.partner_id = "
            "(SELECT id FROM partners_partner WHERE code = 'C001')"
        )
    )
    assert {k: str(v)[:10] for k, v in cached.items()} == {
        by_terms["number"]: "2026-03-31",
        given["number"]: "2026-03-15",
    }


def test_a_draft_follows_its_date_and_a_partner_without_terms_is_due_at_once(api, terms, user):
    draft = _delivery(api, "2026-03-01", 1, approve=False)
    body = {
        "type": "sales_delivery",
        "date": "2026-03-05",
        "partner": "C001",
        "warehouse": "WH1",
        "lines": [{"item": "A001", "qty": "1", "price": "10.00"}],
    }
    assert api.put(f"/documents/{draft['number']}", body).json()["due_date"] == "2026-04-04"
    update_partner(user, "customer", "C001", {"payment_terms_days": None})
    assert _delivery(api, "2026-03-06", 1)["due_date"] == "2026-03-06"


@pytest.mark.parametrize(
    "body,field",
    [
        ({"due_date": "2026-02-28"}, "due_date"),  # before the document date
        ({"due_date": "2026-13-01"}, "due_date"),
    ],
)
def test_a_bad_due_date_is_refused(api, terms, body, field):
    r = api.post(
        "/documents",
        {
            "type": "sales_delivery",
            "date": "2026-03-01",
            "partner": "C001",
            "warehouse": "WH1",
            "lines": [{"item": "A001", "qty": "1", "price": "10.00"}],
            **body,
        },
    )
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == field


def test_a_document_that_raises_nothing_takes_no_due_date(api, terms):
    r = api.post(
        "/documents",
        {
            "type": "other_out",
            "date": "2026-03-01",
            "warehouse": "WH1",
            "due_date": "2026-04-01",
            "lines": [{"item": "A001", "qty": "1"}],
        },
    )
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "due_date"
    r = api.post(
        "/documents",
        {"type": "receipt", "date": "2026-03-01", "partner": "C001", "amount": "5"},
    )
    assert r.status_code == 201 and r.json()["due_date"] is None


@pytest.fixture
def aging_books(api, terms):
    """As of 2026-04-10, C001 owes (incl. 13% tax):
    D1 2026-03-01 113.00 due 03-31 (10 days overdue) · D2 2026-03-20 56.50 due 04-19 (not due)
    D3 2026-02-01 22.60 due 02-05 given (64 days overdue) · D4 2026-03-25 11.30 due 04-10 given
    (due today: not overdue) · a receipt of 20.00 on 04-01, not allocated (credit, no due date:
    due on its date, 9 days)."""
    _delivery(api, "2026-03-01", 10)
    _delivery(api, "2026-03-20", 5)
    _delivery(api, "2026-02-01", 2, due_date="2026-02-05")
    _delivery(api, "2026-03-25", 1, due_date="2026-04-10")
    r = api.post(
        "/documents",
        {"type": "receipt", "date": "2026-04-01", "partner": "C001", "amount": "20.00"},
    )
    api.post(f"/documents/{r.json()['number']}/approve")


def test_aging_by_due_date_has_a_not_due_bucket_with_exact_figures(api, aging_books):
    r = api.get("/reports/aging?kind=receivable&as_of=2026-04-10&basis=due_date")
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["basis"] == "due_date"
    (row,) = data["items"]
    assert {k: row[k] for k in ("partner", "total", "not_due", *BUCKET_KEYS)} == {
        "partner": "C001",
        "total": "183.40",
        "not_due": "67.80",  # 56.50 + 11.30
        "0-30": "93.00",  # 113.00 − 20.00
        "31-60": "0.00",
        "61-90": "22.60",
        "91-180": "0.00",
        "181-365": "0.00",
        "365+": "0.00",
    }
    assert data["totals"]["not_due"] == "67.80" and data["totals"]["total"] == "183.40"


def test_the_default_aging_stays_by_document_date_without_not_due(api, aging_books):
    data = api.get("/reports/aging?kind=receivable&as_of=2026-04-10").json()
    (row,) = data["items"]
    assert "not_due" not in row and data["basis"] == "date"
    assert {k: row[k] for k in ("total", *BUCKET_KEYS)} == {
        "total": "183.40",
        "0-30": "47.80",  # 56.50 + 11.30 − 20.00
        "31-60": "113.00",
        "61-90": "22.60",
        "91-180": "0.00",
        "181-365": "0.00",
        "365+": "0.00",
    }


def test_payables_by_due_date_and_a_bad_basis(api, aging_books):
    data = api.get("/reports/aging?kind=payable&as_of=2026-03-11&basis=due_date").json()
    assert data["totals"]["not_due"] == data["totals"]["total"] == "452.00"  # 400 + 13%
    data = api.get("/reports/aging?kind=payable&as_of=2026-03-12&basis=due_date").json()
    assert data["totals"]["not_due"] == "0.00" and data["totals"]["0-30"] == "452.00"
    r = api.get("/reports/aging?kind=payable&basis=due")
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "basis"


def test_the_aging_page_by_due_date_shows_the_not_due_column(client, user, aging_books):
    client.force_login(user)
    html = client.get("/reports/aging/?kind=receivable&as_of=2026-04-10&basis=due_date")
    page = html.content.decode()
    assert html.status_code == 200 and 'id="not-due"' in page
    row = re.search(r'<tr data-partner="C001">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r'<td class="num[^"]*">([^<]*)</td>', row)
    assert cells[:4] == ["183.40", "67.80", "93.00", "0.00"]


def test_statement_and_open_items_show_the_due_date(api, client, user, aging_books):
    lines = api.get("/partners/C001/statement?from=2026-02-01&to=2026-04-30").json()["lines"]
    assert [ln["due_date"] for ln in lines] == [
        "2026-02-05",
        "2026-03-31",
        "2026-04-19",
        "2026-04-10",
        None,  # the receipt
    ]
    client.force_login(user)
    page = client.get("/doc-lookup/open-items/?type=receipt&partner=C001").content.decode()
    assert "2026-04-19" in page and "2026-02-05" in page


def test_the_dashboard_overdue_figure_uses_due_dates(api, client, user, terms):
    # given: C001 pays in 30 days; one delivery 40 days ago (overdue), one 10 days ago (not due)
    today = timezone.localdate()
    _delivery(api, str(today - dt.timedelta(days=40)), 2)  # 22.60, 10 days overdue
    _delivery(api, str(today - dt.timedelta(days=10)), 1)  # 11.30, due in 20 days
    # when
    client.force_login(user)
    html = client.get("/").content.decode()
    # then: open 33.90, of which 22.60 is past its due date (by document date alone the older
    # one would count as "over 30 days" whatever its terms)
    assert re.search(r'id="fig-receivable" data-value="33.90"', html)
    assert re.search(r'id="fig-overdue" data-value="22.60"', html)
    assert money.aging("receivable", today, "due_date")["totals"]["not_due"] == "11.30"
