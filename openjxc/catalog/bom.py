"""Bills of materials (物料清单): create, edit, read, explode.

A BOM says that `qty` of an item is made of its components' quantities; a component may have a
BOM of its own, so BOMs form a graph of items. Saving a BOM that would make an item (directly or
through other BOMs) a component of itself is refused (422 bom_cycle): an explosion and an
assembly's cost could never end. Every write is audited; BOMs hold no cost, so anyone signed in
may read them, and writing them is master data."""

from collections import defaultdict

from django.db import IntegrityError, connection, transaction

from openjxc.audit.services import record
from openjxc.core.errors import DomainError, not_found
from openjxc.core.numbers import QTY_SCALE, parse_decimal, qty_str
from openjxc.core.validation import text_field
from openjxc.users.services import MASTER_DATA, require

from .models import Bom, BomComponent, Item

MAX_COMPONENTS = 500


def _qty(value, field: str) -> int:
    units = int(parse_decimal(value, field, 4) * QTY_SCALE)
    if units <= 0:
        raise DomainError("invalid", f"{field} must be positive", {"field": field}, kind="positive")
    return units


def _item(code, field: str) -> Item:
    if not isinstance(code, str) or not code:
        raise DomainError("invalid", f"{field} is required", {"field": field}, kind="required")
    item = Item.objects.filter(code=code).first()
    if item is None:
        raise not_found("item", code)
    return item


def _resolve(data: dict) -> dict:
    item = _item(data.get("item"), "item")
    raw = data.get("components")
    if not isinstance(raw, list) or not raw:
        raise DomainError(
            "invalid",
            "at least one component is required",
            {"field": "components"},
            kind="required",
        )
    if len(raw) > MAX_COMPONENTS:
        raise DomainError("invalid", "too many components", {"field": "components"})
    components, seen = [], set()
    for i, c in enumerate(raw):
        comp = _item(c.get("item"), f"components[{i}].item")
        if comp.id in seen:
            raise DomainError(
                "invalid", f"component {comp.code} is listed twice", {"field": f"components[{i}]"}
            )
        seen.add(comp.id)
        components.append((comp, _qty(c.get("qty"), f"components[{i}].qty")))
    return {
        "item": item,
        "qty": _qty(data.get("qty"), "qty"),
        "components": components,
        "memo": text_field(data, "memo", 200),
    }


def component_graph() -> dict[int, set[int]]:
    """item id -> the item ids its active BOMs consume (one query)."""
    graph: dict[int, set[int]] = defaultdict(set)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT b.item_id, c.item_id FROM catalog_bom b "
            "JOIN catalog_bomcomponent c ON c.bom_id = b.id WHERE b.active"
        )
        for out, comp in cur.fetchall():
            graph[out].add(comp)
    return graph


def _check_cycle(bom_id, item: Item, components) -> None:
    """The graph with this BOM as saved must not lead from `item` back to itself."""
    graph = component_graph()
    if bom_id is not None:  # the BOM's own old components no longer count
        with connection.cursor() as cur:
            cur.execute(
                "SELECT b.item_id, c.item_id FROM catalog_bom b JOIN catalog_bomcomponent c "
                "ON c.bom_id = b.id WHERE b.active AND b.item_id = %s AND b.id <> %s",
                [item.id, bom_id],
            )
            graph[item.id] = {r[1] for r in cur.fetchall()}
    graph[item.id] = graph[item.id] | {c.id for c, _ in components}
    for top, _qty_units in components:
        stack, seen = [top.id], set()
        while stack:
            current = stack.pop()
            if current == item.id:
                raise DomainError(
                    "bom_cycle",
                    f"{item.code} would be a component of itself (through {top.code})",
                    {"item": item.code, "component": top.code},
                )
            if current not in seen:
                seen.add(current)
                stack.extend(graph.get(current, ()))


def bom_dict(bom: Bom) -> dict:
    return {
        "id": bom.id,
        "code": bom.code,
        "item": bom.item.code,
        "item_name": bom.item.name,
        "qty": qty_str(bom.qty),
        "active": bom.active,
        "memo": bom.memo,
        "components": [
            {"item": c.item.code, "item_name": c.item.name, "qty": qty_str(c.qty)}
            for c in bom.components.all()
        ],
    }


