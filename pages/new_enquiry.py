"""Start a new enquiry: the person, the dates, the risk and the conversation before the concern."""

import datetime as dt

import streamlit as st

from msp import vocab
from msp.enquiries import NewEnquiry, PersonDetails, find_person, start_enquiry, team_workers
from msp.errors import ValidationError
from msp.ui import case, session
from msp.ui.forms import FormProblems
from msp.ui.guard import require_page
from msp.ui.text import plain
from msp.ui.widgets import choice, choices, date_field, forget_prefix, hint, yes_no

user = require_page(__file__)

PREFIX = "ne_"
STARTED_KEY = "new_enquiry_started"
NOBODY = 0
ORDER = [
    "case_reference",
    "preferred_name",
    "birth_year",
    "age_band",
    "gender",
    "ethnicity",
    "primary_support_reason",
    "team_id",
    "worker_id",
    "enquiry_type",
    "concern_received_on",
    "decision_on",
    "started_on",
    "risk_types",
    "location_of_risk",
    "source_of_risk",
    "pre_concern_discussed",
    "pre_concern_with",
    "pre_concern_view",
    "against_view_reason",
    "against_view_reason_other",
    "against_view_explained",
]

engine = session.app_engine()
today = dt.date.today()
form = FormProblems("new_enquiry")
state = st.session_state

started = state.pop(STARTED_KEY, None)
if started:
    case.choose(started)
    case.notify("The enquiry has been started. Next, record what the person wants to happen.")
    st.switch_page(case.OVERVIEW_PAGE, query_params={case.PARAM: started})


def _value(name: str):
    return state.get(PREFIX + name)


def _visible_pre_concern() -> dict:
    """The answers about the conversation before the concern, as far as they apply."""
    discussed = _value("pre_concern_discussed")
    values = {"pre_concern_discussed": discussed}
    if discussed:
        values["pre_concern_with"] = _value("pre_concern_with")
        values["pre_concern_view"] = _value("pre_concern_view")
    if values.get("pre_concern_view") == "disagreed" or discussed is False:
        reason = _value("against_view_reason")
        values["against_view_reason"] = reason
        if reason == "other":
            values["against_view_reason_other"] = _value("against_view_reason_other")
        if reason:
            values["against_view_explained"] = _value("against_view_explained")
    return values


def _person(found: bool) -> PersonDetails:
    reference = (_value("case_reference") or "").strip()
    if found or not reference:  # the person's details are asked for once the reference is in
        return PersonDetails(case_reference=reference)
    return PersonDetails(
        case_reference=reference,
        preferred_name=_value("preferred_name") or None,
        birth_year=_value("birth_year"),
        age_band=_value("age_band"),
        gender=_value("gender"),
        ethnicity=_value("ethnicity"),
        primary_support_reason=_value("primary_support_reason"),
    )


def _save(team_id: int | None) -> None:
    actor = session.acting_user()  # read again: a callback runs before the page's guard
    if actor is None:
        return  # signed out meanwhile: the run that follows shows the sign-in page
    reference = (_value("case_reference") or "").strip()
    found = bool(reference) and find_person(engine, actor, reference) is not None
    worker = _value("worker_id")
    data = NewEnquiry(
        person=_person(found),
        team_id=team_id,
        worker_id=None if worker in (None, NOBODY) else worker,
        enquiry_type=_value("enquiry_type"),
        concern_received_on=_value("concern_received_on"),
        decision_on=_value("decision_on"),
        started_on=_value("started_on"),
        risk_types=list(_value("risk_types") or []),
        location_of_risk=_value("location_of_risk"),
        source_of_risk=_value("source_of_risk"),
        **_visible_pre_concern(),
    )
    try:
        public_id = start_enquiry(engine, actor, data, today=dt.date.today())
    except ValidationError as exc:
        form.set(exc)
        return
    form.clear()
    forget_prefix(PREFIX)
    st.cache_data.clear()
    state[STARTED_KEY] = public_id


st.title("Start a new enquiry")
st.write(
    "Record a safeguarding enquiry: who it is about, when it started, the risk, and whether "
    "the concern was talked through with the person before it was raised. You can add their "
    "desired outcomes next."
)
form.summary(ORDER)

# --- The person ---------------------------------------------------------------------------
st.subheader("The person")
st.text_input("Case reference", key=PREFIX + "case_reference", max_chars=40)
hint("The person's reference in your case system, like CS-1001. Do not enter their name.")
form.beside("case_reference")
reference = (_value("case_reference") or "").strip()
person = find_person(engine, user, reference) if reference else None
if person is not None:
    with st.container(border=True):
        st.markdown(f"**Already known to this service:** {plain(person.case_reference)}")
        details = [
            ("Initials or preferred name", person.preferred_name or "Not recorded"),
            ("Age band", person.age_band or "Not recorded"),
            ("Year of birth", str(person.birth_year) if person.birth_year else "Not recorded"),
            ("Gender", vocab.GENDERS.label(person.gender)),
            ("Ethnicity", vocab.ETHNICITIES.label(person.ethnicity)),
            (
                "Primary support reason",
                vocab.PRIMARY_SUPPORT_REASONS.label(person.primary_support_reason),
            ),
        ]
        st.markdown("  \n".join(f"{label}: {plain(value)}" for label, value in details))
        hint("This enquiry will be added to their record. Their details are not changed here.")
