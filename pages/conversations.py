"""Conversations: record a talk with the person or their representative, and what changed."""

import datetime as dt

import streamlit as st

from msp import vocab
from msp.conversations import NewConversation, log_conversation
from msp.outcomes import NOT_OUTCOMES_HELP, NewOutcome, OutcomeChange
from msp.ui import case, session
from msp.ui.forms import FormProblems
from msp.ui.guard import require_page
from msp.ui.text import plain
from msp.ui.widgets import FormKeys, choice, date_field, forget, hint, short_date, yes_no

user = require_page(__file__)

KEYS = FormKeys("cv_")  # new outcomes: cv_new_<n>_<field>; changes: cv_change_<id>_<field>
NEW_COUNT = "conversation_new_count"
CHANGE_ORDER = "conversation_change_order"
NO_CHANGE = "none"
CHANGES = {
    NO_CHANGE: "No change",
    "reworded": "Reword it",
    "withdrawn": "Withdraw it",
    "achievability": "Record how achievable it is",
}
ORDER = [
    "enquiry",
    "held_on",
    "with_person",
    "representative_kind",
    "with_whom",
    "method",
    "stage",
    "outcome_ids",
    "changes",
    "summary",
    "next_steps",
]

st.title("Conversations")
view = case.open_case(user, __file__)
engine = session.app_engine()
today = dt.date.today()
form = FormProblems("conversation")
state = st.session_state
open_enquiry = view.status == "open"
active = {o.id: o for o in view.active_outcomes}
outcomes = {o.id: o for o in view.outcomes}


def _key(name: str) -> str:
    return KEYS(name)


def _change_key(outcome_id: int, name: str) -> str:
    return KEYS(f"change_{outcome_id}_{name}")


def _new_key(n: int, name: str) -> str:
    return KEYS(f"new_{n}_{name}")


def _changes(discussed: list[int]) -> list[OutcomeChange]:
    """The changes agreed, in the order of the outcomes discussed."""
    changes = []
    for outcome_id in discussed:
        kind = state.get(_change_key(outcome_id, "kind"), NO_CHANGE)
        if outcome_id not in active or kind == NO_CHANGE:
            continue
        change = OutcomeChange(outcome_id=outcome_id, kind=kind)
        if kind == "reworded":
            change.own_words = state.get(_change_key(outcome_id, "own_words")) or ""
            change.note = state.get(_change_key(outcome_id, "note")) or ""
        elif kind == "withdrawn":
            change.note = state.get(_change_key(outcome_id, "note")) or ""
        else:
            change.achievability = state.get(_change_key(outcome_id, "achievability"))
            change.explanation = state.get(_change_key(outcome_id, "explanation")) or None
        changes.append(change)
    return changes


def _save() -> None:
    discussed = [i for i in state.get(_key("outcome_ids")) or [] if i in outcomes]
    changes = _changes(discussed) if open_enquiry else []
    new_outcomes = [
        NewOutcome(
            category=state.get(_new_key(n, "category")),
            own_words=state.get(_new_key(n, "own_words")) or "",
            expressed_by=state.get(_new_key(n, "expressed_by")),
            expressed_on=state.get(_key("held_on")),
        )
        for n in range(state.get(NEW_COUNT, 0) if open_enquiry else 0)
    ]
    data = NewConversation(
        held_on=state.get(_key("held_on")),
        with_person=state.get(_key("with_person")),
        representative_kind=state.get(_key("representative_kind")),
        method=state.get(_key("method")),
        stage=state.get(_key("stage")),
        summary=state.get(_key("summary")) or "",
        next_steps=state.get(_key("next_steps")) or None,
        outcome_ids=discussed,
        changes=changes,
        new_outcomes=new_outcomes,
    )
    # Problems about changes are filed by their place in the list: keep the map to outcomes.
    state[CHANGE_ORDER] = [c.outcome_id for c in changes]
    done, _ = case.save(
        form,
        lambda actor, public_id, version: log_conversation(
            engine, actor, public_id, data, expected_version=version, today=dt.date.today()
        ),
        "The conversation is saved"
        + (", with the changes to the outcomes." if changes or new_outcomes else "."),
    )
    if done:
        KEYS.reset()
        forget(NEW_COUNT, CHANGE_ORDER)


def _beside_change(outcome_id: int, *fields: str) -> None:
    order = state.get(CHANGE_ORDER) or []
    if outcome_id in order:
        i = order.index(outcome_id)
        form.beside(*(f"changes.{i}.{f}" for f in fields))


# --- The screen --------------------------------------------------------------------------------

st.write(
    "Record each conversation with the person or their representative: what was talked about, "
    "and any change to their desired outcomes that you agreed. Everything is saved together."
)
case.show_prompts(view, only_for=__file__)

if view.conversations:
    with st.expander(f"Earlier conversations ({len(view.conversations)})"):
        for talk in reversed(view.conversations):
            st.markdown(f"**{talk.label}**")
            st.text(talk.summary)
            if talk.next_steps:
                st.caption("Next steps")
                st.text(talk.next_steps)
            if talk.outcome_ids:
                numbers = [str(outcomes[i].position) for i in talk.outcome_ids if i in outcomes]
                st.caption("Outcomes talked about: " + ", ".join(numbers))
            st.divider()

