"""The entry form's batch and serial inputs (批次 / 序列号): read from the posted grid into the
request lines, and the flags that show the inputs for tracked items."""

from openjxc.catalog.selectors import tracking_flags

ROW_FIELDS = ("line_batch", "line_production", "line_expiry", "line_serials")


def add_tracking(post, lines: list[dict]) -> None:
    """Copy each grid row's batch, dates and scanned serials (one per line of text) into the
    request line of that row (rows without an item make no line)."""
    items = post.getlist("line_item")
    columns = {f: post.getlist(f) for f in ROW_FIELDS}
    rows = [n for n, code in enumerate(items) if code.strip()]
    for line, n in zip(lines, rows, strict=False):

        def cell(name, n=n):
            values = columns[name]
            return values[n].strip() if n < len(values) else ""

        if cell("line_batch"):
            line["batch"] = cell("line_batch")
        if cell("line_production"):
            line["production_date"] = cell("line_production")
        if cell("line_expiry"):
            line["expiry_date"] = cell("line_expiry")
        serials = [s.strip() for s in cell("line_serials").splitlines() if s.strip()]
        if serials:
            line["serials"] = serials


def mark_lines(lines: list[dict]) -> None:
    """Set batch_tracked / serial_tracked and serials_text on the form's lines."""
    codes = {ln.get("item") for ln in lines if ln.get("item")}
    flags = tracking_flags(codes)
    for ln in lines:
        ln["batch_tracked"], ln["serial_tracked"] = flags.get(ln.get("item"), (False, False))
        ln["serials_text"] = "\n".join(ln.get("serials") or [])


def item_form_tracking(post) -> dict:
    """The item form's 批次管理 / 保质期 / 序列号管理 (the form marks that it shows them, so
    that a form without them changes nothing); a shelf life that is not a whole number goes on
    as typed for the service to refuse."""
    if not post.get("tracking_form"):
        return {}
    days = (post.get("shelf_life_days") or "").strip()
    return {
        "batch_tracked": bool(post.get("batch_tracked")),
        "serial_tracked": bool(post.get("serial_tracked")),
        "shelf_life_days": (int(days) if days.isdigit() else days) if days else None,
    }
