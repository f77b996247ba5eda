"""Guard rails of the architecture: document types are named only in their homes.

A document type is declared once, in the registry (documents/types.py); its posting recipe lives
in posting/recipes/. Everywhere else code asks the registry, so a new type is one module and one
registration — a literal type name elsewhere is a place a new type would be forgotten."""

import ast
import io
import re
import tokenize
from collections import Counter
from pathlib import Path

from openjxc.documents.types import TYPES

ROOT = Path(__file__).resolve().parent.parent / "openjxc"
HOMES = ("documents/types.py", "posting/recipes/")
SQL_LITERAL = re.compile(r"'([a-z_]+)'")

# Literals that spell a type's code but mean something else: (file, literal) -> occurrences.
NOT_TYPE_NAMES = {
    ("posting/chain.py", "refund"): 1,  # the cancel-chain step "refund"
    ("posting/api.py", "refund"): 1,  # the cancel-chain query parameter
    ("web/views_impact.py", "refund"): 5,  # the same on the impact page
    ("closing/checks.py", "stock_count"): 1,  # the reconcile check's id
    ("web/views_closing.py", "stock_count"): 1,  # its label on the data-check page
    ("web/views_print.py", "receipt"): 2,  # the 80 mm receipt print format
    ("ledger/models.py", "expense"): 1,  # an expense type's kind (expense | income)
    # a voucher's source "cost_adjustment" (the engine's re-statement), older than the 成本调整单
    ("ledger/models.py", "cost_adjustment"): 1,
    ("reports/journal.py", "cost_adjustment"): 1,
    ("web/views_impact.py", "cost_adjustment"): 1,
}


def type_name_literals(root: Path = ROOT) -> Counter:
    """(file, type code) -> how often a string literal outside the homes names that type, as the
    whole literal or quoted inside SQL text."""
    found: Counter = Counter()
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if "/migrations/" in rel or rel.startswith(HOMES):
            continue
        for tok in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
            if tok.type != tokenize.STRING:
                continue
            body = re.sub(r"^[rbuRBU]*('''|\"\"\"|'|\")", "", tok.string)
            body = re.sub(r"('''|\"\"\"|'|\")$", "", body)
            if body in TYPES:
                found[(rel, body)] += 1
            for name in SQL_LITERAL.findall(body):
                if name in TYPES:
                    found[(rel, name)] += 1
    return found


def test_type_names_appear_only_in_the_registry_and_the_recipes():
    found = type_name_literals()
    for key, n in NOT_TYPE_NAMES.items():
        assert found.pop(key, 0) == n, f"{key}: expected {n} non-type uses"
    assert found == {}, f"type names outside the registry: {found}"


def test_the_counter_sees_a_type_name_in_code_and_in_sql(tmp_path):
    """The counter itself: a bare literal and a quoted name inside SQL both count."""
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "m.py").write_text(
        'A = "sales_order"\nB = "SELECT 1 WHERE d.type IN (\'transfer\', \'other\')"\nC = "kind"\n'
    )
    assert type_name_literals(tmp_path) == Counter(
        {("x/m.py", "sales_order"): 1, ("x/m.py", "transfer"): 1}
    )


# Module sizes: past these a module holds more than one job. Lines counted as they are.
MAX_LINES = 600
MAX_WEB_LINES = 400


def module_sizes(root: Path = ROOT) -> dict[str, int]:
    """Lines of every module (migrations excluded), by path relative to openjxc/."""
    return {
        path.relative_to(root).as_posix(): len(path.read_text().splitlines())
        for path in sorted(root.rglob("*.py"))
        if "migrations" not in path.parts
    }


def test_no_module_is_over_600_lines_and_no_web_module_over_400():
    sizes = module_sizes()
    too_long = {
        rel: n
        for rel, n in sizes.items()
        if n > (MAX_WEB_LINES if rel.startswith("web/") else MAX_LINES)
    }
    assert too_long == {}, f"split these modules: {too_long}"


def test_no_test_or_bench_module_is_over_600_lines():
    """The same rule for the tests and the benchmark: shared models and helpers go into their
    own modules (e.g. tests/property_ledger.py) instead of one file growing past it."""
    too_long = {
        f"{root.name}/{rel}": n
        for root in (ROOT.parent / "tests", ROOT.parent / "bench")
        for rel, n in module_sizes(root).items()
        if n > MAX_LINES
    }
    assert too_long == {}, f"split these modules: {too_long}"


def test_the_size_check_sees_a_long_web_module(tmp_path):
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "views_x.py").write_text("x = 1\n" * 401)
    (tmp_path / "web" / "migrations").mkdir()
    (tmp_path / "web" / "migrations" / "0001_x.py").write_text("x = 1\n" * 900)
    assert module_sizes(tmp_path) == {"web/views_x.py": 401}


