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
    contact = models.CharField(max_length=100, blank=True, default="")  # 联系人
    mobile = models.CharField(max_length=50, blank=True, default="")
    address = models.CharField(max_length=300, blank=True, default="")
    tax_no = models.CharField(max_length=32, blank=True, default="")  # 税号 / 统一社会信用代码
    bank_name = models.CharField(max_length=100, blank=True, default="")  # 开户银行
    bank_account = models.CharField(max_length=64, blank=True, default="")  # 银行账号
    payment_terms_days = models.IntegerField(null=True)  # 账期 (days); due date = date + this
    price_level = models.ForeignKey(
        "catalog.PriceLevel", null=True, on_delete=models.PROTECT, related_name="+"
    )
    credit_limit = models.BigIntegerField(null=True)  # fen
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="uniq_partner_code")]

    def __str__(self):
        return f"{self.code} {self.name}"
