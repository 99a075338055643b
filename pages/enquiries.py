"""Enquiries: yours or your team's, searched and filtered, each with what it needs next."""

import datetime as dt

import streamlit as st

from msp import vocab
from msp.enquiries import EnquiryFilters, list_enquiries, team_workers
from msp.ui import case, session
from msp.ui.guard import require_page
from msp.ui.text import plain
from msp.ui.widgets import short_date

user = require_page(__file__)

MINE, TEAM = "mine", "team"
SCOPES = {MINE: "My enquiries", TEAM: "Team enquiries"}
ANY = "any"
ANYONE = 0

engine = session.app_engine()
today = dt.date.today()

st.title("Enquiries")
st.write(
    "Select a case reference to open the person's journey and record what happens next. "
    "The last column says what each enquiry needs now."
)
notice = st.session_state.pop("enquiries_notice", None)
if notice:
    st.success(plain(notice), icon=":material/check_circle:")
st.page_link("pages/new_enquiry.py", label="Start a new enquiry", icon=":material/add_circle:")

if "enquiries_scope" not in st.session_state:
    st.session_state["enquiries_scope"] = MINE if user.role == "practitioner" else TEAM
scope = st.segmented_control(
    "Show",
    list(SCOPES),
    key="enquiries_scope",
    required=True,
    format_func=SCOPES.get,
    label_visibility="collapsed",
)

workers: dict[int, str] = {}
for team_id in user.team_ids:
    for member in team_workers(engine, user, team_id):
        workers[member.id] = member.display_name

search_col, status_col, type_col, worker_col = st.columns([3, 2, 2, 3])
search = search_col.text_input(
    "Case reference", key="enquiries_search", placeholder="For example CS-1001"
)
status = status_col.selectbox(
    "Status",
    [ANY, *vocab.ENQUIRY_STATUSES.codes],
    key="enquiries_status",
    format_func=lambda code: "All" if code == ANY else vocab.ENQUIRY_STATUSES.label(code),
)
enquiry_type = type_col.selectbox(
    "Section 42 or Other",
    [ANY, *vocab.ENQUIRY_TYPES.codes],
    key="enquiries_type",
    format_func=lambda code: "Both" if code == ANY else vocab.ENQUIRY_TYPES.label(code),
)
worker_id = ANYONE
if scope != MINE:
    worker_id = worker_col.selectbox(
        "Worker",
        [ANYONE, *workers],
        key="enquiries_worker",
        format_func=lambda i: "Anyone" if i == ANYONE else workers[i],
    )

filters = EnquiryFilters(
    mine_only=scope == MINE,
    search=search or "",
    status=None if status == ANY else status,
    worker_id=None if worker_id == ANYONE else worker_id,
    enquiry_type=None if enquiry_type == ANY else enquiry_type,
)
rows = list_enquiries(engine, user, filters, today=today)

if not rows:
    if scope == MINE and not any((search, status != ANY, enquiry_type != ANY)):
        st.info(
            "No enquiries are allocated to you. Choose “Team enquiries” to see your team's, "
            "or start a new enquiry."
        )
    else:
        st.info("No enquiries match. Check the case reference, or change the filters.")
    st.stop()

shown = f"{len(rows)} enquir{'y' if len(rows) == 1 else 'ies'}"
if len(rows) >= filters.limit:
    shown = f"The {len(rows)} most recent enquiries. Search by case reference to find others"
st.caption(shown)

for row in rows:
    with st.container(border=True):
        person, worker, action = st.columns([4, 2, 3], vertical_alignment="center")
        with person:
            name = f" · {plain(row.preferred_name)}" if row.preferred_name else ""
            case.link(
                case.OVERVIEW_PAGE,
                f"**{plain(row.case_reference)}**{name}",
                row.public_id,
                icon=":material/person:",
            )
            when = (
                f"concluded {short_date(row.concluded_on)}"
                if row.concluded_on
                else f"started {short_date(row.started_on)}"
            )
            st.caption(
                f"{vocab.ENQUIRY_TYPES.label(row.enquiry_type)} · "
                f"{vocab.ENQUIRY_STATUSES.label(row.status)}, {when} · Team {plain(row.team_name)}"
            )
        worker.caption("Worker")
        worker.markdown(plain(row.worker_name) if row.worker_name else "Not allocated")
        action.caption("Needs now")
        action.markdown(plain(row.next_action))
