"""Statement share links: the token is a signature over the link id, so it cannot be guessed or
altered; the link row gives the expiry and lets the owner revoke it."""

import datetime as dt

from django.core import signing
from django.utils import timezone

from openjxc.audit.services import record
from openjxc.core.errors import DomainError, not_found
from openjxc.documents.access import require_partner

from .models import ShareLink

SALT = "openjxc.statement-share"


def create_link(user, partner, date_from: dt.date, date_to: dt.date, days: int = 7) -> dict:
    require_partner(user, partner)
    if date_from > date_to:
        raise DomainError(
            "invalid_range",
            f"from {date_from} is after to {date_to}",
            {"field": "from", "from": str(date_from), "to": str(date_to)},
        )
    if not 1 <= days <= 90:
        raise DomainError("invalid", "a link lasts 1 to 90 days", {"field": "days"})
    link = ShareLink.objects.create(
        partner=partner,
        date_from=date_from,
        date_to=date_to,
        expires_at=timezone.now() + dt.timedelta(days=days),
        created_by=getattr(user, "username", ""),
    )
    token = signing.dumps({"id": link.id}, salt=SALT)
    record(
        user,
        "share_statement",
        "partner",
        partner.code,
        after={"link": link.id, "from": str(date_from), "to": str(date_to), "days": days},
    )
    return {
        "id": link.id,
        "token": token,
        "url": f"/share/statement/{token}/",
        "expires_at": link.expires_at.isoformat(),
    }


def resolve(token: str) -> ShareLink:
    try:
        link_id = signing.loads(token, salt=SALT)["id"]
    except (signing.BadSignature, KeyError, TypeError):
        raise not_found("share link", "?") from None
    link = ShareLink.objects.select_related("partner").filter(pk=link_id).first()
    if link is None or link.revoked_at is not None or link.expires_at < timezone.now():
        raise DomainError("not_found", "this link has expired or was revoked", {})
    return link


def revoke(user, link_id: int) -> None:
    link = (
        ShareLink.objects.select_related("partner")
        .filter(pk=link_id, revoked_at__isnull=True)
        .first()
    )
    if link is None:
        raise not_found("share link", link_id)
    require_partner(user, link.partner)
    ShareLink.objects.filter(pk=link_id).update(revoked_at=timezone.now())
    record(user, "revoke_share_link", "partner", link.partner.code, after={"link": link_id})
