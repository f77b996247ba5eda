"""DomainError → the sentence a user reads on a page: the registered sentence of its code
(core/error_codes.py) in the user's language, filled from the service's details."""

from openjxc.core.errors import DomainError


def error_message(exc: DomainError) -> str:
    """The user's sentence for exc; a malformed details dict keeps the service's message."""
    return exc.sentence()
