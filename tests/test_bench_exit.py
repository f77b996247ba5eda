"""The exit benchmark (`python -m bench --only exit`) runs in --quick mode on SQLite and reports
its figures: the export and the import of the generated book, the digest equal after the import.
No timing is asserted: timings belong to the benchmark."""

import pytest

from tests.test_bench_smoke import positive, run_bench

pytestmark = pytest.mark.sqlite_subprocess  # own SQLite books: SQLite pass only


def test_quick_exit_bench_reports_every_figure(tmp_path):
    doc = run_bench(tmp_path, "--only", "exit")
    res = doc["results"]["sqlite"]["exit"]
    assert "error" not in res, res
    assert positive(res["moves"]) and positive(res["rows"]) and res["tables"] > 40
    assert positive(res["export_s"]) and positive(res["import_into_sqlite_s"])
    assert res["digest_equal"] is True and isinstance(res["met"], bool)
    assert doc["targets"]["exit_export_s"] == 60.0
