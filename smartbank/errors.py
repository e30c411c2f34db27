"""Errors that services raise and views turn into a clear answer for the user."""


class ApplicationError(Exception):
    """A business rule refused the request.

    ``code`` is a stable machine-readable string (``DUPLICATE_ID``...), ``message`` plain words
    for a customer, ``field`` the input field at fault when there is one.
    """

    status_code = 400

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


class ConflictError(ApplicationError):
    """The request collides with existing data (an email or ID number already registered)."""

    status_code = 409


class NotAllowed(ApplicationError):
    """The actor may not take this action (HTTP 403): not an officer, or their own record.

    The one permission error of every app; ``code`` says which rule (``FORBIDDEN``,
    ``OWN_APPLICATION``, ``OWN_WAIVER``...).
    """

    status_code = 403


class InvalidTransition(ApplicationError):
    """A status change not allowed from the current status (e.g. approving a decided case)."""

    status_code = 409


class RetryableError(Exception):
    """What a task hands to ``self.retry``: the failing exception's type only, so Celery's
    retry log lines never carry an engine's message (which could quote document text)."""

    @classmethod
    def from_exc(cls, exc: BaseException) -> "RetryableError":
        return cls(type(exc).__name__)
