"""The material requirements benchmark (`python -m bench --only material_requirements`) runs in
--quick mode on SQLite and reports every figure docs/benchmarks.md quotes. No timing is asserted:
timings belong to the benchmark."""

import pytest

from tests.test_bench_smoke import positive, run_bench

pytestmark = pytest.mark.sqlite_subprocess  # own SQLite books: SQLite pass only


def test_quick_material_requirements_bench_reports_every_figure(tmp_path):
    doc = run_bench(tmp_path, "--only", "material_requirements")
    res = doc["results"]["sqlite"]["material_requirements"]
    assert "error" not in res, res
    assert res["orders"] == 20 and res["chosen_orders"] == 20
    assert res["components"] == 50 and res["levels"] == 4  # finished items and 3 below
    assert 5 < res["rows"] <= 55 and positive(res["short_rows"])  # the parts some BOM uses
    for key in ("all_orders_s", "chosen_orders_s"):
        assert positive(res[key]) and len(res[f"{key}_runs"]) == 3, key
    assert isinstance(res["met"], bool)
    assert doc["targets"]["material_requirements_s"] == 1.0
