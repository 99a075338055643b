"""Enquiry overview: the person's journey on one screen, starting with what needs doing."""

import streamlit as st

from msp import vocab
from msp.retention import mark_entered_in_error
from msp.ui import case, session
from msp.ui.forms import FormProblems
from msp.ui.guard import require_page
from msp.ui.text import plain
from msp.ui.widgets import asker_phrase, hint, long_date, short_date, speaker_phrase, yes_no_label

user = require_page(__file__)

REMOVED_KEY = "enquiries_notice"

if st.session_state.get(REMOVED_KEY):  # just marked as entered in error: back to the list
    st.switch_page(case.ENQUIRIES_PAGE)

st.title("Enquiry overview")
view = case.open_case(user, __file__)
removal = FormProblems("remove_enquiry")


def lines(*pairs: tuple[str, str | None]) -> None:
    """'Label: value' lines (values Markdown-safe), one paragraph."""
    st.markdown(
        "  \n".join(f"**{label}:** {plain(value or 'Not recorded')}" for label, value in pairs)
    )


# --- What needs doing ------------------------------------------------------------------------
st.subheader("What needs doing")
if view.prompts:
    case.show_prompts(view)
elif view.status == "concluded" and view.feedback:
    st.success("Nothing needs doing: the enquiry is concluded and feedback is recorded.")
else:
    st.success("Nothing needs doing right now.", icon=":material/check_circle:")

# --- Desired outcomes ------------------------------------------------------------------------
st.subheader("Desired outcomes")
asked = vocab.MSP_ASKED.label(view.msp_asked) if view.msp_asked else "Not recorded yet"
st.markdown(f"Asked about their desired outcomes: **{plain(asked)}**")
if not view.outcomes:
    st.write("No desired outcomes recorded yet.")
for outcome in sorted(view.outcomes, key=lambda o: (o.status != "active", o.position)):
    case.outcome_card(view, outcome)
case.link(
    "pages/outcomes.py", "Add or change desired outcomes", view.public_id, icon=":material/flag:"
)

# --- Timeline ------------------------------------------------------------------------------
st.subheader("Timeline")
hint("Everything that happened, oldest first.")
previous = None
for entry in view.timeline:
    when, what = st.columns([1, 5])
    if entry.on != previous:
        when.markdown(f"**{short_date(entry.on)}**")
    previous = entry.on
    with what:
        st.markdown(f"**{plain(entry.title)}**")
        if entry.detail:
            st.text(entry.detail)

# --- Capacity and advocacy -------------------------------------------------------------------
st.subheader("Capacity and advocacy")
if view.capacity_considered:
    lines(
        ("Decision in question", view.capacity_decision),
        ("Considered on", long_date(view.capacity_assessed_on)),
        ("Result", vocab.CAPACITY_RESULTS.label(view.capacity_result)),
        ("By", view.capacity_assessed_by),
    )
else:
    st.write("Mental capacity has not been considered yet.")
lines(
    ("Substantial difficulty being involved", yes_no_label(view.substantial_difficulty)),
    ("An appropriate individual to support them", yes_no_label(view.appropriate_individual)),
    (
        "Referred for independent advocacy",
        f"{long_date(view.advocacy_referred_on)} ({vocab.ADVOCATE_KINDS.label(view.advocate_kind)})"
        if view.advocacy_referred_on
        else "No",
    ),
    (
        "Representative",
        vocab.REPRESENTATIVE_KINDS.label(view.representative_kind)
        if view.representative_kind
        else "None recorded",
    ),
)
if view.representative_details:
    st.caption("Representative's details")
    st.text(view.representative_details)