def _write_components(bom: Bom, components) -> None:
    BomComponent.objects.bulk_create(
        [
            BomComponent(bom=bom, line_no=n, item=c, qty=q)
            for n, (c, q) in enumerate(components, start=1)
        ]
    )


def _next_code() -> str:
    """BOM0001, BOM0002, … skipping codes typed by hand (BOMs are few: no counter row)."""
    n = Bom.objects.count() + 1
    while Bom.objects.filter(code=f"BOM{n:04d}").exists():
        n += 1
    return f"BOM{n:04d}"


def create_bom(user, data: dict) -> dict:
    require(user, MASTER_DATA)
    code = text_field(data, "code", 64)  # empty: the next automatic code (BOM001)
    v = _resolve(data)
    try:
        with transaction.atomic():
            if not code:
                code = _next_code()
            elif Bom.objects.filter(code=code).exists():
                raise DomainError(
                    "duplicate_code", f"BOM code {code} already exists", {"code": code}
                )
            _check_cycle(None, v["item"], v["components"])
            bom = Bom.objects.create(code=code, item=v["item"], qty=v["qty"], memo=v["memo"])
            _write_components(bom, v["components"])
            result = bom_dict(bom)
            record(user, "create", "bom", code, after=result)
    except IntegrityError:
        raise DomainError(
            "duplicate_code", f"BOM code {code} already exists", {"code": code}
        ) from None
    return result


def update_bom(user, code: str, data: dict) -> dict:
    """PUT /boms/{code}: the whole BOM again (item, qty, components), and `active`."""
    require(user, MASTER_DATA)
    with transaction.atomic():
        bom = Bom.objects.select_for_update().filter(code=code).first()
        if bom is None:
            raise not_found("bom", code)
        before = bom_dict(bom)
        v = _resolve(data)
        bom.active = bool(data.get("active", bom.active))
        if bom.active:
            _check_cycle(bom.id, v["item"], v["components"])
        bom.item, bom.qty, bom.memo = v["item"], v["qty"], v["memo"]
        bom.save()
        bom.components.all().delete()
        _write_components(bom, v["components"])
        after = bom_dict(bom)
        record(user, "edit", "bom", code, before=before, after=after)
    return after


def get_bom(code: str) -> dict:
    bom = Bom.objects.select_related("item").filter(code=code).first()
    if bom is None:
        raise not_found("bom", code)
    return bom_dict(bom)


def list_boms(item: str | None = None, q: str | None = None):
    qs = Bom.objects.select_related("item").prefetch_related("components__item").order_by("code")
    if item:
        qs = qs.filter(item__code=item)
    if q:
        qs = qs.filter(code__icontains=q) | qs.filter(item__name__icontains=q)
    return qs


def bom_rows(item: str | None = None, q: str | None = None) -> list[dict]:
    """Every BOM (of an item, or matching q) as bom_dict, for the pages and the export."""
    qs = list_boms(item, q).prefetch_related("components__item")
    return [bom_dict(b) for b in qs]


def default_bom(item_id: int) -> Bom | None:
    """The BOM an assembly uses when a line names none: the item's first active BOM."""
    return Bom.objects.filter(item_id=item_id, active=True).order_by("id").first()


def no_bom(item: Item, field: str) -> DomainError:
    return DomainError(
        "no_bom", f"item {item.code} has no bill of materials", {"item": item.code, "field": field}
    )


def all_boms() -> dict[int, tuple[int, list[tuple[int, int]]]]:
    """item id -> (output qty, [(component id, qty)]) of its default BOM: one query, for an
    explosion of many items (material requirements)."""
    out: dict = {}
    with connection.cursor() as cur:
        cur.execute(
            "SELECT b.id, b.item_id, b.qty, c.item_id, c.qty FROM catalog_bom b "
            "JOIN catalog_bomcomponent c ON c.bom_id = b.id WHERE b.active "
            "ORDER BY b.id, c.line_no"
        )
        chosen: dict[int, int] = {}
        for bom_id, item_id, qty, comp, cqty in cur.fetchall():
            if chosen.setdefault(item_id, bom_id) != bom_id:
                continue  # not the item's default (first) BOM
            out.setdefault(item_id, (int(qty), []))[1].append((comp, int(cqty)))
    return out
