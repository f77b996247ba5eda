"""Document entry on a phone (390 × 844) in real Chromium: a card per line, no sideways scrolling,
price and totals in view. Screenshots go to test-artifacts/issue9-*.png."""

import pytest

from tests.browser import ARTIFACTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LINES = [("A001", "1234", "9999.99"), ("A002", "12", "2.50"), ("A003", "3", "1.20")]


def _add_lines(page):
    for code, qty, price in LINES:
        page.fill("#scan", code)
        page.press("#scan", "Enter")
        line = page.locator(f'#lines tbody tr.line[data-item="{code}"]')
        line.wait_for()
        line.locator(".qty").fill(qty)
        line.locator(".price").fill(price)


def _in_view(page, selector: str) -> bool:
    """Whether the element lies entirely inside the phone's screen."""
    return page.evaluate(
        """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
           return r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0
                  && r.right <= window.innerWidth && r.bottom <= window.innerHeight; }""",
        selector,
    )


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _screen(page, name: str) -> None:
    """What the phone shows (the viewport, so that the fixed totals bar is where the user sees it)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_entry_on_a_phone_has_a_card_per_line_and_totals_in_view(zh_page, user):
    page = zh_page
    page.set_viewport_size(PHONE)
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto("/documents/sales_delivery/new/")
    page.select_option("#f-partner", "C001")
    _add_lines(page)
    # the totals are worked out as on a computer, grouped: 1,234 × 9,999.99 + 12 × 2.50 + 3 × 1.20
    assert page.locator("#total-qty").inner_text() == "1,249"
    assert page.locator("#total-amount").inner_text() == "12,340,021.26"
    # no sideways scrolling: the page is no wider than the phone
    assert _page_width(page) <= PHONE["width"]
    # every line is a card: its price, amount and remove button lie on the screen
    page.locator('tr.line[data-item="A001"]').scroll_into_view_if_needed()
    for code, _qty, _price in LINES:
        row = f'#lines tr.line[data-item="{code}"]'
        page.locator(row).scroll_into_view_if_needed()
        for part in (".price", ".qty", ".gross", ".remove"):
            assert _in_view(page, f"{row} {part}"), (code, part)
    # the totals stay in view wherever the user is on the page
    for where in ("0", "document.body.scrollHeight"):
        page.evaluate(f"window.scrollTo(0, {where})")
        for total in ("#total-qty", "#total-amount", "#total-gross"):
            assert _in_view(page, total), (where, total)
    page.evaluate("window.scrollTo(0, 0)")
    _screen(page, "issue9-entry-phone-top")
    # the save buttons are not hidden behind the totals bar at the bottom of the page
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert _in_view(page, "#save")
    bar = page.locator("#lines tfoot tr").bounding_box()
    save = page.locator("#save").bounding_box()
    assert save["y"] + save["height"] <= bar["y"]
    _screen(page, "issue9-entry-phone-bottom")
    # saved as a draft, the document opens again in the same layout with its three lines
    page.click("#save")
    page.wait_for_url("**/doc/*/")
    assert page.locator("#lines tbody tr.line").count() == 3
    assert _page_width(page) <= PHONE["width"]
    assert page.locator("#total-amount").inner_text() == "12,340,021.26"
    assert _in_view(page, "#total-gross")
    _screen(page, "issue9-draft-phone")


def test_entry_on_a_computer_keeps_the_table(zh_page, user):
    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto("/documents/purchase_receipt/new/")
    _add_lines(page)
    # one row per line under the column headers, the totals in the table's last row
    assert page.locator("#lines thead").is_visible()
    assert (
        page.evaluate("getComputedStyle(document.querySelector('#lines tr.line')).display")
        == "table-row"
    )
    assert (
        page.evaluate("getComputedStyle(document.querySelector('#lines tfoot tr')).position")
        == "static"
    )
    _screen(page, "issue9-entry-desktop")


def test_stock_count_entry_on_a_phone(zh_page, user):
    # a type without prices: quantity and stock only, still no sideways scrolling
    page = zh_page
    page.set_viewport_size(PHONE)
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto("/documents/stock_count/new/")
    for code in ("A001", "A002", "A003"):
        page.fill("#scan", code)
        page.press("#scan", "Enter")
        page.locator(f'#lines tbody tr.line[data-item="{code}"]').wait_for()
    assert _page_width(page) <= PHONE["width"]
    assert _in_view(page, "#total-qty")
    _screen(page, "issue9-stock-count-phone")
