"""Validation of free-text input shared by the master-data services."""

from .errors import DomainError


def text_field(data: dict, key: str, max_len: int, required: bool = False) -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise DomainError("invalid", f"{key} is required", {"field": key}, kind="required")
        return ""
    if not isinstance(value, str):
        raise DomainError("invalid", f"{key} must be text", {"field": key})
    value = value.strip()
    if "\x00" in value:
        raise DomainError("invalid", f"{key} must not contain NUL characters", {"field": key})
    if required and not value:
        raise DomainError("invalid", f"{key} is required", {"field": key}, kind="required")
    if len(value) > max_len:
        raise DomainError(
            "too_long",
            f"{key} is longer than {max_len} characters",
            {"field": key, "max": max_len, "length": len(value)},
        )
    return value
