"""Showing a refused form the GOV.UK way: a summary of every problem at the top, and each
message again beside its field. Problems come from `ValidationError.problems` (field name ->
what to do); widgets keep what the user typed because their values live in session state
under their keys and nothing clears them on a refusal.

Typical use in a page:

    form = FormProblems("new_enquiry")
    form.summary()                              # at the top
    st.date_input("Date the enquiry started", key="ne_started_on")
    form.beside("started_on")                   # right under the widget
    ...
    st.form_submit_button("Save", on_click=save)   # `save` calls form.set(...) on refusal
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from msp.errors import ValidationError
from msp.ui.text import plain

_PREFIX = "_problems_"
_SUCCESS = "_success_"


class FormProblems:
    def __init__(self, form_key: str):
        self.key = _PREFIX + form_key
        self.success_key = _SUCCESS + form_key

    @property
    def problems(self) -> dict[str, str]:
        return st.session_state.get(self.key) or {}

    def set(self, problems: dict[str, str] | ValidationError) -> None:
        if isinstance(problems, ValidationError):
            problems = problems.problems
        st.session_state[self.key] = dict(problems)
        st.session_state.pop(self.success_key, None)

    def clear(self) -> None:
        st.session_state.pop(self.key, None)

    def succeeded(self, message: str) -> None:
        """Remember a confirmation to show on the next run (and forget old problems)."""
        self.clear()
        st.session_state[self.success_key] = message

    def summary(self, order: Iterable[str] = ()) -> None:
        """The confirmation of the last save, or the list of problems, at the top of a form."""
        message = st.session_state.pop(self.success_key, None)
        if message:
            st.success(plain(message), icon=":material/check_circle:")
        problems = self.problems
        if not problems:
            return
        order = list(order)
        ranked = sorted(
            problems.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)
        )
        lines = "\n".join(f"- {plain(message)}" for _, message in ranked)
        st.error(f"**There is a problem**\n\n{lines}", icon=":material/error:")

    def beside(self, *fields: str) -> None:
        """The message for a field (the first of `fields` that has one), under its widget."""
        for field in fields:
            message = self.problems.get(field)
            if message:
                st.error(plain(message))
                return

    def has(self, field: str) -> bool:
        return field in self.problems
