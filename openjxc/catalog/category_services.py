"""Writes of the item category tree (商品分类): create, rename, move, deactivate. A move that would
put a category below itself is refused (422 category_cycle); every change is audited."""

from django.db import IntegrityError, transaction

from openjxc.audit.services import record
from openjxc.core.errors import DomainError, not_found
from openjxc.core.validation import text_field
from openjxc.users.services import MASTER_DATA, require

from .categories import Tree, category_dict, unknown_category
from .models import Category


def _parent(data: dict) -> Category | None:
    code = data.get("parent")
    if code is None or code == "":
        return None
    if not isinstance(code, str):
        raise DomainError("invalid", "parent must be a category code", {"field": "parent"})
    parent = Category.objects.filter(code=code.strip()).first()
    if parent is None:
        raise unknown_category(code, "parent")
    return parent


def create_category(user, data: dict) -> dict:
    require(user, MASTER_DATA)
    code = text_field(data, "code", 64, True)
    name = text_field(data, "name", 200, True)
    try:
        with transaction.atomic():
            if Category.objects.filter(code=code).exists():
                raise DomainError(
                    "duplicate_code", f"category code {code} already exists", {"code": code}
                )
            Category.objects.create(code=code, name=name, parent=_parent(data))
            tree = Tree()
            result = category_dict(tree.by_code[code], tree)
            record(user, "create", "category", code, after=result)
    except IntegrityError:
        raise DomainError(
            "duplicate_code", f"category code {code} already exists", {"code": code}
        ) from None
    return result


def update_category(user, code: str, data: dict) -> dict:
    """PUT /categories/{code}: only the fields sent (name, parent, active); parent null or ""
    makes it a root. Moving it below itself or below one of its descendants → category_cycle."""
    require(user, MASTER_DATA)
    with transaction.atomic():
        cat = Category.objects.select_for_update().filter(code=code).first()
        if cat is None:
            raise not_found("category", code)
        tree = Tree()
        before = category_dict(tree.by_code[code], tree)
        if "name" in data:
            cat.name = text_field(data, "name", 200, True)
        if "parent" in data:
            parent = _parent(data)
            if parent is not None and cat.id in tree.ancestors(parent.id):
                raise DomainError(
                    "category_cycle",
                    f"category {code} cannot be moved below {parent.code}, which lies below it",
                    {"field": "parent", "category": code, "parent": parent.code},
                )
            cat.parent = parent
        if "active" in data and data["active"] is not None:
            if not isinstance(data["active"], bool):
                raise DomainError("invalid", "active must be true or false", {"field": "active"})
            cat.active = data["active"]
        cat.save()
        tree = Tree()
        after = category_dict(tree.by_code[code], tree)
        if before != after:
            record(user, "edit", "category", code, before=before, after=after)
    return after
