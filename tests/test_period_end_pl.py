"""结转损益 at close: closing a period brings every profit-and-loss account to zero against 3103
本年利润 with a numbered voucher; closing December moves 3103 to 310401 未分配利润; reopening
appends the red copies, so every balance is what it was before the close, and closing again gives
the same figures."""

import pytest

from openjxc.closing.checks import reconcile
from openjxc.closing.models import AccountSnapshot, VoucherNumber
from openjxc.closing.services import close, reopen, reopen_impact
from openjxc.ledger import selectors as ledger
from openjxc.ledger.models import Account, Voucher

from .factories import doc, fetch

pytestmark = pytest.mark.usefixtures("backups_in_tmp")


def _closing_texts(kind=Voucher.CLOSING_TRANSFER, period=None):
    """(number, date, memo, 借/贷 text) of the vouchers of one closing kind."""
    ids = {vid for (vid,) in fetch("SELECT id FROM ledger_voucher WHERE kind = %s", [kind])}
    numbers = dict(VoucherNumber.objects.values_list("voucher_id", "number"))
    return [
        (numbers.get(v["id"]), v["date"], v["memo"], ledger.voucher_text(v))
        for v in ledger.journal()
        if v["id"] in ids and (period is None or v["date"].startswith(period))
    ]


def _balances(through="2026-12-31") -> dict[str, int]:
    """account code -> debit − credit of every line through a day (zeros left out)."""
    rows = fetch(
        "SELECT a.code, SUM(l.debit) - SUM(l.credit) FROM ledger_journalline l JOIN ledger_account a "
        "ON a.id = l.account_id WHERE l.date <= %s GROUP BY a.code",
        [through],
    )
    return {code: int(net) for code, net in rows if int(net)}


def _pl_balances(through: str) -> dict[str, int]:
    pl = set(Account.objects.filter(category="profit_loss").values_list("code", flat=True))
    return {c: n for c, n in _balances(through).items() if c in pl}


def _closing_columns(tb) -> list:
    return [(r["account"], r["closing_debit"], r["closing_credit"]) for r in tb["items"]]


def _january(user):
    doc(user, "purchase_receipt", "2026-01-05", [("A001", 10, "5.00")])
    doc(user, "sales_delivery", "2026-01-06", [("A001", 4, "9.00")])
    doc(user, "sales_return", "2026-01-08", [("A001", 1, "9.00")])


def test_close_transfers_profit_and_loss_to_3103_with_a_number(user):
    # given January: revenue 36.00 − a return of 9.00, cost 20.00 − 5.00
    _january(user)
    assert _pl_balances("2026-01-31") == {"5001": -2700, "5401": 1500}
    # when January closes
    result = close(user, "2026-01")
    # then one 结转损益 voucher dated the 31st, numbered after the documents' vouchers, brings
    # every P&L account to zero against 3103 (profit 12.00)
    assert result["closing_vouchers"] == 1 and result["vouchers"] == 4
    assert _closing_texts() == [
        (
            "记-0004",
            "2026-01-31",
            "结转损益",
            "借 5001 主营业务收入 27.00 / 贷 3103 本年利润 27.00 / "
            "借 3103 本年利润 15.00 / 贷 5401 主营业务成本 15.00",
        )
    ]
    assert _pl_balances("2026-01-31") == {}
    assert _balances("2026-01-31")["3103"] == -1200
    # and the snapshot is taken after the transfer: P&L zero, 3103 holding the profit
    snap = {
        s.account.code: s.debit - s.credit
        for s in AccountSnapshot.objects.select_related("account")
    }
    assert snap["3103"] == -1200 and snap.get("5001", 0) == 0 and snap.get("5401", 0) == 0
    assert reconcile()["ok"]


def test_second_period_transfers_only_its_own_movement(user):
    # given January closed, then a February sale of 2 at 10.00 (cost 10.00)
    _january(user)
    close(user, "2026-01")
    doc(user, "sales_delivery", "2026-02-03", [("A001", 2, "10.00")])
    # when February closes
    close(user, "2026-02")
    # then its voucher moves February's profit (20.00 − 10.00) and 3103 holds both months
    assert _closing_texts(period="2026-02") == [
        (
            "记-0002",
            "2026-02-28",
            "结转损益",
            "借 5001 主营业务收入 20.00 / 贷 3103 本年利润 20.00 / "
            "借 3103 本年利润 10.00 / 贷 5401 主营业务成本 10.00",
        )
    ]
    assert _balances("2026-02-28")["3103"] == -2200
    assert _pl_balances("2026-02-28") == {}
    # a month without profit or loss closes with no transfer voucher
    assert close(user, "2026-03")["closing_vouchers"] == 0
    assert reconcile()["ok"]


