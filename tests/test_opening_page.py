"""The 期初 page without a browser: its sections, the writes it makes through the services, the
试算平衡 panel sent back with every change (HTMX), the inline errors, and who may open it."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from openjxc.documents.models import Document
from tests.factories import doc, vouchers_of

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def admin_client(client, user):
    client.force_login(user)
    return client


def figures(html: str) -> tuple:
    """(debit, credit, difference, balanced) of the check panel in html."""
    found = [
        re.search(rf'id="check-{k}">([^<]*)<', html).group(1)
        for k in ("debit", "credit", "difference")
    ]
    return (*found, re.search(r'data-balanced="(\d)"', html).group(1) == "1")


def test_each_section_renders_with_the_check(admin_client, user):
    doc(user, "opening_stock", "2026-01-01", [("A001", 2, "10.00")])
    for tab in ("stock", "receivable", "payable", "accounts"):
        r = admin_client.get(f"/opening/?tab={tab}")
        html = r.content.decode()
        assert r.status_code == 200 and f'data-tab="{tab}"' in html
        assert figures(html) == ("20.00", "0.00", "20.00", False)
    html = admin_client.get("/opening/?tab=accounts").content.decode()
    # control accounts show what their subledgers hold and have no input
    row = re.search(r'<tr data-account="1405".*?</tr>', html, re.S).group(0)
    assert "20.00" in row and "<input" not in row and "来自明细" in row
    assert 'name="debit_1002"' in html and 'name="credit_3001"' in html
    assert 'data-account="3999"' not in html and 'data-account="5001"' not in html


def test_a_receivable_added_on_the_page_returns_the_section_and_the_check(admin_client):
    # when a receivable is added through HTMX
    r = admin_client.post(
        "/opening/items/receivable/",
        {"partner": "C001", "amount": "300", "date": "2025-12-01", "due": ""},
        **HTMX,
    )
    html = r.content.decode()
    # then it is approved, listed, and the check panel comes back out of band
    (d,) = Document.objects.all()
    assert (d.type, d.status, str(d.origin_date)) == (
        "opening_receivable",
        "approved",
        "2025-12-01",
    )
    assert r.status_code == 200 and f'data-number="{d.number}"' in html
    assert 'hx-swap-oob="true"' in html and figures(html) == ("300.00", "0.00", "300.00", False)
    # when the amount is missing, the form comes back with the error and the input kept
    r = admin_client.post(
        "/opening/items/receivable/",
        {"partner": "C001", "amount": "", "date": "2025-12-05"},
        **HTMX,
    )
    assert r.status_code == 422 and "请填写金额" in r.content.decode()
    assert 'value="2025-12-05"' in r.content.decode()
    # when the receivable is cancelled on the page, it is written off in red
    r = admin_client.post(f"/opening/cancel/{d.number}/", **HTMX)
    assert r.status_code == 200 and figures(r.content.decode())[2] == "0.00"
    assert Document.objects.get().status == "cancelled"
    assert vouchers_of(d.number)[-1] == "借 1122 应收账款 -300.00 / 贷 3999 期初余额差额 -300.00"


def test_account_balances_saved_on_the_page_balance_the_opening(admin_client, user):
    doc(user, "opening_stock", "2026-01-01", [("A001", 2, "10.00")])
    form = {"account": ["1001", "1002", "3001"], "debit_1001": "80", "credit_3001": "100.00"}
    # the preview shows what the typed figures would give, saving nothing
    r = admin_client.post("/opening/accounts/preview/", form, **HTMX)
    assert figures(r.content.decode()) == ("100.00", "100.00", "0.00", True)
    assert "尚未保存" in r.content.decode() and Document.objects.count() == 1
    # saving posts them and the panel turns balanced
    r = admin_client.post("/opening/accounts/", form, **HTMX)
    html = r.content.decode()
    assert r.status_code == 200 and figures(html) == ("100.00", "100.00", "0.00", True)
    assert 'class="card opening-check balanced"' in html and 'value="80.00"' in html
    # a refused entry (both sides) is named, the row marked, the input kept, nothing changed
    bad = {**form, "debit_1002": "5", "credit_1002": "5"}
    r = admin_client.post("/opening/accounts/", bad, **HTMX)
    html = r.content.decode()
    assert r.status_code == 422 and 'id="form-error"' in html
    assert re.search(r'<tr data-account="1002" class=" row-bad">', html)
    assert Document.objects.filter(status="approved").count() == 2
    # without JavaScript the page is reloaded with the message
    r = admin_client.post("/opening/accounts/", {**form, "debit_1001": "90"})
    assert r.status_code == 302 and r["Location"] == "/opening/?tab=accounts"


@pytest.mark.parametrize(
    "role,allowed", [("老板", 1), ("采购", 0), ("销售", 0), ("库管", 0), ("财务", 1), ("管理员", 1)]
)
def test_who_sees_the_page_and_its_menu_entry(client, user, role, allowed):
    u = get_user_model().objects.create_user(f"u-{role}", password="pw-123456")
    u.groups.add(Group.objects.get(name=role))
    client.force_login(u)
    assert client.get("/opening/").status_code == (200 if allowed else 403)
    assert client.get("/opening/check/").status_code == (200 if allowed else 403)
    assert ('href="/opening/"' in client.get("/").content.decode()) == bool(allowed)


def test_a_draft_receivable_is_shown_and_approved_on_its_page(admin_client, api):
    # given a draft made through the API
    r = api.post(
        "/documents",
        {"type": "opening_receivable", "partner": "C001", "amount": "12.50", "date": "2025-12-24"},
    )
    number = r.json()["number"]
    # its page shows the amount and the dates (not the item-line entry form) and approves it
    html = admin_client.get(f"/doc/{number}/").content.decode()
    assert 'id="money-amount">12.50<' in html and "2025-12-24" in html
    assert 'id="approve"' in html and 'name="line_item"' not in html
    assert admin_client.post(f"/doc/{number}/", {"action": "approve"}).status_code == 302
    assert Document.objects.get(number=number).status == "approved"
    # an approved opening balance offers cancel, never reverse
    html = admin_client.get(f"/doc/{number}/").content.decode()
    assert 'data-action="cancel"' in html and 'data-action="reverse"' not in html
