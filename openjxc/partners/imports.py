"""Excel import of customers and suppliers, all or nothing, checked and written in bulk as the
item import is (catalog/imports.py): the file's existing codes and every price level are loaded
once, each row is checked by the partner service's own field checks (`_fields`) without a
query, and the good rows are inserted in batches with one audit entry each, in one transaction."""

from django.db import IntegrityError, transaction

from openjxc.audit.services import record, record_many
from openjxc.catalog.models import PriceLevel
from openjxc.core.codes import code_source
from openjxc.core.db import insert_models
from openjxc.core.errors import DomainError, not_found
from openjxc.core.sheets import MASTER_MAX_ROWS, check_rows, chunks, read_rows
from openjxc.core.validation import text_field
from openjxc.users.services import MASTER_DATA, require

from .models import Partner
from .selectors import partner_dict
from .services import _fields

# the columns an import writes (created_at: now, by insert_models)
FIELDS = [f for f in Partner._meta.concrete_fields if not f.primary_key]

# the fields both kinds share after their own; a supplier has no credit limit
DETAILS = [
    ("contact", "联系人", False),
    ("mobile", "手机", False),
    ("address", "地址", False),
    ("tax_no", "税号", False),
    ("bank_name", "开户银行", False),
    ("bank_account", "银行账号", False),
    ("payment_terms_days", "账期天数", False),
]
COLUMNS = {
    "customer": [
        ("code", "客户编码", True),
        ("name", "客户名称", True),
        ("phone", "电话", False),
        ("credit_limit", "信用额度", False),
        *DETAILS,
        ("price_level", "价格等级", False),
    ],
    "supplier": [
        ("code", "供应商编码", True),
        ("name", "供应商名称", True),
        ("phone", "电话", False),
        *DETAILS,
    ],
}
_EXAMPLE_DETAILS = ["张三", "13900000000", "广州市天河路 1 号", "91110000600037341L", "工商银行"]
EXAMPLES = {
    "customer": [
        "C100",
        "城东便利店",
        "13800000000",
        "5000",
        *_EXAMPLE_DETAILS,
        "6222020200001234567",
        "30",
        "",
    ],
    "supplier": [
        "S100",
        "华南食品批发",
        "020-12345678",
        *_EXAMPLE_DETAILS,
        "6222020200007654321",
        "60",
    ],
}


def _checker(kind: str, rows: list[tuple[int, dict]], commit: bool):
    """check(row) → an unsaved Partner; raises DomainError for a bad row. Loads the file's codes
    that exist already and the price levels (one query each, the codes in chunks). A row without
    a code gets the automatic one (shown in the preview, reserved on import)."""
    typed = {str(r["code"]).strip() for _n, r in rows if r.get("code")}
    auto_code = code_source(
        kind,
        lambda c: c in typed or Partner.objects.filter(kind=kind, code=c).exists(),
        reserve=commit,
    )
    existing = set()
    for part in chunks({r["code"] for _n, r in rows if r.get("code")}):
        existing.update(
            Partner.objects.filter(kind=kind, code__in=part).values_list("code", flat=True)
        )
    levels = {level.code: level for level in PriceLevel.objects.all()}
    codes = set()

    def check(row: dict) -> Partner:
        data = {k: v for k, v in row.items() if v is not None}
        code = text_field(data, "code", 64) or auto_code()
        row["code"] = code
        level = data.pop("price_level", None)
        fields = _fields(data)
        if code in existing or code in codes:
            raise DomainError(
                "duplicate_code", f"{kind} code {code} already exists", {"code": code}
            )
        if level is not None:
            if level not in levels:
                raise not_found("price_level", level)
            fields["price_level"] = levels[level]
        codes.add(code)
        return Partner(kind=kind, code=code, **fields)

    return check


def import_partners(user, kind: str, content: bytes, commit: bool) -> dict:
    """Preview (commit=False) or import partners of `kind` from an .xlsx file."""
    require(user, MASTER_DATA)
    rows = read_rows(content, COLUMNS[kind], max_rows=MASTER_MAX_ROWS)
    if not commit:
        results, _good = check_rows(rows, _checker(kind, rows, False))
        return {"rows": results, "ok": all(r["error"] is None for r in results), "imported": 0}
    with transaction.atomic():  # the check sees the data the write goes into
        results, good = check_rows(rows, _checker(kind, rows, True))
        ok = all(r["error"] is None for r in results)
        if ok:
            rows = [
                {f.attname: getattr(p, f.attname) for f in FIELDS if f.attname != "created_at"}
                for p in good
            ]
            try:
                ids = dict((code, pk) for pk, code in insert_models(Partner, rows, "code"))
            except IntegrityError:  # another user added one of the codes since the check
                raise DomainError(
                    "duplicate_code", f"a {kind} code of the file was added meanwhile", {"code": ""}
                ) from None
            for p in good:
                p.pk = ids[p.code]
            record_many(user, "create", kind, [(p.code, partner_dict(p)) for p in good])
            record(
                user, "import", kind, f"{len(good)} rows", after={"codes": [p.code for p in good]}
            )
    return {"rows": results, "ok": ok, "imported": len(results) if ok else 0}
