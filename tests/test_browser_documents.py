"""Document pages in a real browser: list filters, entry by scanning barcodes, line info and stock
errors, prints, allocation, unsaved lines, the credit warning, every form error at once, 选择源单
and no margin on purchases."""

import pytest
from playwright.sync_api import expect

from .browser import log_in, shot, table_rows
from .factories import doc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_document_list_filters(zh_page, books):
    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    # the document list shows the approved documents with status 已审核 and the draft 草稿
    page.click("header >> text=单据")
    page.wait_for_url("**/documents/")
    assert page.locator("h2").inner_text().strip() == "单据"
    rows = {r[0]: r for r in table_rows(page, "documents")}
    for number in [*books["receipts"], books["delivery"]]:
        assert rows[number][6] == "已审核", rows[number]
    assert rows[books["draft"]][6] == "草稿"
    assert rows[books["receipts"][0]][1] == "采购入库单"
    assert rows[books["receipts"][0]][5] == "67.80"  # 50.00 + 10.00 + 13 % tax
    assert rows[books["delivery"]][1] == "销售出库单"
    assert rows[books["delivery"]][3] == "客户一"
    shot(page, "03-documents")

    # filter by type: only the purchase receipts remain
    page.select_option("select[name=type]", label="采购入库单")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**type=purchase_receipt**")
    rows = table_rows(page, "documents")
    assert sorted(r[0] for r in rows) == sorted(books["receipts"])
    assert {r[1] for r in rows} == {"采购入库单"}
    assert page.locator("select[name=type] option:checked").inner_text().strip() == "采购入库单"
    shot(page, "04-documents-filtered")

    # filter by status: only the draft
    page.select_option("select[name=type]", value="")
    page.select_option("select[name=status]", label="草稿")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**status=draft**")
    assert [r[0] for r in table_rows(page, "documents")] == [books["draft"]]


def _on_hand(item, wh="WH1"):
    from tests.factories import fetch

    rows = fetch(
        "SELECT b.qty FROM inventory_stockbalance b JOIN catalog_item i ON i.id = b.item_id "
        "JOIN inventory_warehouse w ON w.id = b.warehouse_id WHERE i.code = %s AND w.code = %s",
        [item, wh],
    )
    return rows[0][0] / 10000 if rows else 0


def _scan(page, code):
    page.fill("#scan", code)
    page.press("#scan", "Enter")


def _line(page, item):
    return page.locator(f'#lines tbody tr.line[data-item="{item}"]')


def test_purchase_receipt_by_scanning_barcodes(zh_page, user):
    from openjxc.catalog.models import Item

    page = zh_page
    barcodes = dict(Item.objects.values_list("code", "barcode"))
    before = {code: _on_hand(code) for code in ("A001", "A002")}
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto("/documents/purchase_receipt/")
    page.click("#new-doc")
    page.wait_for_url("**/documents/purchase_receipt/new/")
    assert (
        page.locator("#entry-title").inner_text().strip() == "新增采购入库单"
        or "采购入库单" in page.locator("#entry-title").inner_text()
    )
    page.select_option("#f-partner", "S001")
    page.select_option("#f-warehouse", "WH1")
    # the scanner types the barcode and Enter: a line is added; the same barcode again adds one
    _scan(page, barcodes["A001"])
    _line(page, "A001").wait_for()
    _scan(page, barcodes["A002"])
    _line(page, "A002").wait_for()
    _scan(page, barcodes["A001"])
    expect(page.locator("#lines tr.line[data-item=A001] .qty")).to_have_value("2")  # CSP: no eval
    assert page.locator("#lines tbody tr.line").count() == 2
    assert _line(page, "A002").locator(".qty").input_value() == "1"
    assert page.locator("#scan").input_value() == ""  # ready for the next scan
    # prices typed: the totals follow as you type (2 × 5.00 + 13 %, 1 × 2.50 + 13 %)
    _line(page, "A001").locator(".price").fill("5.00")
    _line(page, "A002").locator(".price").fill("2.50")
    assert page.locator("#total-qty").inner_text() == "3"
    assert page.locator("#total-amount").inner_text() == "12.50"
    assert page.locator("#total-gross").inner_text() == "14.13"
    shot(page, "10-receipt-entry-scanned")
    # save the draft, then approve it
    page.click("#save")
    page.wait_for_url("**/doc/CGRK*/")
    assert page.locator("#doc-status").get_attribute("data-status") == "draft"
    assert _line(page, "A001").locator(".qty").input_value() == "2"
    page.click("#save-approve")
    page.locator("#doc-status[data-status=approved]").wait_for()
    assert page.locator("#doc-status").inner_text().strip() == "已审核"
    assert page.locator("#doc-gross").inner_text() == "14.13"
    shot(page, "11-receipt-approved")
    assert _on_hand("A001") == before["A001"] + 2
    assert _on_hand("A002") == before["A002"] + 1
    # the list shows it under the approved tab, also on a phone
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/documents/purchase_receipt/?status=approved")
    number = page.url and table_rows(page, "doc-list")[0][0]
    assert number.startswith("CGRK")
    shot(page, "18-receipt-list-phone")
    page.goto("/documents/sales_delivery/new/")
    _scan(page, "A001")
    _line(page, "A001").wait_for()
    shot(page, "19-delivery-entry-phone")


