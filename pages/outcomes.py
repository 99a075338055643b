"""Desired outcomes: add them in the person's own words, change them, and the national answer."""

import datetime as dt

import streamlit as st

from msp import outcomes as out
from msp import vocab
from msp.ui import case, session
from msp.ui.forms import FormProblems
from msp.ui.guard import require_page
from msp.ui.widgets import FormKeys, choice, date_field, forget, hint

user = require_page(__file__)

NEW = FormKeys("oc_new_")  # the outcomes being added: oc_new_<n>_<field>
COUNT_KEY = "oc_count"
MAX_NEW = 10
CHANGE = FormKeys("oc_change_")
ASKED_KEY = "oc_asked"
KINDS = {
    "reworded": "Reword it",
    "withdrawn": "Withdraw it",
    "achievability": "Record how achievable it is",
}

st.title("Desired outcomes")
view = case.open_case(user, __file__)
engine = session.app_engine()
today = dt.date.today()
adding = FormProblems("add_outcomes")
changing = FormProblems("change_outcome")
asking = FormProblems("msp_asked")
state = st.session_state


def _new_key(n: int, field: str) -> str:
    return NEW(f"{n}_{field}")


# --- Saving ----------------------------------------------------------------------------------


def _add() -> None:
    items = [
        out.NewOutcome(
            category=state.get(_new_key(n, "category")),
            own_words=state.get(_new_key(n, "own_words")) or "",
            expressed_by=state.get(_new_key(n, "expressed_by")),
            expressed_on=state.get(_new_key(n, "expressed_on")),
        )
        for n in range(state.get(COUNT_KEY, 1))
    ]
    done, _ = case.save(
        adding,
        lambda actor, public_id, version: out.add_outcomes(
            engine, actor, public_id, items, expected_version=version, today=dt.date.today()
        ),
        f"{len(items)} desired outcome{'s' if len(items) > 1 else ''} saved.",
    )
    if done:
        NEW.reset()
        forget(COUNT_KEY, ASKED_KEY)


def _change() -> None:
    kind = state.get(CHANGE("kind"))
    outcome_id = state.get(CHANGE("outcome"))
    if outcome_id is None or kind is None:
        changing.set(
            {
                **({"outcome": "Choose the outcome to change"} if outcome_id is None else {}),
                **({"kind": "Choose what to change"} if kind is None else {}),
            }
        )
        return
    change = out.OutcomeChange(outcome_id=outcome_id, kind=kind)
    if kind == "reworded":
        change.own_words = state.get(CHANGE("own_words")) or ""
        change.note = state.get(CHANGE("note")) or ""
    elif kind == "withdrawn":
        change.note = state.get(CHANGE("note")) or ""
    else:
        change.achievability = state.get(CHANGE("achievability"))
        change.explanation = state.get(CHANGE("explanation")) or None
        change.explained_in_id = state.get(CHANGE("explained_in_id"))
    done, _ = case.save(
        changing,
        lambda actor, public_id, version: out.change_outcome(
            engine,
            actor,
            public_id,
            change,
            effective_on=state.get(CHANGE("effective_on")),
            expected_version=version,
            today=dt.date.today(),
        ),
        "The change to the outcome is saved. The earlier version is kept.",
    )
    if done:
        CHANGE.reset()
        forget(ASKED_KEY)


def _asked() -> None:
    answer = state.get(ASKED_KEY)
    done, _ = case.save(
        asking,
        lambda actor, public_id, version: out.record_msp_asked(
            engine, actor, public_id, answer, expected_version=version
        ),
        "The answer is saved.",
    )
    if done:
        forget(ASKED_KEY)


# --- The screen --------------------------------------------------------------------------------

st.write(
    "Record what the person wants to happen as a result of the enquiry, in their own words. "
    "Keep asking as the enquiry goes on: outcomes can be reworded, withdrawn or added, and "
    "every earlier version stays visible."
)
case.show_prompts(view, only_for=__file__)

st.subheader("Their outcomes")
if not view.outcomes:
    st.write("No desired outcomes recorded yet.")
for outcome in sorted(view.outcomes, key=lambda o: (o.status != "active", o.position)):
    case.outcome_card(view, outcome)

if case.concluded_notice(view, "its desired outcomes can no longer change"):
    st.stop()

