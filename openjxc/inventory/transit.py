"""Goods in transit (调拨在途): each in-transit transfer ships into a hidden warehouse of its
own, and its receipts take the goods out of it.

Why one hidden warehouse per transfer: the engine's cost links then work unchanged. The ship's
move into transit is LINKED_IN to the move out of the source; a receipt leaves transit at the
transit timeline's average (which holds only this transfer's goods, so it IS the shipped cost)
and enters the target LINKED_IN to that move. The last receipt empties the timeline and takes
exactly what is left, so no rounding residue stays in transit; a back-dated cost change at the
source flows source → transit → target along the links. The value stays in 1405 throughout."""

from django.db import connection

from .models import Warehouse


def transit_warehouse(doc, create: bool = False) -> Warehouse | None:
    """The hidden warehouse holding what `doc` (an in-transit transfer) has shipped."""
    wh = Warehouse.objects.filter(transit_for_id=doc.id).first()
    if wh is None and create:
        wh = Warehouse.objects.create(
            code=f"~{doc.number}", name=f"在途 {doc.number}", transit_for_id=doc.id
        )
    return wh


def transit_ids() -> set[int]:
    return set(Warehouse.objects.filter(transit_for__isnull=False).values_list("id", flat=True))


def in_transit_by_target(day=None, item_id=None, warehouse_id=None) -> dict:
    """(item_id, target warehouse id) -> [qty, value] still in transit to it at the end of
    `day` (None: now), over the live in-transit transfers."""
    where, params = ["d.status <> 'cancelled'"], []
    if day is not None:
        where.append("m.date <= %s")
        params.append(day)
    if item_id:
        where.append("m.item_id = %s")
        params.append(item_id)
    if isinstance(warehouse_id, list | tuple | set | frozenset):
        ids = sorted(warehouse_id) or [0]
        where.append(f"d.to_warehouse_id IN ({', '.join(['%s'] * len(ids))})")
        params += ids
    elif warehouse_id:
        where.append("d.to_warehouse_id = %s")
        params.append(warehouse_id)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT m.item_id, d.to_warehouse_id, SUM(m.qty), SUM(m.value) "
            "FROM inventory_stockmove m JOIN inventory_warehouse w ON w.id = m.warehouse_id "
            "JOIN documents_document d ON d.id = w.transit_for_id "
            f"WHERE {' AND '.join(where)} GROUP BY m.item_id, d.to_warehouse_id",
            params,
        )
        return {(i, w): [int(q), int(v)] for i, w, q, v in cur.fetchall() if int(q) or int(v)}
