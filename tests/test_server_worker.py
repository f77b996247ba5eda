"""`jxc serve`'s gunicorn worker with one thread (openjxc.core.server.JsonErrorWorker): the
polling thread handles each request itself, keep-alive connections are kept between requests,
and a request that runs longer than gunicorn's worker timeout is not killed (a heartbeat thread
tells the master the worker lives, as the poller did between requests)."""

import http.client
import os
import signal
import subprocess
import sys
import time

import pytest

from bench.http import free_port

APP = """
import os, time

def app(environ, start_response):
    seconds = float(environ["PATH_INFO"].strip("/") or 0)
    time.sleep(seconds)
    body = f"{os.getpid()} slept {seconds}".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
"""


@pytest.fixture
def server(tmp_path):
    (tmp_path / "sleepy.py").write_text(APP)
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers=1",
            "--threads=1",
            "--worker-class=openjxc.core.server.JsonErrorWorker",
            "--timeout=2",
            "--keep-alive=30",
            f"--bind=127.0.0.1:{port}",
            f"--chdir={tmp_path}",
            "sleepy:app",
        ],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=5).request("GET", "/0")
            break
        except OSError:
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)
    yield port
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def get(conn, path: str) -> tuple[int, str]:
    conn.request("GET", path)
    resp = conn.getresponse()
    return resp.status, resp.read().decode()


def test_a_request_longer_than_the_worker_timeout_finishes_on_its_kept_connection(server):
    conn = http.client.HTTPConnection("127.0.0.1", server, timeout=30)
    status, first = get(conn, "/0")
    assert status == 200
    pid = first.split()[0]
    status, body = get(conn, "/3.5")  # the master would kill a silent worker after 2 s
    assert (status, body) == (200, f"{pid} slept 3.5")
    status, body = get(conn, "/0")  # the same connection, the same worker process
    assert (status, body) == (200, f"{pid} slept 0.0")
    conn.close()


def test_one_thread_serves_several_kept_connections_in_turn(server):
    conns = [http.client.HTTPConnection("127.0.0.1", server, timeout=30) for _ in range(3)]
    answers = [get(c, "/0") for c in conns] + [get(c, "/0.01") for c in reversed(conns)]
    assert [s for s, _ in answers] == [200] * 6
    assert len({b.split()[0] for _, b in answers}) == 1
    for c in conns:
        c.close()