# --- Conclusion and feedback ---------------------------------------------------------------
st.subheader("Conclusion")
if view.status == "concluded":
    lines(
        ("Concluded on", long_date(view.concluded_on)),
        ("Asked about desired outcomes", vocab.MSP_ASKED.label(view.msp_asked)),
        ("Outcomes achieved", vocab.MSP_ACHIEVED.label(view.msp_achieved) or "Not applicable"),
        (
            "Risk assessment outcome",
            vocab.RISK_ASSESSMENT_OUTCOMES.label(view.risk_assessment_outcome),
        ),
        ("Risk outcome", vocab.RISK_OUTCOMES.label(view.risk_outcome) or "Not applicable"),
        ("Lacked capacity", vocab.LACKED_CAPACITY.label(view.lacked_capacity)),
    )
    if view.lacked_capacity == "yes":
        lines(
            (
                "Supported by an advocate, family or friend",
                yes_no_label(view.capacity_support_provided),
            )
        )
    if view.msp_achieved_reason:
        st.caption("Why the answer differs from the outcome ratings")
        st.text(view.msp_achieved_reason)
else:
    st.write("The enquiry is open.")

st.subheader("Feedback")
if not view.feedback:
    st.write("No feedback recorded yet.")
for response in view.feedback:
    with st.container(border=True):
        who = speaker_phrase(response.respondent)
        st.markdown(
            f"**{short_date(response.given_on)}** · from {plain(who)}"
            f" · asked by {asker_phrase(response.asked_by)}"
            f" · {vocab.CONTACT_METHODS.label(response.method)}"
        )
        if response.declined:
            st.write("They declined to give feedback.")
        for wording, answer in response.answers:
            st.markdown(f"{plain(wording)} **{vocab.FEEDBACK_ANSWERS.label(answer)}**")
        if response.comments:
            st.caption("Comments, in their own words")
            st.text(response.comments)

# --- The enquiry -----------------------------------------------------------------------------
st.subheader("About the enquiry")
lines(
    ("Type", vocab.ENQUIRY_TYPES.label(view.enquiry_type)),
    ("Concern received", long_date(view.concern_received_on)),
    ("Decision", long_date(view.decision_on)),
    ("Enquiry started", long_date(view.started_on)),
    ("Types of risk", ", ".join(vocab.RISK_TYPES.label(r) for r in view.risk_types)),
    ("Where the risk is", vocab.LOCATIONS.label(view.location_of_risk)),
    ("Source of the risk", vocab.SOURCES_OF_RISK.label(view.source_of_risk)),
)
st.markdown("**Before the concern was raised**")
if view.pre_concern_discussed is None:
    st.write("Not recorded.")
elif view.pre_concern_discussed:
    lines(
        ("Discussed with", vocab.SPEAKERS.label(view.pre_concern_with)),
        ("Their view", vocab.PRE_CONCERN_VIEWS.label(view.pre_concern_view)),
    )
else:
    st.write("It was not discussed with them before it was raised.")
if view.against_view_reason:
    reason = vocab.AGAINST_VIEW_REASONS.label(view.against_view_reason)
    if view.against_view_reason == "other" and view.against_view_reason_other:
        reason = f"{reason}: {view.against_view_reason_other}"
    lines(
        ("Reason it was raised anyway", reason),
        ("The reason was explained to them", yes_no_label(view.against_view_explained)),
    )


# --- Entered in error ------------------------------------------------------------------------
def _remove() -> None:
    reason = st.session_state.get("remove_reason", "")
    done, _ = case.save(
        removal,
        lambda actor, public_id, version: mark_entered_in_error(
            session.app_engine(), actor, public_id, reason, expected_version=version
        ),
        "The enquiry was marked as entered in error.",
    )
    if done:
        removal.clear()
        st.session_state.pop("remove_reason", None)
        case.forget_selection()
        st.session_state[REMOVED_KEY] = (
            "The enquiry was marked as entered in error. It no longer appears in lists or "
            "figures; a supervisor can restore it."
        )


st.divider()
with st.expander("Was this enquiry entered in error?", expanded=bool(removal.problems)):
    st.write(
        "Mark it as entered in error if it should never have been recorded, for example a "
        "duplicate. It will be hidden from every list and figure. A supervisor can restore it."
    )
    removal.summary()
    st.text_input("Why was it entered in error?", key="remove_reason", max_chars=200)
    removal.beside("reason")
    st.button("Mark as entered in error", key="remove_enquiry", on_click=_remove)