# --- Add ------------------------------------------------------------------------------------
st.subheader("Add desired outcomes")
st.info(out.NOT_OUTCOMES_HELP, icon=":material/lightbulb:")
adding.summary()
adding.beside("outcomes")
count = state.setdefault(COUNT_KEY, 1)
for n in range(count):
    prefix = f"outcomes.{n}."
    with st.container(border=True):
        if count > 1:
            st.markdown(f"**Outcome {n + 1}**")
        category = choice(
            "What kind of outcome is it?", vocab.STANDARD_OUTCOMES, key=_new_key(n, "category")
        )
        adding.beside(prefix + "category")
        st.text_area(
            "What the person wants, in their own words",
            key=_new_key(n, "own_words"),
            height=80,
            max_chars=1000,
        )
        if category == vocab.SOMETHING_ELSE:
            hint("Always needed. For “Something else”, their words are the outcome.")
        else:
            hint("Always needed, even when the kind of outcome says it: write what they said.")
        adding.beside(prefix + "own_words")
        who, when = st.columns(2)
        with who:
            case.prefill(_new_key(n, "expressed_by"), vocab.PERSON)
            choice("Who expressed it?", vocab.SPEAKERS, key=_new_key(n, "expressed_by"))
            adding.beside(prefix + "expressed_by")
        with when:
            date_field("Date it was expressed", key=_new_key(n, "expressed_on"), today=today)
            adding.beside(prefix + "expressed_on")

buttons = st.container(horizontal=True, gap="small")
buttons.button(
    "Add another outcome",
    icon=":material/add:",
    key="oc_more",
    disabled=count >= MAX_NEW,
    on_click=lambda: state.update({COUNT_KEY: min(state.get(COUNT_KEY, 1) + 1, MAX_NEW)}),
)
if count > 1:
    buttons.button(
        "Remove the last one",
        icon=":material/remove:",
        key="oc_fewer",
        on_click=lambda: state.update({COUNT_KEY: max(state.get(COUNT_KEY, 1) - 1, 1)}),
    )
st.button("Save outcomes", type="primary", key="oc_add", on_click=_add)

# --- Change -------------------------------------------------------------------------------
active = {o.id: o for o in view.active_outcomes}
st.subheader("Change an outcome")
if not active:
    st.write("There are no outcomes to change yet.")
else:
    st.write(
        "When the person changes what they want, or you have found that an outcome may not be "
        "achievable, record it here. If it came up in a conversation, record the conversation "
        "instead: changes agreed there are saved with it."
    )
    case.link(
        "pages/conversations.py",
        "Record a conversation",
        view.public_id,
        icon=":material/forum:",
    )
    changing.summary()
    st.selectbox(
        "Which outcome?",
        list(active),
        index=None,
        key=CHANGE("outcome"),
        format_func=lambda i: case.outcome_choice_label(active[i]),
        placeholder="Choose an outcome",
    )
    changing.beside("outcome")
    kind = st.radio(
        "What has changed?",
        list(KINDS),
        index=None,
        key=CHANGE("kind"),
        format_func=KINDS.get,
        horizontal=True,
    )
    changing.beside("kind")
    if kind == "reworded":
        st.text_area("The new wording, in their own words", key=CHANGE("own_words"), height=80)
        changing.beside("own_words")
        st.text_input("Why was it reworded?", key=CHANGE("note"), max_chars=200)
        changing.beside("note")
    elif kind == "withdrawn":
        st.text_input("Why was it withdrawn?", key=CHANGE("note"), max_chars=200)
        hint("For example: “She no longer wants this” or “Achieved before the enquiry ended”.")
        changing.beside("note")
    elif kind == "achievability":
        choice(
            "How achievable is it?",
            vocab.ACHIEVABILITY,
            key=CHANGE("achievability"),
            radio=True,
            horizontal=True,
        )
        changing.beside("achievability")
        st.text_area(
            "Why may it not be achievable?",
            key=CHANGE("explanation"),
            height=80,
        )
        hint(
            "Needed when it is partly or not achievable. Their view is still recorded: talk to "
            "them about why."
        )
        changing.beside("explanation")
        talks = {c.id: c for c in view.conversations}
        st.selectbox(
            "The conversation where this was explained to them",
            [None, *talks],
            key=CHANGE("explained_in_id"),
            format_func=lambda i: (
                "Not explained in a recorded conversation yet" if i is None else talks[i].label
            ),
        )
        hint("If you have not recorded that conversation yet, record it on Conversations.")
        changing.beside("explained_in_id")
    if kind:
        date_field("Date of the change", key=CHANGE("effective_on"), today=today)
        changing.beside("effective_on")
    st.button("Save the change", type="primary", key="oc_change", on_click=_change)

# --- The national answer ------------------------------------------------------------------
st.subheader("Were they asked about their desired outcomes?")
st.write(
    "The national answer for the Safeguarding Adults Collection. It is set to “Yes they were "
    "asked and outcomes were expressed” when you record their outcomes."
)
asking.summary()
case.prefill(ASKED_KEY, view.msp_asked)
choice("Were they asked?", vocab.MSP_ASKED, key=ASKED_KEY, radio=True)
asking.beside("msp_asked")
if view.msp_asked:
    hint(f"Recorded now: {vocab.MSP_ASKED.label(view.msp_asked)}.")
st.button("Save the answer", key="oc_asked_save", on_click=_asked)
