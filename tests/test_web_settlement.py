"""Settlement pages through Django's test client: impact previews, periods (结账), data check,
audit log and backups — permissions on every page and POST, and what each action really changes."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection

from openjxc.audit.models import AuditEntry
from openjxc.backup.services import list_backups, take_backup
from openjxc.ledger.models import Period

from .factories import doc, fetch

pytestmark = pytest.mark.django_db


def execute(sql, args=()):
    """A statement that returns no rows (tests that tamper with the books behind the services)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, list(args))


@pytest.fixture(autouse=True)
def backups_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "books"


def person(role: str):
    u = get_user_model().objects.create_user(f"u-{role}", password="pw-123456")
    u.groups.add(Group.objects.get(name=role))
    return u


def on_hand(item: str, wh: str = "WH1") -> int:
    rows = fetch(
        "SELECT b.qty FROM inventory_stockbalance b JOIN catalog_item i ON i.id = b.item_id "
        "JOIN inventory_warehouse w ON w.id = b.warehouse_id WHERE i.code = %s AND w.code = %s",
        [item, wh],
    )
    return int(rows[0][0]) // 10000 if rows else 0


def status(number: str) -> str:
    return fetch("SELECT status FROM documents_document WHERE number = %s", [number])[0][0]


@pytest.fixture
def receipt(user):
    return doc(user, "purchase_receipt", "2026-01-10", [("A001", 10, "5.00")])


# ---------------------------------------------------------------- permissions


def test_a_sales_clerk_gets_403_on_every_settlement_page_and_post(client, user, receipt):
    # given a 销售 user
    person("销售")
    client.login(username="u-销售", password="pw-123456")
    url = f"/doc/{receipt}/impact/cancel/"
    # when they open or post any settlement page
    gets = [
        url,
        f"/doc/{receipt}/impact/reverse/",
        f"/doc/{receipt}/impact/cancel-chain/",
        "/periods/",
        "/periods/2026-01/check/",
        "/periods/2026-01/reopen/",
        "/audit/",
        "/backups/",
    ]
    for path in gets:
        assert client.get(path).status_code == 403, path
    posts = [
        (url, {"reason": "x"}),
        (f"/doc/{receipt}/impact/reverse/", {"reason": "x"}),
        ("/periods/2026-01/close/", {}),
        ("/periods/2026-01/reopen/", {"reason": "x"}),
        ("/check/fix/", {}),
        ("/backups/take/", {}),
    ]
    for path, data in posts:
        assert client.post(path, data).status_code == 403, path
    # then nothing changed
    assert status(receipt) == "approved"
    assert on_hand("A001") == 10
    assert Period.objects.filter(status="closed").count() == 0
    assert list_backups() == []
    # the data check quotes stock values and balances: not for a clerk who may not see cost
    assert client.get("/check/").status_code == 403


def test_finance_may_close_and_see_audit_but_not_backups(client, user, receipt):
    person("财务")
    client.login(username="u-财务", password="pw-123456")
    assert client.get("/periods/").status_code == 200
    assert client.get("/audit/").status_code == 200
    assert client.get("/backups/").status_code == 403
    assert client.post("/backups/take/").status_code == 403


def test_anonymous_users_are_sent_to_the_login_page(client, receipt):
    for path in (f"/doc/{receipt}/impact/cancel/", "/periods/", "/check/", "/audit/", "/backups/"):
        r = client.get(path)
        assert r.status_code == 302 and "/login/" in r["Location"]


# ---------------------------------------------------------------- impact preview → cancel / reverse