# The apps in the order of docs/architecture.md "Apps (imports go downward only)": an app imports
# only from the apps before it. The top-level modules (cli, setup, demo, urls…) wire everything.
LAYERS = (
    "core",
    "audit",
    "users",
    "catalog",
    "partners",
    "documents",
    "inventory",
    "ledger",
    "posting",
    "backup",
    "closing",
    "reports",
    "web",
)
# Upward imports that exist today: (file, app imported) -> occurrences. A ratchet: an entry may
# only shrink or go; a new upward import fails the test. Each is a dependency the models already
# have (a foreign key to the higher app), written down in docs/architecture.md.
UPWARD_RATCHET = {
    # Document.warehouse and Document.account point up; drafts check the period (ensure_open)
    ("documents/services.py", "inventory"): 1,
    ("documents/services.py", "ledger"): 2,
    # an expense line names its expense type (ledger.ExpenseType), as a draft names its account
    ("documents/expense_lines.py", "ledger"): 1,
    ("documents/money_fields.py", "ledger"): 1,
    # WarehouseAccess.warehouse points up; user administration looks warehouses up by code
    ("users/admin.py", "inventory"): 1,
}


def upward_imports(root: Path = ROOT) -> Counter:
    """(file, app) -> how often a module imports from an app listed after its own (function-level
    imports included)."""
    found: Counter = Counter()
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if len(parts) < 2 or parts[0] not in LAYERS or "migrations" in parts:
            continue
        rank = LAYERS.index(parts[0])
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top, _, rest = name.partition(".")
                app = rest.split(".")[0]
                if top == "openjxc" and app in LAYERS and LAYERS.index(app) > rank:
                    found[("/".join(parts), app)] += 1
    return found


def test_imports_run_downward():
    found = upward_imports()
    new = {k: n for k, n in found.items() if n > UPWARD_RATCHET.get(k, 0)}
    assert new == {}, f"imports against the app order of docs/architecture.md: {new}"
    gone = {k: n for k, n in UPWARD_RATCHET.items() if found.get(k, 0) < n}
    assert gone == {}, f"these upward imports went: lower UPWARD_RATCHET to {dict(found)}"


def test_the_import_check_sees_an_upward_import(tmp_path):
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "m.py").write_text(
        "from openjxc.core import numbers\nfrom openjxc.web import nav\n\n"
        "def f():\n    import openjxc.reports.money\n"
    )
    assert upward_imports(tmp_path) == Counter(
        {("core/m.py", "web"): 1, ("core/m.py", "reports"): 1}
    )


# The web layer parses the request, calls a selector or a service and renders: no ORM query, raw
# SQL or transaction of its own (docs/architecture.md "The web UI"). What reads like a query.
WEB_QUERY = re.compile(
    r"\.objects\b|\bconnection\b|\.cursor\(|\bfrom django\.db\b|\bimport django\.db\b"
    r"|\.(?:filter|exclude|annotate|aggregate|select_related|prefetch_related|values_list"
    r"|order_by|distinct|raw|extra|select_for_update|bulk_create|update_or_create"
    r"|get_or_create)\(|\.all\(\)|\.values\(\s"  # .values("…"): its string is blanked
)
# (file, occurrences) allowed in web/; a ratchet with target 0 — an entry may only shrink or go.
WEB_QUERY_RATCHET: dict[str, int] = {}


def web_queries(root: Path = ROOT) -> Counter:
    """web/ module -> how many lines of its code (comments and strings left out) read like an
    ORM query or raw SQL."""
    found: Counter = Counter()
    for path in sorted((root / "web").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if "/migrations/" in rel:
            continue
        text = path.read_text()
        lines = [list(line) for line in text.splitlines()]
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type in (tokenize.COMMENT, tokenize.STRING):
                (row, col), (end_row, end_col) = tok.start, tok.end
                for n in range(row, end_row + 1):
                    line = lines[n - 1]
                    stop = end_col if n == end_row else len(line)
                    line[col if n == row else 0 : stop] = " " * (stop - (col if n == row else 0))
        found[rel] += sum(1 for line in lines if WEB_QUERY.search("".join(line)))
    return +found


def test_web_modules_run_no_queries():
    found = web_queries()
    new = {k: n for k, n in found.items() if n > WEB_QUERY_RATCHET.get(k, 0)}
    assert new == {}, f"queries in web/ (move them to a selector or a service): {new}"


def test_the_query_check_sees_orm_and_sql_in_web(tmp_path):
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "views_x.py").write_text(
        "from django.db.models import Q\n"
        "rows = Item.objects.all()\n"
        "rows = qs.filter(active=True).order_by('code')\n"
        "cur = connection.cursor()\n"
        "ids = doc.lines.all().values('id')\n"
        "# a comment about .filter( is no query\n"
        'TEXT = "nor is .objects. in a string"\n'
        "ok = path.exists() and counts.values() and request.GET.get('x')\n"
    )
    assert web_queries(tmp_path) == Counter({"web/views_x.py": 5})
