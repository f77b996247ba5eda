"""Cost links with several sources: assembly and disassembly (组装 / 拆卸).

An assembly line makes one incoming move of the assembled item (rule ASSEMBLED_IN) and one
outgoing move per component, all anchored to the same document line. The output's value is
fixed by that line, not by a single `source_move`:

    output value = − Σ (the line's component move values) + fee

and the fee needs no column: it is what the ledger holds, output + Σ components, as last
committed (every change keeps that identity, since the output moves with its components).

A disassembly line makes one outgoing move of the item taken apart and one incoming move per
component (rule SPLIT_IN, `source_move` = the outgoing move). Each takes a share of the value
that went out, by weights fixed on approval (the component's average cost × qty then, stored
on documents.LineComponent), rounded cumulatively so that the shares always add up to exactly
the value taken apart:

    share_i = R(total × (w_1 + … + w_i) / W) − R(total × (w_1 + … + w_{i−1}) / W)

The re-statement (costing.Restatement) asks `dependents` which outputs to replay when a
component's move changes, and `value` for an output's new value; the append at the end of a
timeline asks `fresh_value`."""

from django.db import connection

from openjxc.core.numbers import div_half_up

from .costing import LINKED_RULES, as_date
from .models import StockMove as M


def split_share(total: int, share: tuple) -> int:
    before, weight, whole = share
    return div_half_up(total * (before + weight), whole) - div_half_up(total * before, whole)


class Assembled:
    @staticmethod
    def fresh_value(spec, outs) -> int:
        return spec.fixed - sum(outs)

    @staticmethod
    def dependents(cur, item, wh, day, first_id) -> list:
        """Assembly outputs whose line consumes a move of this timeline at or after the
        position: (component move, output key, output position)."""
        cur.execute(
            "SELECT s.id, m.id, m.date, m.item_id, m.warehouse_id FROM inventory_stockmove s "
            "JOIN inventory_stockmove m ON m.line_id = s.line_id AND m.document_id = s.document_id "
            "JOIN documents_document d ON d.id = m.document_id "
            "WHERE s.item_id = %s AND s.warehouse_id = %s AND s.kind = 0 AND s.qty < 0 "
            "AND (s.date > %s OR (s.date = %s AND s.id >= %s)) "
            "AND m.kind = 0 AND m.rule = %s AND d.status <> 'cancelled'",
            [item, wh, day, day, first_id, M.ASSEMBLED_IN],
        )
        return [
            (src, (mitem, mwh), (as_date(mday), mid))
            for src, mid, mday, mitem, mwh in cur.fetchall()
        ]

    @staticmethod
    def value(r, mid, src) -> int:
        day, item, wh, doc, line = r.info[mid]
        with connection.cursor() as cur:
            cur.execute(
                "SELECT id FROM inventory_stockmove WHERE document_id = %s AND line_id = %s "
                "AND kind = 0 AND qty < 0",
                [doc, line],
            )
            comps = [row[0] for row in cur.fetchall()]
            missing = [c for c in comps if c not in r.db_value]
            if missing:
                r._load_values(cur, missing)
        fee = r.db_value[mid] + sum(r.db_value[c] for c in comps)
        return fee - sum(r.current(c) for c in comps)


class Split:
    @staticmethod
    def fresh_value(spec, outs) -> int:
        return split_share(-sum(outs), spec.share)

    @staticmethod
    def dependents(cur, item, wh, day, first_id) -> list:
        return []  # its one source is `source_move`, which the re-statement follows already

    @staticmethod
    def value(r, mid, src) -> int:
        return split_share(-r.current(src), shares_of(r.info[mid][4])[r.info[mid][1]])


def shares_of(line_id: int) -> dict:
    """item id -> (weight before it, its weight, total) of a disassembly line's components."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT item_id, weight FROM documents_linecomponent WHERE line_id = %s ORDER BY id",
            [line_id],
        )
        rows = [(item, int(w)) for item, w in cur.fetchall()]
    return weighted(rows)


def weighted(rows) -> dict:
    whole = sum(w for _, w in rows)
    out, before = {}, 0
    for item, w in rows:
        out[item] = (before, w, whole)
        before += w
    return out


LINKED_RULES[M.ASSEMBLED_IN] = Assembled
LINKED_RULES[M.SPLIT_IN] = Split
