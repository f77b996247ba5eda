"""A backup before every settled-data change, verified in the background, and restore in place.

The backups run on the test database's committed rows (transaction=True). The verification task
is queued (tests' DummyBackend) and run here by calling it, as the worker would."""

import json

import pytest
from django.db import connection

from openjxc.audit.models import AuditEntry
from openjxc.backup.services import backup_dir, list_backups, take_backup
from openjxc.backup.verify import run_verification, verification
from openjxc.closing import inplace
from openjxc.closing.checks import reconcile
from openjxc.closing.services import close
from openjxc.core.errors import DomainError
from openjxc.documents.models import Document

from .factories import doc

pytestmark = pytest.mark.django_db(transaction=True)
sqlite_only = pytest.mark.skipif(
    "connection.vendor != 'sqlite'", reason="SQLite backup files (PostgreSQL: test_pg_… below)"
)


@pytest.fixture
def books(user, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "books"
    doc(user, "purchase_receipt", "2026-01-05", [("A001", 10, "5.00")])
    delivery = doc(user, "sales_delivery", "2026-01-06", [("A001", 4, "9.00")])
    return {"delivery": delivery}


def _flip(path, at=None):
    data = bytearray(path.read_bytes())
    data[at if at is not None else len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_reversal_into_a_closed_period_takes_a_backup_named_in_the_response_and_audit(books, api):
    # given January closed (its own backup) and a January delivery
    close(api_user(), "2026-01")
    before = {m["id"] for m in list_backups()}
    # when the delivery is reversed (红冲) in February
    r = api.post(
        f"/documents/{books['delivery']}/reverse", {"reason": "客户退货", "date": "2026-02-03"}
    )
    # then a new backup, named 红冲前 <number>, is in the response and in the audit entries
    assert r.status_code == 200, r.content
    backup_id = r.json()["backup_id"]
    assert backup_id and backup_id not in before
    listed = api.get("/backups").json()["items"]
    mine = next(b for b in listed if b["id"] == backup_id)
    assert mine["reason"] == f"before reversal {books['delivery']}"
    assert mine["label"] == f"红冲前备份（{books['delivery']}）"
    assert mine["verified"] is None  # queued, not yet run
    entry = AuditEntry.objects.get(action="reverse", object=books["delivery"])
    assert entry.after["backup"] == backup_id
    # and the reversal document's own entry names it too
    rev = r.json()["number"]
    assert AuditEntry.objects.get(action="create", object=rev).after["backup"] == backup_id


def test_a_refused_reversal_takes_no_backup(books, api):
    before = len(list_backups())
    r = api.post(f"/documents/{books['delivery']}/reverse", {"reason": "  "})
    assert r.status_code == 422 and r.json()["error"]["code"] == "reason_required"
    assert len(list_backups()) == before


def test_a_cancel_chain_in_an_open_period_takes_no_backup(books, api):
    before = len(list_backups())
    r = api.post(f"/documents/{books['delivery']}/cancel-chain", {"reason": "录错了"})
    assert r.status_code == 200, r.content
    assert r.json()["backup_id"] is None and len(list_backups()) == before


def test_a_cancel_chain_reaching_a_closed_period_backs_up_first(books, api):
    close(api_user(), "2026-01")
    r = api.post(f"/documents/{books['delivery']}/cancel-chain", {"reason": "整单取消"})
    assert r.status_code == 200, r.content
    backup_id = r.json()["backup_id"]
    assert backup_id in {m["id"] for m in list_backups()}
    assert AuditEntry.objects.get(action="cancel_chain").after["backup"] == backup_id


def api_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="admin")


@sqlite_only
def test_verification_restores_and_reconciles_and_a_corrupt_backup_fails(books, api):
    # given two backups, the second damaged on disk
    good = take_backup("manual", api_user())
    bad = take_backup("manual", api_user())
    _flip(backup_dir() / bad["file"])
    # when the background verification runs
    ok = run_verification(good["id"])
    assert ok["verified"] is True and ok["error"] is None, ok
    result = run_verification(bad["id"])
    # then the good one is ✓ and the damaged one failed, saying why
    assert result["verified"] is False and "checksum" in result["error"]
    listed = {b["id"]: b for b in api.get("/backups").json()["items"]}
    assert listed[good["id"]]["verified"] is True
    assert listed[good["id"]]["verification_error"] is None
    assert listed[bad["id"]]["verified"] is False
    assert listed[bad["id"]]["verification_error"] == "备份文件已损坏：校验和与清单不符。"
    assert "checksum" in listed[bad["id"]]["verification_detail"]
    # and a verified backup damaged afterwards is shown as failed at once
    _flip(backup_dir() / good["file"])
    assert verification(good)[0] is False


@sqlite_only
def test_a_backup_whose_books_do_not_reconcile_fails_verification(books):
    # given a backup whose stock cache disagrees with its ledger, checksum made to match
    import hashlib
    import sqlite3

    m = take_backup("manual", api_user())
    path = backup_dir() / m["file"]
    conn = sqlite3.connect(path)
    conn.execute("UPDATE inventory_stockbalance SET qty = qty + 10000")
    conn.commit()
    conn.close()
    manifest_path = backup_dir() / f"{m['id']}.manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest))
    # when verified / then it failed naming the reconcile
    result = run_verification(m["id"])
    assert result["verified"] is False and "do not reconcile" in result["error"]


@sqlite_only
def test_restore_in_place_of_a_good_backup_restores_the_books(books):
    # given a backup with 2 documents, then a third document
    user = api_user()
    m = take_backup("manual", user)
    doc(user, "purchase_receipt", "2026-01-07", [("A002", 5, "2.00")])
    assert Document.objects.count() == 3
    # when that backup is restored in place
    result = inplace.restore_in_place(user, backup_dir() / m["file"], "误操作，回到备份")
    # then the books are the backup's, they reconcile, and the safety backup holds the third
    assert Document.objects.count() == 2
    assert reconcile()["ok"]
    safety = next(b for b in list_backups() if b["id"] == result["safety_backup"])
    assert safety["reason"] == f"before restore {m['id']}"
    assert safety["counts"]["documents_document"] == 3
    entry = AuditEntry.objects.filter(action="restore").latest("id")
    assert entry.object == m["id"] and entry.reason == "误操作，回到备份"
    assert entry.after == {
        "in_place": True,
        "created_at": m["created_at"],
        "backup": result["safety_backup"],
    }


@sqlite_only
def test_restore_in_place_of_a_bad_backup_leaves_the_books_untouched(books):
    user = api_user()
    m = take_backup("manual", user)
    doc(user, "purchase_receipt", "2026-01-07", [("A002", 5, "2.00")])
    _flip(backup_dir() / m["file"])
    count = len(list_backups())
    with pytest.raises(DomainError) as exc:
        inplace.restore_in_place(user, backup_dir() / m["file"], "试试")
    assert exc.value.code == "restore_failed" and "checksum" in exc.value.message
    assert Document.objects.count() == 3 and reconcile()["ok"]
    assert len(list_backups()) == count  # refused before the safety backup


@sqlite_only
def test_restore_in_place_puts_the_safety_backup_back_when_the_check_fails(books, monkeypatch):
    user = api_user()
    m = take_backup("manual", user)
    doc(user, "purchase_receipt", "2026-01-07", [("A002", 5, "2.00")])
    monkeypatch.setattr(inplace, "reconcile", lambda: {"ok": False, "problems": [{"check": "x"}]})
    with pytest.raises(DomainError) as exc:
        inplace.restore_in_place(user, backup_dir() / m["file"], "试试")
    assert exc.value.code == "restore_rolled_back"
    assert Document.objects.count() == 3  # the books before the restore, from the safety backup
    monkeypatch.undo()
    assert reconcile()["ok"]


@sqlite_only
def test_the_in_place_page_is_the_administrators_and_restores(books, client):
    from .test_permission_matrix import person

    user = api_user()
    m = take_backup("manual", user)
    doc(user, "purchase_receipt", "2026-01-07", [("A002", 5, "2.00")])
    client.force_login(person("老板"))
    form = {"backup": m["id"], "reason": "回到备份", "confirm": "1"}
    assert client.post("/backups/restore-in-place/", form).status_code == 403
    assert Document.objects.count() == 3
    client.force_login(user)
    assert client.get("/backups/restore-in-place/").status_code == 200
    r = client.post("/backups/restore-in-place/", {**form, "confirm": ""})
    assert r.status_code == 422 and Document.objects.count() == 3
    r = client.post("/backups/restore-in-place/", form)
    assert r.status_code == 302 and Document.objects.count() == 2
    # and the administrator is still logged in, seeing the result
    page = client.get("/backups/")
    assert page.status_code == 200 and "已将备份" in page.content.decode()


@pytest.mark.postgres
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL")
def test_pg_backup_is_a_pg_dump_verified_with_pg_restore(books, api):
    m = take_backup("manual", api_user())
    assert m["format"] == "pg_dump" and m["file"].endswith(".pgdump")
    assert (backup_dir() / m["file"]).read_bytes()[:5] == b"PGDMP"
    assert m["counts"]["documents_document"] == 2
    result = run_verification(m["id"])
    assert result["verified"] is True, result
    bad = take_backup("manual", api_user())
    _flip(backup_dir() / bad["file"])
    assert run_verification(bad["id"])["verified"] is False
    listed = {b["id"]: b for b in api.get("/backups").json()["items"]}
    assert listed[m["id"]]["verified"] is True and listed[bad["id"]]["verified"] is False
    with connection.cursor() as cur:  # every scratch database was dropped
        cur.execute("SELECT COUNT(*) FROM pg_database WHERE datname LIKE 'openjxc_scratch_%%'")
        assert cur.fetchone()[0] == 0


@pytest.mark.postgres
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL")
def test_pg_restore_in_place_with_pg_restore(books):
    user = api_user()
    m = take_backup("manual", user)
    doc(user, "purchase_receipt", "2026-01-07", [("A002", 5, "2.00")])
    result = inplace.restore_in_place(user, backup_dir() / m["file"], "回到备份")
    assert Document.objects.count() == 2 and reconcile()["ok"]
    safety = next(b for b in list_backups() if b["id"] == result["safety_backup"])
    assert safety["format"] == "pg_dump" and safety["counts"]["documents_document"] == 3


def test_the_reversal_page_says_which_backup_it_took(books, admin_client):
    close(api_user(), "2026-01")
    r = admin_client.post(
        f"/doc/{books['delivery']}/impact/reverse/",
        {"reason": "客户退货", "date": "2026-02-03"},
        follow=True,
    )
    backup_id = AuditEntry.objects.get(action="reverse").after["backup"]
    assert f"已先自动备份（备份 {backup_id}）。" in r.content.decode()


def test_a_missing_pg_dump_is_refused_clearly(books, api, monkeypatch, tmp_path):
    from openjxc.backup import pgdump

    monkeypatch.setattr(pgdump.shutil, "which", lambda name: None)
    monkeypatch.setattr(pgdump, "CLUSTERS", tmp_path / "none")
    with pytest.raises(pgdump.ToolMissing):
        pgdump.tool("pg_dump")
    if connection.vendor != "postgresql":
        return
    # on PostgreSQL the reversal needs its backup: refused, nothing changed
    r = api.post(f"/documents/{books['delivery']}/reverse", {"reason": "退货"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "backup_tool_missing"
    assert "pg_dump" in r.json()["error"]["message"]
    assert Document.objects.get(number=books["delivery"]).status == Document.APPROVED
    assert not list_backups()
