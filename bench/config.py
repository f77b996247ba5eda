"""What the benchmark runs and at which sizes: the benchmarks, the backends, the targets, the
full and quick sizes, the go-live date of every benchmark's books."""

import datetime as dt
import os
import sys
import time

BENCHMARKS = (
    "approve",
    "cancel",
    "stock",
    "close",
    "orders",
    "http",
    "imports",
    "categories",
    "statements",
    "count_approve",
    "fifo",
    "monthly",
    "backups",
    "material_requirements",
    "reorder",
    "exit",
    "correction",
)
BACKENDS = ("sqlite", "pg")
TARGETS = {
    "approve_docs_per_s": {"sqlite": 500, "postgresql": 250},
    "cancel_first_receipt_s": 2.0,
    "stock_rows_s": 1.0,
    "close_excl_backup_s": 5.0,
    "inventory_summary_s": 1.0,
    "inventory_summary_peak_mb": 300,
    "inventory_summary_by_category_s": 1.0,  # issue 11: 10,000 items, 1,000,000 moves
    "reopen_excl_backup_s": 1.0,
    # issue 12: 利润表, 资产负债表 and 科目余额表 of a year of 1,000,000 journal lines
    "statement_report_s": 1.0,
    # issue 13: the 补货建议 report of 10,000 items with limits over 1,000,000 moves
    "reorder_s": 1.0,
    "cancel_chain_ms": 100,
    "count_approve_s": 5.0,  # issue 13: approve a 20,000-line stock count
    # issue 13: costing methods
    "fifo_backdated_s": 2.0,
    "monthly_close_s": 5.0,
    # issue 13: 物料需求 of 1,000 open sales orders over a 3-level BOM of 50 components
    "material_requirements_s": 1.0,
    "aging_s": 1.0,
    # the Excel import of 10,000 items × 3 units and 5,000 customers (issue 11), parse + check +
    # write, seconds; the target is SQLite's
    "import_s": 30.0,
    # issue 14: the PostgreSQL backup (pg_dump -Fc) of a book of 1,000,000 moves, seconds
    "backup_pg_dump_s": 30.0,
    # issue 14: jxc export and jxc import of a book of 1,000,000 moves, seconds each (SQLite)
    "exit_export_s": 60.0,
    "exit_import_s": 60.0,
    # issue 14: approve a 红冲蓝补 of a delivery with 100,000 later moves of its item (backup apart)
    "correction_approve_s": 2.0,
    # approvals through `jxc serve`, by number of concurrent clients (issue 10)
    "http_approve_docs_per_s": {
        "sqlite": {"1": 250, "20": 400},
        "postgresql": {"20": 300},
    },
}
# The HTTP benchmark's sizes, the same on both backends: drafts approved per run with 1 and with
# 20 clients, and plain GETs timed with 1 client.
HTTP_FULL = {"http_docs_1": 200, "http_docs_20": 400, "http_gets": 300, "http_items": 200}
HTTP_QUICK = {"http_docs_1": 5, "http_docs_20": 20, "http_gets": 10, "http_items": 10}
# Issue 13's costing methods: later moves of the FIFO item; the monthly-average month
COSTING_FULL = {"fifo_moves": 100_000, "monthly_items": 10_000, "monthly_moves": 100_000}
COSTING_QUICK = {"fifo_moves": 500, "monthly_items": 50, "monthly_moves": 1000}
# Issue 14's correction: later moves of the corrected delivery's item (in COSTING_* to reach
# both backends' sizes)
COSTING_FULL["correction_moves"] = 100_000
COSTING_QUICK["correction_moves"] = 200
# The master-data import (issue 11): items (each with 3 units) and customers per file.
IMPORTS_FULL = {"import_items": 10_000, "import_customers": 5000}
IMPORTS_QUICK = {"import_items": 40, "import_customers": 20}
FULL = {
    "sqlite": {
        "approve_docs": 2000,
        "cancel_moves": 100_000,
        "stock_items": 10_000,
        "stock_moves": 1_000_000,
        "close_items": 10_000,
        "close_history_moves": 1_000_000,
        "orders": 10_000,
        "aging_customers": 5000,
        "aging_items": 200_000,
        "category_items": 10_000,
        "category_moves": 1_000_000,
        "statement_lines": 1_000_000,
        "count_lines": 20_000,
        "count_history_moves": 200_000,
        **COSTING_FULL,
        "backup_items": 10_000,
        "backup_moves": 1_000_000,
        "mrp_orders": 1000,
        **HTTP_FULL,
        **IMPORTS_FULL,
    },
    "postgresql": {
        "approve_docs": 1000,
        "cancel_moves": 100_000,
        "stock_items": 10_000,
        "stock_moves": 1_000_000,
        "close_items": 10_000,
        "close_history_moves": 1_000_000,
        "close_backup": 0,  # the JSON export of 1,000,000 moves takes many minutes: stubbed
        "orders": 2000,
        "aging_customers": 5000,
        "aging_items": 200_000,
        "category_items": 10_000,
        "category_moves": 1_000_000,
        "statement_lines": 1_000_000,
        "count_lines": 20_000,
        "count_history_moves": 200_000,
        **COSTING_FULL,
        "backup_items": 10_000,
        "backup_moves": 1_000_000,
        "mrp_orders": 1000,
        **HTTP_FULL,
        **IMPORTS_FULL,
    },
}
QUICK = {
    "sqlite": {"approve_docs": 20, "cancel_moves": 60, "stock_items": 50, "stock_moves": 1000},
    "postgresql": {"approve_docs": 20, "cancel_moves": 60, "stock_items": 50, "stock_moves": 1000},
}
QUICK_SETTLEMENT = {
    "close_items": 50,
    "close_history_moves": 2000,
    "orders": 5,
    "aging_customers": 50,
    "aging_items": 1000,
    "category_items": 200,
    "category_moves": 2000,
    "statement_lines": 2000,
    "count_lines": 100,
    "count_history_moves": 1000,
    "backup_items": 50,
    "backup_moves": 2000,
    "mrp_orders": 20,
}
for _quick in QUICK.values():
    _quick.update(QUICK_SETTLEMENT, **HTTP_QUICK, **IMPORTS_QUICK, **COSTING_QUICK)
START = dt.date(2025, 1, 1)  # go-live date of every benchmark's books
# The scratch PostgreSQL database, one per run: two runs at once must not drop each other's.
PG_DB = os.environ.get("OPENJXC_BENCH_PG_DB") or f"openjxc_bench_{os.getpid()}"


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)
