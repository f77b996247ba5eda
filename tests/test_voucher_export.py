"""金蝶 / 用友 voucher export: GET /journal/export?period=&format=kingdee|yonyou opened with
openpyxl — the header row of each format, one row per journal line, Σ借 = Σ贷 = the journal's
totals, the 科目对照 applied (GET / PUT /journal/export-mapping, audited), Chinese intact, numbers
final after close and provisional before, an empty period as the header alone, who may export."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from openjxc.audit.models import AuditEntry
from openjxc.closing.services import close
from openjxc.reports.voucher_export import KINGDEE, YONYOU

from .factories import As, doc, person, state

pytestmark = pytest.mark.usefixtures("backups_in_tmp")


@pytest.fixture
def march(user):
    receipt = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    delivery = doc(user, "sales_delivery", "2026-03-02", [("A001", 2, "9.00")])
    return {"receipt": receipt, "delivery": delivery}


def sheet(r) -> list[tuple]:
    assert r.status_code == 200, r.content[:300]
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))


def column(rows, header):
    n = rows[0].index(header)
    return [r[n] for r in rows[1:]]


def test_kingdee_file_has_its_header_and_one_row_per_line(api, march):
    rows = sheet(api.get("/journal/export?period=2026-03&format=kingdee"))
    assert rows[0] == tuple(h for h, _k in KINGDEE)
    assert rows[0][:12] == (
        "凭证日期",
        "会计年度",
        "会计期间",
        "凭证字",
        "凭证号",
        "科目代码",
        "科目名称",
        "币别代码",
        "币别名称",
        "原币金额",
        "借方",
        "贷方",
    )
    journal = api.get("/journal?period=2026-03").json()["items"]
    assert len(rows) - 1 == sum(len(v["lines"]) for v in journal) == 8
    debit = sum(Decimal(ln["debit"]) for v in journal for ln in v["lines"])
    assert sum(Decimal(str(x)) for x in column(rows, "借方")) == debit == Decimal("86.84")
    assert sum(Decimal(str(x)) for x in column(rows, "贷方")) == debit
    # the receipt is voucher 1 (provisional: March is open), its lines in order, Chinese intact
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (first["凭证日期"], first["会计年度"], first["会计期间"]) == ("2026-03-01", 2026, 3)
    assert (first["凭证字"], first["凭证号"], first["科目代码"], first["科目名称"]) == (
        "记",
        1,
        "1405",
        "库存商品",
    )
    assert (first["币别代码"], first["币别名称"], first["原币金额"], first["借方"]) == (
        "RMB",
        "人民币",
        50,
        50,
    )
    assert first["凭证摘要"] == f"采购入库单 {march['receipt']} 供应商一"
    assert (first["制单"], first["审核"], first["附件数"], first["分录序号"]) == (
        "admin",
        "admin",
        1,
        0,
    )
    payable = dict(zip(rows[0], rows[3], strict=True))
    assert payable["科目代码"] == "2202" and payable["贷方"] == 56.5
    assert payable["核算项目"] == "供应商---S001---供应商一"
    assert set(column(rows, "凭证号")) == {1, 2}


def test_yonyou_file_has_its_header(api, march):
    rows = sheet(api.get("/journal/export?period=2026-03&format=yonyou"))
    assert rows[0] == tuple(h for h, _k in YONYOU)
    assert rows[0][:7] == (
        "制单日期",
        "凭证类别",
        "凭证号",
        "附单据数",
        "摘要",
        "科目编码",
        "科目名称",
    )
    assert len(rows) == 9
    assert sum(Decimal(str(x)) for x in column(rows, "借方金额")) == Decimal("86.84")
    assert sum(Decimal(str(x)) for x in column(rows, "贷方金额")) == Decimal("86.84")
    receivable = next(r for r in rows[1:] if r[5] == "1122")
    assert dict(zip(rows[0], receivable, strict=True))["客户编码"] == "C001"


def test_the_mapping_is_applied_and_audited(api, march):
    # given the accountant's codes for 1405 and 22210101 in 金蝶
    body = {
        "items": [
            {"account": "1405", "code": "1405.01", "name": "库存商品-默认"},
            {"account": "22210101", "code": "2221.01.01"},
        ]
    }
    r = api.put("/journal/export-mapping?format=kingdee", body)
    assert r.status_code == 200
    got = {i["account"]: (i["code"], i["name"]) for i in r.json()["items"]}
    assert got["1405"] == ("1405.01", "库存商品-默认") and got["1001"] == ("", "")
    entry = AuditEntry.objects.filter(object_type="account_mapping").get()
    assert entry.object == "金蝶 KIS" and entry.after == {
        "accounts": ["1405 → 1405.01 库存商品-默认", "22210101 → 2221.01.01"]
    }
    # then 金蝶's file uses them; unmapped accounts keep our code; 用友's file is untouched
    rows = sheet(api.get("/journal/export?period=2026-03&format=kingdee"))
    codes = set(column(rows, "科目代码"))
    assert {"1405.01", "2221.01.01", "2202", "1122"} <= codes and "1405" not in codes
    mapped = next(r for r in rows[1:] if r[5] == "1405.01")
    assert mapped[6] == "库存商品-默认"
    vat = next(r for r in rows[1:] if r[5] == "2221.01.01")
    assert vat[6] == "进项税额"  # no name given: ours
    assert "1405" in set(
        column(sheet(api.get("/journal/export?period=2026-03&format=yonyou")), "科目编码")
    )
    # saving the same table again writes no second audit entry; an empty code removes a row
    api.put("/journal/export-mapping?format=kingdee", body)
    assert AuditEntry.objects.filter(object_type="account_mapping").count() == 1
    api.put("/journal/export-mapping?format=kingdee", {"items": [{"account": "1405", "code": ""}]})
    items = api.get("/journal/export-mapping?format=kingdee").json()["items"]
    assert all(i["code"] == "" for i in items)


def test_a_bad_mapping_changes_nothing(api, march):
    api.put("/journal/export-mapping?format=kingdee", {"items": [{"account": "1405", "code": "X"}]})
    before = state()
    bad = [
        ({"items": [{"account": "9999", "code": "1"}]}, 422, "invalid"),
        ({"items": [{"account": "1405", "code": "1" * 41}]}, 422, "too_long"),
        ({"items": [{"account": "1405", "code": "1", "colour": "red"}]}, 422, "unknown_field"),
    ]
    for body, status, code in bad:
        r = api.put("/journal/export-mapping?format=kingdee", body)
        assert (r.status_code, r.json()["error"]["code"]) == (status, code)
    r = api.put("/journal/export-mapping?format=sap", {"items": []})
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "format"
    assert state() == before
    items = api.get("/journal/export-mapping?format=kingdee").json()["items"]
    assert next(i["code"] for i in items if i["account"] == "1405") == "X"


def test_closed_periods_export_their_numbers(api, user, march):
    for name in ("2026-01", "2026-02", "2026-03"):
        close(user, name)
    r = api.get("/journal/export?period=2026-03&format=kingdee")
    assert r["X-Provisional-Numbers"] == "0"
    journal = api.get("/journal?period=2026-03").json()["items"]
    numbers = [int(v["number"].split("-")[1]) for v in journal]
    assert sorted(set(column(sheet(r), "凭证号"))) == numbers == [1, 2, 3]  # the third: 结转损益
    assert set(column(sheet(r), "审核")) == {"admin"}


def test_an_open_period_is_numbered_provisionally(api, march):
    r = api.get("/journal/export?period=2026-03&format=yonyou")
    assert r["X-Provisional-Numbers"] == "1"
    assert column(sheet(r), "凭证号") == [1, 1, 1, 2, 2, 2, 2, 2]


def test_an_empty_period_gives_the_header_alone(api, march):
    rows = sheet(api.get("/journal/export?period=2026-04&format=kingdee"))
    assert rows == [tuple(h for h, _k in KINGDEE)]


def test_bad_requests_are_clear(api):
    for path, field in (
        ("/journal/export?period=2026-03&format=sap", "format"),
        ("/journal/export?format=kingdee", "period"),
    ):
        r = api.get(path)
        assert r.status_code == 422 and r.json()["error"]["details"]["field"] == field
    assert api.get("/journal/export?period=1999-01&format=kingdee").status_code == 404


def test_only_the_money_area_with_cost_exports(client, march):
    for role, status in (("财务", 200), ("老板", 200), ("采购", 403), ("销售", 403), ("库管", 403)):
        person(role)
        r = As(client, f"u-{role}").get("/journal/export?period=2026-03&format=kingdee")
        assert r.status_code == status, role
        mapping = As(client, f"u-{role}").get("/journal/export-mapping?format=kingdee")
        assert mapping.status_code == status, role


def test_the_journal_page_exports_and_edits_the_mapping(admin_client, march):
    page = admin_client.get("/journal/?period=2026-03").content.decode()
    assert 'id="voucher-export"' in page and "金蝶 KIS" in page and "用友 T+" in page
    r = admin_client.get("/journal/export/?period=2026-03&format=kingdee")
    assert sheet(r)[0][0] == "凭证日期"
    # a bad format comes back to the journal with the message
    r = admin_client.get("/journal/export/?period=2026-03&format=sap", follow=True)
    assert "导出格式" in r.content.decode()
    # the 科目对照 page saves the accountant's codes
    form = {
        "account": ["1405", "1001"],
        "code_1405": "1405.9",
        "name_1405": "商品",
        "code_1001": "",
    }
    r = admin_client.post("/journal/mapping/?format=yonyou", form)
    assert r.status_code == 302
    html = admin_client.get("/journal/mapping/?format=yonyou").content.decode()
    assert 'name="code_1405" value="1405.9"' in html and "科目对照已保存" in html
    assert 'name="code_1405" value=""' in admin_client.get("/journal/mapping/").content.decode()
