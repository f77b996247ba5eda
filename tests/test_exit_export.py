"""The open-format export (jxc export / jxc import) on the test database, whichever it is:
random books exported, emptied and loaded back give the same digest, reconcile and the same
files; the books of this database imported by `jxc import` into a fresh SQLite data folder (on
the PostgreSQL pass: PostgreSQL → SQLite); a damaged export is refused naming the file."""

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openjxc.backup.archive import export_books
from openjxc.backup.export import books_digest, verify_export
from openjxc.backup.files import BackupError
from openjxc.backup.load import clear_tables, load_export
from openjxc.closing.checks import reconcile
from openjxc.closing.services import close
from openjxc.core.errors import DomainError
from openjxc.posting.engine import cancel
from openjxc.posting.reversal import reverse

from .factories import doc, fetch

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.usefixtures("backups_in_tmp")


def files(folder: Path, skip=("audit_",)) -> dict:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.glob("*.csv"))
        if not p.name.startswith(skip)
    }


def reload(folder: Path) -> dict:
    """Empty every table and load the export back (inside the test's transaction)."""
    manifest = verify_export(folder)
    clear_tables()
    load_export(folder, manifest)
    return manifest


def test_given_books_when_exported_then_the_manifest_counts_and_hashes_every_table(trade, tmp_path):
    # given a receipt, a delivery and an allocated customer receipt (conftest `trade`)
    # when
    manifest = export_books(tmp_path / "x")
    # then every table has its file, row count and sha256, and the digest is the books'
    moves = manifest["tables"]["inventory_stockmove"]
    assert moves["rows"] == fetch("SELECT COUNT(*) FROM inventory_stockmove")[0][0] == 2
    assert (
        moves["sha256"] == hashlib.sha256((tmp_path / "x" / moves["file"]).read_bytes()).hexdigest()
    )
    assert manifest["digest"] == books_digest()
    assert manifest["format_version"] == 1 and manifest["migrations"]["ledger"]
    header = (tmp_path / "x" / "inventory_stockmove.csv").read_text().splitlines()[0]
    assert header.startswith("id,date,document_id")


def test_given_an_export_when_loaded_back_then_the_books_are_the_same(trade, tmp_path):
    first = export_books(tmp_path / "a")
    # when the tables are emptied and loaded from the files
    reload(tmp_path / "a")
    # then the digest, reconcile and a second export are the same
    assert books_digest() == first["digest"]
    assert reconcile()["ok"]
    second = export_books(tmp_path / "b")
    assert files(tmp_path / "a", skip=()) == files(tmp_path / "b", skip=())
    assert second["digest"] == first["digest"]


@pytest.mark.parametrize(
    "damage, named",
    [
        ("flip", "inventory_stockmove.csv"),
        ("delete", "ledger_journalline.csv"),
        ("manifest", "manifest.json"),
    ],
)
def test_given_a_damaged_export_then_it_is_refused_naming_the_file(trade, tmp_path, damage, named):
    export_books(tmp_path / "x")
    path = tmp_path / "x" / named
    if damage == "flip":  # one bit of one byte
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
    elif damage == "delete":
        path.unlink()
    else:
        path.write_text(path.read_text()[:-20])
    with pytest.raises(BackupError, match=named.replace(".", r"\.")):
        verify_export(tmp_path / "x")


def test_given_a_file_and_its_checksum_altered_then_the_row_count_refuses_it(trade, tmp_path):
    folder = tmp_path / "x"
    export_books(folder)
    # a row removed, the checksum in the manifest made to match: the row count still tells
    path = folder / "ledger_journalline.csv"
    path.write_text("\n".join(path.read_text().splitlines()[:-1]) + "\n")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["tables"]["ledger_journalline"]["sha256"] = hashlib.sha256(
        path.read_bytes()
    ).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match=r"ledger_journalline\.csv holds \d+ rows"):
        with transaction.atomic():  # as jxc import: the load stands or falls as one
            reload(folder)
    assert reconcile()["ok"]  # the books as they were


OPS = st.lists(
    st.tuples(
        st.sampled_from(["receipt", "delivery", "cancel", "reverse", "close"]),
        st.integers(1, 3),  # item A00n
        st.integers(1, 9),  # quantity
        st.integers(1, 28),  # day of March
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=int(os.environ.get("EXIT_EXAMPLES", "8")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(ops=OPS)
def test_property_generated_books_survive_export_and_import(user, tmp_path_factory, ops):
    """Random receipts, deliveries, cancels, red reversals and closes (refusals allowed): the
    export loaded back has the manifest's digest, reconciles, and exports to the same files."""
    with transaction.atomic():
        sid = transaction.savepoint()
        posted = []
        for kind, item, qty, day in ops:
            date = dt.date(2026, 3, day).isoformat()
            try:
                with transaction.atomic():
                    if kind == "receipt":
                        posted.append(
                            doc(user, "purchase_receipt", date, [(f"A00{item}", qty, "2.35")])
                        )
                    elif kind == "delivery":
                        posted.append(
                            doc(user, "sales_delivery", date, [(f"A00{item}", qty, "4.10")])
                        )
                    elif kind == "cancel" and posted:
                        cancel(user, posted.pop(item % len(posted)), "录错了")
                    elif kind == "reverse" and posted:
                        reverse(user, posted.pop(item % len(posted)), "退回", "2026-04-02")
                    elif kind == "close":
                        close(user, "2026-01" if day < 10 else "2026-02")
            except DomainError:
                pass
        folder = tmp_path_factory.mktemp("export")
        manifest = export_books(folder / "a")
        reload(folder / "a")
        assert books_digest() == manifest["digest"]
        assert reconcile()["ok"], reconcile()["problems"]
        export_books(folder / "b")
        assert files(folder / "a", skip=()) == files(folder / "b", skip=())
        transaction.savepoint_rollback(sid)


def jxc(*args, timeout=300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENJXC_", "DJANGO_SET"))}
    env["OPENJXC_FAST_HASHER"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "openjxc.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=timeout,
    )


@pytest.mark.django_db(transaction=True)
def test_given_the_test_database_books_when_imported_into_sqlite_then_the_digest_is_equal(
    tmp_path,
):
    """The test database (SQLite, or PostgreSQL on the PostgreSQL pass) → a new SQLite folder."""
    from tests.factories import master_data, setup_books

    user = setup_books()
    master_data(user)
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00"), ("A002", 3, "1.10")])
    doc(user, "sales_delivery", "2026-03-02", [("A001", 4, "9.00")])
    close(user, "2026-01")
    manifest = export_books(tmp_path / "x")
    proc = jxc("import", "--data-dir", str(tmp_path / "books"), "--from", str(tmp_path / "x"))
    assert proc.returncode == 0, proc.stderr
    assert f"digest {manifest['digest']} equals the manifest's" in proc.stdout
    proc = jxc("export", "--data-dir", str(tmp_path / "books"), "--to", str(tmp_path / "y"))
    assert proc.returncode == 0, proc.stderr
    assert files(tmp_path / "x") == files(tmp_path / "y")  # all but the import's audit entry
