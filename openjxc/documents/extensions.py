"""What higher apps add to documents without an import against the app order: they register
here in their AppConfig.ready(). A type whose lines show more than a line holds (a stock count's
book quantity) adds a line view; `POST /documents?fill=` asks the registered filler."""

from collections.abc import Callable

# (doc, lines, line_dicts) -> None: adds fields to the line dicts of the documents it knows
LINE_VIEWS: list[Callable] = []
# (user, body, fill, category) -> document dict: a draft whose lines the server fills
FILLERS: list[Callable] = []


def fill_draft(user, data: dict, fill: str, category: str | None) -> dict:
    from openjxc.core.errors import DomainError

    if not FILLERS:
        raise DomainError("invalid", "fill is not available", {"field": "fill"})
    return FILLERS[0](user, data, fill, category)