def test_reopen_restores_balances_and_close_again_gives_the_same_figures(user):
    # given January with its documents, the balances before any close
    _january(user)
    before = _balances()
    tb_before = ledger.trial_balance("2026-01")
    close(user, "2026-01")
    closed_snapshot = sorted(AccountSnapshot.objects.values_list("account_id", "debit", "credit"))
    first = _closing_texts()
    # when January is reopened: the impact names the voucher it cancels
    assert reopen_impact(user, "2026-01")["removes"]["closing_vouchers_cancelled"] == 1
    reopen(user, "2026-01", "a late invoice")
    # then a red copy dated like the transfer is appended (kind closing_cancellation) …
    assert [t[1:] for t in _closing_texts(Voucher.CLOSING_CANCELLATION)] == [
        (
            "2026-01-31",
            "反结账 撤销 结转损益",
            "借 5001 主营业务收入 -27.00 / 贷 3103 本年利润 -27.00 / "
            "借 3103 本年利润 -15.00 / 贷 5401 主营业务成本 -15.00",
        )
    ]
    # … and every account balance and the trial balance's closing figures are as before
    assert _balances() == before
    tb_after = ledger.trial_balance("2026-01")
    assert _closing_columns(tb_after) == _closing_columns(tb_before)
    assert AccountSnapshot.objects.count() == 0 and VoucherNumber.objects.count() == 0
    assert reconcile()["ok"]
    # when closed again, the same transfer and the same snapshot figures
    close(user, "2026-01")
    again = _closing_texts()
    assert [t[1:] for t in again] == [t[1:] for t in first] * 2  # the first, cancelled, and now
    assert again[-1][0] == "记-0006"  # numbered after the first transfer and its red copy
    assert sorted(AccountSnapshot.objects.values_list("account_id", "debit", "credit")) == (
        closed_snapshot
    )
    assert _pl_balances("2026-01-31") == {} and _balances()["3103"] == -1200
    # reopening twice cancels only the live transfer
    reopen(user, "2026-01", "again")
    assert len(_closing_texts(Voucher.CLOSING_CANCELLATION)) == 2
    assert _balances() == before
    assert reconcile()["ok"]


def test_december_close_moves_3103_to_undistributed_profit(user):
    # given a sale in January and one in December, every month closed up to November
    _january(user)
    doc(user, "sales_delivery", "2026-12-10", [("A001", 1, "30.00")])
    for month in range(1, 12):
        close(user, f"2026-{month:02d}")
    assert _balances("2026-11-30")["3103"] == -1200
    assert "310401" not in _balances("2026-11-30")
    # when December closes
    close(user, "2026-12")
    # then its 结转损益 voucher is followed by 3103 → 310401 (the year's profit 12.00 + 25.00)
    assert [t[1:] for t in _closing_texts(period="2026-12")] == [
        (
            "2026-12-31",
            "结转损益",
            "借 5001 主营业务收入 30.00 / 贷 3103 本年利润 30.00 / "
            "借 3103 本年利润 5.00 / 贷 5401 主营业务成本 5.00",
        )
    ]
    year_end = _closing_texts(Voucher.YEAR_END_TRANSFER)
    assert [t[1:] for t in year_end] == [
        ("2026-12-31", "结转本年利润", "借 3103 本年利润 37.00 / 贷 310401 未分配利润 37.00")
    ]
    assert year_end[0][0] is not None  # numbered like every voucher of the period
    balances = _balances("2026-12-31")
    assert "3103" not in balances and balances["310401"] == -3700
    assert _pl_balances("2026-12-31") == {}
    # and reopening December takes both back
    reopen(user, "2026-12", "audit adjustment")
    assert _balances("2026-12-31")["3103"] == -1200 and "310401" not in _balances()
    assert reconcile()["ok"]
