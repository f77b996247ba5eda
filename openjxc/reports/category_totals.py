"""The 进销存汇总表 by item category: each row names its item's category, and by category the rows
come in the tree's order with one subtotal per category covering its whole subtree.

The tree is read once (catalog.categories.Tree, one query); the rows were already summed in SQL,
so a subtotal is the sum of its rows' integers (fen, 1/10,000 units): summed per category the
rows are directly in (one pass over the rows), then rolled up to every category above (one pass
over the categories) — exact, and cheap next to the query."""

from openjxc.catalog.categories import Tree


def with_categories(result: dict, categories=None, by_category: bool = False) -> None:
    """Adds `category` / `category_name` to every row of result["items"] (whose rows carry
    `category_id` and their integer `_sums`, both removed here). With by_category the rows are
    ordered by category (tree order, then item; items without a category last) and
    result["categories"] lists the subtotals: each category that has rows in its subtree, in tree
    order, `{"category", "category_name", "parent", "level", "count", <the eight figures>}`, and
    one entry with category null for the items without one. When the report is filtered
    (categories = the ids of a subtree), only the categories of that subtree have subtotals."""
    from .selectors import figures

    tree = Tree()
    rows = result["items"]
    keyed = []
    for r in rows:
        cid, sums = r.pop("category_id"), r.pop("_sums")
        node = tree.by_id.get(cid)
        r["category"] = node.code if node else None
        r["category_name"] = node.name if node else None
        keyed.append((cid if node else None, sums, r))
    if not by_category:
        return
    scope = set(categories) if categories is not None else None
    own: dict = {}  # per row's own category first: one addition of eight integers per row …
    for cid, sums, _r in keyed:
        total = own.setdefault(cid, [0] * 9)
        for k, v in enumerate(sums):
            total[k] += v
        total[8] += 1
    acc: dict = {}  # … then rolled up the tree: per category, not per row
    for cid, total in own.items():
        for target in tree.ancestors(cid) if cid is not None else [None]:
            if target is not None and scope is not None and target not in scope:
                continue
            into = acc.setdefault(target, [0] * 9)
            for k, v in enumerate(total):
                into[k] += v
    order = {n.id: k for k, (n, _d) in enumerate(tree.ordered())}
    last = len(order)
    keyed.sort(key=lambda x: (order.get(x[0], last), x[2]["item"], x[2].get("warehouse", "")))
    result["items"] = [r for _c, _s, r in keyed]
    subtotals = []
    for node, depth in tree.ordered():
        if node.id in acc:
            parent = tree.by_id.get(node.parent_id)
            subtotals.append(
                _entry(node.code, node.name, parent.code if parent else None, depth, acc[node.id])
            )
    if None in acc:
        subtotals.append(_entry(None, None, None, 0, acc[None]))
    result["categories"] = subtotals
    for entry in subtotals:
        entry.update(figures(entry.pop("_sums")))


def _entry(code, name, parent, level, total) -> dict:
    return {
        "category": code,
        "category_name": name,
        "parent": parent,
        "level": level,
        "count": total[8],
        "_sums": total[:8],
    }


def grouped_rows(data: dict) -> list[dict]:
    """The rows of a 进销存汇总表 by category as a page or a sheet shows them: each category's
    subtotal row (`subtotal`: True, its `level`, the label in `item_name`) followed by the rows
    of the items directly in that category; the subtotals of the categories below follow."""
    from django.utils.translation import gettext as _

    direct: dict = {}
    for r in data["items"]:
        direct.setdefault(r["category"], []).append(r)
    out = []
    for entry in data.get("categories") or []:
        name = entry["category_name"] or _("Without category")
        label = "\u3000" * entry["level"] + _("Subtotal: %(category)s") % {"category": name}
        out.append({**entry, "subtotal": True, "item": "", "item_name": label})
        out += direct.get(entry["category"], [])
    return out
