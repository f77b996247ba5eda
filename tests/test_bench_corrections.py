"""The correction benchmark (`python -m bench --only correction`) runs in --quick mode on SQLite
and reports its figures; the books reconcile after the correction and its undo. No timing is
asserted: timings belong to the benchmark."""

import pytest

from tests.test_bench_smoke import positive, run_bench

pytestmark = pytest.mark.sqlite_subprocess  # own SQLite books: SQLite pass only


def test_quick_correction_bench_reports_every_figure(tmp_path):
    doc = run_bench(tmp_path, "--only", "correction", "--runs", "2")
    res = doc["results"]["sqlite"]["correction"]
    assert "error" not in res, res
    assert res["later_moves"] == 200 and res["preview_allowed"] is True
    assert positive(res["preview_s"]) and positive(res["approve_s"]) and positive(res["undo_s"])
    # each run corrects the copy the last undo restored; each approve and undo took a backup
    assert len(res["approve_s_runs"]) == len(res["undo_s_runs"]) == 2
    assert len(res["backup_s_runs"]) == 4 and all(positive(b) for b in res["backup_s_runs"])
    assert res["approve_excl_backup_s"] < res["approve_s"]
    assert res["reconcile_ok"] is True and isinstance(res["met"], bool)
    assert doc["targets"]["correction_approve_s"] == 2.0
