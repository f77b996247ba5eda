"""`jxc serve`: gunicorn (threaded workers) in-process, not Django's runserver."""

import json
import os

from gunicorn import util
from gunicorn.app.base import BaseApplication
from gunicorn.http.errors import LimitRequestLine
from gunicorn.workers.gthread import ThreadWorker

# gunicorn's largest request line (method + URL + version); README "Limits" cites it.
MAX_REQUEST_LINE = 8190
KEEPALIVE = 75  # seconds an idle client connection stays open (nginx's default)


class JsonErrorWorker(ThreadWorker):
    """gunicorn refuses an over-long request line before Django sees it, with an HTML page;
    this worker answers it in the error format of API.md, like every other refusal."""

    def handle_error(self, req, client, addr, exc):
        if not isinstance(exc, LimitRequestLine):
            return super().handle_error(req, client, addr, exc)
        body = json.dumps(
            {
                "error": {
                    "code": "uri_too_long",
                    "message": f"the request line is longer than {MAX_REQUEST_LINE} bytes",
                    "details": {"limit": MAX_REQUEST_LINE},
                }
            }
        ).encode()
        head = (
            f"HTTP/1.1 414 URI Too Long\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        try:
            util.write_nonblock(client, head + body)
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


def serve(host: str, port: int, workers: int) -> None:
    _App(
        {
            "bind": f"{host}:{port}",
            "workers": max(1, workers),
            "worker_class": "openjxc.core.server.JsonErrorWorker",
            "threads": 4,
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
            # gunicorn's control socket defaults to one per user ($HOME/.gunicorn/gunicorn.ctl):
            # two `jxc serve` (two sets of books) would take over each other's. Nothing uses it.
            "control_socket_disable": True,
        }
    ).run()
