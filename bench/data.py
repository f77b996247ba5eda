"""Data for the benchmarks: master data and drafts through the services, drafts cloned in bulk,
and large ledgers written directly (TableWriter) for the read benchmarks. The bulk rows are
priced and valued by the project's own functions (documents.rules.line_amounts, the posting
recipes, costing.value_for), so they hold what approving the same documents would write."""

import datetime as dt
import functools
import random
from decimal import Decimal

from .books import scalar, scalar_rows
from .config import START


def services():
    from openjxc.catalog.services import create_item
    from openjxc.documents.services import create_draft
    from openjxc.inventory.services import create_warehouse
    from openjxc.partners.services import create_partner
    from openjxc.posting import engine

    return create_item, create_draft, create_warehouse, create_partner, engine


def master_data(user, items, warehouses=("WH1",)):
    create_item, _, create_warehouse, create_partner, _ = services()
    for code in warehouses:
        create_warehouse(user, {"code": code, "name": f"仓库{code}"})
    for code in items:
        create_item(
            user,
            {
                "code": code,
                "name": f"商品{code}",
                "unit": "个",
                "tax_rate": "0.13",
                "purchase_price": "5.00",
                "sale_price": "10.00",
            },
        )
    create_partner(user, "supplier", {"code": "S001", "name": "供应商一"})
    create_partner(user, "customer", {"code": "C001", "name": "客户一"})


def draft(user, type_, day, lines, warehouse="WH1"):
    """Create a draft through the service; lines are (item, qty, price)."""
    _, create_draft, _, _, _ = services()
    partner = "S001" if type_.startswith("purchase") else "C001"
    body = {
        "type": type_,
        "date": day.isoformat(),
        "warehouse": warehouse,
        "partner": partner,
        "lines": [{"item": i, "qty": str(q), "price": str(p)} for i, q, p in lines],
    }
    return create_draft(user, body)[0]["number"]


def clone_drafts(template: str, tag: str, days: list, items: list) -> list[str]:
    """Copies of a draft (same lines and amounts), copy i dated days[i] with line j on item
    items[i][j]. Only draft preparation: the copies are approved through the engine."""
    from django.db import transaction

    from openjxc.documents.models import Document, DocumentLine

    tpl = Document.objects.get(number=template)
    tpl_lines = list(DocumentLine.objects.filter(document=tpl).order_by("line_no"))
    doc_fields = {
        f.attname: getattr(tpl, f.attname)
        for f in Document._meta.concrete_fields
        if not f.primary_key
    }
    line_fields = [
        {
            f.attname: getattr(ln, f.attname)
            for f in DocumentLine._meta.concrete_fields
            if not f.primary_key and not f.generated  # base_qty: computed by the database
        }
        for ln in tpl_lines
    ]
    prefix = template[:4]
    numbers = []
    for start in range(0, len(days), 2000):
        with transaction.atomic():
            docs = []
            for i in range(start, min(len(days), start + 2000)):
                n = f"{prefix}{tag}{i:07d}"
                numbers.append(n)
                docs.append(
                    Document(**{**doc_fields, "number": n, "date": days[i], "external_ref": None})
                )
            Document.objects.bulk_create(docs)
            lines = [
                DocumentLine(**{**lf, "document_id": d.pk, "item_id": items[start + k][j]})
                for k, d in enumerate(docs)
                for j, lf in enumerate(line_fields)
            ]
            DocumentLine.objects.bulk_create(lines, batch_size=2000)
    return numbers


def item_ids(codes) -> list[int]:
    from openjxc.catalog.models import Item

    by_code = dict(Item.objects.filter(code__in=codes).values_list("code", "id"))
    return [by_code[c] for c in codes]


# Columns of the approved documents the generators write in bulk.
DOCUMENT_COLUMNS = [
    "id",
    "number",
    "type",
    "status",
    "date",
    "partner_id",
    "warehouse_id",
    "amount",
    "tax",
    "amount_incl_tax",
    "created_by_id",
    "approved_by_id",
    "approved_at",
]


