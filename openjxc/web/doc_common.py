"""What the document pages and the entry form share: the type from the URL."""

from django.http import Http404

from openjxc.documents.types import TYPES


def _doc_type(doc_type: str):
    """The registered type of a document page's URL (404 for one that does not post)."""
    t = TYPES.get(doc_type)
    if t is None or not (t.posts or t.transit_receipt):  # a receipt is made by 收货 only
        raise Http404(doc_type)
    return t
