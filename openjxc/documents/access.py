"""Who may work with which documents: by area (采购, 销售, 库存, 资金) and by warehouse.

A document type belongs to one or more areas (its `areas` in documents/types.py); a user needs the permission of any of them
(a warehouse keeper posts purchase receipts and sales deliveries, a purchaser does too). Some
areas may also read a type they do not write: finance invoices and settles the receipts and
deliveries the purchase and sales areas post. The services call `require_document` for every
write; the API and the pages call `require_readable` for every read."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from openjxc.core.errors import DomainError, not_found
from openjxc.partners.models import Partner
from openjxc.users.masking import PRICED_AT_COST, mask_cost, sees_cost
from openjxc.users.roles import ROLES
from openjxc.users.services import (
    APPROVE,
    CANCEL,
    EDIT,
    MONEY,
    PURCHASE,
    REVERSE,
    SALES,
    allowed_warehouse_ids,
    can,
    require_warehouses,
)

from . import workflow
from .models import Document
from .types import TYPES, the_type


def partner_kinds(user) -> list[str]:
    """The partners whose statements and balances a user may see: customers for sales and money
    users, suppliers for purchase and money users."""
    kinds = []
    if can(user, SALES) or can(user, MONEY):
        kinds.append("customer")
    if can(user, PURCHASE) or can(user, MONEY):
        kinds.append("supplier")
    return kinds


def require_partner(user, partner) -> None:
    if partner.kind not in partner_kinds(user):
        raise DomainError(
            "forbidden",
            f"no permission for {partner.kind} {partner.code}",
            {"permission": "sales_documents, purchase_documents or money_documents"},
        )


def visible_partner_ids(user, code: str) -> list[int]:
    """The customer and/or supplier with this code whose balances the user may see: 404 when
    there is none, 403 when the user may see none of them."""
    partners = list(Partner.objects.filter(code=code))
    if not partners:
        raise not_found("partner", code)
    ids = [p.id for p in partners if p.kind in partner_kinds(user)]
    if not ids:
        require_partner(user, partners[0])
    return ids


def _areas(doc_type: str) -> tuple:
    t = TYPES.get(doc_type)
    return t.areas if t else ()


def may_use_type(user, doc_type: str) -> bool:
    return any(can(user, p) for p in _areas(doc_type))


def may_read_type(user, doc_type: str) -> bool:
    return (
        may_use_type(user, doc_type)
        or doc_type in TYPES
        and any(can(user, p) for p in TYPES[doc_type].read_areas)
    )


def visible_types(user) -> list[str]:
    """The types whose documents this user may read."""
    return [t for t in TYPES if may_read_type(user, t)]


def require_type(user, doc_type: str) -> None:
    if not may_use_type(user, doc_type):
        perms = [p.split(".")[-1] for p in _areas(doc_type)]
        raise DomainError(
            "forbidden",
            f"no permission for {doc_type} documents (needs {' or '.join(perms)})",
            {"permission": perms, "type": doc_type},
        )


def guarded_warehouses(doc_type: str, warehouse, to_warehouse) -> tuple:
    """The warehouses a user must have to work with a document: a transfer belongs to the
    warehouse it leaves (a keeper sends goods to any warehouse), every other one to all it names."""
    return (warehouse,) if _moves_between(doc_type) else (warehouse, to_warehouse)


def _moves_between(doc_type: str) -> bool:
    return doc_type in TYPES and TYPES[doc_type].to_warehouse


def _require_doc_warehouses(user, doc) -> None:
    if (
        allowed_warehouse_ids(user) is not None
    ):  # load the warehouses only when they matter (hot path)
        require_warehouses(
            user,
            *guarded_warehouses(
                doc.type,
                doc.warehouse if doc.warehouse_id else None,
                doc.to_warehouse if doc.to_warehouse_id else None,
            ),
            *_line_warehouses(doc),
        )


def _line_warehouses(doc) -> list:
    """The warehouses a type's lines name on their own (a 成本调整单 line may revalue stock in
    another warehouse than the document's)."""
    t = TYPES.get(doc.type)
    if t is None or not t.revalues:
        return []
    return [ln.warehouse for ln in doc.lines.select_related("warehouse") if ln.warehouse_id]


def require_resolved_warehouses(user, v: dict) -> None:
    """A draft's warehouses as the user sent them: the document's (guarded_warehouses) and those
    its lines name on their own."""
    lines = [p["warehouse_obj"] for p in v["lines"] if p and p.get("warehouse_obj")]
    require_warehouses(
        user, *guarded_warehouses(v["type"].code, v["warehouse"], v["to_warehouse"]), *lines
    )


def require_document(user, doc) -> None:
    """The user may act on this document (its type's area and its warehouses)."""
    require_type(user, doc.type)
    _require_doc_warehouses(user, doc)


def require_readable(user, doc) -> None:
    """The user may see this document (its type's area or a reading area, and its warehouses)."""
    if not may_read_type(user, doc.type):
        require_type(user, doc.type)  # raises the same forbidden error as a write
    _require_doc_warehouses(user, doc)


def may_read(user, doc) -> bool:
    """Whether a page may link this document for this user."""
    try:
        require_readable(user, doc)
    except DomainError:
        return False
    return True


def hides_prices(user, doc_type: str) -> bool:
    return doc_type in PRICED_AT_COST and not sees_cost(user)


def mask_document(user, data: dict, placeholder=None) -> dict:
    """A document as `document_dict` gives it, without what is cost to a user who may not see
    cost: its prices and amounts when they are purchase prices, and every cost-class field."""
    return mask_cost(user, data, placeholder)


