"""The machine, the code and the load a figure was measured on, and the profiling helpers
(cProfile with per-query times, exclusive time per engine step, peak memory)."""

import cProfile
import io
import os
import platform
import pstats
import time
from contextlib import contextmanager


def machine_info() -> dict:
    import sqlite3

    import django

    return {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": None,
    }


def git_state() -> dict | None:
    import subprocess

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return None
    return {"head": head or None, "modified_files": sorted(ln[3:] for ln in dirty if ln.strip())}


def loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


class QueryTimes:
    """Execute wrapper: time and count per SQL statement text (parameters stripped)."""

    def __init__(self):
        self.stats: dict[str, list] = {}

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            s = self.stats.setdefault(sql, [0, 0.0])
            s[0] += len(params) if many and params is not None and hasattr(params, "__len__") else 1
            s[1] += time.perf_counter() - t0

    def top(self, n=15) -> list[dict]:
        rows = sorted(self.stats.items(), key=lambda kv: -kv[1][1])[:n]
        return [
            {"sql": sql[:220], "rows_or_calls": c, "seconds": round(t, 4)} for sql, (c, t) in rows
        ]


@contextmanager
def profiled(args, label: str, out: dict):
    """cProfile + per-query timings of the block when --profile is given (adds overhead)."""
    if not args.profile:
        yield
        return
    from django.db import connection

    qt = QueryTimes()
    prof = cProfile.Profile()
    with connection.execute_wrapper(qt):
        prof.enable()
        try:
            yield
        finally:
            prof.disable()
    os.makedirs(args.profile, exist_ok=True)
    path = os.path.join(args.profile, f"{label}.prof")
    prof.dump_stats(path)
    buf = io.StringIO()
    st = pstats.Stats(prof, stream=buf)
    st.sort_stats("cumulative").print_stats(35)
    st.sort_stats("tottime").print_stats(20)
    with open(os.path.join(args.profile, f"{label}.txt"), "w") as fh:
        fh.write(buf.getvalue())
        fh.write("\n\nQUERIES (total time per statement)\n")
        for q in qt.top(25):
            fh.write(f"{q['seconds']:9.4f}s {q['rows_or_calls']:8d}x  {q['sql']}\n")
    out.setdefault("profile", {})[label] = {"file": path, "top_queries": qt.top(8)}


@contextmanager
def step_timer(targets):
    """Exclusive wall and CPU time per function named in `targets` (module, name), by patching
    the module attribute the engine calls through (a step called inside another is subtracted
    from its caller); also the commit. Names the engine no longer has are skipped."""
    import importlib

    from django.db import connections

    times: dict[str, list] = {}  # name -> [wall s, process cpu s], exclusive
    stack: list[list] = []

    def wrap(fn, key):
        def timed(*a, **kw):
            t0, c0 = time.perf_counter(), time.process_time()
            stack.append([0.0, 0.0])
            try:
                return fn(*a, **kw)
            finally:
                child = stack.pop()
                w, c = time.perf_counter() - t0, time.process_time() - c0
                t = times.setdefault(key, [0.0, 0.0])
                t[0] += w - child[0]
                t[1] += c - child[1]
                if stack:
                    stack[-1][0] += w
                    stack[-1][1] += c

        return timed

    patched = []
    for modname, name in targets:
        try:
            mod = importlib.import_module(modname)
        except ImportError:
            continue
        fn = getattr(mod, name, None)
        if callable(fn):
            setattr(mod, name, wrap(fn, name))
            patched.append((mod, name, fn))
    conn = connections["default"]
    conn.commit = wrap(type(conn).commit.__get__(conn), "commit")
    try:
        yield times
    finally:
        for mod, name, fn in patched:
            setattr(mod, name, fn)
        del conn.commit


def peak_memory(fn) -> tuple[float, float]:
    """(tracemalloc peak MB of Python allocations, ru_maxrss growth MB) while fn runs."""
    import resource
    import tracemalloc

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20, (rss1 - rss0) / 1024  # ru_maxrss is in KiB on Linux
