"""Errors that services raise and pages show politely."""

from __future__ import annotations


class MspError(Exception):
    """Base of every error a page may show to a user as it is."""


class ValidationError(MspError):
    """Input refused; nothing was written. `problems` maps a field name to what to do."""

    def __init__(self, problems: dict[str, str]):
        self.problems = dict(problems)
        super().__init__("; ".join(self.problems.values()))


class NotAllowed(MspError):
    """The signed-in user's role or team does not allow this."""


class NotFound(MspError):
    """No such record (or it is not one the user may know about)."""


class ConcurrentEdit(MspError):
    """Someone else saved this record since it was opened."""


class SignInLocked(MspError):
    """Too many failed sign-ins for this username; try again later."""
