"""Reads of the item category tree (商品分类).

The tree is small (hundreds of nodes at most) next to the items and moves it classifies, so it
is read whole, in one query, and walked in Python: a report that filters by a category asks for
the node's subtree once (`subtree_ids`) and hands the ids to SQL as `category_id IN (…)`."""

from dataclasses import dataclass, field

from openjxc.core.errors import DomainError

from .models import Category


@dataclass
class Node:
    id: int
    code: str
    name: str
    parent_id: int | None
    active: bool
    children: list["Node"] = field(default_factory=list)


class Tree:
    """The whole category tree, read in one query."""

    def __init__(self):
        rows = Category.objects.order_by("code").values_list(
            "id", "code", "name", "parent_id", "active"
        )
        self.by_id = {r[0]: Node(*r) for r in rows}
        self.by_code = {n.code: n for n in self.by_id.values()}
        self.roots = []
        for n in self.by_id.values():  # in code order: children come out sorted
            parent = self.by_id.get(n.parent_id)
            (parent.children if parent else self.roots).append(n)

    def subtree(self, node: Node) -> list[Node]:
        """The node and everything below it, in tree order (pre-order, children by code)."""
        out, stack = [], [node]
        while stack:
            n = stack.pop()
            out.append(n)
            stack.extend(reversed(n.children))
        return out

    def ordered(self) -> list[tuple[Node, int]]:
        """Every node with its depth (0 for a root), in tree order."""
        out, stack = [], [(n, 0) for n in reversed(self.roots)]
        while stack:
            n, d = stack.pop()
            out.append((n, d))
            stack.extend((c, d + 1) for c in reversed(n.children))
        return out

    def depth(self, node: Node) -> int:
        d, seen = 0, {node.id}
        while node.parent_id is not None and node.parent_id not in seen:
            node = self.by_id[node.parent_id]
            seen.add(node.id)
            d += 1
        return d

    def path(self, node: Node) -> str:
        """ "饮料 / 碳酸饮料": the names from the root down."""
        names, seen = [node.name], {node.id}
        while node.parent_id is not None and node.parent_id not in seen:
            node = self.by_id[node.parent_id]
            seen.add(node.id)
            names.append(node.name)
        return " / ".join(reversed(names))

    def ancestors(self, node_id: int) -> list[int]:
        """The ids from the node up to its root (the node first)."""
        out = []
        while node_id is not None and node_id not in out:
            out.append(node_id)
            node_id = self.by_id[node_id].parent_id
        return out

    def get(self, code: str, field_name: str = "category") -> Node:
        """The node with this code; 422 unknown_category otherwise."""
        node = self.by_code.get(code)
        if node is None:
            raise unknown_category(code, field_name)
        return node


def unknown_category(code, field_name: str = "category") -> DomainError:
    return DomainError(
        "unknown_category",
        f"no item category {code}",
        {"field": field_name, "category": str(code)},
    )


def category_dict(node: Node, tree: Tree) -> dict:
    parent = tree.by_id.get(node.parent_id)
    return {
        "id": node.id,
        "code": node.code,
        "name": node.name,
        "parent": parent.code if parent else None,
        "active": node.active,
        "level": tree.depth(node),
        "path": tree.path(node),
    }


def category_list(parent: str | None = None, active_only: bool = False) -> list[dict]:
    """Every category in tree order, or (?parent=) the subtree below that one (not itself)."""
    tree = Tree()
    if parent:
        nodes = tree.subtree(tree.get(parent, "parent"))[1:]
    else:
        nodes = [n for n, _ in tree.ordered()]
    return [category_dict(n, tree) for n in nodes if n.active or not active_only]


def get_category(code: str) -> dict:
    tree = Tree()
    node = tree.by_code.get(code)
    if node is None:
        raise DomainError(
            "not_found", f"category {code} not found", {"object": "category", "ref": code}
        )
    return category_dict(node, tree)


def subtree_ids(code: str | None) -> list[int] | None:
    """The ids of the category and all below it (None when no code is given): what a report
    filters items by. 422 unknown_category for a code that does not exist."""
    if not code:
        return None
    tree = Tree()
    return sorted(n.id for n in tree.subtree(tree.get(code)))


def category_choices(active_only: bool = True) -> list[dict]:
    """The pick list of a page: code, name indented by depth, in tree order."""
    tree = Tree()
    return [
        {"code": n.code, "name": n.name, "label": "\u3000" * d + n.name, "active": n.active}
        for n, d in tree.ordered()
        if n.active or not active_only
    ]
