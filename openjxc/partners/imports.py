"""Excel import of customers and suppliers through partners.services.create_partner, all or nothing."""

from openjxc.audit.services import record
from openjxc.core.sheets import read_rows, run_rows
from openjxc.users.services import MASTER_DATA, require

from .services import create_partner

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


def _create(user, kind: str, row: dict) -> None:
    """One row; an empty 编码 gets the automatic code, shown in the preview and audited."""
    data = {k: v for k, v in row.items() if v is not None}
    row["code"] = create_partner(user, kind, data)["code"]


def import_partners(user, kind: str, content: bytes, commit: bool) -> dict:
    """Preview (commit=False) or import partners of `kind` from an .xlsx file."""
    require(user, MASTER_DATA)
    rows = read_rows(content, COLUMNS[kind])
    result = run_rows(rows, lambda row: _create(user, kind, row), commit)
    if result["imported"]:
        record(
            user,
            "import",
            kind,
            f"{result['imported']} rows",
            after={"codes": [r["data"]["code"] for r in result["rows"]]},
        )
    return result
