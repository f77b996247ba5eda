"""Corrections (红冲蓝补) through the pages with Django's test client: the 更正 button, the form
filled with the document, the preview of both halves (changes nothing), submit, approval by a
second user, the links between original, red and blue on every page and the print, undo — and
every refusal shown in Chinese (reason missing, self-approval, undo with dependents)."""

import pytest

from openjxc.core.services import set_setting
from openjxc.documents.models import Correction

from .factories import delivered_in_a_closed_march, doc, fetch, person, state

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def backups_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "books"


@pytest.fixture
def delivery(user):
    """4 × A001 delivered at 9.00 on 3 March from 10 received at 5.00; January to March closed."""
    return delivered_in_a_closed_march(user)


def form(price="10.00", reason="单价录错", action="preview") -> dict:
    """The entry form of the delivery as the browser sends it, with the price changed."""
    return {
        "date": "2026-03-03",
        "partner": "C001",
        "warehouse": "WH1",
        "line_item": ["A001"],
        "line_qty": ["4"],
        "line_price": [price],
        "line_tax": ["13"],
        "line_source": [""],
        "line_unit": [""],
        "reason": reason,
        "action": action,
    }


def status(number: str) -> str:
    return fetch("SELECT status FROM documents_document WHERE number = %s", [number])[0][0]


def text(response) -> str:
    return response.content.decode()


def propose(client, number: str) -> Correction:
    r = client.post(f"/doc/{number}/correct/", form(action="correct"))
    assert r.status_code == 302, text(r)[:2000]
    c = Correction.objects.get(original__number=number)
    assert r["Location"] == f"/corrections/{c.id}/"
    return c


def test_the_document_page_offers_correct_and_the_form_is_filled(client, user, delivery):
    client.force_login(user)
    page = text(client.get(f"/doc/{delivery}/"))
    assert f'href="/doc/{delivery}/correct/"' in page and ">更正<" in page
    r = client.get(f"/doc/{delivery}/correct/")
    assert r.status_code == 200
    page = text(r)
    assert "更正原因" in page and "预览影响" in page and "提交更正" in page
    assert 'name="line_item" value="A001"' in page or 'value="A001"' in page
    assert 'value="2026-03-03"' in page
    assert 'name="version"' not in page  # a new document, not an edit of this one
    # a draft has no 更正 (it is edited), and its correct page sends the user back
    draft = doc(user, "sales_delivery", "2026-04-04", [("A001", 1, "9.00")], approve_it=False)
    assert "/correct/" not in text(client.get(f"/doc/{draft}/"))
    r = client.get(f"/doc/{draft}/correct/", follow=True)
    assert f"{draft} 不能更正" in text(r)


def test_the_preview_shows_both_halves_and_the_net_and_changes_nothing(client, user, delivery):
    client.force_login(user)
    before = state()
    r = client.post(f"/doc/{delivery}/correct/", form())
    assert r.status_code == 200, text(r)[:2000]
    page = text(r)
    for part in ("impact-red", "impact-blue", "impact-net"):
        assert f'id="{part}"' in page
    assert "红冲：撤销原单的影响" in page and "蓝补：按更正后的内容入账" in page
    assert "按科目净额" in page
    assert state() == before and Correction.objects.count() == 0
    assert status(delivery) == "approved"
    # the form keeps what the user typed
    assert 'value="10.00"' in page and "单价录错" in page


def test_a_missing_reason_is_refused_in_chinese(client, user, delivery):
    client.force_login(user)
    before = state()
    r = client.post(f"/doc/{delivery}/correct/", form(reason="", action="correct"))
    assert r.status_code == 422
    assert "请填写原因。" in text(r)
    assert state() == before


