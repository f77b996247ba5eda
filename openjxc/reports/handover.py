"""The handover workbook (交接工作簿): master data, open items and stock as one Excel file, for
whoever takes the business over in another product — what such products import first
(their item, customer and supplier lists, opening receivables/payables and opening stock).

The full export (CSV per table) keeps everything; this keeps what a person re-keys or imports.
Values are numbers, not text, so that they import as such."""

import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from openjxc.catalog.models import Item
from openjxc.core.services import get_setting
from openjxc.inventory.models import Warehouse
from openjxc.inventory.selectors import stock_rows
from openjxc.ledger.models import OpenItem
from openjxc.partners.models import Partner
from openjxc.users.services import MANAGE_BACKUP, VIEW_COST, require

from .excel import XLSX


def _yes(flag: bool) -> str:
    return _("Yes") if flag else _("No")


def _items() -> tuple:
    head = [
        _("Code"),
        _("Name"),
        _("Specification"),
        _("Unit"),
        _("Barcode"),
        _("Category"),
        _("Tax rate"),
        _("Purchase price"),
        _("Sales price"),
        _("Active"),
    ]
    rows = [
        [
            i.code,
            i.name,
            i.spec,
            i.unit,
            i.barcode,
            i.category.name if i.category else "",
            i.tax_rate,
            i.purchase_price,
            i.sale_price,
            _yes(i.active),
        ]
        for i in Item.objects.select_related("category").order_by("code")
    ]
    return _("Items"), head, rows


def _partners(kind: str, title: str) -> tuple:
    head = [
        _("Code"),
        _("Name"),
        _("Contact"),
        _("Phone"),
        _("Mobile"),
        _("Address"),
        _("Tax number"),
        _("Bank"),
        _("Bank account"),
        _("Payment terms (days)"),
        _("Credit limit"),
        _("Active"),
    ]
    rows = [
        [
            p.code,
            p.name,
            p.contact,
            p.phone,
            p.mobile,
            p.address,
            p.tax_no,
            p.bank_name,
            p.bank_account,
            p.payment_terms_days,
            None if p.credit_limit is None else Decimal(p.credit_limit) / 100,
            _yes(p.active),
        ]
        for p in Partner.objects.filter(kind=kind).order_by("code")
    ]
    return title, head, rows


def _warehouses() -> tuple:
    head = [_("Code"), _("Name"), _("Active")]
    rows = [[w.code, w.name, _yes(w.active)] for w in Warehouse.objects.order_by("code")]
    return _("Warehouses"), head, rows


def _open_items() -> tuple:
    head = [
        _("Kind"),
        _("Partner code"),
        _("Partner"),
        _("Document"),
        _("Date"),
        _("Due date"),
        _("Open amount"),
    ]
    kinds = {"receivable": _("Receivable"), "payable": _("Payable")}
    rows = [
        [
            kinds.get(o.kind, o.kind),
            o.partner.code,
            o.partner.name,
            o.document.number,
            o.date,
            o.due_date,
            Decimal(o.open_amount) / 100,
        ]
        for o in OpenItem.objects.exclude(open_amount=0)
        .select_related("partner", "document")
        .order_by("kind", "partner__code", "date", "document__number")
    ]
    return _("Open items"), head, rows


def _stock() -> tuple:
    head = [
        _("Item code"),
        _("Item"),
        _("Warehouse code"),
        _("Warehouse"),
        _("On hand"),
        _("Value"),
    ]
    rows = [
        [
            r["item"],
            r["item_name"],
            r["warehouse"],
            r["warehouse_name"],
            Decimal(r["on_hand"]),
            Decimal(r["value"]),
        ]
        for r in stock_rows()
    ]
    return _("Stock"), head, rows


def handover_workbook(user) -> bytes:
    """The workbook (values at cost: an administrator's, who sees everything)."""
    require(user, MANAGE_BACKUP)
    require(user, VIEW_COST)
    wb = Workbook()
    wb.remove(wb.active)
    sheets = [
        _items(),
        _partners(Partner.CUSTOMER, _("Customers")),
        _partners(Partner.SUPPLIER, _("Suppliers")),
        _warehouses(),
        _open_items(),
        _stock(),
    ]
    for title, head, rows in sheets:
        ws = wb.create_sheet(title[:31])
        ws.append(head)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(row)
        ws.freeze_panes = "A2"
    info = wb.create_sheet(_("About"))
    info.append([_("Company"), get_setting("company_name") or ""])
    info.append([_("Exported at"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


CONTENT_TYPE = XLSX
