"""No English reaches a Chinese user: the pages of issue 10 item 3, rendered under zh-hans, show
Chinese words where they used to show codes and English sentences."""

import html
import re

import pytest
from django.db import connection

from openjxc.posting.engine import approve
from openjxc.posting.orders import derive
from tests.factories import doc

pytestmark = pytest.mark.django_db

# Words that stay as they are on a Chinese page: the product, the language switch, the admin's
# username, product and command names, and the document number prefixes.
KEPT = {"OpenJXC", "English", "admin", "Excel", "jxc", "reconcile"}
PREFIX = re.compile(r"^[A-Z]{2,5}$")


@pytest.fixture(autouse=True)
def books_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "books"


def english(page) -> list[str]:
    """Latin words of three letters or more in the visible text, beyond the kept ones."""
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page.content.decode(), flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    words = set(re.findall(r"[A-Za-z_]{3,}", text))
    return sorted(w for w in words if w not in KEPT and not PREFIX.match(w))


def settled_order(user) -> tuple[str, str, str]:
    """A sales order, its delivery and a customer receipt allocated to the delivery."""
    doc(user, "purchase_receipt", "2026-01-04", [("A001", 5, "5.00")])
    order = doc(user, "sales_order", "2026-01-05", [("A001", 2, "9.00")])
    delivery = derive(user, order, {"type": "sales_delivery", "date": "2026-01-06"})["number"]
    approve(user, delivery)
    receipt = doc(
        user,
        "receipt",
        "2026-01-07",
        [],
        partner="C001",
        warehouse=None,
        amount="10.00",
        account="1001",
        allocations=[{"document": delivery, "amount": "10.00"}],
    )
    return order, delivery, receipt


def test_given_a_settled_order_when_the_cancel_chain_is_previewed_then_every_row_is_chinese(
    admin_client, user
):
    # given an order whose delivery was paid by a receipt
    order, delivery, receipt = settled_order(user)
    # when its cancel-chain (with refund) is previewed
    page = admin_client.get(f"/doc/{order}/impact/cancel-chain/?refund=1")
    text = page.content.decode()
    # then the undone allocation is named in Chinese, as a step and on both open items
    assert page.status_code == 200
    assert text.count("<td>取消核销</td>") == 3
    assert "unallocation" not in text
    assert english(page) == []


def test_given_a_statement_when_it_is_printed_then_the_types_are_named_not_coded(
    admin_client, user
):
    # given a customer with a delivery and a receipt
    settled_order(user)
    # when the 对账单 is printed
    page = admin_client.get("/statement/customer/C001/?from=2026-01-01&to=2026-01-31")
    text = page.content.decode()
    # then each line names its type (销售出库单, 收款单), never the code
    assert page.status_code == 200
    assert "<td>销售出库单</td>" in text and "<td>收款单</td>" in text
    assert "sales_delivery" not in text and '<html lang="zh-hans">' in text
    assert english(page) == []


def test_given_audit_entries_when_the_log_is_read_then_fields_and_values_are_named(
    admin_client, user
):
    # given documents created, approved and allocated, and a period closed
    settled_order(user)
    assert admin_client.post("/periods/2026-01/close/", {"reason": "月结"}).status_code in (
        200,
        302,
    )
    # when the audit log is read
    page = admin_client.get("/audit/")
    text = page.content.decode()
    # then fields, statuses, types and booleans are Chinese words, timestamps local, no JSON
    assert "状态: 草稿" in text and "状态: 已审核" in text
    assert "类型: 采购入库单" in text and "启用: 是" in text
    assert "期间 <strong>2026-01</strong>" in text and "状态: 已结账" in text
    assert "库存金额: 25.00" in text  # stored in fen (2500), shown in yuan
    table = html.unescape(re.search(r'<table id="audit">.*?</table>', text, re.S)[0])
    assert '{"' not in table and "null" not in table and "true" not in table
    # (the period's digest and the backup id are hexadecimal)
    assert [w for w in english(page) if not re.fullmatch(r"[0-9a-f]+", w)] == []


def test_given_damaged_books_when_the_close_check_and_data_check_run_then_they_say_it_in_chinese(
    admin_client, user
):
    # given a receipt whose stock cache and voucher were tampered with
    doc(user, "purchase_receipt", "2026-01-04", [("A001", 5, "5.00")])
    with connection.cursor() as cur:
        cur.execute("UPDATE inventory_stockbalance SET qty = qty + 10000")
        cur.execute(
            "UPDATE ledger_journalline SET debit = debit + 1 "
            "WHERE id = (SELECT MIN(id) FROM ledger_journalline)"
        )
    # when the close-check and the data check show the problems
    check = admin_client.get("/periods/2026-01/check/")
    data = admin_client.get("/check/")
    # then each problem is a Chinese sentence with the figures
    for page in (check, data):
        text = page.content.decode()
        assert "A001 @ WH1 的库存余额为 6 / 25.00，库存明细合计为 5 / 25.00" in text
        assert "借方 28.26，贷方 28.25" in text
        assert english(page) == []


def test_given_a_changed_setting_and_an_altered_entry_then_the_audit_page_names_both(
    admin_client, user
):
    from openjxc.users.admin import current_settings, update_settings

    # given the oversell policy changed, and then an audit entry altered behind the log's back
    update_settings(user, {**current_settings(), "oversell": "block"})
    with connection.cursor() as cur:
        cur.execute("SELECT MIN(id) FROM audit_auditentry")
        (first,) = cur.fetchone()
        cur.execute("UPDATE audit_auditentry SET reason = 'x' WHERE id = %s", [first])
    # when the audit log is read
    page = admin_client.get("/audit/")
    text = page.content.decode()
    # then the setting and its values are named, and the broken chain is said in Chinese
    assert "销售订单超出可用库存: 禁止" in text and "销售订单超出可用库存: 提醒但允许" in text
    assert "<strong>系统设置</strong>" in text
    assert f"操作日志第 {first} 条被改动" in text
    assert english(page) == []
