"""The reconcile check of assemblies and disassemblies (组装单 / 拆卸单).

An assembly's output is worth what its components took plus the processing fee, however their
costs were re-stated since; a disassembly's components are worth exactly what was taken apart.
Both say the same of the ledger: the effective values (originals and their adjustments) of an
approved assembly's moves add up to its fee, a disassembly's to zero."""

from django.db import connection
from django.utils.translation import gettext as _

from openjxc.core.numbers import fen_str
from openjxc.documents.types import codes


def assemblies_hold() -> list[dict]:
    made, taken_apart = codes(assembled="outputs"), codes(assembled="inputs")
    types = made + taken_apart
    if not types:
        return []
    marks = ",".join(["%s"] * len(types))
    with connection.cursor() as cur:
        cur.execute(
            "SELECT d.number, d.type, d.fee, COALESCE(SUM(m.value), 0) FROM documents_document d "
            "LEFT JOIN inventory_stockmove m ON m.document_id = d.id AND m.kind <> 1 "
            f"WHERE d.type IN ({marks}) AND d.status IN ('approved', 'reversed') "
            "AND d.reversal_of_id IS NULL GROUP BY d.id, d.number, d.type, d.fee ORDER BY d.id",
            list(types),
        )
        rows = cur.fetchall()
    problems = []
    for number, doc_type, fee, total in rows:
        expected = int(fee) if doc_type in made else 0
        if int(total) != expected:
            problems.append(
                {
                    "check": "assembly_value",
                    "document": number,
                    "message": _(
                        "%(document)s: its stock moves add up to %(total)s instead of %(fee)s"
                    )
                    % {"document": number, "total": fen_str(int(total)), "fee": fen_str(expected)},
                }
            )
    return problems
