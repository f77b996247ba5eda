"""The count_approve benchmark (`python -m bench --only count_approve`) runs in --quick mode on
SQLite and reports every figure docs/benchmarks.md quotes; the counts it approved hold in
reconcile. No timing is asserted: timings belong to the benchmark."""

import pytest

from tests.test_bench_smoke import positive, run_bench

pytestmark = pytest.mark.sqlite_subprocess  # own SQLite books: SQLite pass only


def test_quick_count_approve_bench_reports_every_figure(tmp_path):
    doc = run_bench(tmp_path, "--only", "count_approve")
    res = doc["results"]["sqlite"]["count_approve"]
    assert "error" not in res, res
    assert res["lines"] == 100 and res["count_moves"] == 3 * 100  # one move per line, 3 runs
    assert res["reconcile_problems"] == 0
    for key in ("fill_s", "sheets_s", "approve_s", "counts_check_s"):
        assert positive(res[key]), key
    assert len(res["approve_s_runs"]) == 3 and isinstance(res["met"], bool)
    assert doc["targets"]["count_approve_s"] == 5.0