st.subheader("Record a conversation")
form.summary(ORDER)

when, stage = st.columns(2)
with when:
    date_field("Date of the conversation", key=_key("held_on"), today=today)
    form.beside("held_on")
with stage:
    stages = [
        code
        for code in vocab.CONVERSATION_STAGES.codes
        if open_enquiry or code in {"conclusion", "after"}
    ]
    choice("Stage of the enquiry", vocab.CONVERSATION_STAGES, key=_key("stage"), codes=stages)
    form.beside("stage")

yes_no("Did the person take part?", key=_key("with_person"))
form.beside("with_person")
choice(
    "Representative who took part (if any)",
    vocab.REPRESENTATIVE_KINDS,
    key=_key("representative_kind"),
    placeholder="No representative",
)
hint("Leave empty if no representative took part.")
form.beside("representative_kind", "with_whom")
choice(
    "How did it take place?", vocab.CONTACT_METHODS, key=_key("method"), radio=True, horizontal=True
)
form.beside("method")

discussed: list[int] = []
if outcomes:
    discussed = st.multiselect(
        "Which desired outcomes did you talk about?",
        list(outcomes),
        key=_key("outcome_ids"),
        format_func=lambda i: case.outcome_choice_label(outcomes[i]),
        placeholder="Choose the outcomes",
    )
    form.beside("outcome_ids")

if open_enquiry and any(i in active for i in discussed):
    st.markdown("**Changes agreed to these outcomes**")
    hint("A change is saved as a new version of the outcome; earlier versions stay visible.")
    for outcome_id in [i for i in discussed if i in active]:
        outcome = active[outcome_id]
        with st.container(border=True, key=f"conversation_card_{outcome_id}"):
            st.markdown(f"**{plain(outcome.label)}**")
            st.text(outcome.own_words)
            kind = st.radio(
                "Change agreed",
                list(CHANGES),
                key=_change_key(outcome_id, "kind"),
                format_func=CHANGES.get,
                horizontal=True,
            )
            _beside_change(outcome_id, "outcome", "kind")
            if kind == "reworded":
                st.text_area(
                    "The new wording, in their own words",
                    key=_change_key(outcome_id, "own_words"),
                    height=80,
                )
                _beside_change(outcome_id, "own_words")
                st.text_input(
                    "Why was it reworded?", key=_change_key(outcome_id, "note"), max_chars=200
                )
                _beside_change(outcome_id, "note")
            elif kind == "withdrawn":
                st.text_input(
                    "Why was it withdrawn?", key=_change_key(outcome_id, "note"), max_chars=200
                )
                _beside_change(outcome_id, "note")
            elif kind == "achievability":
                choice(
                    "How achievable is it?",
                    vocab.ACHIEVABILITY,
                    key=_change_key(outcome_id, "achievability"),
                    radio=True,
                    horizontal=True,
                )
                _beside_change(outcome_id, "achievability")
                st.text_area(
                    "What you explained about why it may not be achievable",
                    key=_change_key(outcome_id, "explanation"),
                    height=80,
                )
                hint(
                    "Needed when it is partly or not achievable. This conversation is recorded "
                    "as the one where you explained it."
                )
                _beside_change(outcome_id, "explanation")

if open_enquiry:
    count = state.setdefault(NEW_COUNT, 0)
    if count:
        st.markdown("**New desired outcomes that came up**")
        st.caption(NOT_OUTCOMES_HELP)
    for n in range(count):
        prefix = f"new_outcomes.{n}."
        with st.container(border=True, key=f"conversation_new_card_{n}"):
            choice(
                "What kind of outcome is it?", vocab.STANDARD_OUTCOMES, key=_new_key(n, "category")
            )
            form.beside(prefix + "category")
            st.text_area(
                "What the person wants, in their own words",
                key=_new_key(n, "own_words"),
                height=80,
                max_chars=1000,
            )
            hint("Always needed. For “Something else”, their words are the outcome.")
            form.beside(prefix + "own_words")
            case.prefill(_new_key(n, "expressed_by"), vocab.PERSON)
            choice("Who expressed it?", vocab.SPEAKERS, key=_new_key(n, "expressed_by"))
            hint("It is recorded as expressed on the date of this conversation.")
            form.beside(prefix + "expressed_by", prefix + "expressed_on")
    buttons = st.container(horizontal=True, gap="small")
    buttons.button(
        "Add an outcome that came up",
        icon=":material/add:",
        key="conversation_more",
        on_click=lambda: state.update({NEW_COUNT: state.get(NEW_COUNT, 0) + 1}),
    )
    if count:
        buttons.button(
            "Remove the last new outcome",
            icon=":material/remove:",
            key="conversation_fewer",
            on_click=lambda: state.update({NEW_COUNT: max(state.get(NEW_COUNT, 0) - 1, 0)}),
        )

st.text_area("Summary of the conversation", key=_key("summary"), height=120)
hint("What was said, in plain words. Use the person's own words where you can.")
form.beside("summary")
st.text_area("Next steps agreed (optional)", key=_key("next_steps"), height=80)
form.beside("next_steps")
st.button("Save the conversation", type="primary", key="conversation_save", on_click=_save)
if view.conversations:
    st.caption(f"Last conversation: {short_date(view.conversations[-1].held_on)}.")
