from django.db import models


class ShareLink(models.Model):
    """A read-only statement link for someone without an account: signed, expiring, revocable."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    date_from = models.DateField()
    date_to = models.DateField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
