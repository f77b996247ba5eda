"""利润表 (会小企02表) and 资产负债表 (会小企01表) of 小企业会计准则, from account balances.

Balances come from the latest closed period's AccountSnapshot plus the journal lines since
(ledger/balances.py), so a report reads at most one period of lines. An account counts in the line of
its top-level account (sub-accounts roll up by the parent chain). The 利润表 leaves out the
结转损益 vouchers and their reopen cancellations (Voucher.CLOSING_KINDS): it is the same before
and after a close. The line numbers and names are those of the official forms (the 其中 rows
whose accounts this chart lacks are left out)."""

import datetime as dt

from django.db import connection

from openjxc.core.numbers import fen_str
from openjxc.core.services import start_date
from openjxc.documents.types import TYPES
from openjxc.ledger import chart as A
from openjxc.ledger.balances import add, balances_through, latest_snapshot, movement
from openjxc.ledger.models import Account, Period, Voucher
from openjxc.ledger.periods import get_period

# (line, name, sign, top-level account codes): sign +1 a credit line (income), -1 a debit line
INCOME_LINES = [
    (1, "一、营业收入", 1, ("5001", "5051")),
    (2, "减：营业成本", -1, ("5401", "5402")),
    (3, "税金及附加", -1, ("5403",)),
    (11, "销售费用", -1, ("5601",)),
    (14, "管理费用", -1, ("5602",)),
    (18, "财务费用", -1, ("5603",)),
    (20, "加：投资收益（损失以“-”号填列）", 1, ("5111",)),
    (22, "加：营业外收入", 1, ("5301",)),
    (24, "减：营业外支出", -1, ("5711",)),
    (31, "减：所得税费用", -1, ("5801",)),
]
# (line, name, the lines it adds up with their signs)
INCOME_TOTALS = {
    21: (
        "二、营业利润（亏损以“-”号填列）",
        ((1, 1), (2, -1), (3, -1), (11, -1), (14, -1), (18, -1), (20, 1)),
    ),
    30: ("三、利润总额（亏损总额以“-”号填列）", ((21, 1), (22, 1), (24, -1))),
    32: ("四、净利润（净亏损以“-”号填列）", ((30, 1), (31, -1))),
}
INCOME_ORDER = (1, 2, 3, 11, 14, 18, 20, 21, 22, 24, 30, 31, 32)

# 资产负债表: (line, name, accounts): assets are debit − credit, the rest credit − debit; an
# account prefixed "-" is shown by its credit balance (减：累计折旧). Totals below.
ASSET_LINES = [
    (1, "货币资金", ("1001", "1002", "1012")),
    (2, "短期投资", ("1101",)),
    (3, "应收票据", ("1121",)),
    (4, "应收账款", ("1122",)),
    (5, "预付账款", ("1123",)),
    (6, "应收股利", ("1131",)),
    (7, "应收利息", ("1132",)),
    (8, "其他应收款", ("1221",)),
    (9, "存货", ("1401", "1402", "1403", "1404", "1405", "1407", "1408", "1411", "1421", "4001")),
    (10, "其中：原材料", ("1403",)),
    (12, "库存商品", ("1405",)),
    (13, "周转材料", ("1411",)),
    (14, "其他流动资产", ("1901",)),
    (16, "长期债券投资", ("1501",)),
    (17, "长期股权投资", ("1511",)),
    (18, "固定资产原价", ("1601",)),
    (19, "减：累计折旧", ("-1602",)),
    (21, "在建工程", ("1604",)),
    (22, "工程物资", ("1605",)),
    (23, "固定资产清理", ("1606",)),
    (25, "无形资产", ("1701", "1702")),  # 1702 累计摊销 has a credit balance
    (27, "长期待摊费用", ("1801",)),
    (28, "其他非流动资产", ()),
]
LIABILITY_LINES = [
    (31, "短期借款", ("2001",)),
    (32, "应付票据", ("2201",)),
    (33, "应付账款", ("2202",)),
    (34, "预收账款", ("2203",)),
    (35, "应付职工薪酬", ("2211",)),
    (36, "应交税费", ("2221",)),
    (37, "应付利息", ("2231",)),
    (38, "应付利润", ("2232",)),
    (39, "其他应付款", ("2241",)),
    (40, "其他流动负债", ()),
    (42, "长期借款", ("2501",)),
    (43, "长期应付款", ("2701",)),
    (44, "递延收益", ("2401",)),
    (45, "其他非流动负债", ()),
]
EQUITY_LINES = [
    (48, "实收资本（或股本）", ("3001",)),
    (49, "资本公积", ("3002",)),
    (50, "盈余公积", ("3101",)),
    (51, "未分配利润", ("3103", "3104")),  # + the profit-and-loss accounts not yet transferred
]
SUB_LINES = {10, 12, 13, 19}  # 其中 / 减 rows: shown, not added into the totals
SHEET_TOTALS = {
    15: ("流动资产合计", (1, 2, 3, 4, 5, 6, 7, 8, 9, 14)),
    20: ("固定资产账面价值", (18, -19)),
    29: ("非流动资产合计", (16, 17, 20, 21, 22, 23, 25, 27, 28)),
    30: ("资产总计", (15, 29)),
    41: ("流动负债合计", (31, 32, 33, 34, 35, 36, 37, 38, 39, 40)),
    46: ("非流动负债合计", (42, 43, 44, 45)),
    47: ("负债合计", (41, 46)),
    52: ("所有者权益（或股东权益）合计", (48, 49, 50, 51, 0)),  # 0: 3999 while it holds a balance
    53: ("负债和所有者权益（或股东权益）总计", (47, 52)),
}
ASSET_ORDER = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23)
ASSET_ORDER += (25, 27, 28, 29, 30)
LIABILITY_ORDER = (31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47)
EQUITY_ORDER = (48, 49, 50, 51, 0, 52, 53)
OPENING_DIFF_NAME = "期初余额差额（期初余额尚未平衡）"


