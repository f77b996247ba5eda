"""The background worker `jxc serve` runs next to gunicorn: django-tasks' database worker
(`jxc worker`) in a child process on the same books, stopped with the server, so that nothing
else needs installing or starting. On Linux the child also dies if the server is killed."""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys


def _die_with_parent() -> None:
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


@contextlib.contextmanager
def task_worker(args):
    command = [sys.executable, "-m", "openjxc.cli", "worker"]
    data_dir = os.environ.get("OPENJXC_DATA_DIR") or getattr(args, "data_dir", None)
    if data_dir:
        command += ["--data-dir", str(data_dir)]
    if getattr(args, "database_url", None):
        command += ["--database-url", args.database_url]
    proc = subprocess.Popen(
        command,
        env=dict(os.environ),
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
