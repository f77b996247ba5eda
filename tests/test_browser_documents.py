"""Document pages in a real browser."""

import pytest

from tests.browser import log_in, shot, table_rows

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

