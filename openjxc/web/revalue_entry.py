"""The entry form of a 成本调整单 (cost_adjustment): the document's warehouse and date, rows of
item, warehouse (empty: the document's) and value change (signed, yuan), in a plain grid like
the 调价单's; the service validates them like an API body."""

BLANK_ROWS = 6


def body_lines(post) -> list[dict]:
    """The service's lines from the form's columns; rows without an item are left out."""
    columns = [post.getlist(f) for f in ("line_item", "line_warehouse", "line_value")]
    n = len(columns[0])
    columns = [c + [""] * (n - len(c)) for c in columns]
    lines = []
    for item, warehouse, value in zip(*columns, strict=True):
        if not item.strip():
            continue
        line = {"item": item.strip(), "value": value.strip() or None}
        if warehouse.strip():
            line["warehouse"] = warehouse.strip()
        lines.append(line)
    return lines


def context(data: dict) -> dict:
    """The rows to show: the document's lines, then blank ones."""
    lines = data.get("lines") or []
    return {"value_lines": lines + [{}] * max(BLANK_ROWS - len(lines), 2)}
