"""One error type for every rule a user or client can break; codes are the API contract."""

STATUS_BY_CODE = {
    "invalid": 422,
    "reason_required": 422,
    "invalid_number": 422,
    "invalid_date": 422,
    "invalid_tax_rate": 422,
    "invalid_range": 422,
    "too_long": 422,
    "price_mismatch": 422,
    "not_found": 404,
    "duplicate_code": 409,
    "wrong_status": 409,
    "period_closed": 409,
    "insufficient_stock": 409,
    "has_dependents": 409,
    "exceeds_source": 409,
    "exceeds_available": 409,
    "reserved_for_orders": 409,
    "version_conflict": 409,
    "already_closed": 409,
    "previous_period_open": 409,
    "close_check_failed": 409,
    "not_latest_closed": 409,
    "idempotency_conflict": 409,
    "forbidden": 403,
    "unauthorized": 401,
    "locked": 429,
    "too_many_attempts": 429,
    "invalid_text": 422,
    "too_large": 413,
    "uri_too_long": 414,
    "restore_failed": 422,
    "unknown_field": 422,
}


class DomainError(Exception):
    def __init__(self, code: str, message: str, details: dict | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}

    @property
    def status(self) -> int:
        return STATUS_BY_CODE.get(self.code, 422 if self.code.startswith("invalid") else 409)

    def as_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


def not_found(kind: str, ref) -> DomainError:
    return DomainError("not_found", f"{kind} {ref} not found", {"object": kind, "ref": str(ref)})
