"""Stock counts (盘点) state a quantity: gain and loss vouchers, the book quantity of their date,
and counts that stay true when back-dated history changes under them (re-stated, refused if
stock would go negative, taken back whole on cancel or reversal, caught by reconcile)."""

from .factories import (
    account,
    cancel,
    doc,
    moves,
    reconciled,
    status,
    stock,
    trial_balance,
    vouchers_of,
)


def test_stock_count_gain_and_loss(api, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.50")])
    gain = doc(user, "stock_count", "2026-03-02", [("A001", 12)])
    assert vouchers_of(gain) == [
        "借 1405 库存商品 11.00 / 贷 1901 待处理财产损溢 11.00"
    ]  # 2 at 5.50
    assert stock(api) == ("12", "5.500000", "66.00")
    loss = doc(user, "stock_count", "2026-03-03", [("A001", 7)])
    assert vouchers_of(loss) == ["借 1901 待处理财产损溢 27.50 / 贷 1405 库存商品 27.50"]
    assert stock(api) == ("7", "5.500000", "38.50")
    same = doc(user, "stock_count", "2026-03-04", [("A001", 7)])
    assert vouchers_of(same) == [] and status(api, same) == "approved"
    assert api.get(f"/documents/{same}").json()["lines"][0]["qty"] == "7"  # the counted quantity
    # one count with a loss on A001 (all of it) and a gain on A002 (none on the books, priced 3.00)
    both = doc(
        user,
        "stock_count",
        "2026-03-05",
        [("A001", 0), {"item": "A002", "qty": "5", "price": "3.00"}],
    )
    assert vouchers_of(both) == [
        "借 1405 库存商品 15.00 / 贷 1901 待处理财产损溢 15.00 / "
        "借 1901 待处理财产损溢 38.50 / 贷 1405 库存商品 38.50"
    ]
    assert stock(api) == ("0", None, "0.00")
    assert stock(api, "A002") == ("5", "3.000000", "15.00")
    assert [(m[1], m[3], m[4], m[5], m[6]) for m in moves(api)][1:] == [
        (gain, "2", "11.00", "12", "66.00"),
        (loss, "-5", "-27.50", "7", "38.50"),
        (both, "-7", "-38.50", "0", "0.00"),
    ]
    assert stock(api, day="2026-03-03") == ("7", "5.500000", "38.50")
    tb = trial_balance(api)
    assert account(tb, "1901") == ("66.00", "26.00", "40.00", "0.00")
    reconciled(api)


def test_back_dated_stock_count_uses_the_book_quantity_of_its_date(api, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    doc(user, "purchase_receipt", "2026-03-05", [("A001", 10, "7.00")])
    count = doc(user, "stock_count", "2026-03-03", [("A001", 8)])  # book on 3-03: 10
    assert vouchers_of(count) == ["借 1901 待处理财产损溢 10.00 / 贷 1405 库存商品 10.00"]
    assert stock(api, day="2026-03-03") == ("8", "5.000000", "40.00")
    assert stock(api) == ("18", "6.111111", "110.00")
    reconciled(api)


def test_count_is_re_stated_at_the_average_when_an_earlier_receipt_is_cancelled(api, user):
    r1 = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "4.00")])
    doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "6.00")])
    gain = doc(user, "stock_count", "2026-03-03", [("A001", 22)])  # +2 at 5.00
    assert vouchers_of(gain) == ["借 1405 库存商品 10.00 / 贷 1901 待处理财产损溢 10.00"]
    cancel(user, r1, "录错了")
    # the count still states 22 (issue 9): it now finds 12, all at 6.00
    assert stock(api) == ("22", "6.000000", "132.00")
    assert vouchers_of(r1)[2:] == ["借 1405 库存商品 62.00 / 贷 1901 待处理财产损溢 62.00"]
    assert moves(api)[-1] == ("2026-03-03", gain, "adjustment", "10", "62.00", "22", "132.00", r1)
    reconciled(api)
