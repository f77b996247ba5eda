"""`jxc serve`'s gunicorn worker with one thread (openjxc.core.server.JsonErrorWorker): the
polling thread handles each request itself, keep-alive connections are kept between requests,
a request that runs longer than gunicorn's worker timeout is not killed (a heartbeat thread
tells the master the worker lives), and no client holds the process: not one that connects and
sends nothing, not one that stops halfway through its request, not one that sends many requests
ahead. The server here has one process and a timeout of 2 s."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from bench.http import free_port

APP = """
import os, threading, time

def app(environ, start_response):
    seconds = float(environ["PATH_INFO"].strip("/") or 0)
    time.sleep(seconds)
    body = f"{os.getpid()} slept {seconds} in {threading.current_thread().name}".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
"""


def start(tmp_path, workers: int = 1) -> tuple[int, subprocess.Popen]:
    (tmp_path / "sleepy.py").write_text(APP)
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            f"--workers={workers}",
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
    return port, proc


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.fixture
def server(tmp_path):
    port, proc = start(tmp_path)
    yield port
    stop(proc)


def get(conn, path: str) -> tuple[int, str]:
    conn.request("GET", path)
    resp = conn.getresponse()
    return resp.status, resp.read().decode()


def test_a_request_longer_than_the_worker_timeout_finishes_on_its_kept_connection(server):
    conn = http.client.HTTPConnection("127.0.0.1", server, timeout=30)
    status, first = get(conn, "/0")
    assert status == 200
    pid = first.split()[0]
    assert first.endswith("in MainThread")  # the polling thread itself, no pool
    status, body = get(conn, "/3.5")  # the master would kill a silent worker after 2 s
    assert (status, body) == (200, f"{pid} slept 3.5 in MainThread")
    status, body = get(conn, "/0")  # the same connection, the same worker process
    assert (status, body) == (200, f"{pid} slept 0.0 in MainThread")
    conn.close()


def test_one_thread_serves_several_kept_connections_in_turn(server):
    conns = [http.client.HTTPConnection("127.0.0.1", server, timeout=30) for _ in range(3)]
    answers = [get(c, "/0") for c in conns] + [get(c, "/0.01") for c in reversed(conns)]
    assert [s for s, _ in answers] == [200] * 6
    assert len({b.split()[0] for _, b in answers}) == 1
    for c in conns:
        c.close()


def test_a_connection_that_sends_nothing_does_not_hold_the_process(server):
    idle = socket.create_connection(("127.0.0.1", server))
    conn = http.client.HTTPConnection("127.0.0.1", server, timeout=30)
    t0 = time.monotonic()
    assert get(conn, "/0")[0] == 200
    assert time.monotonic() - t0 < 1
    conn.close()
    idle.close()


def test_a_client_silent_halfway_through_its_request_is_dropped(server):
    half = socket.create_connection(("127.0.0.1", server))
    half.sendall(b"GET /0 HTTP/1.1\r\nHost: x\r\n")  # no blank line: the request goes on
    time.sleep(0.2)
    conn = http.client.HTTPConnection("127.0.0.1", server, timeout=30)
    t0 = time.monotonic()
    assert get(conn, "/0")[0] == 200  # answered once the silent one is dropped (2 s)
    assert time.monotonic() - t0 < 5
    half.settimeout(5)
    assert half.recv(100) == b""  # closed by the server, nothing answered
    half.close()
    conn.close()


def test_every_request_a_client_sends_ahead_is_answered(server):
    n = 600
    ahead = socket.create_connection(("127.0.0.1", server))
    ahead.sendall(b"GET /0 HTTP/1.1\r\nHost: x\r\n\r\n" * n)
    ahead.settimeout(30)
    received = b""
    while received.count(b"HTTP/1.1 200 OK") < n:
        chunk = ahead.recv(65536)
        assert chunk, f"closed after {received.count(b'HTTP/1.1 200 OK')} answers"
        received += chunk
    ahead.close()


def test_clients_connecting_at_once_are_spread_over_the_processes(tmp_path):
    """A client's requests all go to the process that took its connection: twenty clients
    connecting together were seen sixteen on one process of four, the others idle."""
    port, proc = start(tmp_path, workers=4)
    try:
        time.sleep(1)  # every worker up
        conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(20)]
        for c in conns:
            c.connect()
        time.sleep(0.5)
        pids = []
        for c in conns:
            status, body = get(c, "/0")
            assert status == 200
            pids.append(body.split()[0])
            c.close()
        assert len(set(pids)) == 4 and max(pids.count(p) for p in set(pids)) <= 8
    finally:
        stop(proc)
