"""Voucher export for 金蝶 KIS and 用友 T+: one sheet, the header in row 1 as their voucher import
expects (no title block), one row per journal line, accounts through the 科目对照 table. The
column layouts and where they come from are in docs/voucher-export.md.

Vouchers of a closed period carry their numbers; in an open period they are numbered in date
order as closing would number them, and the file says it is provisional."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from openjxc.core.numbers import fen_str
from openjxc.ledger.mapping import check_format, mappings
from openjxc.ledger.models import Period
from openjxc.ledger.periods import get_period
from openjxc.partners.models import Partner

from .excel import MONEY, _cell
from .journal import VOUCHER_WORD, vouchers

# 金蝶 KIS 专业版 凭证引入 (Excel): column header -> what we fill (a key of the row dict below)
KINGDEE = (
    ("凭证日期", "date"),
    ("会计年度", "year"),
    ("会计期间", "month"),
    ("凭证字", "word"),
    ("凭证号", "number"),
    ("科目代码", "code"),
    ("科目名称", "name"),
    ("币别代码", "currency_code"),
    ("币别名称", "currency_name"),
    ("原币金额", "amount"),
    ("借方", "debit"),
    ("贷方", "credit"),
    ("制单", "maker"),
    ("审核", "checker"),
    ("核准", ""),
    ("出纳", ""),
    ("经办", ""),
    ("结算方式", ""),
    ("结算号", ""),
    ("凭证摘要", "summary"),
    ("数量", "zero"),
    ("数量单位", ""),
    ("单价", "zero"),
    ("参考信息", "document"),
    ("业务日期", "date"),
    ("往来业务编号", "document"),
    ("附件数", "attachments"),
    ("序号", "sequence"),
    ("系统模块", ""),
    ("业务描述", ""),
    ("汇率类型", "rate_type"),
    ("汇率", "rate"),
    ("分录序号", "entry"),
    ("核算项目", "item"),
    ("过账", "zero"),
    ("机制凭证", ""),
    ("现金流量", ""),
)
# 用友 T+ 凭证导入 (Excel)
YONYOU = (
    ("制单日期", "date"),
    ("凭证类别", "word"),
    ("凭证号", "number"),
    ("附单据数", "attachments"),
    ("摘要", "summary"),
    ("科目编码", "code"),
    ("科目名称", "name"),
    ("币种", "currency_name"),
    ("汇率", "rate"),
    ("原币借方", "debit"),
    ("原币贷方", "credit"),
    ("借方金额", "debit"),
    ("贷方金额", "credit"),
    ("数量", "zero"),
    ("单价", "zero"),
    ("客户编码", "customer"),
    ("供应商编码", "supplier"),
    ("部门编码", ""),
    ("个人编码", ""),
    ("项目编码", ""),
    ("制单人", "maker"),
    ("审核人", "checker"),
    ("记账人", "bookkeeper"),
)
LAYOUTS = {"kingdee": KINGDEE, "yonyou": YONYOU}
MONEY_KEYS = {"amount", "debit", "credit"}
ITEM_CLASS = {Partner.CUSTOMER: "客户", Partner.SUPPLIER: "供应商"}


def export_rows(period: str, fmt: str) -> tuple[list[dict], bool]:
    """(one dict per journal line of the period's vouchers, whether the numbers are provisional:
    the period is still open)."""
    fmt = check_format(fmt)
    p = get_period(period)
    mapped = mappings(fmt)
    rows = []
    for seq, v in enumerate(vouchers(date_from=p.start, date_to=p.end)["items"], 1):
        number = int((v["number"] or v["provisional_number"] or str(seq)).rsplit("-", 1)[-1])
        for n, ln in enumerate(v["lines"]):
            code, name = mapped.get(ln["account"], (ln["account"], ln["account_name"]))
            kind = ln["partner_kind"]
            rows.append(
                {
                    "date": v["date"],
                    "year": p.start.year,
                    "month": p.start.month,
                    "word": VOUCHER_WORD,
                    "number": number,
                    "code": code,
                    "name": name or ln["account_name"],
                    "currency_code": "RMB",
                    "currency_name": "人民币",
                    "amount": fen_str(ln["debit"] or ln["credit"]),
                    "debit": fen_str(ln["debit"]),
                    "credit": fen_str(ln["credit"]),
                    "maker": v["maker"] or "",
                    "checker": v["checker"] or "",
                    "bookkeeper": v["bookkeeper"] or "",
                    "summary": v["summary"],
                    "zero": 0,
                    "document": v["document"] or "",
                    "attachments": v["attachments"],
                    "sequence": seq,
                    "rate_type": "公司汇率",
                    "rate": 1,
                    "entry": n,
                    "item": f"{ITEM_CLASS[kind]}---{ln['partner']}---{ln['partner_name']}"
                    if kind in ITEM_CLASS
                    else "",
                    "customer": ln["partner"] if kind == Partner.CUSTOMER else "",
                    "supplier": ln["partner"] if kind == Partner.SUPPLIER else "",
                }
            )
    return rows, p.status != Period.CLOSED


def export_bytes(period: str, fmt: str) -> tuple[bytes, bool]:
    """The xlsx of export_rows in the format's column layout; an empty period gives the header
    row alone. Money columns are numbers with two places, text never becomes a formula."""
    rows, provisional = export_rows(period, fmt)
    layout = LAYOUTS[fmt]
    wb = Workbook()
    ws = wb.active
    ws.title = "凭证"
    ws.append([header for header, _key in layout])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(
            [
                _cell(row[key], MONEY if key in MONEY_KEYS else None) if key else None
                for _h, key in layout
            ]
        )
    for n, (_h, key) in enumerate(layout, start=1):
        if key in MONEY_KEYS:
            for (cell,) in ws.iter_rows(min_row=2, min_col=n, max_col=n):
                cell.number_format = MONEY
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), provisional


def filename(period: str, fmt: str) -> str:
    return f"{'金蝶' if fmt == 'kingdee' else '用友'}凭证_{period}.xlsx"
