"""What a service says when it refuses: the same exceptions for pages, fragments and the API."""


class ServiceError(Exception):
    """A refusal a person can act on; `status_code` is what the JSON API answers."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(ServiceError):
    """Input that breaks a rule; `errors` maps each field at fault to its message."""

    status_code = 422

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in errors.items()))
        self.errors = errors


class Conflict(ServiceError):
    """Valid on its own, but clashes with something that exists (e.g. a candidate's other event)."""

    status_code = 409


class NeedsConfirmation(ServiceError):
    """Allowed, but only once the person confirms they saw the warning."""

    status_code = 409


class NotAllowed(ServiceError):
    """The signed-in person may not do this."""

    status_code = 403


class NotFound(ServiceError):
    status_code = 404
