"""What the report pages share: the Excel export, the query string, the bar charts (their
filters are parsed by web/params.py)."""

from decimal import Decimal
from urllib.parse import quote, urlencode

from django.urls import NoReverseMatch, reverse

from openjxc.reports.excel import query_filters, xlsx_response
from openjxc.users.masking import sees_cost
from openjxc.users.services import EXPORT, can

from .decorators import forbidden


def _query(request, **changes) -> str:
    """The current query string with some parameters changed (None removes one)."""
    params = {k: v for k, v in request.GET.items() if k not in ("format", "page")}
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return urlencode(params)


def _export(request, filename, title, columns, rows, totals=None, *, period: str, formats=None):
    """The Excel file of a report, for users holding the export permission (403 page otherwise);
    its title block names the period and the filters of the query string."""
    if not can(request.user, EXPORT):
        return forbidden(request)
    return xlsx_response(
        quote(filename),
        title,
        columns,
        rows,
        totals,
        period=period,
        filters=query_filters(request.GET),
        formats=formats,
    )


def _cost_columns(request, columns, cost_keys):
    """Columns without the cost ones for a user who may not see cost."""
    if sees_cost(request.user):
        return columns
    return [c for c in columns if c[0] not in cost_keys]


def _bars(
    rows: list[dict], label_key: str, value_key: str, limit: int = 31, horizontal: bool = False
) -> dict:
    """An inline SVG bar chart's geometry (no JavaScript): one bar per row scaled to the largest
    value; negative values get no bar. Vertical for days and buckets, horizontal for names."""
    rows = rows[:limit]
    values = [Decimal(r.get(value_key) or 0) for r in rows]
    top = max([v for v in values if v > 0], default=Decimal(0))
    bars = []
    if horizontal:
        label_w, length, row_h = 150, 400, 22
        for n, (row, value) in enumerate(zip(rows, values, strict=True)):
            w = float(value / top * length) if top and value > 0 else 0.0
            bars.append(
                {
                    "x": label_w,
                    "y": n * row_h + 3,
                    "w": round(w, 1),
                    "h": row_h - 6,
                    "label": str(row.get(label_key) or "")[:14],
                    "value": row.get(value_key),
                    "text_x": label_w + round(w, 1) + 4,
                    "text_y": n * row_h + row_h - 7,
                    "negative": value < 0,
                }
            )
        return {
            "bars": bars,
            "width": label_w + length + 90,
            "height": max(len(rows), 1) * row_h,
            "horizontal": True,
        }
    width, height, gap = 640, 160, 2
    bar_w = (width - gap * len(rows)) / max(len(rows), 1)
    every = max(1, len(rows) // 10)
    for n, (row, value) in enumerate(zip(rows, values, strict=True)):
        h = float(value / top * (height - 10)) if top and value > 0 else 0.0
        bars.append(
            {
                "x": round(n * (bar_w + gap), 1),
                "y": round(height - h, 1),
                "w": round(bar_w, 1),
                "h": round(h, 1),
                "label": row.get(label_key) or "",
                "value": row.get(value_key),
                "show_label": n % every == 0,
                "text_x": round(n * (bar_w + gap) + bar_w / 2, 1),
                "negative": value < 0,
            }
        )
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "horizontal": False,
        "max": f"{top:.2f}" if top else "",
    }


def _document_url(number: str) -> str:
    try:
        return reverse("doc_detail", kwargs={"number": number})
    except NoReverseMatch:
        return reverse("documents")