def test_sales_delivery_with_line_info_and_stock_error(zh_page, books):
    page = zh_page
    assert _on_hand("A001") == 6
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto("/documents/sales_delivery/new/")
    page.select_option("#f-partner", "C001")
    # search by name, pick from the suggestions
    page.fill("#scan", "商品A001")
    page.locator("#suggestions button").first.click()
    row = _line(page, "A001")
    row.wait_for()
    # line info: available stock and the last price to this customer, which becomes the price
    expect(page.locator("#lines tr.line[data-item=A001]")).to_have_attribute("data-available", "6")
    assert "9.00" in row.locator(".info .last").inner_text()
    assert row.locator(".price").input_value() == "9.00"
    assert row.locator(".info .margin").count() == 1  # the admin sees the estimated margin
    row.locator(".qty").fill("2")
    assert page.locator("#total-gross").inner_text() == "20.34"  # 18.00 + 2.34
    assert "8.00" in row.locator(".info .margin").inner_text()  # 2 × (9.00 − 5.00 average cost)
    shot(page, "12-delivery-entry-line-info")
    page.click("#save-approve")
    page.locator("#doc-status[data-status=approved]").wait_for()
    assert _on_hand("A001") == 4

    # more than in stock: the approval fails inline, the input stays, nothing is saved
    from openjxc.documents.models import Document

    count = Document.objects.count()
    page.goto("/documents/sales_delivery/new/")
    page.select_option("#f-partner", "C001")
    _scan(page, "A001")
    _line(page, "A001").wait_for()
    _line(page, "A001").locator(".qty").fill("50")
    page.locator("#lines tr.line[data-item=A001] .info .avail.bad").wait_for()
    page.click("#save-approve")
    error = page.locator("#form-error")
    error.wait_for()
    assert "库存不足" in error.inner_text() and "A001" in error.inner_text()
    assert _line(page, "A001").locator(".qty").input_value() == "50"
    shot(page, "13-delivery-insufficient-stock")
    assert Document.objects.count() == count
    assert _on_hand("A001") == 4


def test_print_views(zh_page, books):
    from openjxc.core.services import set_setting

    set_setting("company_name", "示例商贸有限公司")
    set_setting("company_address", "北京市朝阳区示例路 1 号")
    set_setting("company_phone", "010-12345678")
    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    number = books["delivery"]
    page.goto(f"/doc/{number}/")
    assert page.locator("#doc-status").inner_text().strip() == "已审核"
    shot(page, "14-delivery-detail")
    page.goto(f"/doc/{number}/print/?format=a4")
    assert page.locator("#company-name").inner_text() == "示例商贸有限公司"
    assert page.locator("#print-title").inner_text() == "销售出库单"
    assert page.locator("#print-total").inner_text() == "40.68"
    assert page.locator("#print-words").inner_text() == "肆拾元陆角捌分"
    shot(page, "15-print-a4")
    page.goto(f"/doc/{number}/print/?format=receipt")
    page.locator("body#print-receipt").wait_for()
    assert page.locator("#print-total").inner_text() == "40.68"
    page.set_viewport_size({"width": 320, "height": 800})
    shot(page, "16-print-receipt")


def test_customer_receipt_allocated_to_the_delivery(zh_page, books):
    from openjxc.documents.models import Document
    from tests.factories import fetch

    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto("/documents/receipt/new/")
    # choosing the customer loads their open items (the delivery: 40.68)
    page.select_option("#f-partner", "C001")
    row = page.locator(f'#open-items-table tr[data-document="{books["delivery"]}"]')
    row.wait_for()
    assert row.locator("td").nth(4).inner_text() == "40.68"
    page.fill("#f-amount", "50.00")
    row.locator("input[name=alloc_amount]").fill("40.68")
    shot(page, "17-receipt-entry")
    page.click("#save-approve")
    page.locator("#doc-status[data-status=approved]").wait_for()
    assert page.locator("#money-amount").inner_text() == "50.00"
    assert books["delivery"] in page.locator("#allocations").inner_text()
    receipt = Document.objects.filter(type="receipt").get()
    # the delivery is settled; 9.32 stays as the customer's credit
    open_rows = dict(
        fetch(
            "SELECT d.number, o.open_amount FROM ledger_openitem o JOIN documents_document d "
            "ON d.id = o.document_id"
        )
    )
    assert open_rows.get(books["delivery"], 0) == 0
    assert open_rows[receipt.number] == -932


