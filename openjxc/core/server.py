"""`jxc serve`: gunicorn in-process (processes of one thread by default), not Django's runserver."""

import errno
import json
import os
import socket
import threading
import time
from collections import deque
from concurrent.futures import Future

from gunicorn import util
from gunicorn.app.base import BaseApplication
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine
from gunicorn.workers.gthread import _DEFER, TConn, ThreadWorker

# _DEFER and TConn above are gthread internals: gunicorn is pinned (pyproject.toml), and
# tests/test_server_worker.py goes through each path that uses them.

# gunicorn's largest request line (method + URL + version); README "Limits" cites it.
MAX_REQUEST_LINE = 8190
# One header line (a browser's Cookie header grows with every other app on the same host name):
# twice gunicorn's default of 8190, at most 100 header lines (its default).
MAX_HEADER_LINE = 16380
KEEPALIVE = 75  # seconds an idle client connection stays open (nginx's default)

# gunicorn refusals answered in the books' own words: exception → (status line, code, details)
REFUSALS = {
    LimitRequestLine: ("414 URI Too Long", "uri_too_long", {"limit": MAX_REQUEST_LINE}),
    LimitRequestHeaders: (
        "431 Request Header Fields Too Large",
        "headers_too_large",
        {"limit": MAX_HEADER_LINE},
    ),
}


def refusal(exc: Exception) -> bytes | None:
    """The whole HTTP answer to a request gunicorn refuses before Django sees it (None: leave it
    to gunicorn). gunicorn has read neither the path nor the headers when it refuses a long
    request line, so the answer cannot tell a browser from an API client nor see the user's
    language: it is the API's JSON error body, its message in the books' language (Chinese)."""
    from django.conf import settings
    from django.utils import translation

    from openjxc.core.error_codes import describe

    found = next((v for k, v in REFUSALS.items() if isinstance(exc, k)), None)
    if found is None:
        return None
    status, code, details = found
    with translation.override(settings.LANGUAGE_CODE):
        message = describe(code, details)
    body = json.dumps(
        {"error": {"code": code, "message": message, "details": details}}, ensure_ascii=False
    ).encode()
    head = (
        f"HTTP/1.1 {status}\r\nConnection: close\r\n"
        f"Content-Type: application/json; charset=utf-8\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class TimedSocket(socket.socket):
    """A client socket whose blocking reads and writes give up after `timeout` seconds of
    silence (gunicorn makes them block without end): with one thread per process, a client
    that stops halfway through its request would hold the whole process."""

    __slots__ = ("silence_s",)

    def setblocking(self, flag: bool) -> None:
        if flag:
            self.settimeout(self.silence_s)
        else:
            super().setblocking(False)


class JsonErrorWorker(ThreadWorker):
    """gunicorn's threaded worker, changed in two ways.

    - gunicorn refuses an over-long request line or header before Django sees it, with an
      English HTML page; this worker answers them in the error format of API.md, like every
      other refusal, in the books' language.
    - With one thread (the default) a request is handled by the thread that polls the
      connections: handing it to a pool thread and back (a pipe to wake the poller) cost more
      CPU than Django's own work on a small request. So that no client can hold that thread:
      a new connection waits on the poller until its first bytes arrive (a browser opens
      connections it may never use), a client silent for gunicorn's `timeout` in the middle of
      a request is dropped (TimedSocket), and requests a client sent ahead on one connection
      are taken in turn, not by recursion. A heartbeat thread tells the master that the worker
      lives while a long request (an export) runs, as the poller did."""

    HEARTBEAT_S = 1.0
    # a new connection is left a moment to the workers with fewer connections: a client keeps
    # its connection and all its requests go to the process that took it, so twenty clients
    # connecting at once could land sixteen on one process and leave others idle
    ACCEPT_YIELD_S = 0.0005
    ACCEPT_YIELD_MAX_S = 0.005

    def init_process(self):
        self._inline = self.cfg.threads == 1
        self._waiting: deque = deque()
        if self._inline:
            threading.Thread(target=self._heartbeat, daemon=True).start()
        super().init_process()

    def _heartbeat(self) -> None:
        while True:
            self.tmp.notify()
            time.sleep(self.HEARTBEAT_S)

    def notify(self):
        """gunicorn's loop tells the master after every request (a file's time set, a system
        call); with the heartbeat thread once a second is enough."""
        if not self._inline:
            super().notify()

    def accept(self, listener):
        if not self._inline:
            return super().accept(listener)
        if self.nr_conns:  # every worker was woken: one with fewer connections takes it first
            time.sleep(min(self.ACCEPT_YIELD_S * self.nr_conns, self.ACCEPT_YIELD_MAX_S))
        try:
            sock, addr = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        timed = TimedSocket(sock.family, sock.type, sock.proto, fileno=sock.detach())
        timed.silence_s = self.cfg.timeout
        conn = TConn(self.cfg, timed, addr, listener.getsockname())
        deferred = Future()
        deferred.set_result(_DEFER)  # gunicorn's path for a connection with nothing to read yet
        self.finish_request(conn, deferred)

    def enqueue_req(self, conn):
        if not self._inline:
            return super().enqueue_req(conn)
        self._waiting.append(conn)
        if len(self._waiting) > 1:  # called from finish_request below: the loop takes it
            return
        while self._waiting:
            conn = self._waiting[0]
            done = Future()
            try:
                done.set_result(self.handle(conn))
            except BaseException as exc:  # finish_request closes the connection, as for a pool
                done.set_exception(exc)
            try:
                self.finish_request(conn, done)
            finally:
                self._waiting.popleft()

    def handle_error(self, req, client, addr, exc):
        answer = refusal(exc)
        if answer is None:
            return super().handle_error(req, client, addr, exc)
        try:
            util.write_nonblock(client, answer)
        except OSError:
            self.log.debug("Failed to send error message.")


class _App(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from openjxc.wsgi import application

        return application


def default_workers() -> int:
    """Server processes: twice the cores, 2 to 8. One thread each by default: Python runs one
    thread of a process at a time, and a thread that holds the database's write lock (SQLite)
    or a row lock (PostgreSQL) waited for the others of its process to yield, so every writer
    waited longer; separate processes run side by side (measured in docs/benchmarks.md)."""
    return min(8, max(2, 2 * (os.cpu_count() or 1)))


def serve(host: str, port: int, workers: int | None, threads: int = 1) -> None:
    _App(
        {
            "bind": f"{host}:{port}",
            "workers": max(1, workers or default_workers()),
            "worker_class": "openjxc.core.server.JsonErrorWorker",
            "threads": max(1, threads),
            "timeout": 300,
            # an integration keeps its connection between calls; gunicorn's default of 2 s makes
            # a client that pauses reconnect (and one that sends just then loses its request)
            "keepalive": KEEPALIVE,
            # the workers' heartbeat touches a file on every loop, i.e. on every request: on a
            # disk it can wait for the journal (gunicorn's advice: a memory filesystem)
            "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,
            "graceful_timeout": 10,
            "accesslog": None,
            "preload_app": True,
            "limit_request_line": MAX_REQUEST_LINE,
            "limit_request_field_size": MAX_HEADER_LINE,
            # gunicorn's control socket defaults to one per user ($HOME/.gunicorn/gunicorn.ctl):
            # two `jxc serve` (two sets of books) would take over each other's. Nothing uses it.
            "control_socket_disable": True,
        }
    ).run()
