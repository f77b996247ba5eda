"""An item's batch and serial tracking (批次 / 序列号 管理): the fields, and the rule that they
change only while the item has no stock moves (a ledger half with and half without batches
could never be told per batch)."""

from django.db import connection

from openjxc.core.errors import DomainError

FLAGS = ("batch_tracked", "serial_tracked")


def tracking_fields(data: dict) -> dict:
    out = {}
    for key in FLAGS:
        if data.get(key) is not None:
            if not isinstance(data[key], bool):
                raise DomainError("invalid", f"{key} must be true or false", {"field": key})
            out[key] = data[key]
    if "shelf_life_days" in data:
        days = data["shelf_life_days"]
        if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days <= 0):
            raise DomainError(
                "invalid",
                "shelf_life_days must be a positive number of days",
                {"field": "shelf_life_days"},
            )
        out["shelf_life_days"] = days
    return out


def check_tracking_change(item, fields: dict) -> None:
    """409 item_has_moves when a tracking flag would change on an item with stock moves (the
    stock ledger is read by its table: catalog sits below inventory)."""
    changed = [k for k in FLAGS if k in fields and fields[k] != getattr(item, k)]
    if not changed or item.pk is None:
        return
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM inventory_stockmove WHERE item_id = %s LIMIT 1", [item.pk])
        if cur.fetchone() is None:
            return
    raise DomainError(
        "item_has_moves",
        f"item {item.code} has stock moves: {changed[0]} can no longer change",
        {"item": item.code, "field": changed[0]},
    )
