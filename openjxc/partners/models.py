from django.db import models


class Partner(models.Model):
    """A customer or supplier (往来单位). Codes are unique per kind."""

    CUSTOMER = "customer"
    SUPPLIER = "supplier"
    KINDS = [(CUSTOMER, "customer"), (SUPPLIER, "supplier")]

    kind = models.CharField(max_length=10, choices=KINDS)
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=50, blank=True, default="")
    credit_limit = models.BigIntegerField(null=True)  # fen
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="uniq_partner_code")]

    def __str__(self):
        return f"{self.code} {self.name}"