def _logged_in(page):
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)


def test_leaving_unsaved_lines_asks_first(zh_page, user):
    page = zh_page
    _logged_in(page)
    page.goto("/documents/purchase_receipt/new/")
    page.select_option("#f-partner", "S001")
    _scan(page, "A001")
    _line(page, "A001").wait_for()
    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.click("#menu >> text=采购订单")
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url.endswith("/documents/purchase_receipt/new/")  # stayed, the line is still there
    assert _line(page, "A001").count() == 1
    shot(page, "issue9-unsaved-stayed")
    # saving is not leaving: no question
    page.remove_listener("dialog", stay)
    page.on("dialog", lambda d: asked.append(d.type) or d.dismiss())
    page.fill("#lines .price", "2.00")
    page.click("#save")
    page.locator("#doc-status[data-status=draft]").wait_for()
    assert asked == ["beforeunload"]


def test_credit_warning_before_approval(zh_page, user):
    from openjxc.partners.services import update_partner

    update_partner(user, "customer", "C001", {"credit_limit": "30"})
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    doc(user, "sales_delivery", "2026-03-02", [("A001", 2, "10.00")])  # C001 owes 22.60
    page = zh_page
    _logged_in(page)
    page.goto("/documents/sales_order/new/")
    page.select_option("#f-partner", "C001")
    _scan(page, "A001")
    row = _line(page, "A001")
    row.wait_for()
    row.locator(".price").fill("5.00")  # 5.65 incl. tax: 28.25 in all, within 30
    row.locator(".qty").fill("1")
    expect(row.locator(".gross")).to_have_text("5.65")
    expect(page.locator("#credit-warning")).to_be_hidden()
    row.locator(".price").fill("10.00")  # 11.30: 33.90 in all
    warning = page.locator("#credit-warning")
    warning.wait_for(state="visible")
    assert warning.inner_text().strip() == "超出客户信用额度：额度 30.00，已欠 22.60，本单 11.30。"
    shot(page, "issue9-credit-warning")
    page.select_option("#f-partner", "")  # no customer, no limit
    warning.wait_for(state="hidden")


def test_every_error_of_the_form_at_once(zh_page, user):
    page = zh_page
    _logged_in(page)
    page.goto("/documents/purchase_receipt/new/")
    _scan(page, "A001")
    _line(page, "A001").wait_for()
    _scan(page, "A002")
    _line(page, "A002").wait_for()
    _line(page, "A001").locator(".qty").fill("abc")
    _line(page, "A002").locator(".price").fill("1e3")
    page.click("#save")
    errors = page.locator("#form-errors li")
    errors.first.wait_for()
    texts = errors.all_inner_texts()
    assert len(texts) == 3, texts  # no supplier, line 1's quantity, line 2's price
    assert texts[1].startswith("第 1 行") and texts[2].startswith("第 2 行")
    assert "invalid" in (page.locator("#f-partner").get_attribute("class") or "")
    assert "invalid" in (_line(page, "A002").locator(".price").get_attribute("class") or "")
    shot(page, "issue9-all-errors")


def test_choosing_the_source_of_a_return_copies_its_lines(zh_page, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    delivery = doc(user, "sales_delivery", "2026-03-02", [("A001", 4, "9.00")])
    page = zh_page
    _logged_in(page)
    page.goto("/documents/sales_return/new/")
    page.select_option("#derive-source", delivery)  # no button: choosing is enough
    page.locator("#doc-status[data-status=draft]").wait_for()
    assert _line(page, "A001").locator(".qty").input_value() == "4"
    assert page.locator("#entry-title").inner_text().startswith("销售退货单 XSTH")
    shot(page, "issue9-return-from-source")


def test_no_margin_on_a_purchase_line(zh_page, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    page = zh_page
    _logged_in(page)
    page.goto("/documents/purchase_receipt/new/")
    page.select_option("#f-partner", "S001")
    _scan(page, "A001")
    row = _line(page, "A001")
    row.locator(".info .avail").wait_for()
    row.locator(".price").fill("3.00")
    assert (
        row.locator(".info .margin").count() == 0
        and "毛利" not in page.locator("#lines").inner_text()
    )
    shot(page, "issue9-purchase-no-margin")
    page.on("dialog", lambda d: d.accept())  # leave the unsaved receipt
    page.goto("/documents/sales_delivery/new/")
    page.select_option("#f-partner", "C001")
    _scan(page, "A001")
    _line(page, "A001").locator(".info .margin").wait_for()
