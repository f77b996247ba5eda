"""`jxc serve` starts the django-tasks worker next to gunicorn: a backup queued by `jxc backup`
is verified in the background (restored to a scratch folder and reconciled), and stopping the
server stops the worker."""

import json
import os
import signal
import subprocess
import time

import pytest

from .test_server import Server, jxc

pytestmark = pytest.mark.sqlite_subprocess


def test_jxc_serve_runs_the_verification_worker(tmp_path):
    # given books and a backup taken on the command line (its verification queued)
    data = tmp_path / "books"
    assert (
        jxc(
            "init", "--data-dir", str(data), "--admin-user", "a", "--admin-password", "pw12345678"
        ).returncode
        == 0
    )
    out = jxc("backup", "--data-dir", str(data))
    assert out.returncode == 0, out.stderr
    backup_id = out.stdout.split()[1].rstrip(":")
    result = data / "backups" / f"{backup_id}.verification.json"
    # when the server runs
    server = Server(data, [], tmp_path / "serve.log")
    server.start()
    try:
        deadline = time.monotonic() + 120
        while not result.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        # then the worker verified the backup
        assert result.exists(), (tmp_path / "serve.log").read_text()
        assert json.loads(result.read_text())["verified"] is True
        workers = subprocess.run(
            ["pgrep", "-f", f"openjxc.cli worker --data-dir {data}"], capture_output=True, text=True
        ).stdout.split()
        assert len(workers) == 1
    finally:
        server.proc.send_signal(signal.SIGTERM)  # the master only: it stops its worker itself
        server.proc.wait(30)
        server.stop()
    # and stopping the server stopped its worker
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.kill(int(workers[0]), 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        os.kill(int(workers[0]), signal.SIGKILL)
        raise AssertionError("the worker outlived the server")