def _rows(sql: str, args: list) -> list:
    with connection.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchall()


def _roots() -> tuple[dict[int, str], dict[str, str]]:
    """account id -> code of its top-level account; top-level code -> category."""
    accounts = {a.id: a for a in Account.objects.all()}
    roots = {}
    for aid, a in accounts.items():
        top = a
        while top.parent_id:
            top = accounts[top.parent_id]
        roots[aid] = top.code
    return roots, {a.code: a.category for a in accounts.values() if not a.parent_id}


def _nets(sums: dict[int, tuple[int, int]]) -> dict[int, int]:
    return {a: d - c for a, (d, c) in sums.items()}


def _closing_vouchers(date_from: dt.date, date_to: dt.date) -> dict[int, int]:
    """account id -> net of the 结转损益 vouchers and their cancellations dated in the range.
    They are dated on period ends, so only those days' vouchers are read (index on date)."""
    ends = list(
        Period.objects.filter(end__gte=date_from, end__lte=date_to).values_list("end", flat=True)
    )
    if not ends:
        return {}
    kinds = ", ".join(["%s"] * len(Voucher.CLOSING_KINDS))
    rows = _rows(
        "SELECT l.account_id, SUM(l.debit) - SUM(l.credit) FROM ledger_voucher v "
        f"JOIN ledger_journalline l ON l.voucher_id = v.id WHERE v.kind IN ({kinds}) "
        f"AND v.date IN ({', '.join(['%s'] * len(ends))}) GROUP BY l.account_id",
        [*Voucher.CLOSING_KINDS, *ends],
    )
    return {a: int(n) for a, n in rows}