def test_impact_preview_changes_nothing_and_shows_stock_and_voucher(admin_client, receipt):
    page = admin_client.get(f"/doc/{receipt}/impact/cancel/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-item="A001"' in html and "-10" in html  # the receipt's 10 leave again
    assert 'data-account="1405"' in html  # inventory credited in the cancellation voucher
    assert 'id="confirm"' in html
    assert status(receipt) == "approved" and on_hand("A001") == 10


def test_cancel_needs_a_reason_and_then_cancels(admin_client, receipt):
    # without a reason: the page again with the message, nothing changed
    page = admin_client.post(f"/doc/{receipt}/impact/cancel/", {"reason": " "})
    assert page.status_code == 422
    assert 'id="action-error"' in page.content.decode()
    assert status(receipt) == "approved"
    # with a reason: cancelled, stock back to zero, redirected to the document
    page = admin_client.post(f"/doc/{receipt}/impact/cancel/", {"reason": "录错了"})
    assert page.status_code == 302
    assert status(receipt) == "cancelled"
    assert on_hand("A001") == 0
    assert AuditEntry.objects.filter(action="cancel", object=receipt, reason="录错了").exists()


def test_a_blocked_cancel_shows_the_reason_and_no_confirm_button(admin_client, user, receipt):
    doc(user, "sales_delivery", "2026-01-12", [("A001", 8, "9.00")])
    page = admin_client.get(f"/doc/{receipt}/impact/cancel/")
    html = page.content.decode()
    assert 'id="blocked"' in html and 'data-code="insufficient_stock"' in html
    assert 'id="confirm"' not in html
    # posting anyway is refused by the service: 409 and nothing changed
    page = admin_client.post(f"/doc/{receipt}/impact/cancel/", {"reason": "try"})
    assert page.status_code == 409
    assert status(receipt) == "approved" and on_hand("A001") == 2


def test_reverse_through_the_impact_page(admin_client, receipt):
    page = admin_client.get(f"/doc/{receipt}/impact/reverse/")
    assert 'name="date"' in page.content.decode()
    page = admin_client.post(
        f"/doc/{receipt}/impact/reverse/", {"reason": "退回", "date": "2026-02-03"}
    )
    assert page.status_code == 302
    assert status(receipt) == "reversed"
    assert on_hand("A001") == 0
    assert fetch(
        "SELECT date FROM documents_document WHERE reversal_of_id = "
        "(SELECT id FROM documents_document WHERE number = %s)",
        [receipt],
    )[0][0] == dt.date(2026, 2, 3)


def test_cancel_chain_preview_lists_the_steps(admin_client, user):
    order = doc(user, "sales_order", "2026-01-05", [("A001", 2, "9.00")])
    doc(user, "purchase_receipt", "2026-01-04", [("A001", 5, "5.00")])
    from openjxc.posting.engine import approve
    from openjxc.posting.orders import derive

    draft = derive(user, order, {"type": "sales_delivery", "date": "2026-01-06"})
    approve(user, draft["number"])
    page = admin_client.get(f"/doc/{order}/impact/cancel-chain/")
    html = page.content.decode()
    assert 'id="impact-steps"' in html and draft["number"] in html
    page = admin_client.post(f"/doc/{order}/impact/cancel-chain/", {"reason": "客户取消"})
    assert page.status_code == 302
    assert status(order) == "cancelled" and status(draft["number"]) == "cancelled"
    assert on_hand("A001") == 5


def test_unknown_action_or_document_is_404(admin_client, receipt):
    assert admin_client.get(f"/doc/{receipt}/impact/delete/").status_code == 404
    assert admin_client.get("/doc/NOPE/impact/cancel/").status_code == 404


# ---------------------------------------------------------------- periods


def test_close_check_then_close_then_cancel_is_refused(admin_client, user, receipt):
    draft = doc(user, "purchase_receipt", "2026-01-20", [("A002", 1, "3.00")], approve_it=False)
    page = admin_client.get("/periods/")
    assert page.status_code == 200 and 'data-period="2026-01"' in page.content.decode()
    check = admin_client.get("/periods/2026-01/check/", HTTP_HX_REQUEST="true")
    html = check.content.decode()
    assert 'data-ok="0"' in html and draft in html and 'data-check="drafts_in_period"' in html
    # closing with the draft is refused, nothing changes
    refused = admin_client.post("/periods/2026-01/close/", HTTP_HX_REQUEST="true")
    assert refused.status_code == 200 and 'id="close-error"' in refused.content.decode()
    assert Period.objects.get(name="2026-01").status == "open"
    # without the draft the period closes and the page shows the backup and the voucher numbers
    from openjxc.documents.services import delete_draft

    delete_draft(user, draft)
    closed = admin_client.post("/periods/2026-01/close/", HTTP_HX_REQUEST="true")
    html = closed.content.decode()
    assert 'id="closed-ok"' in html
    backup_id = Period.objects.get(name="2026-01").close_record.backup_id
    assert backup_id in html and 'data-count="1"' in html
    assert Period.objects.get(name="2026-01").status == "closed"
    # a cancel dated in it is refused with the period_closed message
    page = admin_client.get(f"/doc/{receipt}/impact/cancel/")
    assert 'data-code="period_closed"' in page.content.decode()
    assert admin_client.post(f"/doc/{receipt}/impact/cancel/", {"reason": "x"}).status_code == 409
    assert status(receipt) == "approved"


def test_reopen_needs_a_reason_and_shows_the_backup(admin_client, user, receipt):
    from openjxc.closing.services import close

    close(user, "2026-01")
    page = admin_client.get("/periods/2026-01/reopen/")
    assert page.status_code == 200 and 'id="reopen-impact"' in page.content.decode()
    refused = admin_client.post("/periods/2026-01/reopen/", {"reason": "  "})
    assert refused.status_code == 422 and 'id="reopen-error"' in refused.content.decode()
    assert Period.objects.get(name="2026-01").status == "closed"
    done = admin_client.post("/periods/2026-01/reopen/", {"reason": "补录单据"})
    html = done.content.decode()
    assert done.status_code == 200 and 'id="reopened"' in html
    assert Period.objects.get(name="2026-01").status == "open"
    reopen_backup = AuditEntry.objects.get(action="reopen", object="2026-01").after["backup"]
    assert reopen_backup in html


def test_reopen_of_a_period_that_is_not_the_latest_closed_is_blocked(admin_client, user, receipt):
    page = admin_client.get("/periods/2026-03/reopen/")
    assert (
        'id="blocked"' in page.content.decode()
        and 'id="confirm-reopen"' not in page.content.decode()
    )


# ---------------------------------------------------------------- data check


def test_data_check_finds_a_broken_cache_and_repair_fixes_it(admin_client, user, receipt):
    assert 'data-ok="1"' in admin_client.get("/check/").content.decode()
    execute("UPDATE inventory_stockbalance SET qty = qty + 10000")
    page = admin_client.get("/check/").content.decode()
    assert 'data-ok="0"' in page and 'data-check="stock_cache"' in page
    fixed = admin_client.post("/check/fix/").content.decode()
    assert 'id="fix-changes"' in fixed and 'id="check-status" data-ok="1"' in fixed
    assert on_hand("A001") == 10


# ---------------------------------------------------------------- audit log


def test_audit_filters_by_user_object_action_and_date(admin_client, user, receipt):
    person("财务")
    other = doc(user, "purchase_receipt", "2026-01-11", [("A002", 1, "3.00")])
    from openjxc.posting.engine import cancel

    cancel(user, other, "测试")
    page = admin_client.get("/audit/").content.decode()
    assert 'id="chain-status" data-ok="1"' in page
    by_object = admin_client.get(f"/audit/?object={other}").content.decode()
    assert re.findall(r'data-action="(\w+)"', by_object) == [
        "cancel",
        "approve",
        "create",
    ]  # newest first
    assert by_object.count(f"<strong>{other}</strong>") == 3
    by_action = admin_client.get("/audit/?action=cancel").content.decode()
    assert by_action.count('data-action="cancel"') == 1 and 'data-action="approve"' not in by_action
    assert admin_client.get("/audit/?user=nobody").content.decode().count('data-action="') == 0
    assert (
        admin_client.get("/audit/?user=admin&action=approve")
        .content.decode()
        .count('data-action="approve"')
        == 2
    )
    assert (
        admin_client.get("/audit/?date_to=2000-01-01").content.decode().count('data-action="') == 0
    )


def test_audit_shows_a_tampered_chain(admin_client, receipt):
    execute(
        "UPDATE audit_auditentry SET reason = 'changed' WHERE id = (SELECT MIN(id) FROM audit_auditentry)"
    )
    assert 'id="chain-status" data-ok="0"' in admin_client.get("/audit/").content.decode()


# ---------------------------------------------------------------- backups


def test_take_and_download_a_backup(admin_client, user, receipt):
    r = admin_client.post("/backups/take/")
    assert r.status_code == 302
    [manifest] = list_backups()
    page = admin_client.get("/backups/").content.decode()
    assert f'data-id="{manifest["id"]}"' in page and 'data-verified="1"' in page
    download = admin_client.get(f"/backups/{manifest['id']}/download/")
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert len(body) == manifest["size"]
    assert manifest["file"] in download["Content-Disposition"]
    assert admin_client.get("/backups/../../etc/passwd/download/").status_code == 404
    assert admin_client.get("/backups/nope/download/").status_code == 404


def test_restore_refuses_the_running_folder_and_a_relative_path(admin_client, settings, receipt):
    admin_client.post("/backups/take/")
    [manifest] = list_backups()
    url = f"/backups/{manifest['id']}/restore/"
    assert admin_client.get(url).status_code == 200
    for target in (str(settings.DATA_DIR), "relative/folder", ""):
        r = admin_client.post(url, {"target": target})
        assert r.status_code == 422 and 'id="restore-error"' in r.content.decode(), target


def test_restore_into_a_new_folder_is_verified(admin_client, tmp_path, receipt):
    if connection.vendor == "postgresql":
        # the page's backup is a pg_dump file, which needs a database: refused in Chinese
        admin_client.post("/backups/take/")
        [dump] = list_backups()
        r = admin_client.post(f"/backups/{dump['id']}/restore/", {"target": str(tmp_path / "x")})
        assert r.status_code == 422 and "只能用命令行恢复到新的数据库" in r.content.decode()
        take_backup("test", None, fmt="json")  # the portable export restores into a folder
        manifest = next(m for m in list_backups() if m["format"] == "json")
    else:
        admin_client.post("/backups/take/")
        [manifest] = list_backups()
    target = tmp_path / "restored"
    r = admin_client.post(f"/backups/{manifest['id']}/restore/", {"target": str(target)})
    html = r.content.decode()
    assert r.status_code == 200 and 'data-verified="1"' in html, html
    assert (target / "openjxc.sqlite3").exists()
    assert f"jxc serve --data-dir {target}" in html
    assert AuditEntry.objects.filter(action="restore", object=manifest["id"]).exists()


def test_impact_preview_hides_cost_from_a_user_without_view_cost(client, user, receipt):
    from django.contrib.auth.models import Permission

    # given a clerk who may cancel purchase documents but not see cost
    clerk = get_user_model().objects.create_user("clerk", password="pw-123456")
    clerk.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="users", codename__in=["cancel_document", "purchase_documents"]
        )
    )
    client.login(username="clerk", password="pw-123456")
    html = client.get(f"/doc/{receipt}/impact/cancel/").content.decode()
    # then quantities show, values and voucher amounts do not
    assert 'data-item="A001"' in html and "-10" in html
    assert "50.00" not in html and "-50.00" not in html
    assert 'data-account="1405"' in html and "***" in html
    # and reverse (no REVERSE permission) is refused
    assert client.get(f"/doc/{receipt}/impact/reverse/").status_code == 403
    assert client.post(f"/doc/{receipt}/impact/reverse/", {"reason": "x"}).status_code == 403
    assert status(receipt) == "approved"


def test_reverse_with_a_bad_date_shows_the_error_and_changes_nothing(admin_client, receipt):
    r = admin_client.post(
        f"/doc/{receipt}/impact/reverse/", {"reason": "退回", "date": "2025-12-31"}
    )
    assert r.status_code in (409, 422) and 'id="action-error"' in r.content.decode()
    assert status(receipt) == "approved" and on_hand("A001") == 10
