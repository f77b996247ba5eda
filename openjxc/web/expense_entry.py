"""The entry form of a 费用单 / 其他收入单: rows of expense type, amount, tax rate (%) and memo,
the tax and total worked out as the user types (web/static/web/expense_entry.js; the service
computes them again), and either the money account paid from / into or, left empty, the
partner who owes or is owed it. The service validates the rows like an API body."""

from decimal import Decimal

from openjxc.core.numbers import PLAIN_NUMBER, percent_str
from openjxc.documents.expense_lines import KIND
from openjxc.ledger.expense_types import active_expense_types
from openjxc.ledger.selectors import money_accounts

BLANK_ROWS = 5


def body(post) -> dict:
    """The service's account and lines from the form; rows without a type are left out."""
    names = ("line_type", "line_amount", "line_tax", "line_memo")
    columns = [post.getlist(f) for f in names]
    n = max(len(c) for c in columns)  # a missing cell is blank
    columns = [c + [""] * (n - len(c)) for c in columns]
    lines = []
    for code, amount, tax, memo in zip(*columns, strict=True):
        if not code.strip():
            continue
        line = {"expense_type": code.strip(), "amount": amount.strip() or None}
        if tax.strip():  # a percentage; anything else goes on as typed for the service to refuse
            percent = tax.strip().rstrip("%")
            line["tax_rate"] = (
                str(Decimal(percent) / 100) if PLAIN_NUMBER.match(percent) else tax.strip()
            )
        if memo.strip():
            line["memo"] = memo.strip()
        lines.append(line)
    return {"account": post.get("account") or None, "lines": lines}


def form_lines(lines: list[dict]) -> list[dict]:
    """Rows as the form shows them, from a saved draft's lines or the user's input (whose tax
    rate is kept as typed, in percent)."""
    return [
        {
            "expense_type": ln.get("expense_type") or "",
            "amount": ln.get("amount") or "",
            "tax_percent": ln["tax_percent"]
            if "tax_percent" in ln
            else ("" if not Decimal(ln.get("tax_rate") or 0) else percent_str(ln["tax_rate"])),
            "memo": ln.get("memo") or "",
            "error": ln.get("error", ""),
        }
        for ln in lines
    ]


def context(t, data: dict) -> dict:
    """What the template needs beside the document: the types, the accounts, the rows."""
    lines = form_lines(data.get("lines") or [])
    return {
        "expense_types": active_expense_types(KIND[t.partner]),
        "accounts": money_accounts(),
        "expense_lines": lines + [{}] * max(BLANK_ROWS - len(lines), 2),
    }
