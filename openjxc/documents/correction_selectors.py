"""Reads of corrections (红冲蓝补) for the pages that link a document to them: which corrections
a document takes part in, and whether one of its own waits for approval."""

from django.db.models import Q

from .models import Correction, Document

RELATED = ("original", "red", "blue", "blue_reversal", "restored", "maker", "approver")


def corrections_of(doc: Document) -> list[Correction]:
    """Every correction the document is the original, a half or an undo document of, newest
    first."""
    qs = Correction.objects.filter(
        Q(original=doc) | Q(red=doc) | Q(blue=doc) | Q(blue_reversal=doc) | Q(restored=doc)
    )
    return list(qs.select_related(*RELATED).order_by("-id"))


def has_pending_correction(doc: Document) -> bool:
    return Correction.objects.filter(original=doc, status=Correction.PENDING).exists()
