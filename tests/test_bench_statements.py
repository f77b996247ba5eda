"""The statements benchmark (`python -m bench --only statements`) runs in --quick mode on SQLite
and reports every figure docs/benchmarks.md quotes: the three reports on all-open books, on a
closed and on the open month, each close, and the year's profit ending in 310401. No timing is
asserted: timings belong to the benchmark."""

from decimal import Decimal

import pytest

from tests.test_bench_smoke import positive, run_bench

pytestmark = pytest.mark.sqlite_subprocess  # own SQLite books: SQLite pass only


def test_quick_statements_bench_reports_every_figure(tmp_path):
    doc = run_bench(tmp_path, "--only", "statements")
    res = doc["results"]["sqlite"]["statements"]
    assert "error" not in res, res
    assert positive(res["journal_lines"]) and positive(res["vouchers"])
    for report in ("income_statement", "balance_sheet", "trial_balance"):
        for label in ("all_open", "closed", "open"):
            key = f"{report}_{label}_s"
            assert positive(res[key]) and len(res[f"{key}_runs"]) == 3, key
    assert res["balanced_all_open"] and res["balanced_closed"] and res["balanced_open"]
    assert len(res["close_11_months_s"]) == 11 and positive(res["close_december_s"])
    assert res["december_closing_vouchers"] == 2  # 结转损益 and 3103 → 310401
    assert Decimal(res["year_net_profit"]) * 100 == res["undistributed_profit"]
    assert isinstance(res["met"], bool)
    assert doc["targets"]["statement_report_s"] == 1.0
