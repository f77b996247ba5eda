"""What a user sees in a real browser (Chromium through Playwright) against Django's live server.

Screenshots of the key pages go to test-artifacts/ (git-ignored) for a person to look at.
"""

from pathlib import Path

import pytest

from tests.factories import doc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def books(user):
    """Two approved receipts, one approved delivery and one draft delivery."""
    receipt = doc(
        user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00"), ("A002", 4, "2.50")]
    )
    receipt2 = doc(user, "purchase_receipt", "2026-03-02", [("A003", 3, "1.20")], warehouse="WH2")
    delivery = doc(user, "sales_delivery", "2026-03-03", [("A001", 4, "9.00")])
    draft = doc(user, "sales_delivery", "2026-03-04", [("A002", 1, "4.00")], approve_it=False)
    return {"receipts": [receipt, receipt2], "delivery": delivery, "draft": draft}


@pytest.fixture
def zh_page(browser, live_server):
    """A page in a browser set to Simplified Chinese, as our users' browsers are."""
    context = browser.new_context(
        locale="zh-CN", base_url=live_server.url, viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page, password="admin123"):
    page.goto("/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def table_rows(page, table_id: str) -> list[list[str]]:
    return [
        [c.strip() for c in row.locator("td").all_inner_texts()]
        for row in page.locator(f"#{table_id} tbody tr").all()
    ]


def test_login_documents_filter_and_stock(zh_page, books):
    page = zh_page
    # the login page is Chinese
    page.goto("/documents/")
    assert "/login/" in page.url
    assert page.locator("button[type=submit]").inner_text().strip() == "登录"
    assert page.locator("label[for=id_username]").inner_text().strip() == "用户名"
    shot(page, "01-login")

    # logging in lands on the home page with the data check
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    assert page.locator("header").inner_text().count("单据") == 1
    assert "账账相符" in page.locator("main").inner_text()
    shot(page, "02-home")

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

    # the stock list shows quantities and values
    page.click("header >> text=库存")
    page.wait_for_url("**/stock/")
    headers = [h.strip() for h in page.locator("#stock thead th").all_inner_texts()]
    assert headers[:4] == ["商品编码", "名称", "仓库", "结存数量"]
    stock = {(r[0], r[2]): r for r in table_rows(page, "stock")}
    assert stock[("A001", "仓库WH1")][1] == "商品A001"
    assert (stock[("A001", "仓库WH1")][3], stock[("A001", "仓库WH1")][6]) == ("6", "30.00")
    assert (stock[("A002", "仓库WH1")][3], stock[("A002", "仓库WH1")][6]) == ("4", "10.00")
    assert (stock[("A003", "仓库WH2")][3], stock[("A003", "仓库WH2")][6]) == ("3", "3.60")
    assert stock[("A001", "仓库WH1")][5].startswith("5.00")
    shot(page, "05-stock")

    # logging out returns to the login page
    page.click("header >> text=退出登录")
    page.wait_for_url("**/login/**")


def test_wrong_password_shows_the_error(zh_page, user):
    page = zh_page
    log_in(page, password="not-the-password")
    error = page.locator("p.bad")
    error.wait_for()
    assert error.inner_text().strip() == "用户名或密码错误。"
    assert "/login/" in page.url
    shot(page, "06-login-wrong-password")
    # and the right one still works
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    assert "admin" in page.locator("header").inner_text()