class TableWriter:
    """Bulk rows for a model's table: the given columns, and every other column at its model
    default (so the writer survives added columns with defaults). COPY on PostgreSQL."""

    def __init__(self, model, columns: list[str]):
        from django.db import connection
        from django.utils import timezone

        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.table = model._meta.db_table
        self.const = []
        for name, f in fields.items():
            if name in columns or f.primary_key or f.generated:  # generated: the database's
                continue
            if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
                value = timezone.now()
            elif f.has_default() or not f.null:
                value = f.get_default()
            else:
                value = None
            self.const.append((f.column, f.get_db_prep_save(value, connection)))
        self.cols = [fields[c].column for c in columns] + [c for c, _ in self.const]
        self.tail = tuple(v for _, v in self.const)

    def write(self, rows) -> None:
        from django.db import connection

        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                with cur.cursor.copy(
                    f"COPY {self.table} ({', '.join(self.cols)}) FROM STDIN"
                ) as cp:
                    for r in rows:
                        cp.write_row(r + self.tail)
            else:
                marks = ", ".join(["%s"] * len(self.cols))
                cur.executemany(
                    f"INSERT INTO {self.table} ({', '.join(self.cols)}) VALUES ({marks})",
                    [r + self.tail for r in rows],
                )


LINE_COLUMNS = [
    "id",
    "document_id",
    "line_no",
    "item_id",
    "qty",
    "price",
    "price_incl_tax",
    "tax_rate",
    "amount",
    "tax",
    "amount_incl_tax",
]
MOVE_COLUMNS = [
    "id",
    "date",
    "document_id",
    "line_id",
    "item_id",
    "warehouse_id",
    "qty",
    "value",
    "kind",
    "rule",
]


@functools.lru_cache(maxsize=1 << 16)
def priced_line(qty_units: int, price_fen: int, rate: Decimal) -> tuple:
    """(price, price_incl_tax, amount, tax, gross) of a line priced tax-exclusive, as the
    documents service prices it (documents.rules.line_amounts, money in fen)."""
    from openjxc.core.numbers import QTY_SCALE, fen_dec, to_fen
    from openjxc.documents.rules import line_amounts

    qty = Decimal(qty_units) / QTY_SCALE
    price, pit, amount, tax, gross = line_amounts(qty, fen_dec(price_fen), None, rate)
    return price, pit, to_fen(amount), to_fen(tax), to_fen(gross)


def next_ids(*models) -> list[int]:
    """The highest id of each model's table: bulk rows are numbered after it."""
    return [scalar(f"SELECT COALESCE(MAX(id), 0) FROM {m._meta.db_table}") for m in models]


def reset_sequences(models, vacuum: bool = True) -> None:
    """After rows written with explicit ids (PostgreSQL): the sequences, and the statistics
    autovacuum would have gathered by now (VACUUM cannot run inside a transaction)."""
    from django.core.management.color import no_style
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cur.execute(sql)
        cur.execute("VACUUM ANALYZE" if vacuum and not connection.in_atomic_block else "ANALYZE")


