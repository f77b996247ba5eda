"""The components of assembly and disassembly lines (组装单 / 拆卸单), read from a draft's body.

A line `{"item", "qty", "bom"?, "components"?}` names the item assembled (or taken apart). Its
components are, in this order of preference: `components` given on the line (`[{"item","qty"}]`,
quantities for the whole line, in base units), the BOM named by `bom`, or the item's default BOM
(its first active one) — a BOM's quantities scaled by line qty / BOM qty, rounded half up to
1/10,000. A line without any of them → 422 no_bom; a component equal to the line's item →
422 bom_cycle. An assembly's head may carry `extra_cost` (the processing fee, yuan) and `account`
(the account credited with it; default 5001)."""

from openjxc.catalog.bom import default_bom, no_bom
from openjxc.catalog.models import Bom, Item
from openjxc.core.errors import DomainError, not_found
from openjxc.core.numbers import QTY_SCALE, div_half_up, fen_str, parse_decimal, qty_str, to_fen

from .models import Document, LineComponent

# the account a draft names (ledger.Account), through the foreign key the document already has
Account = Document._meta.get_field("account").related_model


def refuse_components(raw_lines) -> None:
    """`bom` / `components` belong to assembly and disassembly lines only."""
    for i, raw in enumerate(raw_lines if isinstance(raw_lines, list) else []):
        for key in ("bom", "components"):
            if isinstance(raw, dict) and raw.get(key) is not None:
                raise DomainError(
                    "invalid",
                    f"lines[{i}].{key} is for assemblies",
                    {"field": f"lines[{i}].{key}"},
                )


def resolve_components(t, data: dict, out: dict, errors: list) -> None:
    """Each parsed line gets `components`: [(item, qty, bom)]; the head its fee and account."""
    raw_lines = data.get("lines") or []
    for i, p in enumerate(out["lines"]):
        if not p or "item_obj" not in p:
            continue
        try:
            p["components"] = _line_components(raw_lines[i], p, i)
        except DomainError as exc:
            errors.append(exc)
    out["fee"], out["account"] = 0, None
    if t.assembled == "outputs":  # the fee is an assembly's
        if data.get("extra_cost") is not None:
            fee = to_fen(parse_decimal(data["extra_cost"], "extra_cost", 2))
            if fee < 0:
                errors.append(
                    DomainError(
                        "invalid", "extra_cost must not be negative", {"field": "extra_cost"}
                    )
                )
            out["fee"] = fee
        code = data.get("account")
        out["account"] = _fee_account(code) if code else None  # none: 5001 (the recipe)
    elif data.get("extra_cost") is not None:
        errors.append(
            DomainError("invalid", "extra_cost is for assemblies", {"field": "extra_cost"})
        )


def _fee_account(code):
    """The account credited with the fee; whether it may be booked is checked on approval."""
    account = Account.objects.filter(code=code).first() if isinstance(code, str) else None
    if account is None:
        raise not_found("account", code)
    return account


def _line_components(raw: dict, p: dict, i: int) -> list:
    item, qty = p["item_obj"], p["base_qty"]
    given = raw.get("components")
    if given:
        if not isinstance(given, list):
            raise DomainError(
                "invalid", "components must be a list", {"field": f"lines[{i}].components"}
            )
        codes = [c.get("item") if isinstance(c, dict) else None for c in given]
        items = {x.code: x for x in Item.objects.filter(code__in=[c for c in codes if c])}
        found = []
        for j, c in enumerate(given):
            where = f"lines[{i}].components[{j}]"
            comp = items.get(codes[j])
            if comp is None:
                raise not_found("item", codes[j])
            units = int(parse_decimal(c.get("qty"), f"{where}.qty", 4) * QTY_SCALE)
            if units <= 0:
                raise DomainError(
                    "invalid", f"{where}.qty must be positive", {"field": f"{where}.qty"}
                )
            found.append((comp, units, None))
        return _checked(item, found, i)
    code = raw.get("bom")
    if code:
        bom = Bom.objects.filter(code=code).first()
        if bom is None:
            raise not_found("bom", code)
        if bom.item_id != item.id:
            raise DomainError(
                "invalid",
                f"BOM {code} is not a BOM of {item.code}",
                {"field": f"lines[{i}].bom"},
            )
    else:
        bom = default_bom(item.id)
        if bom is None:
            raise no_bom(item, f"lines[{i}].item")
    found = [
        (c.item, div_half_up(c.qty * qty, bom.qty), bom)
        for c in bom.components.select_related("item")
    ]
    return _checked(item, found, i)


def _checked(item, found: list, i: int) -> list:
    seen = set()
    for comp, units, _bom in found:
        if comp.id == item.id:
            raise DomainError(
                "bom_cycle",
                f"{item.code} cannot be a component of itself",
                {"item": item.code, "component": comp.code},
            )
        if comp.id in seen:
            raise DomainError(
                "invalid",
                f"component {comp.code} is listed twice",
                {"field": f"lines[{i}].components"},
            )
        if units <= 0:
            raise DomainError(
                "invalid",
                f"lines[{i}]: the quantity of {comp.code} rounds to zero",
                {"field": f"lines[{i}].qty"},
            )
        seen.add(comp.id)
    return found


def write_components(lines, parsed: list) -> None:
    """After the draft's lines are written (in line order)."""
    LineComponent.objects.bulk_create(
        [
            LineComponent(line=ln, item=comp, qty=units, bom=bom)
            for ln, p in zip(lines, parsed, strict=True)
            for comp, units, bom in p.get("components", ())
        ]
    )


def components_of(line_ids) -> dict[int, list[LineComponent]]:
    out: dict[int, list] = {}
    rows = LineComponent.objects.filter(line_id__in=list(line_ids)).select_related("item", "bom")
    for c in rows.order_by("id"):
        out.setdefault(c.line_id, []).append(c)
    return out


def component_fields(doc, line_dicts: list) -> dict:
    """The document's components per line and its fee, for document_dict."""
    by_line = components_of([d["id"] for d in line_dicts])
    for d in line_dicts:
        d["components"] = [
            {
                "item": c.item.code,
                "item_name": c.item.name,
                "qty": qty_str(c.qty),
                "bom": c.bom.code if c.bom_id else None,
            }
            for c in by_line.get(d["id"], ())
        ]
        d["bom"] = next((c["bom"] for c in d["components"] if c["bom"]), None)
    return {
        "extra_cost": fen_str(doc.fee),
        "account": doc.account.code if doc.account_id else None,
    }