elif reference:
    st.info(
        "No one with this case reference is recorded here yet. Enter their details.",
        icon=":material/person_add:",
    )
    st.text_input(
        "Initials or preferred name (optional)", key=PREFIX + "preferred_name", max_chars=60
    )
    hint("What to call them on screen, like “Mrs B”. Leave empty if not needed.")
    form.beside("preferred_name")
    year, band = st.columns(2)
    with year:
        st.number_input(
            "Year of birth (optional)",
            min_value=1900,
            max_value=today.year - 18,
            value=None,
            step=1,
            key=PREFIX + "birth_year",
            placeholder="For example 1948",
        )
        form.beside("birth_year")
    with band:
        choice("Age band (optional)", vocab.AGE_BANDS, key=PREFIX + "age_band")
        form.beside("age_band")
    choice("Gender", vocab.GENDERS, key=PREFIX + "gender")
    form.beside("gender")
    choice("Ethnicity", vocab.ETHNICITIES, key=PREFIX + "ethnicity")
    form.beside("ethnicity")
    choice(
        "Primary support reason",
        vocab.PRIMARY_SUPPORT_REASONS,
        key=PREFIX + "primary_support_reason",
    )
    hint("Choose “Not Known” or “Undeclared / Not Known” if you do not know.")
    form.beside("primary_support_reason")

# --- The enquiry --------------------------------------------------------------------------
st.subheader("The enquiry")
teams = dict(zip(user.team_ids, user.team_names, strict=True))
if len(teams) == 1:
    team_id = next(iter(teams))
    st.markdown(f"Team: {plain(teams[team_id])}")
else:
    team_id = st.selectbox(
        "Team",
        list(teams),
        index=None,
        key=PREFIX + "team_id",
        format_func=teams.get,
        placeholder="Choose the team",
    )
form.beside("team_id")
if team_id is not None:
    workers = {m.id: m.display_name for m in team_workers(engine, user, team_id)}
    if PREFIX + "worker_id" not in state:
        state[PREFIX + "worker_id"] = user.id if user.id in workers else NOBODY
    if state[PREFIX + "worker_id"] not in (NOBODY, *workers):
        state[PREFIX + "worker_id"] = NOBODY
    st.selectbox(
        "Allocated worker",
        [NOBODY, *workers],
        key=PREFIX + "worker_id",
        format_func=lambda i: "Not allocated yet" if i == NOBODY else workers[i],
    )
    form.beside("worker_id")

choice(
    "Type of enquiry",
    vocab.ENQUIRY_TYPES,
    key=PREFIX + "enquiry_type",
    radio=True,
    horizontal=True,
)
hint(
    "Section 42: the Care Act criteria are met. Other: they are not all met, but an "
    "enquiry is proportionate."
)
form.beside("enquiry_type")

concern, decision, start = st.columns(3)
with concern:
    date_field("Date the concern was received", key=PREFIX + "concern_received_on", today=today)
    form.beside("concern_received_on")
with decision:
    date_field("Date of the decision (optional)", key=PREFIX + "decision_on", today=today)
    form.beside("decision_on")
with start:
    date_field("Date the enquiry started", key=PREFIX + "started_on", today=today)
    form.beside("started_on")

# --- The risk -----------------------------------------------------------------------------
st.subheader("The risk")
choices("Types of risk", vocab.RISK_TYPES, key=PREFIX + "risk_types")
hint("Choose every type that applies.")
form.beside("risk_types")
where, source = st.columns(2)
with where:
    choice("Where the risk is", vocab.LOCATIONS, key=PREFIX + "location_of_risk")
    form.beside("location_of_risk")
with source:
    choice("Source of the risk", vocab.SOURCES_OF_RISK, key=PREFIX + "source_of_risk")
    form.beside("source_of_risk")

# --- Before the concern was raised -----------------------------------------------------------
st.subheader("Before the concern was raised")
st.write(
    "The concern should be talked through with the person or their advocate before it is "
    "raised. Sometimes it must be raised anyway, for example when other people are at risk: "
    "then they should still be told why."
)
discussed = yes_no(
    "Was the concern discussed with the person or their advocate before it was raised?",
    key=PREFIX + "pre_concern_discussed",
)
form.beside("pre_concern_discussed")
view_code = None
if discussed:
    choice("Who was it discussed with?", vocab.SPEAKERS, key=PREFIX + "pre_concern_with")
    form.beside("pre_concern_with")
    view_code = choice(
        "What was their view?", vocab.PRE_CONCERN_VIEWS, key=PREFIX + "pre_concern_view", radio=True
    )
    form.beside("pre_concern_view")
if view_code == "disagreed" or discussed is False:
    label = (
        "Why was the concern raised against their view?"
        if view_code == "disagreed"
        else "Why was it raised without discussing it with them? (optional)"
    )
    reason = choice(label, vocab.AGAINST_VIEW_REASONS, key=PREFIX + "against_view_reason")
    form.beside("against_view_reason")
    if reason == "other":
        st.text_input("The other reason", key=PREFIX + "against_view_reason_other", max_chars=200)
        form.beside("against_view_reason_other")
    if reason:
        yes_no("Was the reason explained to them?", key=PREFIX + "against_view_explained")
        form.beside("against_view_explained")

st.divider()
st.button(
    "Start the enquiry", type="primary", on_click=_save, args=(team_id,), key="new_enquiry_save"
)
