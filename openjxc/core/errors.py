"""One error type for every rule a user or client can break; codes are the API contract and are
registered, with their HTTP status and user sentence, in error_codes.py."""

from .error_codes import describe, status_of


class DomainError(Exception):
    """`kind` says what is wrong with an "invalid" field ("required", "negative", …) so that it
    can be said in the user's language; `message` is the service's own English, for logs, the
    CLI and the fallback of `sentence()`."""

    def __init__(self, code: str, message: str, details: dict | None = None, *, kind: str = ""):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}
        self.kind = kind

    @property
    def status(self) -> int:
        return status_of(self.code)

    def sentence(self) -> str:
        """What a person reads, on a page or in an API answer: the registered sentence of the
        code in the active language, filled from the details; the service's own (English)
        message when the details do not fit the template."""
        try:
            return describe(self.code, self.details, self.kind)
        except (KeyError, TypeError, ValueError):
            return self.message

    def as_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


def not_found(kind: str, ref) -> DomainError:
    return DomainError("not_found", f"{kind} {ref} not found", {"object": kind, "ref": str(ref)})
