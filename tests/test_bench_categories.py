"""The categories benchmark (`python -m bench --only categories`) runs in --quick mode on SQLite
and reports every figure docs/benchmarks.md quotes; the 进销存汇总表 with subtotals has the same
totals as without them. No timing is asserted: timings belong to the benchmark."""

import pytest

from tests.test_bench_smoke import positive, run_bench

pytestmark = pytest.mark.sqlite_subprocess  # own SQLite books: SQLite pass only


def test_quick_categories_bench_reports_every_figure(tmp_path):
    doc = run_bench(tmp_path, "--only", "categories")
    res = doc["results"]["sqlite"]["categories"]
    assert "error" not in res, res
    assert res["categories"] == 110 and positive(res["moves"]) and positive(res["period_moves"])
    assert res["summary_rows"] == res["by_category_rows"] == res["items"]
    assert res["by_category_subtotals"] == 110
    assert res["top_category_subtotals"] == 11
    assert res["top_category_rows"] == res["items"] // 10
    assert res["leaf_category_rows"] == res["items"] // 100
    assert res["totals_agree"] is True
    for key in ("summary_s", "by_category_s", "top_category_s", "leaf_category_s"):
        assert positive(res[key]) and len(res[f"{key}_runs"]) == 3, key
    assert isinstance(res["met"], bool)
    assert doc["targets"]["inventory_summary_by_category_s"] == 1.0
