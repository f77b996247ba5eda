"""Guard rails of the architecture: document types are named only in their homes.

A document type is declared once, in the registry (documents/types.py); its posting recipe lives
in posting/recipes/. Everywhere else code asks the registry, so a new type is one module and one
registration — a literal type name elsewhere is a place a new type would be forgotten."""

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
    ("web/views_settlement.py", "refund"): 5,  # the same on the impact page
    ("closing/checks.py", "stock_count"): 1,  # the reconcile check's id
    ("web/views_settlement.py", "stock_count"): 1,  # its label on the data-check page
    ("web/views_documents.py", "receipt"): 2,  # the 80 mm receipt print format
}
# The demo data set still names the types of the documents it posts. Target: 0 (a ratchet: the
# count may only go down).
DEMO_RATCHET = 8


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
    demo = sum(n for (rel, _), n in found.items() if rel == "demo.py")
    assert demo <= DEMO_RATCHET, f"demo.py names types {demo} times (ratchet {DEMO_RATCHET})"
    elsewhere = {k: n for k, n in found.items() if k[0] != "demo.py"}
    assert elsewhere == {}, f"type names outside the registry: {elsewhere}"


def test_the_counter_sees_a_type_name_in_code_and_in_sql(tmp_path):
    """The counter itself: a bare literal and a quoted name inside SQL both count."""
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "m.py").write_text(
        'A = "sales_order"\nB = "SELECT 1 WHERE d.type IN (\'transfer\', \'other\')"\nC = "kind"\n'
    )
    assert type_name_literals(tmp_path) == Counter(
        {("x/m.py", "sales_order"): 1, ("x/m.py", "transfer"): 1}
    )
