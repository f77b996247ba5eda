"""凭证列表: the journal page and GET /journal with its filters (period, account with its
sub-accounts, document, voucher number), numbers (provisional in an open period, 记-0001 after
close), 摘要 in words for every voucher kind (one without a document too), the totals, the
Excel export, and who may see it."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from openjxc.closing.services import close
from openjxc.ledger.rows import VoucherLine
from openjxc.ledger.services import post_voucher
from openjxc.posting.engine import cancel
from openjxc.reports.excel import TITLE_ROWS

from .factories import As, doc, person

pytestmark = pytest.mark.usefixtures("backups_in_tmp")


@pytest.fixture
def month(user):
    """March: a receipt (56.50), a delivery (20.34 + cost 10.00), a second delivery cancelled,
    and a 结转损益-like voucher without a document (another engineer's kind)."""
    receipt = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    delivery = doc(user, "sales_delivery", "2026-03-02", [("A001", 2, "9.00")])
    wrong = doc(user, "sales_delivery", "2026-03-03", [("A001", 1, "9.00")])
    cancel(user, wrong, "录错了")
    post_voucher(
        dt.date(2026, 3, 31),
        None,
        "period_end",
        [VoucherLine("5001", debit=1800), VoucherLine("3103", credit=1800)],
        memo="结转损益",
    )
    return {"receipt": receipt, "delivery": delivery, "wrong": wrong}


def voucher_blocks(html: str) -> list[str]:
    return re.findall(r'<tbody class="voucher" data-voucher="\d+">(.*?)</tbody>', html, re.S)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_journal_page_lists_the_period_in_words(admin_client, month):
    # when the journal of March is opened
    html = admin_client.get("/journal/?period=2026-03").content.decode()
    blocks = [text(b) for b in voucher_blocks(html)]
    # then every voucher is there, in date order, numbered provisionally while March is open
    assert len(blocks) == 5  # receipt, delivery, the cancelled one and its 作废, 结转损益
    assert "记-0001（临时）" in blocks[0] and "记-0005（临时）" in blocks[4]
    assert 'id="provisional-note"' in html
    # 摘要: the type's name, number and partner; accounts by code and name; no raw codes
    first = blocks[0]
    assert f"采购入库单 {month['receipt']} 供应商一" in first
    assert "1405 库存商品" in first and "22210101 进项税额" in first and "2202 应付账款" in first
    assert "50.00" in first and "6.50" in first and "合计 56.50 56.50" in first
    assert f'href="/doc/{month["receipt"]}/"' in html
    assert f"作废 销售出库单 {month['wrong']} 客户一" in blocks[3]
    assert "结转损益" in blocks[4] and "5001 主营业务收入" in blocks[4]
    for raw in ("purchase_receipt", "sales_delivery", "cancellation", "period_end", "posting"):
        assert raw not in text(html)
    # the totals of everything found balance
    totals = text(re.search(r'<tr id="journal-totals">.*?</tr>', html, re.S)[0])
    # 56.50 + 30.34 + 15.17 - 15.17 (the 作废 is red-letter) + 18.00
    assert totals.split()[-2:] == ["104.84", "104.84"]


def test_the_totals_equal_the_sum_of_the_vouchers(api, month):
    items = api.get("/journal?period=2026-03").json()["items"]
    debit = sum(Decimal(ln["debit"]) for v in items for ln in v["lines"])
    credit = sum(Decimal(ln["credit"]) for v in items for ln in v["lines"])
    assert debit == credit == Decimal("104.84")
    assert all(v["debit"] == v["credit"] for v in items)


def test_filters_by_account_with_its_sub_accounts(api, admin_client, month):
    # 2221 has 222101 and 22210101 / 22210102 below it: the parent finds every voucher with VAT
    by_parent = api.get("/journal?period=2026-03&account=2221").json()
    assert by_parent["count"] == 4  # receipt, delivery, the cancelled one, its 作废
    only_input = api.get("/journal?period=2026-03&account=22210101").json()
    assert [v["document"] for v in only_input["items"]] == [month["receipt"]]
    # a voucher is shown whole (all its lines), not only the matching line
    assert len(only_input["items"][0]["lines"]) == 3
    html = admin_client.get("/journal/?period=2026-03&account=22210101").content.decode()
    assert len(voucher_blocks(html)) == 1
    # an account the chart does not have is a clear 422
    r = api.get("/journal?account=9999")
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid"
    page = admin_client.get("/journal/?period=2026-03&account=9999")
    assert page.status_code == 422 and 'id="errors"' in page.content.decode()


def test_filters_by_document_and_dates(api, month):
    both = api.get(f"/journal?document={month['wrong']}").json()["items"]
    assert [v["kind"] for v in both] == ["posting", "cancellation"]
    assert all(v["document"] == month["wrong"] for v in both)
    day = api.get("/journal?from=2026-03-02&to=2026-03-02").json()["items"]
    assert [v["document"] for v in day] == [month["delivery"]]
    # the list without filters keeps its first shape (additive change)
    v = api.get("/journal").json()["items"][0]
    assert {"id", "date", "number", "kind", "memo", "document", "lines"} <= set(v)
    assert set(v["lines"][0]) >= {"account", "debit", "credit"}


def test_after_close_the_numbers_are_final_and_searchable(api, admin_client, user, month):
    # given January to March closed by admin
    for name in ("2026-01", "2026-02", "2026-03"):
        close(user, name)
    items = api.get("/journal?period=2026-03").json()["items"]
    # (five document vouchers, then the close's 结转损益 without a document)
    assert [v["number"] for v in items] == [f"记-{n:04d}" for n in range(1, 7)]
    assert (items[-1]["kind"], items[-1]["document"], items[-1]["memo"]) == (
        "closing_transfer",
        None,
        "结转损益",
    )
    assert all(v["provisional_number"] is None and v["bookkeeper"] == "admin" for v in items)
    # then a voucher is found by its number, written either way
    for number in ("记-0002", "2", "0002"):
        found = api.get(f"/journal?number={number}").json()["items"]
        assert [v["document"] for v in found] == [month["delivery"]], number
    html = admin_client.get("/journal/?period=2026-03").content.decode()
    assert "记-0001" in html and "临时" not in text(html)


def test_pages_of_fifty(admin_client, user):
    for n in range(52):
        doc(user, "purchase_receipt", "2026-03-01", [("A001", 1, f"{n + 1}.00")])
    first = admin_client.get("/journal/?period=2026-03").content.decode()
    second = admin_client.get("/journal/?period=2026-03&page=2").content.decode()
    assert len(voucher_blocks(first)) == 50 and len(voucher_blocks(second)) == 2
    assert "第 2 页，共 2 页" in text(second) or "2 / 2" in text(second)
    assert "记-0051（临时）" in text(second)


def test_the_excel_export_has_one_row_per_line_and_the_totals(admin_client, month):
    r = admin_client.get("/journal/?period=2026-03&account=1405&format=xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(min_row=TITLE_ROWS + 1, values_only=True))
    assert rows[0] == ("日期", "凭证字号", "摘要", "科目编码", "科目", "往来单位", "借方", "贷方")
    body, total = rows[1:-1], rows[-1]
    assert len(body) == 3 + 5 + 5 + 5  # the vouchers that touch 1405, every line of each
    assert sum(r[6] for r in body) == total[6] == total[7] == sum(r[7] for r in body)
    assert any(r[2] == f"采购入库单 {month['receipt']} 供应商一" for r in body)
    assert "科目: 1405" in str(ws["A2"].value)


def test_only_users_who_see_cost_open_the_journal(client, month):
    client.force_login(person("销售"))
    assert client.get("/journal/").status_code == 403
    assert client.get("/reports/trial-balance/").status_code == 403
    assert As(client, "u-销售").get("/journal?period=2026-03").status_code == 403
    client.force_login(person("采购"))
    assert client.get("/journal/").status_code == 200
    # the export of the 金蝶 / 用友 file is the money area's: not offered to 采购
    assert 'id="voucher-export"' not in client.get("/journal/").content.decode()