def generate_ledger(
    user, n_items: int, n_moves: int, days: int = 365, lines: int = 5, method: str = ""
) -> dict:
    """A consistent stock ledger: on day 0 every item is received; then documents of `lines`
    lines, ~25% purchase receipts and ~75% sales deliveries, spread over `days`. Lines are priced
    by the documents' rule (priced_line), moves come from the types' posting recipes and are
    valued by costing.value_for with the balance before them, as the engine values an approval
    at the end of a timeline. Two warehouses; each item lives in one of them. `method`: the
    items' costing method (fifo: moves valued by inventory/fifo.py's layers)."""
    from types import SimpleNamespace

    from django.db import transaction
    from django.utils import timezone

    from openjxc.catalog.models import Item
    from openjxc.core.numbers import QTY_SCALE
    from openjxc.documents.models import Document, DocumentLine
    from openjxc.documents.types import TYPES
    from openjxc.inventory.costing import value_for
    from openjxc.inventory.fifo import Layers, value_fifo
    from openjxc.inventory.models import StockBalance, StockMove, Warehouse
    from openjxc.partners.models import Partner
    from openjxc.posting.recipes import stock_specs

    rng = random.Random(7)
    whs = [Warehouse.objects.create(code=f"WH{k}", name=f"仓库{k}").id for k in (1, 2)]
    supplier = Partner.objects.create(kind="supplier", code="S001", name="供应商一").id
    customer = Partner.objects.create(kind="customer", code="C001", name="客户一").id
    rate = Decimal("0.13")
    Item.objects.bulk_create(
        [
            Item(
                code=f"G{i:06d}",
                name=f"商品{i:06d}",
                unit="个",
                tax_rate=rate,
                purchase_price=Decimal("5"),
                sale_price=Decimal("10"),
                **({"costing_method": method} if method else {}),
            )
            for i in range(n_items)
        ],
        batch_size=2000,
    )
    items = list(
        Item.objects.filter(code__startswith="G").order_by("id").values_list("id", flat=True)
    )
    by_wh = {w: [it for k, it in enumerate(items) if k % 2 == j] for j, w in enumerate(whs)}
    wh_of = {it: whs[k % 2] for k, it in enumerate(items)}
    cost = {it: rng.randint(300, 2000) for it in items}  # fen per unit
    state = {it: [0, 0] for it in items}
    layers = {it: Layers() for it in items} if method == "fifo" else None
    last = {}
    now = timezone.now()
    docw = TableWriter(Document, DOCUMENT_COLUMNS)
    linew = TableWriter(DocumentLine, LINE_COLUMNS)
    movew = TableWriter(StockMove, MOVE_COLUMNS)
    first_ids = next_ids(Document, DocumentLine, StockMove)
    ids = dict(zip(("doc", "line", "move"), first_ids, strict=True))
    buf = {"doc": [], "line": [], "move": []}

    def flush():
        with transaction.atomic():
            docw.write(buf["doc"])
            linew.write(buf["line"])
            movew.write(buf["move"])
        for v in buf.values():
            v.clear()

    def add_doc(kind, day, wh, lines_):
        """lines_: (item, qty_units, price_fen)."""
        ids["doc"] += 1
        d = ids["doc"]
        doc = SimpleNamespace(id=d, type=kind, warehouse_id=wh)
        doc_lines, tot = [], [0, 0, 0]
        for no, (it, q, p) in enumerate(lines_, start=1):
            ids["line"] += 1
            price, pit, amount, tax, gross = priced_line(q, p, rate)
            tot = [tot[0] + amount, tot[1] + tax, tot[2] + gross]
            buf["line"].append((ids["line"], d, no, it, q, price, pit, rate, amount, tax, gross))
            doc_lines.append(
                SimpleNamespace(
                    id=ids["line"],
                    item_id=it,
                    qty=q,
                    base_qty=q,  # lines in the base unit
                    amount=amount,
                    source_line_id=None,
                )
            )
        for s in stock_specs(doc, doc_lines, None, {}):
            st = state[s.item_id]
            assert st[0] + s.qty >= 0, "generator ran out of stock"
            kw = {"fixed": s.fixed, "fallback": s.fallback}
            if layers is None:
                value = value_for(s.rule, s.qty, st[0], st[1], **kw)
            else:
                lay = layers[s.item_id]
                value = value_fifo(
                    lay, value_for, s.rule, s.qty, st[0], st[1], ids["move"] + 1, **kw
                )
            st[0] += s.qty
            st[1] += value
            last[s.item_id] = day
            ids["move"] += 1
            buf["move"].append(
                (
                    ids["move"],
                    day,
                    d,
                    s.line_id,
                    s.item_id,
                    s.warehouse_id,
                    s.qty,
                    value,
                    StockMove.ORIGINAL,
                    s.rule,
                )
            )
        receipt = kind == "purchase_receipt"
        buf["doc"].append(
            (
                d,
                f"{TYPES[kind].prefix}G{d:09d}",
                kind,
                "approved",
                day,
                supplier if receipt else customer,
                wh,
                *tot,
                user.id,
                user.id,
                now,
            )
        )
        if len(buf["move"]) >= 50_000:
            flush()

    # day 0: every item received (1,000 units), `lines` items per receipt
    for w in whs:
        its = by_wh[w]
        for k in range(0, len(its), lines):
            add_doc(
                "purchase_receipt",
                START,
                w,
                [(it, 1000 * QTY_SCALE, cost[it]) for it in its[k : k + lines]],
            )
    remaining = max(0, n_moves - (ids["move"] - first_ids[2])) // lines
    per_day = max(1, remaining // (days - 1))
    made = 0
    day = START
    while made < remaining:
        day += dt.timedelta(days=1)
        for _ in range(min(per_day, remaining - made)):
            w = whs[rng.randrange(2)]
            chosen = rng.sample(by_wh[w], min(lines, len(by_wh[w])))
            if rng.random() < 0.25:
                add_doc(
                    "purchase_receipt",
                    day,
                    w,
                    [
                        (it, rng.randint(50, 200) * QTY_SCALE, cost[it] + rng.randint(-50, 50))
                        for it in chosen
                    ],
                )
            else:
                add_doc(
                    "sales_delivery",
                    day,
                    w,
                    [(it, rng.randint(1, 5) * QTY_SCALE, 2 * cost[it]) for it in chosen],
                )
            made += 1
    flush()
    balw = TableWriter(StockBalance, ["item_id", "warehouse_id", "qty", "value", "last_date"])
    with transaction.atomic():
        balw.write(
            [(it, wh_of[it], st[0], st[1], last[it]) for it, st in state.items() if it in last]
        )
    reset_sequences([Document, DocumentLine, StockMove])
    return {
        "documents": ids["doc"] - first_ids[0],
        "lines": ids["line"] - first_ids[1],
        "moves": ids["move"] - first_ids[2],
        "first": START,
        "last": day,
    }


def add_vouchers_for_ledger() -> dict:
    """Vouchers for a ledger written by generate_ledger: one per stock document, two journal lines
    moving the stock value between 1405 and 1002 (receipts) or 5401 (deliveries), then the account
    balance cache from the journal. The simplest ledger that reconcile accepts: vouchers balance,
    1405 equals the stock ledger, every approved stock document has a voucher, no open items."""
    from django.db import connection, transaction
    from django.utils import timezone

    from openjxc.ledger import chart as A
    from openjxc.ledger.models import JournalLine, Voucher

    acct = dict(
        scalar_rows(
            "SELECT code, id FROM ledger_account WHERE code IN (%s, %s, %s)",
            [A.INVENTORY, A.BANK, A.COGS],
        )
    )
    inv, bank, cogs = acct[A.INVENTORY], acct[A.BANK], acct[A.COGS]
    offset = scalar("SELECT COALESCE(MAX(id), 0) FROM ledger_voucher")
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "INSERT INTO ledger_voucher (id, date, document_id, kind, memo, number, created_at) "
            "SELECT id + %s, date, id, 'posting', '', NULL, %s FROM documents_document "
            "WHERE type IN ('purchase_receipt', 'sales_delivery') AND status = 'approved'",
            [offset, now],
        )
        value = (
            "(SELECT m.document_id AS doc, m.date AS date, SUM(m.value) AS v, d.type AS type "
            "FROM inventory_stockmove m JOIN documents_document d ON d.id = m.document_id "
            "GROUP BY m.document_id, m.date, d.type)"
        )
        cur.execute(
            "INSERT INTO ledger_journalline (voucher_id, date, account_id, debit, credit, partner_id) "
            f"SELECT s.doc + %s, s.date, %s, CASE WHEN s.v > 0 THEN s.v ELSE 0 END, "
            f"CASE WHEN s.v < 0 THEN -s.v ELSE 0 END, NULL FROM {value} s ORDER BY s.doc",
            [offset, inv],
        )
        cur.execute(
            "INSERT INTO ledger_journalline (voucher_id, date, account_id, debit, credit, partner_id) "
            f"SELECT s.doc + %s, s.date, CASE WHEN s.type = 'purchase_receipt' THEN %s ELSE %s END, "
            f"CASE WHEN s.v < 0 THEN -s.v ELSE 0 END, CASE WHEN s.v > 0 THEN s.v ELSE 0 END, NULL "
            f"FROM {value} s ORDER BY s.doc",
            [offset, bank, cogs],
        )
        cur.execute(
            "UPDATE ledger_accountbalance SET "
            "debit = (SELECT COALESCE(SUM(l.debit), 0) FROM ledger_journalline l "
            "WHERE l.account_id = ledger_accountbalance.account_id), "
            "credit = (SELECT COALESCE(SUM(l.credit), 0) FROM ledger_journalline l "
            "WHERE l.account_id = ledger_accountbalance.account_id)"
        )
    reset_sequences([Voucher, JournalLine])
    return {
        "vouchers": scalar("SELECT COUNT(*) FROM ledger_voucher"),
        "journal_lines": scalar("SELECT COUNT(*) FROM ledger_journalline"),
    }