def visible(user, qs: QuerySet) -> QuerySet:
    """Documents of qs this user may see."""
    qs = qs.filter(type__in=visible_types(user))
    allowed = allowed_warehouse_ids(user)
    if allowed is not None:
        qs = qs.filter(Q(warehouse__isnull=True) | Q(warehouse_id__in=allowed)).filter(
            Q(to_warehouse__isnull=True)
            | Q(to_warehouse_id__in=allowed)
            | Q(type__in=[c for c, t in TYPES.items() if t.to_warehouse])
        )
    return qs


def readable_numbers(user, numbers) -> set[str]:
    """The documents among `numbers` this user may open: pages link only those."""
    numbers = {n for n in numbers if n}
    if not numbers:
        return set()
    return set(
        visible(user, Document.objects.filter(number__in=numbers)).values_list("number", flat=True)
    )


def may_edit(user, doc_type: str) -> bool:
    """Drafts of this type in the line entry form: editing, approving and cancelling need the
    type's own area (a reading area only sees the document). A draft without item lines (an
    opening receivable) is edited through the API or the 期初 page."""
    return can(user, EDIT) and may_use_type(user, doc_type) and TYPES[doc_type].kind != "ledger"


# the families whose cancel-chain the document page offers (an order and what was delivered or
# received against it; money and invoices are undone on their own)
CHAIN_KINDS = ("order", "stock")


def document_actions(user, doc: Document) -> dict:
    """What this user may do with the document now: a move the workflow allows from its status
    (documents/workflow.py) that the user's permissions and the type's area allow. The undoing
    actions are offered on posted documents only."""
    t = TYPES[doc.type]
    writable = may_use_type(user, doc.type)
    posted = doc.status in Document.POSTED

    def may(action: str, perm: str) -> bool:
        return writable and can(user, perm) and workflow.can(doc, action)

    derive_to = []
    if workflow.can(doc, "derive") and can(user, EDIT):
        derive_to = [
            (code, str(tt.label))
            for code, tt in TYPES.items()
            if tt.posts and doc.type in tt.source_types and may_use_type(user, code)
        ]
    return {
        "edit": may("edit", EDIT) and t.kind != "ledger",
        "approve": may("approve", APPROVE),
        "close": may("close", APPROVE),
        "cancel": posted and may("cancel", CANCEL),
        # a 调价单 is undone by cancelling it or by a new one, never by a red-letter reversal
        "reverse": posted and t.kind != "price" and may("reverse", REVERSE),
        "cancel_chain": posted and t.kind in CHAIN_KINDS and may("cancel_chain", CANCEL),
        "derive_to": derive_to,
    }


def may_receive(user, doc: Document) -> bool:
    """Whether a page offers 收货 of this transfer in transit (posting/transit.receive checks
    the same): the user may make and approve transfer receipts into its target warehouse."""
    if not doc.in_transit or doc.status != Document.APPROVED:
        return False
    allowed = allowed_warehouse_ids(user)
    return (
        can(user, EDIT)
        and can(user, APPROVE)
        and may_use_type(user, the_type(transit_receipt=True))
        and (allowed is None or doc.to_warehouse_id in allowed)
    )


def keep_hidden_prices(doc: Document, body: dict) -> None:
    """A user who may not see the draft's prices (purchase prices) saves a form without them:
    each line keeps the price and tax rate of the draft's line for the same item, in order; a
    new item gets its default price from the service."""
    kept: dict = {}
    for ln in doc.lines.select_related("item").order_by("line_no"):
        key = (ln.item.code, ln.unit if ln.unit != ln.item.unit else "")
        kept.setdefault(key, []).append((ln.price, ln.tax_rate))
    for line in body.get("lines", []):
        prices = kept.get((line["item"], line.get("unit") or ""))  # a price is per unit
        if prices:
            price, rate = prices.pop(0) if len(prices) > 1 else prices[0]
            line["price"], line["tax_rate"] = str(price), str(rate)


# ---------------------------------------------------------------- who approves (待老板审核)

AWAITING_APPROVAL = ("draft", "pending_approval")
ADMIN_ROLE = "管理员"


def approver_names(doc_type: str) -> list[str]:
    """Who may approve documents of this type: the roles holding approve_document and one of the
    type's areas (seeded roles first, the administrator only when no other role can), else the
    active users who may (superusers included) by name."""
    areas = [p.split(".")[-1] for p in _areas(doc_type)]
    names = set(
        Group.objects.filter(permissions__codename="approve_document")
        .filter(permissions__codename__in=areas)
        .values_list("name", flat=True)
    )
    order = list(ROLES)
    roles = sorted(names, key=lambda n: (order.index(n) if n in order else len(order), n))
    if len(roles) > 1 and ADMIN_ROLE in roles:
        roles.remove(ADMIN_ROLE)
    if roles:
        return roles
    users = get_user_model().objects.filter(is_active=True).order_by("username")
    return [
        u.first_name or u.username for u in users if can(u, APPROVE) and may_use_type(u, doc_type)
    ]


def awaiting_approval_text(user, doc_type: str, cache: dict | None = None) -> str:
    """For a user who cannot approve documents of this type: "待老板审核" (who can), shown where
    the approve button would be; "" for a user who can."""
    if can(user, APPROVE) and may_use_type(user, doc_type):
        return ""
    cache = {} if cache is None else cache
    if doc_type not in cache:
        names = approver_names(doc_type)
        cache[doc_type] = (
            _("Awaiting approval by %(who)s") % {"who": "/".join(names)} if names else ""
        )
    return cache[doc_type]
