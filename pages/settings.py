"""Settings (administrators): timescale targets, signing out idle users, feedback questions
and the reporting year."""

# Each change is validated and audited by its service (msp.settings, msp.question_bank) and
# applies at once. A refused form writes nothing and keeps what was typed; each message is
# shown at the top and again beside its field.

import datetime as dt
import re
from collections.abc import Callable, Iterable

import streamlit as st

from msp import question_bank as bank
from msp.auth import CurrentUser
from msp.errors import MspError, ValidationError
from msp.periods import MONTH_NAMES, ReportingYear
from msp.settings import (
    IDLE_TIMEOUT_LIMITS,
    TARGET_LIMITS,
    get_targets,
    idle_timeout_minutes,
    reporting_year,
    update_idle_timeout,
    update_reporting_year,
    update_targets,
)
from msp.ui import session
from msp.ui.forms import FormProblems
from msp.ui.guard import require_page
from msp.ui.text import plain

user = require_page(__file__)

# Timescale targets: field name (as msp.settings names it) -> label, hint, widget key.
TARGETS = FormProblems("targets")
TARGET_FIELDS = {
    "decision_working_days": (
        "Decision on whether to make an enquiry, in working days",
        "Working days from receiving a concern to deciding whether to make an enquiry.",
    ),
    "first_conversation_working_days": (
        "First outcomes conversation, in working days",
        "Working days from the start of the enquiry to the first conversation with the "
        "person about what they want to happen.",
    ),
    "max_gap_working_days": (
        "Longest gap between conversations, in working days",
        "The most working days that should pass between two conversations with the person "
        "while the enquiry is open.",
    ),
    "feedback_window_days": (
        "Feedback window, in days",
        "Days after the enquiry concludes within which the person or their representative "
        "should be asked for feedback. 56 days is 8 weeks.",
    ),
}
TARGET_KEYS = {name: f"targets_{name}" for name in TARGET_FIELDS}
WHOLE_NUMBER = re.compile(r"[+-]?\d{1,9}")

# Signing out idle users
IDLE = FormProblems("idle_timeout")
IDLE_KEY = "idle_timeout_minutes"

# The reporting year
YEAR = FormProblems("reporting_year")
YEAR_KEY = "year_start_month"

# Feedback questions
ADD = FormProblems("add_question")
ADD_KEYS = {"person_wording": "add_question_person", "representative_wording": "add_question_rep"}
REWORD = FormProblems("reword_question")
REWORD_CHOICE_KEY = "reword_question_id"
RETIRE = FormProblems("retire_question")
RETIRE_CHOICE_KEY = "retire_question_id"
RETIRE_PENDING_KEY = "retire_question_pending"
WORDING_ORDER = ["question", "person_wording", "representative_wording"]
PERSON_LABEL = "Question for the person"
REPRESENTATIVE_LABEL = "Question for a representative"
PERSON_HINT = "As it is asked of the person the enquiry is about, like “Did you feel listened to?”"
REPRESENTATIVE_HINT = (
    "As it is asked of a friend, carer, family member or advocate answering on the person's "
    "behalf, like “Do you think they felt listened to?”"
)


def reword_keys(question_id: int) -> dict[str, str]:
    """Widget keys of the reword form, one set per question (so choosing another question
    shows that question's wording)."""
    return {
        "person_wording": f"reword_person_{question_id}",
        "representative_wording": f"reword_rep_{question_id}",
    }


def _administrator() -> CurrentUser | None:
    """The administrator acting, checked again when a button's callback runs (callbacks run
    before the page's guard)."""
    actor = session.signed_in_user(session.app_engine())
    return actor if actor is not None and actor.role == "administrator" else None


def _forms_except(keep: FormProblems) -> None:
    """One form's old problems and confirmations go when another form is used."""
    for form in (TARGETS, IDLE, YEAR, ADD, REWORD, RETIRE):
        if form is not keep:
            form.clear()
            st.session_state.pop(form.success_key, None)


def target_value(text: object) -> object:
    """What was typed, as a whole number when it is one (else as typed: the service refuses
    it and says what to enter)."""
    text = str(text or "").strip()
    return int(text) if WHOLE_NUMBER.fullmatch(text) else text


