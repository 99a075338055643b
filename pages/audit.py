"""Audit trail: who signed in, and who viewed, changed or exported which record, when."""

# Administrators see every event; supervisors the events about their teams' records and of
# the people in their teams. Nothing here can change the trail. Reading it is itself
# recorded (by `list_events`), and so is each download of it.

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from msp import audit
from msp.auth import CurrentUser
from msp.exports import to_csv
from msp.ui import session
from msp.ui.forms import FormProblems
from msp.ui.guard import require_page
from msp.users import list_teams

user = require_page(__file__)

FILTERS = FormProblems("audit_filters")
KEYS = {
    "username": "audit_username",
    "record_id": "audit_record_id",
    "action": "audit_action",
    "date_from": "audit_date_from",
    "date_to": "audit_date_to",
}
DOWNLOAD_KEY = "audit_download"
DATES_WRONG_WAY = "Enter a 'to' date that is the same as or after the 'from' date"
LIMIT = 500
UK = ZoneInfo("Europe/London")
SCOPE = {
    "administrator": "You see every event.",
    "supervisor": (
        "You see the events about your teams' enquiries and the events of the people in your teams."
    ),
}


def action_label(code: str) -> str:
    """'enquiry_soft_deleted' -> 'Enquiry soft deleted' (the codes are stable; this is only
    how they read)."""
    return code.replace("_", " ").capitalize()


def current_filters() -> audit.AuditFilters:
    state = st.session_state
    return audit.AuditFilters(
        username=(state.get(KEYS["username"]) or "").strip() or None,
        action=state.get(KEYS["action"]) or None,
        record_id=(state.get(KEYS["record_id"]) or "").strip() or None,
        date_from=state.get(KEYS["date_from"]),
        date_to=state.get(KEYS["date_to"]),
        limit=LIMIT,
    )


def _check_dates() -> None:
    f = current_filters()
    if f.date_from and f.date_to and f.date_to < f.date_from:
        FILTERS.set({"date_to": DATES_WRONG_WAY})
    else:
        FILTERS.clear()


def _record_export(actor_id: int, filters: dict[str, str], rows: int) -> None:
    """An export of the trail is itself an audited action (what, which filters, how many
    rows). Checked again here: the download's callback runs before the page's guard."""
    actor: CurrentUser | None = session.acting_user()
    if actor is None or actor.id != actor_id:
        return
    audit.record_audit_export(session.app_engine(), actor, filters, rows)


def uk_time(moment: dt.datetime) -> str:
    """A stored UTC time as UK clock time, like 05/06/2026 14:03:09."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(UK).strftime("%d/%m/%Y %H:%M:%S")


def events_table(rows: list[audit.AuditRow], team_names: dict[int, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "When (UK time)": [uk_time(r.occurred_at) for r in rows],
            "User": [r.username or "" for r in rows],
            "Action": [action_label(r.action) for r in rows],
            "Record type": [action_label(r.record_type or "") for r in rows],
            "Record": [r.record_id or "" for r in rows],
            "Team": [team_names.get(r.team_id, "") if r.team_id else "" for r in rows],
            "Details": [r.details for r in rows],
        }
    )


engine = session.app_engine()

st.title("Audit trail")
st.write(
    "Who signed in, and who viewed, changed, removed or exported which record, and when. "
    "Nobody can change or delete these records."
)
st.write(SCOPE[user.role])

FILTERS.summary(list(KEYS))
with st.form("audit_filters", clear_on_submit=False):
    left, right = st.columns(2)
    left.text_input("Username", key=KEYS["username"], help="For example j.smith")
    right.text_input(
        "Record",
        key=KEYS["record_id"],
        help="The record's identifier, as shown in the Record column",
    )
    st.selectbox(
        "Action",
        audit.actions(engine),
        format_func=action_label,
        index=None,
        placeholder="All actions",
        key=KEYS["action"],
    )
    start, end = st.columns(2)
    start.date_input("From", value=None, format="DD/MM/YYYY", key=KEYS["date_from"])
    end.date_input("To", value=None, format="DD/MM/YYYY", key=KEYS["date_to"])
    with end:
        FILTERS.beside("date_to")
    st.form_submit_button("Show events", type="primary", on_click=_check_dates)

filters = current_filters()
if FILTERS.problems:
    st.stop()

rows = audit.list_events(engine, user, filters)
team_names = {t.id: t.name for t in list_teams(engine)}
table = events_table(rows, team_names)

if not rows:
    st.write("No events match these filters.")
else:
    shown = f"the newest {LIMIT}" if len(rows) >= LIMIT else str(len(rows))
    st.write(f"Showing {shown} events, newest first.")
    if len(rows) >= LIMIT:
        st.caption("Narrow the filters, for example by date, to see older events.")
    st.dataframe(table, hide_index=True, width="stretch")
    filter_values = {k: str(v) for k, v in filters.__dict__.items() if v and k != "limit"}
    st.download_button(
        "Download these events (CSV)",
        data=to_csv(table),
        file_name=f"audit-trail-{dt.date.today().isoformat()}.csv",
        mime="text/csv",
        key=DOWNLOAD_KEY,
        icon=":material/download:",
        on_click=_record_export,
        args=(user.id, filter_values, len(rows)),
    )
    st.caption(
        "The file holds what the table shows. Downloading it is recorded in the audit trail. "
        "Keep it somewhere only people who need it can open it."
    )
