"""Conclude the enquiry: rate each outcome with the person, and record the national answers."""

import datetime as dt

import streamlit as st

from msp import vocab
from msp.enquiries import Conclusion, OutcomeRating, conclude_enquiry, propose_achieved
from msp.ui import case, session
from msp.ui.forms import FormProblems
from msp.ui.guard import require_page
from msp.ui.text import plain
from msp.ui.widgets import choice, date_field, forget_prefix, hint, yes_no

user = require_page(__file__)

PREFIX = "cc_"
ACHIEVED_KEY = "cc_msp_achieved"
ACHIEVED_TOUCHED = "cc_achieved_touched"
ORDER = [
    "enquiry",
    "concluded_on",
    "ratings",
    "msp_asked",
    "msp_achieved",
    "msp_achieved_reason",
    "risk_assessment_outcome",
    "risk_outcome",
    "lacked_capacity",
    "capacity_support_provided",
]

st.title("Conclude the enquiry")
view = case.open_case(user, __file__)
engine = session.app_engine()
today = dt.date.today()
form = FormProblems("conclude")
state = st.session_state
active = view.active_outcomes


def _key(name: str) -> str:
    return PREFIX + name


def _ratings() -> dict[int, str | None]:
    return {o.id: state.get(_key(f"rating_{o.id}")) for o in active}


def _save() -> None:
    ratings = _ratings()
    asked = state.get(_key("msp_asked"))
    assessment = state.get(_key("risk_assessment_outcome"))
    lacked = state.get(_key("lacked_capacity"))
    achieved = state.get(ACHIEVED_KEY) if asked == "asked_expressed" else None
    proposal = propose_achieved([r for r in ratings.values() if r])
    data = Conclusion(
        concluded_on=state.get(_key("concluded_on")),
        ratings={
            o.id: OutcomeRating(ratings[o.id], state.get(_key(f"person_view_{o.id}")) or None)
            for o in active
        },
        msp_asked=asked,
        msp_achieved=achieved,
        msp_achieved_reason=(
            state.get(_key("msp_achieved_reason")) or None
            if achieved and proposal and achieved != proposal
            else None
        ),
        risk_assessment_outcome=assessment,
        risk_outcome=state.get(_key("risk_outcome")) if assessment == "identified_action" else None,
        lacked_capacity=lacked,
        capacity_support_provided=(
            state.get(_key("capacity_support_provided")) if lacked == "yes" else None
        ),
    )
    done, _ = case.save(
        form,
        lambda actor, public_id, version: conclude_enquiry(
            engine, actor, public_id, data, expected_version=version, today=dt.date.today()
        ),
        "The enquiry is concluded. Ask for feedback within 8 weeks.",
    )
    if done:
        forget_prefix(PREFIX)


def _achieved_chosen() -> None:
    state[ACHIEVED_TOUCHED] = True


# --- The screen --------------------------------------------------------------------------------

if view.status == "concluded":
    form.summary()
    st.info(
        f"This enquiry was concluded on {view.concluded_on.day} {view.concluded_on:%B %Y}. "
        "See the overview for what was recorded, and record feedback next.",
        icon=":material/lock:",
    )
    case.link("pages/feedback.py", "Record feedback", view.public_id, icon=":material/reviews:")
    st.stop()

st.write(
    "At the end of the enquiry, talk with the person about each of their desired outcomes: "
    "was it achieved, and how do they feel about it? Then record the answers the national "
    "Safeguarding Adults Collection asks for."
)
form.summary(ORDER)

with st.columns(2)[0]:
    date_field("Date the enquiry concluded", key=_key("concluded_on"), today=today)
    form.beside("concluded_on")

# --- Each outcome ---------------------------------------------------------------------------
st.subheader("Their desired outcomes")
if not active:
    st.write("There are no desired outcomes to rate.")
    case.link(
        "pages/outcomes.py",
        "Record desired outcomes first",
        view.public_id,
        icon=":material/flag:",
    )
form.beside("ratings")
for outcome in active:
    with st.container(border=True, key=f"conclude_card_{outcome.id}"):
        st.markdown(f"**{plain(outcome.label)}**")
        st.caption("In their own words")
        st.text(outcome.own_words)
        choice(
            "Was it achieved?",
            vocab.OUTCOME_RATINGS,
            key=_key(f"rating_{outcome.id}"),
            radio=True,
            horizontal=True,
        )
        form.beside(f"rating_{outcome.id}")
        st.text_input(
            "What the person said about it (optional)",
            key=_key(f"person_view_{outcome.id}"),
            max_chars=500,
        )
        form.beside(f"person_view_{outcome.id}")

# --- National answers ----------------------------------------------------------------------
st.subheader("National answers")
case.prefill(_key("msp_asked"), view.msp_asked or ("asked_expressed" if active else None))
asked = choice(
    "Were they asked about their desired outcomes?",
    vocab.MSP_ASKED,
    key=_key("msp_asked"),
    radio=True,
)
form.beside("msp_asked")
if asked == "asked_expressed":
    proposal = propose_achieved([r for r in _ratings().values() if r])
    if not state.get(ACHIEVED_TOUCHED):
        state[ACHIEVED_KEY] = proposal
    achieved = st.radio(
        "Were their desired outcomes achieved?",
        list(vocab.MSP_ACHIEVED.codes),
        index=None,
        key=ACHIEVED_KEY,
        format_func=vocab.MSP_ACHIEVED.label,
        horizontal=True,
        on_change=_achieved_chosen,
    )
    if proposal:
        hint(
            f"Suggested from the ratings above: {vocab.MSP_ACHIEVED.label(proposal)}. "
            "Change it if the person sees it differently."
        )
    else:
        hint("Rate each outcome above and an answer is suggested here.")
    form.beside("msp_achieved")
    if achieved and proposal and achieved != proposal:
        st.text_input(
            "Why is your answer different from the ratings?",
            key=_key("msp_achieved_reason"),
            max_chars=200,
        )
        form.beside("msp_achieved_reason")

assessment = choice(
    "Risk assessment outcome",
    vocab.RISK_ASSESSMENT_OUTCOMES,
    key=_key("risk_assessment_outcome"),
)
form.beside("risk_assessment_outcome")
if assessment == "identified_action":
    choice(
        "What happened to the risk?",
        vocab.RISK_OUTCOMES,
        key=_key("risk_outcome"),
        radio=True,
        horizontal=True,
    )
    form.beside("risk_outcome")

lacked = choice(
    "Did they lack capacity to make decisions about the enquiry?",
    vocab.LACKED_CAPACITY,
    key=_key("lacked_capacity"),
    radio=True,
)
form.beside("lacked_capacity")
if lacked == "yes":
    yes_no(
        "Were they supported by an advocate, family or friend?",
        key=_key("capacity_support_provided"),
    )
    form.beside("capacity_support_provided")

hint("Once the enquiry is concluded, its desired outcomes can no longer change.")
st.button("Conclude the enquiry", type="primary", key="conclude_save", on_click=_save)