def _save(
    form: FormProblems,
    field: str,
    change: Callable[[CurrentUser], object],
    keys: Iterable[str],
    success: str,
    *,
    figures_change: bool = False,
) -> None:
    """Save one settings form with `change(actor)`. A refusal is kept on the form, beside
    `field` when the service names no field; on success the widgets `keys` show what was
    saved, and cached dashboard figures go if the setting changes what they count."""
    _forms_except(form)
    actor = _administrator()
    if actor is None:
        return
    try:
        change(actor)
    except ValidationError as exc:
        form.set(exc)
        return
    except MspError as exc:
        form.set({field: str(exc)})
        return
    for key in keys:
        st.session_state.pop(key, None)  # shown again from what was saved
    if figures_change:
        st.cache_data.clear()
    form.succeeded(success)


def _save_targets() -> None:
    _save(
        TARGETS,
        "targets",
        lambda actor: update_targets(
            session.app_engine(),
            actor,
            {name: target_value(st.session_state.get(key)) for name, key in TARGET_KEYS.items()},
        ),
        TARGET_KEYS.values(),
        "The timescale targets have been saved. Dashboards use them from now on.",
        figures_change=True,  # timeliness is measured against the targets
    )


def _save_idle_timeout() -> None:
    _save(
        IDLE,
        IDLE_KEY,
        lambda actor: update_idle_timeout(
            session.app_engine(), actor, target_value(st.session_state.get(IDLE_KEY))
        ),
        [IDLE_KEY],
        "The idle time has been saved. It applies from each user's next action.",
    )


def _save_reporting_year() -> None:
    _save(
        YEAR,
        YEAR_KEY,
        lambda actor: update_reporting_year(
            session.app_engine(), actor, st.session_state.get(YEAR_KEY)
        ),
        [YEAR_KEY],
        "The reporting year has been saved. The home page and the dashboards use it from now on.",
        figures_change=True,  # they count by the new year at once
    )


def describe_year(reporting: ReportingYear, today: dt.date) -> str:
    """'This reporting year is 2025-26: 1 April 2025 to 31 March 2026.'"""
    year = reporting.year_of(today)
    return f"This {reporting.name} is {reporting.label(year)}: {reporting.span(year)}."


def _add_question() -> None:
    _forms_except(ADD)
    actor = _administrator()
    if actor is None:
        return
    state = st.session_state
    try:
        bank.add_question(
            session.app_engine(),
            actor,
            state.get(ADD_KEYS["person_wording"]) or "",
            state.get(ADD_KEYS["representative_wording"]) or "",
        )
    except ValidationError as exc:
        ADD.set(exc)
        return
    except MspError as exc:
        ADD.set({"question": str(exc)})
        return
    for key in ADD_KEYS.values():
        state.pop(key, None)
    ADD.succeeded("The question has been added. It is asked in feedback recorded from now on.")


def _reword_question(question_id: int) -> None:
    _forms_except(REWORD)
    actor = _administrator()
    if actor is None:
        return
    state = st.session_state
    keys = reword_keys(question_id)
    try:
        version = bank.reword_question(
            session.app_engine(),
            actor,
            question_id,
            state.get(keys["person_wording"]) or "",
            state.get(keys["representative_wording"]) or "",
        )
    except ValidationError as exc:
        REWORD.set(exc)
        return
    except MspError as exc:
        REWORD.set({"question": str(exc)})
        return
    for key in keys.values():
        state.pop(key, None)
    REWORD.succeeded(
        f"The new wording has been saved as version {version}. Feedback recorded from now on "
        "uses it; answers already given keep the wording they were given under."
    )


def _ask_to_retire() -> None:
    _forms_except(RETIRE)
    question_id = st.session_state.get(RETIRE_CHOICE_KEY)
    if question_id is None:
        RETIRE.set({"question": "Choose the question to retire"})
        return
    st.session_state[RETIRE_PENDING_KEY] = question_id


def _cancel_retire() -> None:
    st.session_state.pop(RETIRE_PENDING_KEY, None)


def _retire_question() -> None:
    _forms_except(RETIRE)
    question_id = st.session_state.pop(RETIRE_PENDING_KEY, None)
    actor = _administrator()
    if actor is None or question_id is None:
        return
    try:
        bank.retire_question(session.app_engine(), actor, question_id)
    except MspError as exc:
        RETIRE.set(exc if isinstance(exc, ValidationError) else {"question": str(exc)})
        return
    st.session_state.pop(RETIRE_CHOICE_KEY, None)
    RETIRE.succeeded(
        "The question has been retired. It is no longer asked; answers already given are kept."
    )


