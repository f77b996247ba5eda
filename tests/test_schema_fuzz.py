"""Schema-driven fuzzing, bounded (issue 10, item 5): schemathesis against a real `jxc serve` of
the demo books finds no 5xx and no response that breaks its declared schema. The longer manual
run is `make fuzz` (scripts/fuzz.py with every phase)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.sqlite_subprocess  # own SQLite books: SQLite pass only

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "fuzz.py"


def test_fuzzing_the_served_schema_finds_no_server_error_and_no_schema_violation(tmp_path):
    # given: the demo books served by `jxc serve` on SQLite (never the test run's own database)
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENJXC_DATABASE")}
    env["TMPDIR"] = str(tmp_path)
    # when: every operation gets a few generated requests, valid and invalid
    run = subprocess.run(
        [sys.executable, SCRIPT, "--max-examples", "2", "--phases", "examples,fuzzing"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    # then: not_a_server_error and response_schema_conformance hold everywhere
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "60/60" in run.stdout or "Tested:" in run.stdout
