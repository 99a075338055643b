"""Capacity and advocacy: mental capacity, independent advocacy and representatives."""

import datetime as dt

import streamlit as st

from msp import vocab
from msp.enquiries import CAPACITY_FIELDS, CapacityAdvocacy, record_capacity_advocacy
from msp.ui import case, session
from msp.ui.forms import FormProblems
from msp.ui.guard import require_page
from msp.ui.widgets import choice, date_field, forget_prefix, hint, yes_no

user = require_page(__file__)

PREFIX = "ca_"
CAPACITY_DETAILS = (
    "capacity_decision",
    "capacity_assessed_on",
    "capacity_result",
    "capacity_assessed_by",
)

st.title("Capacity and advocacy")
view = case.open_case(user, __file__)
engine = session.app_engine()
today = dt.date.today()
form = FormProblems("capacity")
state = st.session_state


def _key(name: str) -> str:
    return PREFIX + name


def _save() -> None:
    values = {name: state.get(_key(name)) for name in CAPACITY_FIELDS}
    values["capacity_considered"] = bool(values["capacity_considered"])
    if not values["capacity_considered"]:
        values.update(dict.fromkeys(CAPACITY_DETAILS))
    data = CapacityAdvocacy(**values)
    done, _ = case.save(
        form,
        lambda actor, public_id, version: record_capacity_advocacy(
            engine, actor, public_id, data, expected_version=version, today=dt.date.today()
        ),
        "Capacity and advocacy are saved.",
    )
    if done:
        forget_prefix(PREFIX)  # drawn again from what was saved


for name in CAPACITY_FIELDS:
    case.prefill(_key(name), getattr(view, name))

st.write(
    "Mental capacity should be considered early, and is about a particular decision at a "
    "particular time. A person who would have substantial difficulty being involved, and has "
    "no appropriate individual to support them, must be referred for independent advocacy."
)
case.show_prompts(view, only_for=__file__)
form.summary(list(CAPACITY_FIELDS))

# --- Capacity -------------------------------------------------------------------------------
st.subheader("Mental capacity")
considered = st.checkbox("Capacity has been considered", key=_key("capacity_considered"))
form.beside("capacity_considered")
if considered:
    st.text_input(
        "Which decision is the capacity question about?",
        key=_key("capacity_decision"),
        max_chars=200,
    )
    hint("For example: taking part in the enquiry, or managing their money.")
    form.beside("capacity_decision")
    when, who = st.columns(2)
    with when:
        date_field("Date it was considered", key=_key("capacity_assessed_on"), today=today)
        form.beside("capacity_assessed_on")
    with who:
        st.text_input("Who considered it?", key=_key("capacity_assessed_by"), max_chars=120)
        form.beside("capacity_assessed_by")
    choice("Result", vocab.CAPACITY_RESULTS, key=_key("capacity_result"), radio=True)
    form.beside("capacity_result")
else:
    hint("Tick the box to record the decision, the date, the result and who considered it.")

# --- Advocacy -------------------------------------------------------------------------------
st.subheader("Independent advocacy")
difficulty = yes_no(
    "Would the person have substantial difficulty being involved in the enquiry?",
    key=_key("substantial_difficulty"),
)
hint(
    "Difficulty understanding, keeping in mind or weighing up information, or saying what "
    "they think."
)
form.beside("substantial_difficulty")
individual = yes_no(
    "Is there an appropriate individual to support them?",
    key=_key("appropriate_individual"),
)
hint("An unpaid family member or friend who can support them to be involved.")
form.beside("appropriate_individual")
if difficulty and individual is False:
    st.warning(
        "They must be referred for independent advocacy: record the referral below.",
        icon=":material/record_voice_over:",
    )
when, kind = st.columns(2)
with when:
    date_field("Date of the advocacy referral", key=_key("advocacy_referred_on"), today=today)
    form.beside("advocacy_referred_on")
with kind:
    choice("Kind of advocate", vocab.ADVOCATE_KINDS, key=_key("advocate_kind"))
    form.beside("advocate_kind")
hint("Leave both empty if they have not been referred.")

# --- Representative ---------------------------------------------------------------------------
st.subheader("Representative")
choice(
    "Who represents them, if anyone?",
    vocab.REPRESENTATIVE_KINDS,
    key=_key("representative_kind"),
    placeholder="No representative",
)
form.beside("representative_kind")
st.text_input(
    "Representative's details (optional)",
    key=_key("representative_details"),
    max_chars=200,
)
hint("How to reach them, or their relationship. Keep it short.")
form.beside("representative_details")

st.button("Save capacity and advocacy", type="primary", key="capacity_save", on_click=_save)
