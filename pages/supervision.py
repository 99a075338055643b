"""Supervision: choose a team and a worker to see their open enquiries (days since the last
conversation with the person, what needs doing, outcomes at risk); look at one person's
journey; record a supervision note; export a one-page summary of the caseload."""

import datetime as dt

import pandas as pd
import streamlit as st

from msp import supervision as sv
from msp import vocab
from msp.enquiries import team_workers
from msp.errors import MspError, ValidationError
from msp.overview import get_enquiry
from msp.ui import dashboard as ui
from msp.ui import session
from msp.ui.forms import FormProblems
from msp.ui.guard import require_page
from msp.ui.text import plain
from msp.ui.widgets import EARLIEST_DATE, forget, long_date, short_date

user = require_page(__file__)
OVERVIEW_PAGE = "pages/enquiry.py"  # the case screens' overview; ?enquiry=<public id>
ENQUIRY_PARAM = "enquiry"
JOURNEY_KEY = "sv_journey"  # (public id, EnquiryView) of the journey opened
NOTE_FORM = "sv_note"
NOTE_KEYS = {
    "held_on": "sv_note_held_on",
    "reflection": "sv_note_reflection",
    "agreed_actions": "sv_note_agreed_actions",
    "lessons": "sv_note_lessons",
}
engine = session.app_engine()
today = dt.date.today()

st.title("Supervision")
st.write(
    "Choose a worker to see their open enquiries: how long since they last talked with "
    "each person, what needs doing and which desired outcomes are at risk. Record what you "
    "agreed in supervision against the enquiry."
)

teams = dict(zip(user.team_ids, user.team_names, strict=True))
left, right = st.columns(2)
team_id = left.selectbox(
    "Team", list(teams), key="sv_team", format_func=lambda t: teams.get(t, str(t))
)
if team_id is None:
    st.info("You do not supervise a team yet. Ask an administrator to add you to one.")
    st.stop()
staff = {w.id: w.display_name for w in team_workers(engine, user, team_id)}
worker_id = right.selectbox(
    "Worker",
    list(staff),
    index=None,
    key="sv_worker",
    format_func=lambda w: staff.get(w, "Not in this team"),
    placeholder="Choose a worker",
)
if worker_id is None or worker_id not in staff:
    st.stop()

try:
    caseload = sv.worker_caseload(engine, user, team_id, worker_id, today=today)
except MspError as exc:
    st.error(plain(str(exc)))
    st.stop()


def talked(row: sv.CaseloadRow) -> str:
    """'81 days ago (7 Sep 2026)' or 'None yet (started 24 days ago)'."""
    if row.last_conversation_with_person is None:
        return row.conversation_text
    return f"{row.conversation_text} ({short_date(row.last_conversation_with_person)})"


def to_do(row: sv.CaseloadRow) -> str:
    return "; ".join(("Overdue: " if p.overdue else "") + p.short for p in row.prompts) or (
        "Nothing outstanding"
    )


def at_risk(row: sv.CaseloadRow) -> str:
    return "; ".join(o.label for o in row.outcomes_at_risk) or "None"


st.header(f"Open enquiries of {plain(caseload.worker_name)}", anchor="caseload")
figures = (
    ("Open enquiries", caseload.open_enquiries, "Allocated to this worker in this team"),
    (
        "Overdue",
        caseload.with_overdue_prompts,
        "Enquiries with an overdue action: for example no conversation within the target, "
        "or advocacy not referred",
    ),
    ("Something to do", caseload.with_prompts, "Enquiries with anything outstanding"),
    (
        "Outcomes at risk",
        caseload.outcomes_at_risk,
        "Active desired outcomes marked not achievable or partly achievable",
    ),
)
for column, (label, value, help_text) in zip(st.columns(4), figures, strict=True):
    column.metric(label, value, help=help_text, border=True)

if not caseload.rows:
    st.info("No open enquiries are allocated to this worker in this team.")
else:
    # st.table wraps long text (a dataframe would hide it); it reads Markdown, so escape.
    st.table(
        pd.DataFrame(
            [
                {
                    "Enquiry": plain(
                        f"{r.case_reference} ({vocab.ENQUIRY_TYPES.label(r.enquiry_type)})"
                    ),
                    "Started": short_date(r.started_on),
                    "Last talked with the person": plain(talked(r)),
                    "What needs doing": plain(to_do(r)),
                    "Outcomes at risk": plain(at_risk(r)),
                }
                for r in caseload.rows
            ]
        ),
        hide_index=True,
    )
    st.caption(
        f"Most pressing first. The target is a conversation at least every "
        f"{caseload.targets.max_gap_working_days} working days."
    )

ui.lazy_download(
    key=f"sv_pdf_{team_id}_{worker_id}",
    signature=repr((team_id, worker_id, today, caseload.rows)),
    prepare_label="Prepare the one-page summary for supervision",
    download_label="Download the supervision summary (PDF)",
    make=lambda actor: sv.supervision_summary_pdf(engine, actor, team_id, worker_id, today=today),
    file_name=f"supervision-summary-{today.isoformat()}.pdf",
    mime="application/pdf",
)

if not caseload.rows:
    st.stop()

# --- One enquiry ------------------------------------------------------------------------------

