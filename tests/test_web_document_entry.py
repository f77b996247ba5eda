"""Document entry through the Django test client: save and approve in one step, tax-inclusive
prices, a failed approval that keeps the input, drafts edited and deleted, derived documents,
money with allocations, credit warnings, maker and checker, every form error at once."""

import re

import pytest

from openjxc.documents.models import Document
from openjxc.users.services import issue_token

from .factories import doc, fetch, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("backups_in_tmp")]


def _on_hand(item, wh="WH1"):
    rows = fetch(
        "SELECT b.qty FROM inventory_stockbalance b JOIN catalog_item i ON i.id = b.item_id "
        "JOIN inventory_warehouse w ON w.id = b.warehouse_id WHERE i.code = %s AND w.code = %s",
        [item, wh],
    )
    return rows[0][0] / 10000 if rows else 0


def _receipt_post(**extra):
    body = {
        "date": "2026-03-05",
        "partner": "S001",
        "warehouse": "WH1",
        "line_item": ["A001", "A002"],
        "line_qty": ["3", "2"],
        "line_price": ["5.00", "2.00"],
        "line_tax": ["13", "13"],
        "line_source": ["", ""],
        "action": "approve",
    }
    body.update(extra)
    return body


def test_entry_saves_and_approves_in_one_step(admin_client, books):
    before = _on_hand("A001")
    r = admin_client.post("/documents/purchase_receipt/new/", _receipt_post())
    assert r.status_code == 302
    number = r["Location"].strip("/").split("/")[-1]
    d = Document.objects.get(number=number)
    assert d.status == "approved"
    assert d.amount == 1900 and d.tax == 247 and d.amount_incl_tax == 2147
    assert _on_hand("A001") == before + 3
    page = admin_client.get(f"/doc/{number}/").content.decode()
    assert 'data-status="approved"' in page and 'id="doc-gross">21.47<' in page


def test_tax_inclusive_prices_follow_the_company_setting(admin_client, user):
    from openjxc.core.services import set_setting

    set_setting("price_includes_tax", "1")
    r = admin_client.post(
        "/documents/purchase_receipt/new/",
        _receipt_post(
            line_item=["A001"],
            line_qty=["2"],
            line_price=["11.30"],
            line_tax=["13"],
            line_source=[""],
            action="save",
        ),
    )
    assert r.status_code == 302
    d = Document.objects.latest("id")
    assert d.status == "draft"
    assert d.amount_incl_tax == 2260 and d.amount == 2000
    # the edit form shows the tax-inclusive price again
    assert 'value="11.30"' in admin_client.get(f"/doc/{d.number}/").content.decode()


def test_failed_approval_changes_nothing_and_keeps_the_input(admin_client, books):
    count = Document.objects.count()
    r = admin_client.post(
        "/documents/sales_delivery/new/",
        {
            "date": "2026-03-05",
            "partner": "C001",
            "warehouse": "WH1",
            "line_item": ["A001"],
            "line_qty": ["50"],
            "line_price": ["9.00"],
            "line_tax": ["13"],
            "line_source": [""],
            "action": "approve",
        },
    )
    assert r.status_code == 409
    html = r.content.decode()
    assert 'class="errors"' in html and "A001" in html
    assert 'value="50"' in html  # the user's quantity is kept
    assert 'data-item="A001" data-error="qty"' in html  # and the line is marked
    assert Document.objects.count() == count  # no draft left behind
    assert _on_hand("A001") == 6
    # an invalid line points at its field
    r = admin_client.post(
        "/documents/sales_delivery/new/",
        {
            "date": "2026-03-05",
            "partner": "C001",
            "warehouse": "WH1",
            "line_item": ["A001"],
            "line_qty": ["-1"],
            "line_price": ["9.00"],
            "line_tax": ["13"],
            "line_source": [""],
            "action": "save",
        },
    )
    assert r.status_code == 422
    assert 'data-error="qty"' in r.content.decode()
    # before go-live: the period error
    r = admin_client.post("/documents/purchase_receipt/new/", _receipt_post(date="2025-12-31"))
    assert r.status_code == 409
    assert Document.objects.count() == count


