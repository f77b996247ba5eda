"""The backups benchmark runs end to end in --quick mode on SQLite and reports its figures (the
backup's time and size, and one verification that passed). No timing is asserted."""

import pytest

from .test_bench_smoke import positive, run_bench

pytestmark = pytest.mark.sqlite_subprocess


def test_quick_backups_bench_reports_its_figures(tmp_path):
    doc = run_bench(tmp_path, "--only", "backups")
    res = doc["results"]["sqlite"]["backups"]
    assert "error" not in res, res
    assert res["moves"] > 0 and res["format"] == "sqlite"
    assert (
        positive(res["backup_s"]) and positive(res["backup_mb"]) and len(res["backup_s_runs"]) == 3
    )
    assert res["verified"] is True and res["verify_error"] is None and positive(res["verify_s"])
