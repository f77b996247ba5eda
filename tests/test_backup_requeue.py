"""A backup whose verification was lost (never run, or its worker died mid-way) stays "pending"
forever unless queued again: at `jxc worker` start and by the backups page's button."""

import datetime as dt

import pytest
from django_tasks import default_task_backend
from django_tasks_db.models import DBTaskResult

from openjxc.audit.models import AuditEntry
from openjxc.backup.services import list_backups, take_backup
from openjxc.backup.verify import requeue_lost, run_verification, verification, verify_backup

pytestmark = pytest.mark.django_db(transaction=True)


def queued() -> list[str]:
    """Backup ids of the verifications queued on the tests' dummy backend."""
    return [
        r.args[0]
        for r in default_task_backend.results
        if r.task.module_path == verify_backup.module_path
    ]


def task_row(backup_id: str, status: str, started=None) -> DBTaskResult:
    now = dt.datetime.now(dt.UTC)
    return DBTaskResult.objects.create(
        task_path=verify_backup.module_path,
        args_kwargs={"args": [backup_id], "kwargs": {}},
        status=status,
        started_at=started,
        backend_name="default",
        run_after=now,
        exception_class_path="",
        traceback="",
    )


@pytest.fixture
def lost(user, backups_in_tmp):
    """A backup whose queued verification went nowhere: pending, nothing queued."""
    backup_id = take_backup("manual", user)["id"]
    default_task_backend.clear()
    assert verification(list_backups()[0]) == (None, None)
    return backup_id


def test_a_verification_that_never_ran_is_queued_again(lost):
    assert requeue_lost() == [lost]
    assert queued() == [lost]


def test_a_queued_or_running_verification_is_left_alone_unless_its_worker_died(lost):
    row = task_row(lost, "READY")
    assert requeue_lost() == [] and requeue_lost(worker_start=True) == []
    # running: alive while the server runs, dead when a worker starts (one worker per books)
    row.status, row.started_at = "RUNNING", dt.datetime.now(dt.UTC)
    row.save()
    assert requeue_lost() == []
    assert requeue_lost(worker_start=True) == [lost]
    # running longer than a verification may take: dead too
    row.started_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    row.save()
    assert requeue_lost() == [lost]
    assert queued() == [lost, lost]


def test_a_verified_backup_is_not_queued_again(lost):
    assert run_verification(lost)["verified"] is True
    assert requeue_lost(worker_start=True) == [] and queued() == []


def test_the_backups_page_queues_lost_verifications_again(admin_client, lost):
    page = admin_client.get("/backups/").content.decode()
    assert 'id="requeue-verifications"' in page
    r = admin_client.post("/backups/requeue/", follow=True)
    assert r.status_code == 200 and queued() == [lost]
    assert "已重新排队验证 1 个备份" in r.content.decode()
    entry = AuditEntry.objects.filter(action="requeue_verifications").latest("id")
    assert entry.after == {"backups": [lost]}


@pytest.mark.sqlite_subprocess
def test_jxc_worker_start_verifies_a_backup_whose_worker_died(tmp_path):
    import json
    import sqlite3
    import subprocess
    import time

    from .test_server import JXC, clean_env, jxc

    data = tmp_path / "books"
    init = jxc(
        "init", "--data-dir", str(data), "--admin-user", "a", "--admin-password", "pw12345678"
    )
    assert init.returncode == 0, init.stderr
    out = jxc("backup", "--data-dir", str(data))
    assert out.returncode == 0, out.stderr
    backup_id = out.stdout.split()[1].rstrip(":")
    # given: its verification was claimed by a worker that died mid-way
    with sqlite3.connect(data / "openjxc.sqlite3") as conn:
        conn.execute(
            "UPDATE django_tasks_database_dbtaskresult SET status = 'RUNNING', "
            "started_at = CURRENT_TIMESTAMP"
        )
    # when: a worker starts
    worker = subprocess.Popen(
        [JXC, "worker", "--data-dir", str(data)],
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    result = data / "backups" / f"{backup_id}.verification.json"
    try:
        deadline = time.monotonic() + 120
        while not result.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        worker.terminate()
        printed = worker.communicate(timeout=30)[0]
    # then: it queued the verification again and ran it
    assert f"verification queued again: {backup_id}" in printed
    assert json.loads(result.read_text())["verified"] is True
