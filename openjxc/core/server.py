"""`jxc serve`: gunicorn (threaded workers) in-process, not Django's runserver."""

from gunicorn.app.base import BaseApplication


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
            "worker_class": "gthread",
            "threads": 4,
            "timeout": 300,
            "graceful_timeout": 10,
            "accesslog": None,
            "preload_app": True,
            # gunicorn's control socket defaults to one per user ($HOME/.gunicorn/gunicorn.ctl):
            # two `jxc serve` (two sets of books) would take over each other's. Nothing uses it.
            "control_socket_disable": True,
        }
    ).run()
