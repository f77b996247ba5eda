"""Issue 9, daily work: the finance role at work, links a user may follow, the period after the
last close, a stale second tab, margin on sales only, every form error, credit warning data,
maker and approver, import template example, transfers to any warehouse, "1e3" as a price."""

import datetime as dt
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from openpyxl import load_workbook

from openjxc.catalog.models import Item
from openjxc.closing.services import close
from openjxc.documents.models import Document
from openjxc.ledger.models import Period
from openjxc.users.services import issue_token
from tests.factories import approve, doc, fetch, master_data, person, setup_books

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def backups_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def bearer(username):
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(username, 'pw-123456')}"}


def hrefs(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


@pytest.fixture
def trade(user):
    """A receipt, a delivery, and a customer receipt allocated to the delivery."""
    receipt = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    delivery = doc(user, "sales_delivery", "2026-03-02", [("A001", 4, "9.00")])
    money = doc(
        user,
        "receipt",
        "2026-03-03",
        [],
        partner="C001",
        amount="10.00",
        allocations=[{"document": delivery, "amount": "10.00"}],
    )
    return {"receipt": receipt, "delivery": delivery, "money": money}


# ---------------------------------------------------------------- 17: the finance role


def test_finance_reads_what_she_invoices_but_cannot_post_it(client, trade):
    person("财务", username="caiwu")
    h = bearer("caiwu")
    # reading the delivery and the receipt she invoices: 200 (was 403), and both are listed
    assert client.get(f"/api/v1/documents/{trade['delivery']}", **h).status_code == 200
    assert client.get(f"/api/v1/documents/{trade['receipt']}", **h).status_code == 200
    listed = {d["number"] for d in client.get("/api/v1/documents", **h).json()["items"]}
    assert {trade["delivery"], trade["receipt"], trade["money"]} <= listed
    # posting them stays with purchasing, sales and stock
    before = fetch("SELECT COUNT(*) FROM inventory_stockmove")
    r = client.post(
        f"/api/v1/documents/{trade['delivery']}/cancel",
        {"reason": "x"},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert fetch("SELECT COUNT(*) FROM inventory_stockmove") == before
    # the detail page: no cancel / reverse, but "create the invoice"
    client.force_login(get_user_model().objects.get(username="caiwu"))
    html = client.get(f"/doc/{trade['delivery']}/").content.decode()
    assert 'data-action="cancel"' not in html and 'data-action="reverse"' not in html
    assert 'data-target="sales_invoice"' in html and 'data-target="sales_return"' not in html
    # the allocation's money document is linked (she may open it)
    assert f"/doc/{trade['money']}/" in hrefs(html)
    # the menu lists the deliveries; their list page has no "new" button for her
    page = client.get("/documents/sales_delivery/").content.decode()
    assert 'href="/documents/sales_delivery/"' in page and 'id="new-doc"' not in page


def test_invoice_form_picks_uninvoiced_deliveries_of_the_partner(client, user, trade):
    other = doc(user, "sales_delivery", "2026-03-04", [("A001", 1, "9.00")])
    finance = person("财务", username="caiwu")
    client.force_login(finance)
    html = client.get("/documents/sales_invoice/new/").content.decode()
    assert 'id="derive-source"' in html
    assert f'value="{trade["delivery"]}"' in html and f'value="{other}"' in html
    # choosing a source derives the invoice with its lines
    r = client.post(
        "/documents/sales_invoice/new/", {"action": "derive", "source": trade["delivery"]}
    )
    assert r.status_code == 302
    invoice = Document.objects.get(type="sales_invoice")
    assert (
        invoice.source.number == trade["delivery"] and invoice.amount_incl_tax == 4068
    )  # 4 × 9.00 + 13 %
    # an approved invoice covering the whole delivery takes it off the picker
    client.post(f"/doc/{invoice.number}/", {"action": "approve"})
    assert Document.objects.get(pk=invoice.pk).status == "approved"
    html = client.get("/documents/sales_invoice/new/").content.decode()
    assert f'value="{trade["delivery"]}"' not in html and f'value="{other}"' in html
    # a chosen partner narrows the list
    html = client.get("/documents/sales_invoice/new/?partner=NOBODY").content.decode()
    assert f'value="{other}"' not in html


def test_pages_link_only_documents_the_user_may_open(client, user, trade):
    # a sales clerk sees the receipt allocated to her delivery, but may not open money documents
    person("销售", username="xs")
    client.force_login(get_user_model().objects.get(username="xs"))
    html = client.get(f"/doc/{trade['delivery']}/").content.decode()
    assert trade["money"] in html and f"/doc/{trade['money']}/" not in hrefs(html)
    assert client.get(f"/doc/{trade['money']}/").status_code == 403  # and that is why
    # finance's close check names an other-in draft without linking it (去处理 she cannot open)
    draft = doc(user, "other_in", "2026-01-05", [("A002", 1, "1.00")], approve_it=False)
    client.force_login(person("财务", username="caiwu"))
    html = client.get("/periods/2026-01/check/").content.decode()
    assert draft in html and f"/doc/{draft}/" not in hrefs(html)
    assert client.get(f"/doc/{draft}/").status_code == 403


DEMO_ROLES = ("laoban", "caigou", "xiaoshou", "kuguan", "caiwu")


def _shape(url: str) -> str:
    """Pages of one kind (every document detail, every period) are visited a few times only."""
    path = url.split("?")[0]
    return re.sub(r"/[A-Z]+\d{8,}/", "/DOC/", re.sub(r"\d{4}-\d{2}(-\d{2})?", "D", path))


@pytest.mark.parametrize("username", DEMO_ROLES)
def test_demo_roles_reach_no_forbidden_link(client, username):
    """Crawl what each demo user can reach from the home page: every link and form action on
    those pages answers them without 403."""
    from openjxc.setup import initialize

    initialize(
        "admin", "admin123", timezone.localdate().replace(day=1) - dt.timedelta(days=40), demo=True
    )
    client.force_login(get_user_model().objects.get(username=username))
    queue, seen, shapes, bad = ["/"], set(), {}, []
    while queue and len(seen) < 120:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        r = client.get(url)
        if r.status_code == 403:
            bad.append(url)
        if r.status_code != 200 or "text/html" not in r.get("Content-Type", ""):
            continue
        html = r.content.decode()
        actions = re.findall(r'<form[^>]*action="([^"]+)"', html)
        for link in sorted(hrefs(html) | set(actions)):
            link = link.replace("&amp;", "&")
            if (
                not link.startswith("/")
                or link.startswith(("/static/", "/api/", "/logout"))
                or "export=" in link
            ):
                continue
            shape = _shape(link)
            if link not in seen and shapes.get(shape, 0) < 3:
                shapes[shape] = shapes.get(shape, 0) + 1
                queue.append(link)
    assert len(seen) > 15, seen
    assert bad == [], (username, bad)


# ---------------------------------------------------------------- 18: after the last close


@pytest.fixture
def this_month(db):
    """Books that went live on the first of this month."""
    u = setup_books(start=timezone.localdate().replace(day=1).isoformat())
    master_data(u)
    return u


def test_closing_the_last_period_opens_the_next_and_new_work_is_dated_there(client, this_month):
    user = this_month
    today = timezone.localdate()
    receipt = doc(user, "purchase_receipt", today.isoformat(), [("A001", 5, "2.00")])
    name = today.strftime("%Y-%m")
    close(user, name)
    nxt = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    assert Period.objects.filter(start=nxt, status="open").exists()
    client.force_login(user)
    # a new document and a red-letter reversal are dated in the open period
    assert (
        f'value="{nxt.isoformat()}"'
        in client.get("/documents/sales_delivery/new/").content.decode()
    )
    impact = client.get(f"/doc/{receipt}/impact/reverse/").content.decode()
    assert f'value="{nxt.isoformat()}"' in impact
    r = client.post(f"/doc/{receipt}/impact/reverse/", {"reason": "退回供应商"})
    assert r.status_code == 302
    assert Document.objects.get(reversal_of__number=receipt).date == nxt


# ---------------------------------------------------------------- 19: a stale second tab


def test_saving_a_draft_approved_in_another_tab_shows_it_with_the_reason(client, user):
    number = doc(user, "purchase_receipt", "2026-03-01", [("A001", 1, "2.00")], approve_it=False)
    client.force_login(user)
    version = Document.objects.get(number=number).version
    client.post(f"/doc/{number}/", {"action": "approve"})  # the first tab
    r = client.post(
        f"/doc/{number}/",
        {  # the second tab still shows the draft form
            "action": "save",
            "date": "2026-03-01",
            "partner": "S001",
            "warehouse": "WH1",
            "version": version,
            "line_item": "A001",
            "line_qty": "3",
            "line_price": "2.00",
            "line_tax": "13",
            "line_source": "",
        },
    )
    html = r.content.decode()
    assert r.status_code == 409
    assert "单据已审核，不能修改" in html and 'id="detail-title"' in html
    assert Document.objects.get(number=number).lines.get().qty == 10000  # still 1


# ---------------------------------------------------------------- 20: margin on sales only


def test_line_info_gives_a_cost_for_the_margin_on_sales_documents_only(client, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    client.force_login(user)
    info = client.get(
        "/doc-lookup/line-info/?type=purchase_receipt&item=A001&warehouse=WH1&partner=S001"
    ).json()
    assert info["unit_cost"] is None and info["on_hand"] == "10"
    info = client.get(
        "/doc-lookup/line-info/?type=sales_delivery&item=A001&warehouse=WH1&partner=C001"
    ).json()
    assert info["unit_cost"] == "5.000000"


# ---------------------------------------------------------------- 24: smaller things


def test_every_form_error_is_shown_and_marked(client, user):
    client.force_login(user)
    r = client.post(
        "/documents/purchase_receipt/new/",
        {
            "action": "save",
            "date": "2026-03-01",
            "partner": "",
            "warehouse": "WH1",
            "line_item": ["A001", "A002", "A003"],
            "line_qty": ["abc", "2", "0"],
            "line_price": ["1", "x", "1"],
            "line_tax": ["13", "13", "13"],
            "line_source": ["", "", ""],
        },
    )
    html = r.content.decode()
    assert r.status_code == 422
    errors = re.findall(r"<li>(.*?)</li>", html.split('id="form-errors"')[1].split("</ul>")[0])
    assert len(errors) == 4, errors  # partner, line 1 qty, line 2 price, line 3 qty
    assert (
        errors[1].startswith("第 1 行")
        and errors[2].startswith("第 2 行")
        and errors[3].startswith("第 3 行")
    )
    assert 'id="f-partner" class="invalid"' in html
    assert html.count('class="qty invalid"') == 2 and html.count('class="price invalid"') == 1
    assert not Document.objects.exists()
    # the API reports them all too, the first as the error
    r = client.post(
        "/api/v1/documents",
        {
            "type": "purchase_receipt",
            "date": "2026-03-01",
            "warehouse": "WH1",
            "lines": [{"item": "A001", "qty": "x"}, {"item": "NOPE", "qty": "1"}],
        },
        content_type="application/json",
        **{"HTTP_AUTHORIZATION": "Bearer " + issue_token("admin", "admin123")},
    )
    err = r.json()["error"]
    assert r.status_code == 422 and err["details"]["field"] == "partner"
    assert [e["code"] for e in err["details"]["errors"]] == [
        "invalid",
        "invalid_number",
        "not_found",
    ]


def test_a_price_like_1e3_is_refused_on_the_form(client, user):
    client.force_login(user)
    r = client.post(
        "/documents/purchase_receipt/new/",
        {
            "action": "save",
            "date": "2026-03-01",
            "partner": "S001",
            "warehouse": "WH1",
            "line_item": "A001",
            "line_qty": "1",
            "line_price": "1e3",
            "line_tax": "13",
            "line_source": "",
        },
    )
    assert r.status_code == 422 and "1e3" in r.content.decode()
    assert not Document.objects.exists()


def test_sales_order_entry_knows_each_customers_credit(client, user):
    from openjxc.partners.services import update_partner

    update_partner(user, "customer", "C001", {"credit_limit": "30"})
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    doc(user, "sales_delivery", "2026-03-02", [("A001", 2, "10.00")])  # owes 22.60
    client.force_login(user)
    html = client.get("/documents/sales_order/new/").content.decode()
    assert 'value="C001" data-credit-limit="30.00" data-owed="22.60"' in html
    assert 'id="credit-warning"' in html


def test_detail_names_maker_and_approver(client, user):
    checker = person("老板", username="checker")
    number = doc(user, "purchase_receipt", "2026-03-01", [("A001", 1, "2.00")], approve_it=False)
    client.force_login(checker)
    client.post(f"/doc/{number}/", {"action": "approve"})
    html = client.get(f"/doc/{number}/").content.decode()
    maker = html.split('id="doc-maker">')[1].split("</span>")[0]
    approver = html.split('id="doc-approver">')[1].split("</span>")[0]
    assert "制单人" in maker and "admin" in maker
    assert "审核人" in approver and "checker" in approver


def test_item_template_example_row_is_not_imported(client, user):
    client.force_login(user)
    template = load_workbook(io.BytesIO(client.get("/import/template/items/").content))
    assert template.worksheets[0].max_row == 1  # headers only: the example sits on its own sheet
    assert template.worksheets[1]["A2"].value == "A100"
    # a template filled in on its first sheet imports exactly the rows typed there
    template.worksheets[0].append(["N001", "新商品", "个"])
    buf = io.BytesIO()
    template.save(buf)
    f = io.BytesIO(buf.getvalue())
    f.name = "items.xlsx"
    client.post("/import/", {"kind": "items", "file": f})
    client.post(
        "/import/",
        {"kind": "items", "action": "import", "token": client.session["import"]["token"]},
    )
    assert (
        Item.objects.filter(code="N001").exists() and not Item.objects.filter(code="A100").exists()
    )


def test_a_keeper_of_one_warehouse_transfers_to_any_warehouse(client, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")], warehouse="WH2")
    keeper = person("库管", ["WH2"], username="kg")
    client.force_login(keeper)
    html = client.get("/documents/transfer/new/").content.decode()
    to_options = html.split('id="f-to-warehouse"')[1].split("</select>")[0]
    assert 'value="WH1"' in to_options
    r = client.post(
        "/documents/transfer/new/",
        {
            "action": "save",
            "date": "2026-03-02",
            "warehouse": "WH2",
            "to_warehouse": "WH1",
            "line_item": "A001",
            "line_qty": "4",
            "line_source": "",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    transfer = Document.objects.get(type="transfer")
    approve(user, transfer.number)  # a keeper enters it, the boss approves
    assert fetch(
        "SELECT w.code, b.qty FROM inventory_stockbalance b JOIN inventory_warehouse w "
        "ON w.id = b.warehouse_id ORDER BY w.code"
    ) == [("WH1", 40000), ("WH2", 60000)]
    assert client.get(f"/doc/{transfer.number}/").status_code == 200
    # the API agrees; a transfer out of a warehouse he does not keep stays refused
    h = bearer("kg")
    body = {
        "type": "transfer",
        "date": "2026-03-03",
        "warehouse": "WH2",
        "to_warehouse": "WH1",
        "lines": [{"item": "A001", "qty": "1"}],
    }
    assert (
        client.post("/api/v1/documents", body, content_type="application/json", **h).status_code
        == 201
    )
    r = client.post(
        "/api/v1/documents",
        {**body, "warehouse": "WH1", "to_warehouse": "WH2"},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 403 and r.json()["error"]["details"] == {"warehouse": "WH1"}


def test_jxc_passwd_sets_a_password(user, monkeypatch):
    from django.contrib.auth import authenticate

    from openjxc import cli

    monkeypatch.setattr(cli, "_setup", lambda args: None)  # the test database is already set up
    args = cli.build_parser().parse_args(["passwd", "admin", "--password", "new-secret-1"])
    assert args.func(args) == 0
    assert authenticate(username="admin", password="new-secret-1") is not None
