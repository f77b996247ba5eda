"""The correction benchmark (`python -m bench --only correction`) runs in --quick mode on SQLite
and reports its figures; the books reconcile after the correction and its undo. No timing is
asserted: timings belong to the benchmark."""

import pytest

from tests.test_bench_smoke import positive, run_bench

pytestmark = pytest.mark.sqlite_subprocess  # own SQLite books: SQLite pass only


def test_quick_correction_bench_reports_every_figure(tmp_path):
    doc = run_bench(tmp_path, "--only", "correction")
    res = doc["results"]["sqlite"]["correction"]
    assert "error" not in res, res
    assert res["later_moves"] == 200 and res["preview_allowed"] is True
    assert positive(res["preview_s"]) and positive(res["approve_s"]) and positive(res["undo_s"])
    assert res["reconcile_ok"] is True and isinstance(res["met"], bool)
    assert doc["targets"]["correction_approve_s"] == 2.0