def _by_root(nets: dict[int, int], roots: dict[int, str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for account, net in nets.items():
        out[roots[account]] = out.get(roots[account], 0) + net
    return out


def _minus(a: dict, *others: dict) -> dict:
    out = dict(a)
    for other in others:
        for k, v in other.items():
            out[k] = out.get(k, 0) - v
    return out


def year_start(period) -> dt.date:
    return dt.date(period.start.year, 1, 1)


def _pl_movement(nets: dict[int, int], date_from: dt.date, date_to: dt.date, roots):
    """Top-level code -> debit − credit of the lines dated in the range (`nets`), the closing
    vouchers left out."""
    return _by_root(_minus(nets, _closing_vouchers(date_from, date_to)), roots)


def _income_column(by_root: dict[str, int]) -> dict[int, int]:
    values = {
        line: sign * -sum(by_root.get(code, 0) for code in codes)
        for line, _n, sign, codes in INCOME_LINES
    }
    # sign * -(debit − credit): income lines are credit − debit, expense lines debit − credit
    for line in (21, 30, 32):
        values[line] = sum(s * values[ref] for ref, s in INCOME_TOTALS[line][1])
    return values


def income_statement(name: str) -> dict:
    """GET /reports/income-statement?period=: this period and the year to its end."""
    period = get_period(name)
    roots, _cats = _roots()
    start = year_start(period)
    month = movement(period.start, period.end)
    this = _income_column(_pl_movement(_nets(month), period.start, period.end, roots))
    snap_end, snap = latest_snapshot(period.end)
    if snap_end is not None and snap_end == period.start - dt.timedelta(days=1):
        through_end = add(snap, month)  # the previous period's close plus this one: no re-read
    else:
        through_end = balances_through(period.end)
    year = _minus(_nets(through_end), _nets(balances_through(start - dt.timedelta(days=1))))
    ytd = _income_column(_pl_movement(year, start, period.end, roots))
    names = {line: n for line, n, _s, _c in INCOME_LINES}
    names.update({line: n for line, (n, _refs) in INCOME_TOTALS.items()})
    items = [
        {
            "line": line,
            "name": names[line],
            "total": line in INCOME_TOTALS,
            "this_period": fen_str(this[line]),
            "year_to_date": fen_str(ytd[line]),
        }
        for line in INCOME_ORDER
    ]
    return {
        "period": period.name,
        "from": str(period.start),
        "to": str(period.end),
        "year_from": str(start),
        "items": items,
        "count": len(items),
        "net_profit": {"this_period": fen_str(this[32]), "year_to_date": fen_str(ytd[32])},
    }


def _opening_documents(date_from: dt.date, date_to: dt.date) -> dict[int, int]:
    """account id -> net of the opening documents' vouchers (期初, at the go-live date) when the
    go-live date lies in the range: the opening column of the first year starts from them."""
    go_live = start_date()
    if go_live is None or not date_from <= go_live <= date_to:
        return {}
    types = [c for c, t in TYPES.items() if t.opening]
    rows = _rows(  # from the opening documents to their vouchers' lines (indexed)
        "SELECT account_id, SUM(debit) - SUM(credit) FROM ledger_journalline WHERE voucher_id IN "
        "(SELECT v.id FROM documents_document d JOIN ledger_voucher v ON v.document_id = d.id "
        f"WHERE d.type IN ({', '.join(['%s'] * len(types))})) GROUP BY account_id",
        types,
    )
    return {a: int(n) for a, n in rows}


def _sheet_column(by_root: dict[str, int], categories: dict[str, str]) -> dict[int, int]:
    """Line -> amount of one column; line 0 is 3999 期初余额差额."""
    mapped = {}
    for line, _n, codes in ASSET_LINES + LIABILITY_LINES + EQUITY_LINES:
        for code in codes:
            mapped.setdefault(code.lstrip("-"), line)
    values: dict[int, int] = {}
    for line, _n, codes in ASSET_LINES:
        values[line] = sum(
            -by_root.get(c[1:], 0) if c.startswith("-") else by_root.get(c, 0) for c in codes
        )
    for line, _n, codes in LIABILITY_LINES + EQUITY_LINES:
        values[line] = -sum(by_root.get(c, 0) for c in codes)
    values[0] = -by_root.get(A.OPENING_DIFF, 0)
    for code, net in by_root.items():  # accounts no line names: P&L before 结转, new top levels
        if code in mapped or code == A.OPENING_DIFF or not net:
            continue
        category = categories.get(code)
        if category == "profit_loss":
            values[51] -= net
        elif category in ("asset", "cost"):
            values[14 if category == "asset" else 9] += net
        elif category == "liability":
            values[40] -= net
        else:
            values[0] -= net
    for line, (_name, refs) in SHEET_TOTALS.items():
        values[line] = sum(values[abs(r)] * (1 if r >= 0 else -1) for r in refs)
    return values


def balance_sheet(name: str) -> dict:
    """GET /reports/balance-sheet?period=: year-start and period-end columns, balanced when
    assets = liabilities + equity."""
    period = get_period(name)
    roots, categories = _roots()
    start = year_start(period)
    opening_nets = _nets(balances_through(start - dt.timedelta(days=1)))
    for account, net in _opening_documents(start, period.end).items():
        opening_nets[account] = opening_nets.get(account, 0) + net
    opening = _sheet_column(_by_root(opening_nets, roots), categories)
    closing = _sheet_column(_by_root(_nets(balances_through(period.end)), roots), categories)
    names = {line: n for line, n, _c in ASSET_LINES + LIABILITY_LINES + EQUITY_LINES}
    names.update({line: n for line, (n, _refs) in SHEET_TOTALS.items()})
    names[0] = OPENING_DIFF_NAME

    def section(order):
        return [
            {
                "line": line or None,
                "name": names[line],
                "total": line in SHEET_TOTALS,
                "sub": line in SUB_LINES,
                "opening": fen_str(opening[line]),
                "closing": fen_str(closing[line]),
            }
            for line in order
            if line or opening[0] or closing[0]
        ]

    assets, liabilities = section(ASSET_ORDER), section(LIABILITY_ORDER + EQUITY_ORDER)
    return {
        "period": period.name,
        "year_from": str(start),
        "to": str(period.end),
        "assets": assets,
        "liabilities_and_equity": liabilities,
        "items": assets + liabilities,
        "count": len(assets) + len(liabilities),
        "totals": {
            "assets": {"opening": fen_str(opening[30]), "closing": fen_str(closing[30])},
            "liabilities_and_equity": {
                "opening": fen_str(opening[53]),
                "closing": fen_str(closing[53]),
            },
        },
        "balanced": opening[30] == opening[53] and closing[30] == closing[53],
    }
