"""调拨在途 in a real browser: a transfer in transit approved (shipped) on its entry form, then
received in two parts through the 收货 form with its confirmation."""

import pytest
from playwright.sync_api import expect

from tests.browser import log_in, shot, table_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ship_then_receive_in_two_parts(zh_page, books, user):
    from tests.factories import doc

    # books: 10 A001 in WH1 at 5.00, 4 delivered → 6 left (30.00)
    t = doc(
        user,
        "transfer",
        "2026-03-05",
        [("A001", 5)],
        to_warehouse="WH2",
        in_transit=True,
        approve_it=False,
    )
    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto(f"/doc/{t}/")
    expect(page.locator("#f-in-transit")).to_be_checked()
    page.click("#save-approve")  # ship: 5 leave WH1
    expect(page.locator("#doc-status")).to_have_attribute("data-status", "approved")
    expect(page.locator("#doc-lines td.in-transit")).to_have_text("5")
    shot(page, "transit-01-shipped")

    page.click("#receive")
    page.fill("#receive-date", "2026-03-06")
    page.locator("#receive-lines input.num").fill("9")  # more than is on its way
    page.click("#receive-submit")
    expect(page.locator("#form-error")).to_contain_text("在途")
    shot(page, "transit-02-too-much")
    page.locator("#receive-lines input.num").fill("2")
    page.click("#receive-submit")
    expect(page.locator("#confirm-text")).to_contain_text("2026-03-06")
    page.click("#confirm-receive")
    expect(page.locator("#doc-lines td.received")).to_have_text("2")
    expect(page.locator("#doc-lines td.in-transit")).to_have_text("3")

    page.click("#receive")  # the rest: 3 still on the way, filled in
    expect(page.locator("#receive-lines input.num")).to_have_value("3")
    page.fill("#receive-date", "2026-03-08")
    page.click("#receive-submit")
    page.click("#confirm-receive")
    expect(page.locator("#doc-lines td.in-transit")).to_have_text("0")
    expect(page.locator("#receive")).to_have_count(0)
    row = table_rows(page, "doc-lines")[0]
    assert row[0:2] == ["1", "A001"]
    shot(page, "transit-03-received")
    page.goto("/stock/?warehouse=WH2")
    stock = {(r[0], r[2]): r for r in table_rows(page, "stock")}
    assert stock[("A001", "仓库WH2")][3] == "5"  # all 5 arrived
    shot(page, "transit-04-stock")
