"""Counters saving their sheets to one stock count at the same moment, from parallel database
connections (run it on PostgreSQL: OPENJXC_DATABASE_URL): the count's document row is locked
while a sheet is written, so every sheet counts and the lines hold the sum of all of them."""

import pytest

from openjxc.documents.selectors import document_dict, get_document
from openjxc.inventory.models import CountSheet
from openjxc.posting.counts import add_sheet
from tests.factories import doc
from tests.test_concurrency import run_parallel

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_sheets_on_one_count_all_count(user):
    # given 10 × A001 and 4 × A002 on the books, and a draft count of both
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00"), ("A002", 4, "3.00")])
    count = doc(user, "stock_count", "2026-03-05", [("A001", 0), ("A002", 0)], approve_it=False)
    # when 6 counters save a sheet at once, each counting 1 × A001 and 2 × A002
    sheet = [{"item": "A001", "qty": "1"}, {"item": "A002", "qty": "2"}]
    outcomes = run_parallel(
        lambda name: add_sheet(user, count, {"counter": name, "lines": sheet})["counter"],
        [(f"counter{n}",) for n in range(6)],
    )
    # then every sheet was saved and the count's lines add all of them up: 6 and 12
    assert sorted(o[1] for o in outcomes if o[0] == "ok") == [f"counter{n}" for n in range(6)]
    assert CountSheet.objects.filter(document__number=count).count() == 6
    lines = document_dict(get_document(count))["lines"]
    assert [(ln["item"], ln["qty"], ln["book_qty"], ln["difference"]) for ln in lines] == [
        ("A001", "6", "10", "-4"),
        ("A002", "12", "4", "8"),
    ]
    assert get_document(count).version == 7  # created at 1, one more per sheet
