"""Typed response bodies of the posting actions (chain, allocations, impact previews).

A field named `from` is left to pass through undeclared: the API serialises by field name,
and `from` cannot be one in Python."""

from openjxc.core.api import ErrorBody, Output


class ChainStepOut(Output):
    """One step of a cancel-chain; an unallocate step also carries `from` and `to`."""

    action: str
    document: str | None = None
    reversal: str | None = None
    to: str | None = None
    amount: str | None = None


class ChainOut(Output):
    document: str
    steps: list[ChainStepOut]
    backup_id: str | None = None  # the backup taken first when the chain reaches a closed period


class AllocationOut(Output):
    """An allocation (核销); it also carries `from`, the money document's number."""

    id: int
    to: str
    amount: str
    date: str
    kind: str
    undone: bool


class StockChangeOut(Output):
    item: str
    warehouse: str  # goods in transit: the transfer's target, with in_transit true (在途)
    in_transit: bool = False
    qty_before: str
    qty_after: str
    qty_change: str
    value_before: str | None
    value_after: str | None
    value_change: str | None


class CostChangeOut(Output):
    document: str
    type: str
    date: str
    item: str
    warehouse: str
    in_transit: bool = False
    cost_before: str | None
    cost_after: str | None
    change: str | None


class ImpactVoucherLineOut(Output):
    account: str
    account_name: str
    debit: str
    credit: str


class ImpactVoucherOut(Output):
    date: str
    kind: str
    memo: str | None
    lines: list[ImpactVoucherLineOut]


class OpenItemChangeOut(Output):
    date: str
    partner: str
    kind: str
    document: str
    entry: str
    amount: str


class ImpactOut(Output):
    """What an action would change; `allowed` false names what blocks it."""

    document: str
    action: str
    allowed: bool
    blocked_by: ErrorBody | None
    stock: list[StockChangeOut] = []
    cost_changes: list[CostChangeOut] = []
    vouchers: list[ImpactVoucherOut] = []
    open_items: list[OpenItemChangeOut] = []