def questions_table(
    questions: list[bank.BankQuestion], *, numbered: bool
) -> list[dict[str, object]]:
    """Rows for st.table (which reads Markdown in its cells: the wordings are escaped)."""
    rows = []
    for number, q in enumerate(questions, start=1):
        row: dict[str, object] = {"Question": str(number)} if numbered else {}
        row |= {
            "For the person": plain(q.person_wording),
            "For a representative": plain(q.representative_wording),
            "Version": str(q.version_no),
        }
        rows.append(row)
    return rows


def question_label(number: int, q: bank.BankQuestion) -> str:
    return f"{number}. {q.person_wording}"


engine = session.app_engine()
targets = get_targets(engine).as_value()
questions = bank.list_questions(engine)
in_use = [q for q in questions if q.is_active]
retired = [q for q in questions if not q.is_active]
number_of = {q.id: n for n, q in enumerate(in_use, start=1)}
by_id = {q.id: q for q in in_use}

st.title("Settings")
st.write(
    "These settings apply to every team. A change takes effect at once and is recorded in the "
    "audit trail."
)

# --- Timescale targets -------------------------------------------------------------------------

st.header("Timescale targets")
st.write(
    "Dashboards show how often each target was met. Working days are Monday to Friday; bank "
    "holidays are counted as working days."
)
TARGETS.summary(list(TARGET_FIELDS))
for name, key in TARGET_KEYS.items():
    st.session_state.setdefault(key, str(targets[name]))
with st.form("targets", clear_on_submit=False):
    for name, (label, hint) in TARGET_FIELDS.items():
        low, high, _ = TARGET_LIMITS[name]
        st.text_input(label, key=TARGET_KEYS[name], max_chars=9, width=480)
        st.caption(f"{hint} Enter a whole number from {low} to {high}. Currently {targets[name]}.")
        TARGETS.beside(name)
    TARGETS.beside("targets")
    st.form_submit_button("Save targets", type="primary", on_click=_save_targets)

# --- Signing out idle users ---------------------------------------------------------------------

st.header("Signing out when idle")
st.write(
    "Someone who does nothing in the app for this long is signed out, so an unattended screen "
    "does not stay open on a person's enquiry."
)
idle_minutes = idle_timeout_minutes(session.app_engine())
IDLE.summary([IDLE_KEY])
st.session_state.setdefault(IDLE_KEY, str(idle_minutes))
with st.form("idle_timeout", clear_on_submit=False):
    low, high = IDLE_TIMEOUT_LIMITS
    st.text_input("Minutes without activity", key=IDLE_KEY, max_chars=9, width=480)
    st.caption(f"Enter a whole number from {low} to {high}. Currently {idle_minutes}.")
    IDLE.beside(IDLE_KEY)
    st.form_submit_button("Save idle time", type="primary", on_click=_save_idle_timeout)

# --- Feedback questions ------------------------------------------------------------------------

st.header("Feedback questions")
st.write(
    "The questions asked when the person, or a representative on their behalf, gives feedback "
    "at the end of an enquiry. Each question has a wording for the person and one for a "
    "representative."
)

st.subheader("Questions in use")
if in_use:
    st.table(
        questions_table(in_use, numbered=True),
        hide_index=True,
        alt="Feedback questions in use, with both wordings and the version of each",
    )
else:
    st.write("No questions are in use.")

st.subheader("Retired questions")
if retired:
    st.write("These are no longer asked. Answers already given to them are kept.")
    st.table(
        questions_table(retired, numbered=False),
        hide_index=True,
        alt="Retired feedback questions, with their last wordings and version",
    )
else:
    st.write("No questions have been retired.")

st.subheader("Add a question")
ADD.summary(WORDING_ORDER)
with st.form("add_question", clear_on_submit=False):
    st.text_area(
        PERSON_LABEL, key=ADD_KEYS["person_wording"], max_chars=bank.WORDING_MAX, height=80
    )
    st.caption(PERSON_HINT)
    ADD.beside("person_wording")
    st.text_area(
        REPRESENTATIVE_LABEL,
        key=ADD_KEYS["representative_wording"],
        max_chars=bank.WORDING_MAX,
        height=80,
    )
    st.caption(REPRESENTATIVE_HINT)
    ADD.beside("representative_wording")
    ADD.beside("question")
    st.form_submit_button("Add question", type="primary", on_click=_add_question)

