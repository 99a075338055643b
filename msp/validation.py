"""Collecting every problem with a form before anything is written.

A `Checker` gathers one plain-English message per field (GOV.UK style: say what to do);
`raise_if_any()` raises `ValidationError` with all of them, so a page can show each message
beside its field and the service writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from msp import vocab
from msp.errors import ValidationError

MAX_SHORT_TEXT = 200
MAX_LONG_TEXT = 5000


class Checker:
    def __init__(self) -> None:
        self.problems: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.problems.setdefault(field, message)

    def ok(self, field: str) -> bool:
        return field not in self.problems

    def raise_if_any(self) -> None:
        if self.problems:
            raise ValidationError(self.problems)

    # -- codes -----------------------------------------------------------------------------

    def code(
        self,
        field: str,
        value: str | None,
        vocabulary: vocab.Vocabulary,
        *,
        required: bool,
        what: str,
    ) -> None:
        if value is None or value == "":
            if required:
                self.add(field, f"Choose {what}")
        elif not isinstance(value, str) or value not in vocabulary:
            self.add(field, f"Choose {what} from the list")

    def codes(
        self,
        field: str,
        values: Iterable[str] | None,
        vocabulary: vocab.Vocabulary,
        *,
        minimum: int,
        what: str,
    ) -> None:
        values = list(values or [])
        if any(not isinstance(v, str) or v not in vocabulary for v in values):
            self.add(field, f"Choose {what} from the list")
        elif len(set(values)) < minimum:
            message = f"Choose at least {'one' if minimum == 1 else minimum} {what}"
            self.add(field, message)
        elif len(set(values)) != len(values):
            self.add(field, f"Choose each {what} only once")

    # -- text ------------------------------------------------------------------------------

    def text(
        self,
        field: str,
        value: str | None,
        *,
        required: bool,
        what: str,
        max_length: int = MAX_LONG_TEXT,
    ) -> str | None:
        """The stripped text (None when empty), or a problem recorded."""
        if value is not None and not isinstance(value, str):
            self.add(field, f"Enter {what}")
            return None
        cleaned = (value or "").strip()
        if "\x00" in cleaned:
            self.add(field, f"Enter {what} without control characters")
            return None
        if not cleaned:
            if required:
                self.add(field, f"Enter {what}")
            return None
        if len(cleaned) > max_length:
            self.add(field, f"Enter {what} in {max_length:,} characters or fewer")
            return None
        return cleaned

    # -- dates -----------------------------------------------------------------------------

    def date(
        self,
        field: str,
        value: dt.date | None,
        *,
        required: bool,
        what: str,
        today: dt.date,
        not_before: tuple[dt.date | None, str] | None = None,
    ) -> dt.date | None:
        """A date that is not in the future and, optionally, not before another date."""
        if value is None:
            if required:
                self.add(field, f"Enter {what}")
            return None
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            self.add(field, f"Enter {what} as a real date")
            return None
        if value > today:
            self.add(field, f"{what[0].upper()}{what[1:]} must be today or in the past")
            return None
        if value.year < 1900:
            self.add(field, f"Enter {what} as a real date")
            return None
        if not_before is not None:
            earlier, message = not_before
            if earlier is not None and value < earlier:
                self.add(field, message)
                return None
        return value

    def boolean(self, field: str, value: bool | None, *, required: bool, what: str) -> None:
        if value is None:
            if required:
                self.add(field, f"Choose {what}")
        elif not isinstance(value, bool):
            self.add(field, f"Choose {what}")