def test_submit_self_approval_refused_second_user_approves_links_undo(client, user, delivery):
    set_setting("approval_threshold.sales_delivery", "1")  # maker ≠ checker
    client.force_login(user)
    c = propose(client, delivery)
    page = text(client.get(f"/corrections/{c.id}/"))
    assert "待审批" in page and c.blue.number in page and c.red.number in page
    # the maker is not offered 审核 but told someone else approves
    assert 'id="correction-approve"' not in page and "等待他人审批" in page
    # the maker's own approval is refused, in Chinese, and changes nothing
    before = state()
    r = client.post(f"/corrections/{c.id}/", {"action": "approve"})
    assert r.status_code == 409
    assert "须由第二人复核" in text(r)
    assert state() == before
    # the halves wait: their pages send to the correction rather than offering 审核
    red_page = text(client.get(f"/doc/{c.red.number}/"))
    assert f'href="/corrections/{c.id}/"' in red_page and 'value="approve"' not in red_page
    assert 'id="waiting-for"' not in red_page

    # a second user approves: both halves are posted, after a backup
    client.force_login(person("老板"))
    r = client.post(f"/corrections/{c.id}/", {"action": "approve"}, follow=True)
    page = text(r)
    assert "已审批" in page and "已先自动备份" in page
    c.refresh_from_db()
    assert c.status == "approved" and c.approver.username == "u-老板"
    assert status(c.red.number) == "approved" and status(c.blue.number) == "approved"
    amount = fetch(
        "SELECT amount_incl_tax FROM documents_document WHERE number = %s", [c.blue.number]
    )[0][0]
    assert amount == 4520  # 4 × 10.00 plus 13 % tax, in fen

    # original, red and blue link each other on their pages and prints
    for number in (delivery, c.red.number, c.blue.number):
        page = text(client.get(f"/doc/{number}/"))
        for other in (delivery, c.red.number, c.blue.number):
            assert f'href="/doc/{other}/"' in page or other == number, (number, other)
        assert f'href="/corrections/{c.id}/"' in page
        printed = text(client.get(f"/doc/{number}/print/"))
        assert all(n in printed for n in (delivery, c.red.number, c.blue.number))
    # the list of corrections
    listed = text(client.get("/corrections/"))
    assert f'data-id="{c.id}"' in listed and delivery in listed

    # undo, with a reason: the original's effect is back
    r = client.post(f"/corrections/{c.id}/", {"action": "undo", "reason": "更正错了"}, follow=True)
    page = text(r)
    assert "已撤销" in page and "已先自动备份" in page and "更正错了" in page
    c.refresh_from_db()
    assert c.status == "undone"


def test_undo_is_refused_while_a_document_depends_on_the_blue(client, user, delivery):
    client.force_login(user)
    c = propose(client, delivery)
    assert client.post(f"/corrections/{c.id}/", {"action": "approve"}).status_code == 302
    c.refresh_from_db()
    doc(
        user,
        "receipt",
        c.blue.date.isoformat(),
        [],
        partner="C001",
        amount="10.00",
        allocations=[{"document": c.blue.number, "amount": "10.00"}],
    )
    before = state()
    r = client.post(f"/corrections/{c.id}/", {"action": "undo", "reason": "撤销"})
    assert r.status_code == 409
    assert "有后续单据依赖本单" in text(r)
    assert state() == before
    c.refresh_from_db()
    assert c.status == "approved"


def test_pages_follow_roles_and_areas(client, user, delivery):
    client.force_login(user)
    c = propose(client, delivery)
    # 采购 reads no sales deliveries: neither the correction nor its row in the list
    client.force_login(person("采购"))
    assert client.get(f"/corrections/{c.id}/").status_code == 403
    assert client.get(f"/doc/{delivery}/correct/").status_code == 403
    assert f'data-id="{c.id}"' not in text(client.get("/corrections/"))
    # 销售 reads it but may not approve (no reverse permission): no button, a POST is refused
    client.force_login(person("销售"))
    page = text(client.get(f"/corrections/{c.id}/"))
    assert 'id="correction-approve"' not in page
    assert client.post(f"/corrections/{c.id}/", {"action": "approve"}).status_code == 403
    assert client.get(f"/doc/{delivery}/correct/").status_code == 403
    assert Correction.objects.get(id=c.id).status == "pending_approval"


def test_in_an_open_period_the_original_is_cancelled_and_re_entered_at_its_date(client, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    number = doc(user, "sales_delivery", "2026-03-03", [("A001", 4, "9.00")])
    client.force_login(user)
    page = text(client.post(f"/doc/{number}/correct/", form()))
    assert 'id="impact-red"' in page and 'id="impact-blue"' in page  # the cancel, the re-entry
    c = propose(client, number)
    assert c.red is None
    page = text(client.get(f"/corrections/{c.id}/"))
    assert 'data-role="red"' not in page and 'data-role="blue"' in page
    assert client.post(f"/corrections/{c.id}/", {"action": "approve"}).status_code == 302
    c.refresh_from_db()
    assert status(number) == "cancelled" and status(c.blue.number) == "approved"
    assert c.blue.date.isoformat() == "2026-03-03"
    page = text(client.get(f"/doc/{number}/"))
    assert f'href="/doc/{c.blue.number}/"' in page and "已被更正" in page


def test_the_preview_names_what_blocks_the_correction(client, user, delivery):
    doc(
        user,
        "receipt",
        "2026-04-02",
        [],
        partner="C001",
        amount="10.00",
        allocations=[{"document": delivery, "amount": "10.00"}],
    )
    client.force_login(user)
    before = state()
    r = client.post(f"/doc/{delivery}/correct/", form())
    assert r.status_code == 200
    page = text(r)
    assert 'id="blocked"' in page and 'data-code="has_dependents"' in page
    assert "有后续单据依赖本单" in page
    assert state() == before