st.header("Talk about one enquiry", anchor="enquiry")
rows = {r.public_id: r for r in caseload.rows}
public_id = st.selectbox(
    "Enquiry",
    list(rows),
    index=None,
    key="sv_enquiry",
    format_func=lambda p: rows[p].case_reference if p in rows else "No longer open",
    placeholder="Choose an enquiry",
)
if public_id is None or public_id not in rows:
    st.stop()
row = rows[public_id]

st.page_link(
    OVERVIEW_PAGE,
    label=f"Open the overview of {row.case_reference}",
    icon=":material/person:",
    query_params={ENQUIRY_PARAM: public_id},
)
if row.prompts:
    st.markdown("**What needs doing**")
    for p in row.prompts:
        (st.warning if p.overdue else st.info)(plain(p.message))
if row.outcomes_at_risk:
    st.markdown("**Desired outcomes at risk**")
    for o in row.outcomes_at_risk:
        explained = (
            " The reason has been explained to the person."
            if o.explained
            else " No conversation explaining why is linked yet."
            if o.achievability == "not_achievable"
            else ""
        )
        st.markdown(f"- {plain(o.label)}.{plain(explained)}")


def open_journey(public_id: str) -> None:
    actor = session.acting_user()  # read again: a callback runs before the page's guard
    if actor is None:
        return  # signed out meanwhile: the run that follows shows the sign-in page
    try:
        view = get_enquiry(engine, actor, public_id, today=today)  # audited: who viewed it
    except MspError as exc:
        st.session_state[JOURNEY_KEY] = (public_id, str(exc))
        return
    st.session_state[JOURNEY_KEY] = (public_id, view)


journey = st.session_state.get(JOURNEY_KEY)
if journey is None or journey[0] != public_id:
    st.button(
        "Show the person's journey",
        key="sv_open_journey",
        icon=":material/timeline:",
        on_click=open_journey,
        args=(public_id,),
        help="The timeline of the enquiry, read only. Opening it is recorded in the audit trail.",
    )
else:
    view = journey[1]
    st.subheader("The person's journey", anchor="journey")
    if isinstance(view, str):
        st.error(plain(view))
    else:
        st.caption(
            f"{plain(view.case_reference)} · {plain(view.team_name)} · read only: change it "
            "on the enquiry's own screens."
        )
        st.table(
            pd.DataFrame(
                [
                    {
                        "Date": short_date(t.on),
                        "What happened": plain(t.title),
                        "Details": plain(t.detail or ""),  # typed by a user: escaped
                    }
                    for t in view.timeline
                ]
            ),
            hide_index=True,
        )

# --- Supervision notes --------------------------------------------------------------------------

st.subheader("Record a supervision note", anchor="note")
form = FormProblems(NOTE_FORM)


def save_note(public_id: str, case_reference: str) -> None:
    actor = session.acting_user()  # read again: a callback runs before the page's guard
    if actor is None:
        return  # signed out meanwhile: the run that follows shows the sign-in page
    try:
        sv.add_supervision_note(
            engine,
            actor,
            public_id,
            st.session_state.get(NOTE_KEYS["held_on"]),
            st.session_state.get(NOTE_KEYS["reflection"]),
            st.session_state.get(NOTE_KEYS["agreed_actions"]),
            st.session_state.get(NOTE_KEYS["lessons"]),
            today=today,
        )
    except ValidationError as exc:
        form.set(exc)
        return
    except MspError as exc:
        form.set({"enquiry": str(exc)})
        return
    forget(*NOTE_KEYS.values())
    form.succeeded(f"Supervision note saved for {case_reference}.")


form.summary(order=["enquiry", *NOTE_KEYS])
form.beside("enquiry")
with st.form(NOTE_FORM):
    st.date_input(
        "Date of the supervision",
        value=today,
        min_value=EARLIEST_DATE,
        max_value=today,
        format="DD/MM/YYYY",
        key=NOTE_KEYS["held_on"],
    )
    form.beside("held_on")
    st.text_area(
        "Reflection",
        key=NOTE_KEYS["reflection"],
        help="What you discussed about the person's outcomes and how the work is going.",
    )
    form.beside("reflection")
    st.text_area(
        "Agreed actions", key=NOTE_KEYS["agreed_actions"], help="Who will do what, and by when."
    )
    form.beside("agreed_actions")
    st.text_area(
        "Lessons learned",
        key=NOTE_KEYS["lessons"],
        help="Anything the team could do differently next time.",
    )
    form.beside("lessons")
    st.form_submit_button(
        "Save the note",
        on_click=save_note,
        args=(public_id, row.case_reference),
        type="primary",
    )

notes = sv.list_supervision_notes(engine, user, public_id)
st.subheader("Earlier supervision notes", anchor="notes")
if not notes:
    st.write("No supervision notes for this enquiry yet.")
for note in notes:
    with st.container(border=True):
        by = f", recorded by {plain(note.supervisor_name)}" if note.supervisor_name else ""
        st.markdown(f"**Supervision on {long_date(note.held_on)}**{by}")
        for name in sv.NOTE_FIELDS:
            text = getattr(note, name)
            if text:
                st.caption(sv.NOTE_FIELD_LABELS[name])
                st.text(text)  # typed by a user: shown as text, never Markdown
