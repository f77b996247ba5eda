"""The costing benchmarks (`python -m bench --only fifo,monthly`) run in --quick mode on SQLite
and report the figures docs/benchmarks.md quotes: the back-dated receipt of a FIFO item and the
monthly-average close. No timing is asserted: timings belong to the benchmark."""

import pytest

from tests.test_bench_smoke import positive, run_bench

pytestmark = pytest.mark.sqlite_subprocess  # own SQLite books: SQLite pass only


def test_quick_costing_bench_reports_every_figure(tmp_path):
    doc = run_bench(tmp_path, "--only", "fifo,monthly")
    fifo = doc["results"]["sqlite"]["fifo"]
    assert "error" not in fifo, fifo
    assert positive(fifo["later_moves"]) and positive(fifo["backdated_receipt_s"])
    assert positive(fifo["adjusted_moves"]) and positive(fifo["cancel_s"])
    assert isinstance(fifo["met"], bool)
    monthly = doc["results"]["sqlite"]["monthly"]
    assert "error" not in monthly, monthly
    assert positive(monthly["period_moves"]) and positive(monthly["adjusted_moves"])
    assert positive(monthly["close_excl_backup_s"]) and positive(monthly["monthly_share_s"])
    assert positive(monthly["reopen_s"]) and isinstance(monthly["met"], bool)
    assert doc["targets"]["fifo_backdated_s"] == 2.0 and doc["targets"]["monthly_close_s"] == 5.0