def test_draft_edit_approve_delete_and_version(admin_client, books):
    number = books["draft"]
    d = Document.objects.get(number=number)
    r = admin_client.post(
        f"/doc/{number}/",
        {
            "version": str(d.version),
            "date": "2026-03-04",
            "partner": "C001",
            "warehouse": "WH1",
            "line_item": ["A002"],
            "line_qty": ["2"],
            "line_price": ["4.00"],
            "line_tax": ["13"],
            "line_source": [""],
            "action": "save",
        },
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.amount == 800 and d.version == 2
    # a stale version is refused
    r = admin_client.post(
        f"/doc/{number}/",
        {
            "version": "1",
            "date": "2026-03-04",
            "partner": "C001",
            "warehouse": "WH1",
            "line_item": ["A002"],
            "line_qty": ["3"],
            "line_price": ["4.00"],
            "line_tax": ["13"],
            "line_source": [""],
            "action": "save",
        },
    )
    assert r.status_code == 409
    d.refresh_from_db()
    assert d.amount == 800
    r = admin_client.post(f"/doc/{number}/", {"action": "delete"})
    assert r.status_code == 302
    assert not Document.objects.filter(number=number).exists()


def test_derive_delivery_from_order_and_close(admin_client, books, user):
    order = doc(user, "sales_order", "2026-03-05", [("A001", 5, "9.00")])
    r = admin_client.post(f"/doc/{order}/", {"action": "derive", "target": "sales_delivery"})
    assert r.status_code == 302
    number = r["Location"].strip("/").split("/")[-1]
    delivery = Document.objects.get(number=number)
    assert delivery.type == "sales_delivery" and delivery.source.number == order
    assert delivery.lines.get().qty == 5 * 10000
    # the new page of a delivery offers the open order to derive from
    assert order in admin_client.get("/documents/sales_delivery/new/").content.decode()
    r = admin_client.post(f"/doc/{order}/", {"action": "close", "reason": ""})
    assert r.status_code == 422
    r = admin_client.post(f"/doc/{order}/", {"action": "close", "reason": "客户取消"})
    assert Document.objects.get(number=order).status == "closed"


def test_money_document_with_allocation(admin_client, books):
    # the delivery left 40.68 receivable (4 × 9.00 + 13 %)
    r = admin_client.get("/doc-lookup/open-items/", {"type": "receipt", "partner": "C001"})
    assert books["delivery"] in r.content.decode()
    r = admin_client.post(
        "/documents/receipt/new/",
        {
            "date": "2026-03-06",
            "partner": "C001",
            "amount": "50.00",
            "account": "1002",
            "alloc_document": [books["delivery"]],
            "alloc_amount": ["40.68"],
            "action": "approve",
        },
    )
    assert r.status_code == 302
    receipt = Document.objects.latest("id")
    assert receipt.type == "receipt" and receipt.status == "approved" and receipt.amount == 5000
    html = admin_client.get(f"/doc/{receipt.number}/").content.decode()
    assert books["delivery"] in html and "40.68" in html
    assert (
        admin_client.get("/doc-lookup/open-items/", {"type": "receipt", "partner": "C001"})
        .content.decode()
        .count(books["delivery"])
        == 0
    )


def test_transfer_and_stock_count_through_the_pages(admin_client, books):
    r = admin_client.post(
        "/documents/transfer/new/",
        {
            "date": "2026-03-10",
            "warehouse": "WH1",
            "to_warehouse": "WH2",
            "line_item": ["A001"],
            "line_qty": ["1"],
            "line_source": [""],
            "action": "approve",
        },
    )
    assert r.status_code == 302
    assert _on_hand("A001") == 5 and _on_hand("A001", "WH2") == 1
    r = admin_client.post(
        "/documents/stock_count/new/",
        {
            "date": "2026-03-11",
            "warehouse": "WH1",
            "line_item": ["A002"],
            "line_qty": ["3"],
            "line_source": [""],
            "action": "approve",
        },
    )
    assert r.status_code == 302
    assert _on_hand("A002") == 3  # 4 on hand, counted 3


def test_money_draft_keeps_its_planned_allocations(admin_client, books):
    r = admin_client.post(
        "/documents/receipt/new/",
        {
            "date": "2026-03-06",
            "partner": "C001",
            "amount": "40.68",
            "account": "1001",
            "alloc_document": [books["delivery"]],
            "alloc_amount": ["40.68"],
            "action": "save",
        },
    )
    assert r.status_code == 302
    receipt = Document.objects.latest("id")
    assert receipt.status == "draft" and receipt.account.code == "1001"
    html = admin_client.get(f"/doc/{receipt.number}/").content.decode()
    assert 'value="40.68" placeholder' in html  # the planned allocation is shown for editing
    # over-allocation is refused inline and changes nothing
    r = admin_client.post(
        f"/doc/{receipt.number}/",
        {
            "version": str(receipt.version),
            "date": "2026-03-06",
            "partner": "C001",
            "amount": "10.00",
            "account": "1001",
            "alloc_document": [books["delivery"]],
            "alloc_amount": ["40.68"],
            "action": "save",
        },
    )
    assert r.status_code == 422 and 'class="errors"' in r.content.decode()
    receipt.refresh_from_db()
    assert receipt.amount == 4068
    r = admin_client.post(f"/doc/{receipt.number}/", {"action": "approve"})
    assert r.status_code == 302
    receipt.refresh_from_db()
    assert receipt.status == "approved"
    assert fetch(
        "SELECT o.open_amount FROM ledger_openitem o JOIN documents_document d ON d.id = o.document_id "
        "WHERE d.number = %s",
        [books["delivery"]],
    ) in ([], [(0,)])


def test_credit_limit_warning_on_approval(admin_client, books):
    from openjxc.partners.models import Partner

    Partner.objects.filter(code="C001").update(credit_limit=5000)  # 50.00, the customer owes 40.68
    r = admin_client.post(
        "/documents/sales_order/new/",
        {
            "date": "2026-03-06",
            "partner": "C001",
            "warehouse": "WH1",
            "line_item": ["A001"],
            "line_qty": ["2"],
            "line_price": ["9.00"],
            "line_tax": ["13"],
            "line_source": [""],
            "action": "approve",
        },
        follow=True,
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-status="approved"' in html
    assert (
        "50.00" in html and "40.68" in html
    )  # the credit-limit sentence with limit and what is owed


def test_maker_checker_through_the_pages(admin_client, client, user):
    from openjxc.core.services import set_setting

    set_setting("approval_threshold.purchase_receipt", "10")
    r = admin_client.post("/documents/purchase_receipt/new/", _receipt_post(), follow=True)
    d = Document.objects.latest("id")
    assert d.status == "pending_approval"
    assert 'data-status="pending_approval"' in r.content.decode()
    # the maker cannot approve it a second time; the boss can
    r = admin_client.post(f"/doc/{d.number}/", {"action": "approve"})
    assert r.status_code == 409 and 'class="errors"' in r.content.decode()
    boss = person("老板", username="laoban")
    client.force_login(boss)
    assert 'id="approve"' in client.get(f"/doc/{d.number}/").content.decode()
    r = client.post(f"/doc/{d.number}/", {"action": "approve"})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.status == "approved"
    assert _on_hand("A001") == 3


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
