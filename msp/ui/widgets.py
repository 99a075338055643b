"""Form widgets the case screens share: lists that show labels and return codes, yes/no
questions with no answer chosen for the user, dates in the UK format, and hints.

Every widget takes a `key`, so what the user typed stays on screen after a refused save.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import streamlit as st

from msp import periods, vocab
from msp.ui.text import plain
from msp.vocab import Vocabulary

EARLIEST_DATE = dt.date(2000, 1, 1)
CHOOSE = "Choose one"
YES_NO = (True, False)


_MARKDOWN = re.compile(r"([\\`*_\[\]<>$~|:#])")


def label_text(text: str) -> str:
    """Text that users or a council typed, made safe for a widget label: only the characters
    that could start formatting are escaped, so the label read out by a screen reader stays
    the same as the text."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def hint(text: str) -> None:
    """A short line under a field saying what to enter (plain text, never Markdown)."""
    st.caption(plain(text))


def choice(
    label: str,
    vocabulary: Vocabulary,
    *,
    key: str,
    codes: Sequence[str] | None = None,
    radio: bool = False,
    horizontal: bool = False,
    placeholder: str = CHOOSE,
    disabled: bool = False,
) -> str | None:
    """One term of `vocabulary` (or of `codes`, a subset): shows labels, returns the code,
    or None while nothing is chosen."""
    options = list(codes if codes is not None else vocabulary.codes)
    if radio:
        return st.radio(
            label,
            options,
            index=None,
            key=key,
            format_func=vocabulary.label,
            horizontal=horizontal,
            disabled=disabled,
        )
    return st.selectbox(
        label,
        options,
        index=None,
        key=key,
        format_func=vocabulary.label,
        placeholder=placeholder,
        disabled=disabled,
    )


def choices(label: str, vocabulary: Vocabulary, *, key: str) -> list[str]:
    """Several terms of `vocabulary`: shows labels, returns codes in the list's order."""
    picked = st.multiselect(
        label,
        list(vocabulary.codes),
        key=key,
        format_func=vocabulary.label,
        placeholder="Choose one or more",
    )
    return [code for code in vocabulary.codes if code in picked]


def yes_no(label: str, *, key: str, horizontal: bool = True) -> bool | None:
    """A yes/no question with no answer chosen until the user chooses one."""
    return st.radio(
        label,
        YES_NO,
        index=None,
        key=key,
        format_func=lambda value: "Yes" if value else "No",
        horizontal=horizontal,
    )


def date_field(label: str, *, key: str, today: dt.date) -> dt.date | None:
    """A date on or before today, shown as DD/MM/YYYY, empty until chosen."""
    return st.date_input(
        label,
        value=None,
        min_value=EARLIEST_DATE,
        max_value=today,
        format="DD/MM/YYYY",
        key=key,
    )


def long_date(value: dt.date | None) -> str:
    """'3 September 2026' (no leading zero), or '' for no date."""
    return periods.long_date(value) if value else ""


def short_date(value: dt.date | None) -> str:
    """'3 Sep 2026', or '' for no date."""
    return f"{value.day} {value:%b %Y}" if value else ""


def yes_no_label(value: bool | None, *, unknown: str = "Not recorded") -> str:
    if value is None:
        return unknown
    return "Yes" if value else "No"


def forget(*keys: str) -> None:
    """Empty these widgets (after a save), so the next entry starts blank."""
    for key in keys:
        st.session_state.pop(key, None)


def forget_prefix(prefix: str) -> None:
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
        del st.session_state[key]


def speaker_phrase(code: str | None) -> str:
    """Who spoke, for the middle of a sentence: 'the person', 'their family member',
    'their Care Act independent advocate' (proper names keep their capitals)."""
    if code is None:
        return ""
    if code == vocab.PERSON:
        return "the person"
    return f"their {vocab.SPEAKERS.in_sentence(code)}"


class FormKeys:
    """The widget keys of one form. After a save, `reset()` gives the form's widgets new
    keys, so they are drawn empty: deleting a widget's value from session state does not
    empty what the browser shows, but a widget with a new key starts afresh."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self._generation_key = f"_generation_{prefix}"

    @property
    def generation(self) -> int:
        return st.session_state.get(self._generation_key, 0)

    def __call__(self, name: str) -> str:
        g = self.generation
        return f"{self.prefix}{name}" if g == 0 else f"{self.prefix}g{g}_{name}"

    def get(self, name: str, default=None):
        return st.session_state.get(self(name), default)

    def reset(self) -> None:
        current = self("")
        forget_prefix(current)
        st.session_state[self._generation_key] = self.generation + 1


_ASKERS = {"enquiry_lead": "the enquiry lead", "independent_person": "an independent person"}


def asker_phrase(code: str) -> str:
    """Who asked for feedback, for the middle of a sentence."""
    return _ASKERS.get(code) or vocab.FEEDBACK_ASKERS.label(code).lower()
