"""One error type for every rule a user or client can break; codes are the API contract and are
registered, with their HTTP status and user sentence, in error_codes.py."""

from .error_codes import status_of


class DomainError(Exception):
    """`kind` says what is wrong with an "invalid" field ("required", "negative", …) so that a
    page can say it in the user's language; the API keeps code, message and details."""

    def __init__(self, code: str, message: str, details: dict | None = None, *, kind: str = ""):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}
        self.kind = kind

    @property
    def status(self) -> int:
        return status_of(self.code)

    def as_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


def not_found(kind: str, ref) -> DomainError:
    return DomainError("not_found", f"{kind} {ref} not found", {"object": kind, "ref": str(ref)})