if in_use:
    st.subheader("Reword a question")
    st.write(
        "Rewording a question saves the new wording as a new version. Feedback recorded from "
        "now on uses the new wording. Answers already given keep the wording they were given "
        "under, so what each person was asked is never changed."
    )
    REWORD.summary(WORDING_ORDER)
    chosen = st.selectbox(
        "Question to reword",
        list(by_id),
        format_func=lambda qid: question_label(number_of[qid], by_id[qid]),
        index=None,
        placeholder="Choose a question",
        key=REWORD_CHOICE_KEY,
        on_change=REWORD.clear,
    )
    REWORD.beside("question")
    if chosen in by_id:
        question = by_id[chosen]
        keys = reword_keys(question.id)
        st.session_state.setdefault(keys["person_wording"], question.person_wording)
        st.session_state.setdefault(keys["representative_wording"], question.representative_wording)
        with st.form(f"reword_question_{question.id}", clear_on_submit=False):
            st.text_area(
                PERSON_LABEL, key=keys["person_wording"], max_chars=bank.WORDING_MAX, height=80
            )
            REWORD.beside("person_wording")
            st.text_area(
                REPRESENTATIVE_LABEL,
                key=keys["representative_wording"],
                max_chars=bank.WORDING_MAX,
                height=80,
            )
            REWORD.beside("representative_wording")
            st.caption(f"Now version {question.version_no}. Saving makes a new version.")
            st.form_submit_button(
                "Save new wording", type="primary", on_click=_reword_question, args=(question.id,)
            )

    st.subheader("Retire a question")
    st.write(
        "A retired question is no longer asked. Answers already given to it are kept. A "
        "retired question cannot be brought back: add it again as a new question instead."
    )
    RETIRE.summary(["question"])
    pending = st.session_state.get(RETIRE_PENDING_KEY)
    if pending in by_id:
        st.warning(
            "Are you sure you want to retire question "
            f"{number_of[pending]}, “{plain(by_id[pending].person_wording)}”?",
            icon=":material/warning:",
        )
        choice = st.container(horizontal=True)
        choice.button(
            "Yes, retire it", key="retire_confirm", type="primary", on_click=_retire_question
        )
        choice.button("No, keep it", key="retire_cancel", on_click=_cancel_retire)
    else:
        st.session_state.pop(RETIRE_PENDING_KEY, None)
        st.selectbox(
            "Question to retire",
            list(by_id),
            format_func=lambda qid: question_label(number_of[qid], by_id[qid]),
            index=None,
            placeholder="Choose a question",
            key=RETIRE_CHOICE_KEY,
            on_change=RETIRE.clear,
        )
        RETIRE.beside("question")
        st.button("Retire question", key="retire_ask", on_click=_ask_to_retire)

# --- Reporting year ----------------------------------------------------------------------------

st.header("Reporting year")
st.write(
    "The home page and the dashboards count enquiries by the reporting year, and its quarters, "
    "in which they were concluded. Most councils use the national financial year, 1 April to "
    "31 March; choose another start month only if the council reports on another year. The "
    "tables for the national return (the Safeguarding Adults Collection) always use the "
    "financial year, as the return does."
)
current_year = reporting_year(session.app_engine())
st.write(describe_year(current_year, dt.date.today()))
YEAR.summary([YEAR_KEY])
st.session_state.setdefault(YEAR_KEY, current_year.start_month)
with st.form("reporting_year", clear_on_submit=False):
    st.selectbox(
        "The reporting year starts in",
        list(range(1, 13)),
        key=YEAR_KEY,
        format_func=lambda month: MONTH_NAMES[month - 1],
        width=480,
    )
    st.caption(
        f"Currently {MONTH_NAMES[current_year.start_month - 1]}. Enquiries already concluded "
        "are counted in the new year's periods at once: nothing is changed or lost."
    )
    YEAR.beside(YEAR_KEY)
    st.form_submit_button("Save reporting year", type="primary", on_click=_save_reporting_year)
