"""The entry form of a 调价单 (price_adjustment): rows of item, price level (none: the list sale
price), unit and new price, typed in a plain grid (blank rows to fill, no scanner); the service
validates them like an API body."""

from openjxc.catalog.selectors import active_price_levels

BLANK_ROWS = 8


def body_lines(post) -> list[dict]:
    """The service's lines from the form's columns; rows without an item are left out."""
    columns = [post.getlist(f) for f in ("line_item", "line_level", "line_unit", "line_price")]
    n = len(columns[0])
    columns = [c + [""] * (n - len(c)) for c in columns]
    lines = []
    for item, level, unit, price in zip(*columns, strict=True):
        if not item.strip():
            continue
        line = {"item": item.strip(), "price": price.strip() or None}
        if level.strip():
            line["level"] = level.strip()
        if unit.strip():
            line["unit"] = unit.strip()
        lines.append(line)
    return lines


def context(data: dict) -> dict:
    """What the template needs beside the document: the levels and the rows to show."""
    lines = data.get("lines") or []
    return {
        "levels": active_price_levels(),
        "price_lines": lines + [{}] * max(BLANK_ROWS - len(lines), 2),
    }
