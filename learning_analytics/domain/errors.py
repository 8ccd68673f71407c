"""Expected failures of the domain: each names the field at fault and a stable code."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every expected failure; carries a machine-readable code."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidInput(DomainError):
    """A client sent a value the contract does not accept; `field` is a path like `exchanges[3].quality`."""

    code = "invalid"

    def __init__(
        self, message: str, *, field: str | None = None, code: str | None = None, limit: int | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.field = field
        self.limit = limit  # the bound that was exceeded, when a limit is what the value broke


class NotFound(DomainError):
    """The object asked for does not exist for this user."""

    code = "not_found"

    def __init__(self, message: str, *, id: str) -> None:
        super().__init__(message)
        self.id = id
