"""Batch and serial fields of a draft's lines (批次 / 序列号): checked and completed when the draft
is saved. Whether a line must name its batch depends on its direction, which only its posting
knows: inventory/tracking.py refuses an incoming move without a batch (batch_required) and an
approval whose serials do not match the quantity (serial_count_mismatch)."""

import datetime as dt

from openjxc.core.dates import parse_date
from openjxc.core.errors import DomainError
from openjxc.core.numbers import QTY_SCALE, qty_str

FIELDS = ("batch", "production_date", "expiry_date", "serials")


def resolve_tracking(t, raw: dict, p: dict, item, i: int) -> bool:
    """Set p["batch"], p["production_date"], p["expiry_date"], p["serials"] from the request
    line; an expiry date not given is the production date + the item's shelf life."""
    where = f"lines[{i}]"
    given = [k for k in FIELDS if isinstance(raw, dict) and raw.get(k) not in (None, "", [])]
    p.update(batch="", production_date=None, expiry_date=None, serials=None)
    if not given:
        return True
    if t.kind != "stock" or not t.warehouse:
        raise DomainError(
            "invalid",
            f"{where}.{given[0]} is for stock documents",
            {"field": f"{where}.{given[0]}"},
        )
    batch_fields = [k for k in given if k != "serials"]
    if batch_fields and not item.batch_tracked:
        raise DomainError(
            "invalid",
            f"{where}: item {item.code} is not batch-tracked",
            {"field": f"{where}.{batch_fields[0]}", "item": item.code},
        )
    if "serials" in given and not item.serial_tracked:
        raise DomainError(
            "invalid",
            f"{where}: item {item.code} is not serial-tracked",
            {"field": f"{where}.serials", "item": item.code},
        )
    _batch_fields(raw, p, item, where)
    if "serials" in given:
        p["serials"] = _serials(raw["serials"], p["base_qty"], where)
    return True


def _batch_fields(raw: dict, p: dict, item, where: str) -> None:
    batch = raw.get("batch")
    if batch is not None:
        if not isinstance(batch, str) or len(batch.strip()) > 64:
            raise DomainError(
                "invalid",
                f"{where}.batch must be text of at most 64 characters",
                {"field": f"{where}.batch"},
            )
        p["batch"] = batch.strip()
    for key in ("production_date", "expiry_date"):
        if raw.get(key):
            p[key] = parse_date(raw[key], f"{where}.{key}")
    if p["expiry_date"] is None and p["production_date"] and item.shelf_life_days:
        p["expiry_date"] = p["production_date"] + dt.timedelta(days=item.shelf_life_days)
    if p["production_date"] and p["expiry_date"] and p["expiry_date"] < p["production_date"]:
        raise DomainError(
            "invalid",
            f"{where}.expiry_date is before the production date",
            {"field": f"{where}.expiry_date"},
        )


def _serials(value, base_qty: int, where: str) -> list[str]:
    if not isinstance(value, list) or not all(
        isinstance(s, str) and s.strip() and len(s.strip()) <= 100 for s in value
    ):
        raise DomainError(
            "invalid",
            f"{where}.serials must be a list of serial numbers (text of at most 100 characters)",
            {"field": f"{where}.serials"},
        )
    serials = [s.strip() for s in value]
    if len(set(serials)) != len(serials):
        twice = sorted({s for s in serials if serials.count(s) > 1})
        raise DomainError(
            "invalid",
            f"{where}.serials lists {twice[0]} twice",
            {"field": f"{where}.serials", "serial": twice[0]},
        )
    if len(serials) * QTY_SCALE != abs(base_qty):
        raise DomainError(
            "serial_count_mismatch",
            f"{where}: {len(serials)} serials for a quantity of {qty_str(abs(base_qty))}",
            {"field": f"{where}.serials", "serials": len(serials), "qty": qty_str(abs(base_qty))},
        )
    return serials


def line_fields(p: dict) -> dict:
    """The DocumentLine fields of a resolved line."""
    return {k: p.get(k) for k in FIELDS if k in p} | {"batch": p.get("batch") or ""}


def tracking_dict(line) -> dict:
    """What a response line shows of its batch and serials (only what is set)."""
    out = {}
    if line.batch:
        out["batch"] = line.batch
    for key in ("production_date", "expiry_date"):
        if getattr(line, key):
            out[key] = str(getattr(line, key))
    if line.serials:
        out["serials"] = list(line.serials)
    return out
