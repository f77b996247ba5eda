"""The reorder benchmark (`python -m bench --only reorder`) runs in --quick mode on SQLite and
reports every figure: every item with a limit is listed, the drafted orders cover all of them
in orders of at most 1,000 lines. No timing is asserted: timings belong to the benchmark."""

import pytest

from tests.test_bench_smoke import positive, run_bench

pytestmark = pytest.mark.sqlite_subprocess  # own SQLite books: SQLite pass only


def test_quick_reorder_bench_reports_every_figure(tmp_path):
    doc = run_bench(tmp_path, "--only", "reorder")
    res = doc["results"]["sqlite"]["reorder"]
    assert "error" not in res, res
    assert res["limits"] == res["rows"] == res["items"]  # every item listed
    assert positive(res["with_sales_30"]) and res["with_sales_90"] >= res["with_sales_30"]
    assert res["order_lines"] + res["skipped"] == res["rows"]
    least = -(-res["order_lines"] // 1000)  # one supplier, two warehouses
    assert least <= res["orders"] <= least + 1
    for key in ("report_30_s", "report_90_s"):
        assert positive(res[key]) and len(res[f"{key}_runs"]) == 3, key
    assert isinstance(res["met"], bool)
    assert doc["targets"]["reorder_s"] == 1.0
