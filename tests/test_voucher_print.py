"""打印凭证: the 记账凭证 print — title, 凭证字号, date, 附单据数, rows 摘要 | 科目 | 借方 | 贷方, 合计
with 人民币大写, 制单 / 审核 / 记账 — one voucher per printed page, from the journal (by ids)
and from a document's detail page (its vouchers)."""

import re

import pytest

from openjxc.closing.services import close
from openjxc.posting.engine import cancel

from .factories import doc, person

pytestmark = pytest.mark.usefixtures("backups_in_tmp")


def sections(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", s))
        for s in re.findall(r'<section class="voucher"[^>]*>(.*?)</section>', html, re.S)
    ]


def test_a_document_prints_its_voucher_in_the_usual_layout(admin_client, user):
    # given a receipt of 56.50 approved by admin, March closed (so the number is final)
    receipt = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    for name in ("2026-01", "2026-02", "2026-03"):
        close(user, name)
    # when its vouchers are printed from the document
    html = admin_client.get(f"/journal/print/?document={receipt}").content.decode()
    [v] = sections(html)
    # then the 记账凭证 layout with the number, the rows and the amount in Chinese capitals
    assert "记账凭证" in v and "凭证字号: 记-0001" in v and "日期: 2026-03-01" in v
    assert "附单据数: 1" in v
    assert "摘要 科目 借方金额 贷方金额" in v
    assert f"采购入库单 {receipt} 供应商一 1405 库存商品 50.00" in v
    assert "2202 应付账款 — 供应商一 56.50" in v
    assert "合计: 伍拾陆元伍角整 56.50 56.50" in v
    assert "记账人: admin 审核人: admin 制单人: admin" in v
    assert "page-break-after:always" in html  # one voucher per printed page


def test_a_cancelled_document_prints_both_vouchers_one_per_page(admin_client, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    wrong = doc(user, "sales_delivery", "2026-03-03", [("A001", 1, "9.00")])
    cancel(user, wrong, "录错了")
    printed = sections(admin_client.get(f"/journal/print/?document={wrong}").content.decode())
    assert len(printed) == 2
    assert "记-0002（临时）" in printed[0] and "记-0003（临时）" in printed[1]  # after the receipt
    assert "作废 销售出库单" in printed[1] and "负壹拾伍元壹角柒分" in printed[1]


def test_the_journal_prints_the_vouchers_chosen(admin_client, user, api):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    doc(user, "sales_delivery", "2026-03-02", [("A001", 2, "9.00")])
    ids = [v["id"] for v in api.get("/journal?period=2026-03").json()["items"]]
    page = admin_client.get("/journal/?period=2026-03").content.decode()
    assert f'href="/journal/print/?ids={ids[0]},{ids[1]}"' in page
    assert f'href="/journal/print/?ids={ids[1]}"' in page
    printed = sections(admin_client.get(f"/journal/print/?ids={ids[1]}").content.decode())
    assert len(printed) == 1 and "合计: 叁拾元叁角肆分 30.34 30.34" in printed[0]


def test_the_detail_page_offers_the_voucher_print_to_who_sees_cost(client, admin_client, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    delivery = doc(user, "sales_delivery", "2026-03-02", [("A001", 2, "9.00")])
    draft = doc(user, "sales_delivery", "2026-03-02", [("A001", 1, "9.00")], approve_it=False)
    assert 'id="print-vouchers"' in admin_client.get(f"/doc/{delivery}/").content.decode()
    assert 'id="print-vouchers"' not in admin_client.get(f"/doc/{draft}/").content.decode()
    client.force_login(person("销售"))  # reads sales documents, may not see cost
    assert 'id="print-vouchers"' not in client.get(f"/doc/{delivery}/").content.decode()
    assert client.get(f"/journal/print/?document={delivery}").status_code == 403
