"""Code that needs one particular document type (the demo data) names it by what it is and asks
the registry; an ambiguous or empty description fails loudly instead of picking one."""

import pytest

from openjxc import demo
from openjxc.documents.types import TYPES, the_type


def test_given_the_demo_when_it_names_its_types_then_the_registry_answers_the_expected_codes():
    # given the demo's descriptions, when they are resolved, then each is the intended type
    assert (demo.RECEIPT, demo.DELIVERY, demo.RETURN) == (
        "purchase_receipt",
        "sales_delivery",
        "sales_return",
    )
    assert (demo.TRANSFER, demo.COUNT, demo.ISSUE) == ("transfer", "stock_count", "other_out")
    assert TYPES[demo.ISSUE].prefix == "QTCK"


def test_given_a_description_matching_several_or_no_types_then_the_lookup_refuses():
    # when several types fit, then it names them rather than choosing
    with pytest.raises(LookupError, match="sales_delivery"):
        the_type(side="sales", kind="stock")
    # when none fits, then it says so
    with pytest.raises(LookupError, match="0 document types"):
        the_type(kind="nothing")
