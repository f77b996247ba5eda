"""The head of a money document (收款单 / 付款单 / 退款单): its amount, its money account and the
allocations (核销) asked for; checked while a draft is read, before anything is written."""

from openjxc.core.errors import DomainError, not_found
from openjxc.core.numbers import parse_decimal, to_fen
from openjxc.ledger import money_accounts

from .models import Document


def resolve_money(t, data: dict, out: dict) -> dict:
    """receipt / payment / refund / supplier_refund: an amount, a money account, allocations."""
    out["amount"] = to_fen(parse_decimal(data.get("amount"), "amount", 2))
    if out["amount"] <= 0:
        raise DomainError(
            "invalid", "amount must be positive", {"field": "amount"}, kind="positive"
        )
    out["account"] = money_accounts.resolve(data.get("account") or "1002")
    allocations = data.get("allocations") or []
    if not isinstance(allocations, list):
        raise DomainError("invalid", "allocations must be a list", {"field": "allocations"})
    plan = []
    for i, a in enumerate(allocations):
        if not isinstance(a, dict) or not a.get("document"):
            raise DomainError(
                "invalid", f"allocations[{i}] needs a document", {"field": f"allocations[{i}]"}
            )
        amount = to_fen(parse_decimal(a.get("amount"), f"allocations[{i}].amount", 2))
        if amount <= 0:
            raise DomainError(
                "invalid",
                f"allocations[{i}].amount must be positive",
                {"field": f"allocations[{i}]"},
            )
        if not Document.objects.filter(number=a["document"]).exists():
            raise not_found("document", a["document"])
        plan.append({"document": a["document"], "amount": amount})
    if sum(a["amount"] for a in plan) > out["amount"]:
        raise DomainError(
            "invalid",
            "allocations exceed the amount",
            {"field": "allocations"},
            kind="allocations_exceed",
        )
    out["allocation_plan"] = {"allocations": plan, "auto": bool(data.get("auto_allocate"))}
    out["lines"] = []
    return out