def generate_open_items(user, n_customers: int, n_items: int) -> dict:
    """Customers, approved sales deliveries (documents only) and one 'raise' receivable entry
    each, spread over 400 days: the rows aging reads. Written in bulk."""
    from django.db import transaction
    from django.utils import timezone

    from openjxc.core.numbers import QTY_SCALE
    from openjxc.documents.models import Document
    from openjxc.documents.types import TYPES
    from openjxc.ledger.models import OpenItemEntry
    from openjxc.partners.models import Partner

    rng, kind, rate = random.Random(11), "sales_delivery", Decimal("0.13")
    Partner.objects.bulk_create(
        [
            Partner(kind="customer", code=f"AG{i:06d}", name=f"账龄客户{i:06d}")
            for i in range(n_customers)
        ],
        batch_size=2000,
    )
    partners = list(
        Partner.objects.filter(code__startswith="AG").order_by("id").values_list("id", flat=True)
    )
    wh = scalar("SELECT MIN(id) FROM inventory_warehouse")
    base = scalar("SELECT COALESCE(MAX(id), 0) FROM documents_document")
    now = timezone.now()
    docw = TableWriter(Document, DOCUMENT_COLUMNS)
    oiw = TableWriter(
        OpenItemEntry, ["date", "partner_id", "kind", "document_id", "entry", "amount"]
    )
    for start in range(0, n_items, 50_000):
        docs, entries = [], []
        for i in range(start, min(n_items, start + 50_000)):
            d = base + 1 + i
            number = f"{TYPES[kind].prefix}AG{i:09d}"
            p = partners[i % len(partners)]
            day = START + dt.timedelta(days=rng.randrange(400))
            # one unit at a random price, taxed as a document line is
            _, _, amount, tax, gross = priced_line(QTY_SCALE, rng.randint(1000, 1_000_000), rate)
            docs.append(
                (d, number, kind, "approved", day, p, wh, amount, tax, gross, user.id, user.id, now)
            )
            entries.append((day, p, "receivable", d, "raise", gross))
        with transaction.atomic():
            docw.write(docs)
            oiw.write(entries)
    reset_sequences([Document], vacuum=False)
    return {"customers": len(partners), "open_items": n_items}
