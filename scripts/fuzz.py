"""Schema fuzzing: schemathesis against a real `jxc init --demo` + `jxc serve`, with a token.

Every operation of the served OpenAPI document gets generated requests (valid and invalid);
the run fails on any 5xx or any response that is not what the schema says. Usage:
`make fuzz` or `.venv/bin/python scripts/fuzz.py [--max-examples 30] [--database-url URL]`.
It prints schemathesis' summary and exits with its code (0: no failure)."""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=30)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server not ready at {url}")


def token(base: str) -> str:
    body = json.dumps({"username": "admin", "password": "admin123"}).encode()
    req = urllib.request.Request(
        f"{base}/api/v1/auth/token", body, {"Content-Type": "application/json"}
    )
    return json.load(urllib.request.urlopen(req, timeout=10))["token"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-examples", type=int, default=30)
    ap.add_argument(
        "--database-url", default=None, help="an empty PostgreSQL database instead of SQLite"
    )
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--phases", default=None, help="e.g. examples,fuzzing (default: all)")
    args = ap.parse_args()
    data = Path(tempfile.mkdtemp(prefix="jxc-fuzz-"))
    where = (
        ["--database-url", args.database_url] if args.database_url else ["--data-dir", str(data)]
    )
    env = {**os.environ, "OPENJXC_LANGUAGE": "zh-hans"}
    subprocess.run(
        [
            BIN / "jxc",
            "init",
            *where,
            "--admin-user",
            "admin",
            "--admin-password",
            "admin123",
            "--demo",
        ],
        check=True,
        env=env,
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [BIN / "jxc", "serve", *where, "--port", str(port)], env=env, start_new_session=True
    )
    try:
        wait_ready(f"{base}/api/v1/openapi.json")
        run = [
            sys.executable,
            Path(__file__).with_name("schemathesis_run.py"),
            "run",
            f"{base}/api/v1/openapi.json",
            "-H",
            f"Authorization: Bearer {token(base)}",
            "--max-examples",
            str(args.max_examples),
            "--workers",
            str(args.workers),
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--generation-allow-x00",
            "true",
            "--suppress-health-check",
            "all",
            "--seed",
            "20261129",
        ]
        if args.phases:
            run += ["--phases", args.phases]
        return subprocess.run(run).returncode
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
