"""imports: the Excel import of master data at scale (issue 11) — 10,000 items with 3 units
each (base unit + 单位2 + 单位3, each with its barcode, in one of 50 categories) and 5,000
customers with every field (contact, phones, address, a valid 统一社会信用代码, bank, account,
账期, price level, credit limit). The .xlsx files are generated here (not timed); what is timed
is the import as the import page runs it: parse (openpyxl) + check every row + write, one
transaction, through catalog.imports.import_items and partners.imports.import_partners."""

import io
import statistics
import time

from .books import Books, scalar
from .config import TARGETS, log
from .machine import profiled

CATEGORIES = 50
LEVELS = ("LS", "PF", "VIP")
WORDS = ("可口可乐", "雪碧", "矿泉水", "方便面", "饼干", "牛奶", "酱油", "大米", "洗衣粉", "纸巾")
SPECS = ("330ml", "500ml", "1L", "5kg", "100g", "12卷")


def headers(columns) -> list[str]:
    return [label + ("*" if req else "") for _key, label, req in columns]


def workbook(columns, rows) -> bytes:
    """An .xlsx with the template's headers and `rows` (dicts by field), written streaming."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("data")
    ws.append(headers(columns))
    keys = [k for k, _l, _r in columns]
    for row in rows:
        ws.append([row.get(k) for k in keys])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def ean13(number: int) -> str:
    body = f"69{number:010d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def item_rows(n: int, run: int):
    """n items of run `run` (codes and barcodes unique across runs): 个, 盒 of 6, 箱 of 24."""
    for i in range(n):
        code = f"R{run}I{i:06d}"
        word, spec = WORDS[i % len(WORDS)], SPECS[i % len(SPECS)]
        base = (run * 1_000_000 + i) * 3
        yield {
            "code": code,
            "name": f"{word} {spec} {i}号",
            "unit": "个",
            "spec": spec,
            "barcode": ean13(base),
            "category": f"CAT{i % CATEGORIES:02d}",
            "tax_rate": "13%",
            "purchase_price": "2.10",
            "sale_price": "3.50",
            "safety_stock": 24,
            "unit2": "盒",
            "factor2": 6,
            "barcode2": ean13(base + 1),
            "sale_price2": "20.00",
            "unit3": "箱",
            "factor3": 24,
            "barcode3": ean13(base + 2),
            "purchase_price3": "48.00",
            "sale_price3": "78.00",
        }


def uscc(n: int) -> str:
    """A valid 统一社会信用代码 (python-stdnum computes the check character)."""
    from stdnum.cn import uscc as std

    body = f"91440101{n:09d}"
    return body + std.calc_check_digit(body)


def customer_rows(n: int, run: int):
    for i in range(n):
        yield {
            "code": f"R{run}C{i:06d}",
            "name": f"客户{run}-{i}号便利店",
            "phone": f"020-{80000000 + i}",
            "credit_limit": "5000",
            "contact": "张三",
            "mobile": f"139{run:02d}{i:06d}",
            "address": f"广州市天河路 {i} 号",
            "tax_no": uscc(run * 1_000_000 + i),
            "bank_name": "工商银行",
            "bank_account": f"6222{run:02d}{i:013d}",
            "payment_terms_days": 30,
            "price_level": LEVELS[i % len(LEVELS)],
        }


def setup(user) -> None:
    """The categories and price levels the files refer to (not timed)."""
    from openjxc.catalog.models import Category
    from openjxc.catalog.services import create_price_level

    Category.objects.bulk_create(
        Category(code=f"CAT{k:02d}", name=f"分类{k}") for k in range(CATEGORIES)
    )
    for code in LEVELS:
        create_price_level(user, {"code": code, "name": code})


def bench_imports(args, books: Books, size: dict, out: dict) -> None:
    from openjxc.audit.services import verify_chain
    from openjxc.catalog.imports import COLUMNS as ITEM_COLUMNS
    from openjxc.catalog.imports import import_items
    from openjxc.core.sheets import read_rows
    from openjxc.partners.imports import COLUMNS as PARTNER_COLUMNS
    from openjxc.partners.imports import import_partners

    user = books.user
    n_items, n_customers = size["import_items"], size["import_customers"]
    setup(user)
    res = {
        "items": n_items,
        "units_per_item": 3,
        "customers": n_customers,
        "target_s": TARGETS["import_s"],
    }
    items_s, customers_s, totals = [], [], []
    for run in range(1, args.runs + 1):
        t0 = time.perf_counter()
        items_file = workbook(ITEM_COLUMNS, item_rows(n_items, run))
        customers_file = workbook(PARTNER_COLUMNS["customer"], customer_rows(n_customers, run))
        gen_s = time.perf_counter() - t0
        if run == 1:
            res["generate_s"] = round(gen_s, 1)
            res["items_file_mb"] = round(len(items_file) / 1e6, 2)
            res["customers_file_mb"] = round(len(customers_file) / 1e6, 2)
            # parsing alone (openpyxl read-only), and the preview (parse + check, no writes)
            t1 = time.perf_counter()
            read_rows(items_file, ITEM_COLUMNS, max_rows=n_items)
            res["items_parse_s"] = round(time.perf_counter() - t1, 2)
            t1 = time.perf_counter()
            preview = import_items(user, items_file, commit=False)
            res["items_preview_s"] = round(time.perf_counter() - t1, 2)
            res["items_preview_ok"] = preview["ok"]
        with profiled(args if run == 1 else _NoProfile, f"{books.backend}-imports", out):
            t1 = time.perf_counter()
            items = import_items(user, items_file, commit=True)
            t2 = time.perf_counter()
            customers = import_partners(user, "customer", customers_file, commit=True)
            t3 = time.perf_counter()
        for name, result in (("items", items), ("customers", customers)):
            if not result["ok"]:
                bad = [(r["row"], r["code"], str(r["error"])) for r in result["rows"] if r["error"]]
                raise RuntimeError(f"{name} import refused: {bad[:5]}")
        items_s.append(t2 - t1)
        customers_s.append(t3 - t2)
        totals.append(t3 - t1)
        log(
            f"{books.backend} imports run {run}: {n_items} items in {items_s[-1]:.2f}s, "
            f"{n_customers} customers in {customers_s[-1]:.2f}s (total {totals[-1]:.2f}s)"
        )
    res.update(
        imported_items=scalar("SELECT COUNT(*) FROM catalog_item WHERE code LIKE 'R%%I%%'"),
        imported_units=scalar("SELECT COUNT(*) FROM catalog_itemunit"),
        imported_customers=scalar(
            "SELECT COUNT(*) FROM partners_partner WHERE kind = 'customer' AND code LIKE 'R%%C%%'"
        ),
        items_s_runs=[round(t, 2) for t in items_s],
        customers_s_runs=[round(t, 2) for t in customers_s],
        import_s_runs=[round(t, 2) for t in totals],
        items_s=round(statistics.median(items_s), 2),
        customers_s=round(statistics.median(customers_s), 2),
        import_s=round(statistics.median(totals), 2),
        met=statistics.median(totals) <= TARGETS["import_s"] if books.backend == "sqlite" else None,
    )
    t1 = time.perf_counter()
    res["audit_chain_ok"] = not verify_chain()
    res["audit_verify_s"] = round(time.perf_counter() - t1, 1)
    out["imports"] = res


class _NoProfile:
    profile = None
