"""Excel import shared by the master-data and opening-stock imports: read a sheet into rows keyed
by field (`read_rows`: the fast reader of `xlsx_rows.py`, openpyxl as the fallback), then either

- `run_rows`: run a row function (a create service) over every row in ONE transaction, each row
  in a savepoint, all rows or none — the preview runs the same services and rolls back; or
- `check_rows`: check every row in memory, writing nothing, and leave the write of all good rows
  to the caller (the master-data imports, which insert in bulk: see catalog/imports.py).

Either way a row the preview accepts is a row the import accepts (duplicates within the file
included)."""

import datetime as dt
import io
import itertools
import unicodedata
from decimal import Decimal

from django.db import transaction

from .errors import DomainError
from .xlsx_rows import iter_values

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MASTER_MAX_ROWS = 20_000  # the master-data imports check rows in bulk: a shop's whole catalogue
HEADER_SEARCH = 5  # rows searched for the header row


def _text(value) -> str | None:
    """A cell as the text a user typed: 12 not 12.0, 0.13 not 0.13000000001, blanks as None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    text = str(value).strip()
    return text or None


def display_width(text: str) -> int:
    """Width of text in a spreadsheet column, in Latin characters: a CJK character is two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


EXAMPLE_SHEET = (
    "填写示例"  # the example row lives on its own sheet: the import reads the first only
)


def template_xlsx(
    title: str, columns: list[tuple[str, str, bool]], example: list | None = None
) -> bytes:
    """An empty first sheet with the Chinese headers (required ones marked *) to fill in, and the
    example row on a second sheet, so that a template filled in above it never imports the example."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    sheets = [wb.active]
    sheets[0].title = title[:31]
    if example:
        sheets.append(wb.create_sheet(EXAMPLE_SHEET))
    for ws in sheets:
        ws.append([header + ("*" if req else "") for _, header, req in columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for n, (_key, header, _req) in enumerate(columns, start=1):
            ws.column_dimensions[ws.cell(1, n).column_letter].width = max(
                16, display_width(header) + 4
            )
    if example:
        sheets[1].append(example)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read_rows(
    content: bytes, columns: list[tuple[str, str, bool]], *, max_rows: int = MAX_ROWS
) -> list[tuple[int, dict]]:
    """(Excel row number, {field: text}) for every non-blank row below the header row.

    Headers are matched by their Chinese name (with or without the *) or the field key."""
    from openpyxl import load_workbook

    if len(content) > MAX_BYTES:
        raise DomainError(
            "invalid_file",
            f"the file is larger than {MAX_BYTES // 1024 // 1024} MB",
            {"max_mb": MAX_BYTES // 1024 // 1024},
        )
    try:  # the fast reader first; anything it does not expect is read by openpyxl below
        return _read_rows(iter_values(content), columns, max_rows)
    except DomainError:
        raise
    except Exception:  # noqa: BLE001, S110 — openpyxl reads it, or says the file is damaged
        pass
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — any unreadable upload is the same user error
        raise DomainError("invalid_file", "not an Excel .xlsx file") from None
    try:
        return _read_rows(wb.worksheets[0].iter_rows(values_only=True), columns, max_rows)
    except DomainError:
        raise
    except Exception:  # noqa: BLE001 — a damaged sheet is read lazily, row by row: still the user's file
        raise DomainError("invalid_file", "the Excel file is damaged and cannot be read") from None
    finally:
        wb.close()


def _read_rows(rows, columns, max_rows: int) -> list:
    names = {}
    for key, label, _ in columns:
        names[label] = key
        names[label + "*"] = key
        names[key] = key
    # an exported sheet has its title block above the header: take the row naming most columns
    top = [r for _n, r in zip(range(HEADER_SEARCH), rows, strict=False)]
    found = [_header_index(r, names) for r in top] or [{}]
    at = max(range(len(found)), key=lambda n: len(found[n]))
    index = found[at]
    rows = itertools.chain(top[at + 1 :], rows)
    missing = [label for key, label, req in columns if req and key not in index]
    if missing:
        raise DomainError(
            "invalid_file", f"missing columns: {', '.join(missing)}", {"columns": missing}
        )
    out = []
    for number, values in enumerate(rows, start=at + 2):
        row = {key: _text(values[i]) if i < len(values) else None for key, i in index.items()}
        if all(v is None for v in row.values()):
            continue
        out.append((number, row))
        if len(out) > max_rows:
            raise DomainError("invalid_file", f"more than {max_rows} rows", {"max_rows": max_rows})
    if not out:
        raise DomainError("invalid_file", "the sheet has no rows below the header")
    return out


def _header_index(row, names: dict) -> dict:
    """{field: column index} of the cells of a row that name a column."""
    index = {}
    for i, cell in enumerate(row):
        key = names.get((_text(cell) or "").replace("＊", "*").strip())
        if key and key not in index:
            index[key] = i
    return index


def run_rows(rows: list[tuple[int, dict]], apply_row, commit: bool) -> dict:
    """Apply apply_row(data) to every row inside one transaction, each row in a savepoint so that
    every row's error is collected. Commits only when `commit` and every row succeeded.

    Returns {"rows": [{"row", "data", "error", "code"}], "ok": bool, "imported": n}."""
    results = []
    with transaction.atomic():
        for number, data in rows:
            try:
                with transaction.atomic():
                    apply_row(data)
                results.append({"row": number, "data": data, "error": None, "code": None})
            except DomainError as exc:
                results.append({"row": number, "data": data, "error": exc, "code": exc.code})
        ok = all(r["error"] is None for r in results)
        if not (commit and ok):
            transaction.set_rollback(True)
    return {"rows": results, "ok": ok, "imported": len(results) if commit and ok else 0}


def check_rows(rows: list[tuple[int, dict]], check_row) -> tuple[list[dict], list]:
    """The bulk imports' first half: check_row(data) over every row, in file order, writing
    nothing (it raises DomainError for a bad row; it may remember what the rows before it hold,
    to find duplicates within the file). Returns the rows as run_rows gives them, and what
    check_row returned for each good row — what the caller writes, in bulk, when all are good."""
    results, good = [], []
    for number, data in rows:
        try:
            good.append(check_row(data))
        except DomainError as exc:
            results.append({"row": number, "data": data, "error": exc, "code": exc.code})
        else:
            results.append({"row": number, "data": data, "error": None, "code": None})
    return results, good


def chunks(values, size: int = 900):
    """values in lists of at most `size` (a query's IN list stays under SQLite's parameter limit)."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]
