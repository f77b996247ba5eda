"""What the document pages and the entry form share: the type from the URL, how prices are
typed (tax-inclusive or not), the user's warehouses."""

from decimal import Decimal

from django.http import Http404

from openjxc.core.numbers import COST_PLACES, price_str, round_half_up
from openjxc.core.services import get_setting
from openjxc.documents.types import TYPES, codes
from openjxc.inventory.models import Warehouse
from openjxc.users.services import allowed_warehouse_ids

MARGIN_TYPES = codes(margin=True)  # a margin means something on what is sold only


def _doc_type(doc_type: str):
    t = TYPES.get(doc_type)
    if t is None or not t.posts:
        raise Http404(doc_type)
    return t


def _incl() -> bool:
    """Users type tax-inclusive prices (company setting price_includes_tax = "1")."""
    return get_setting("price_includes_tax", "0") == "1"


def _entry_price(price, rate, incl: bool):
    """A stored tax-exclusive price as the user types it (tax-inclusive when the setting says so)."""
    if price is None:
        return None
    if incl:
        price = round_half_up(Decimal(price) * (1 + Decimal(rate or 0)), COST_PLACES)
    return price_str(Decimal(price))


def _percent(rate) -> str:
    if rate in (None, ""):
        return ""
    d = (Decimal(str(rate)) * 100).normalize()
    return format(d, "f")


def _warehouses(user):
    qs = Warehouse.objects.filter(active=True).order_by("code")
    allowed = allowed_warehouse_ids(user)
    return qs.filter(id__in=allowed) if allowed is not None else qs
