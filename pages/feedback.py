"""Feedback: what the person, or their representative, said about how the enquiry went."""

import datetime as dt

import streamlit as st

from msp import vocab
from msp.feedback import NewFeedback, feedback_window_warning, question_bank, record_feedback
from msp.ui import case, session, widgets
from msp.ui.forms import FormProblems
from msp.ui.guard import require_page
from msp.ui.text import plain
from msp.ui.widgets import FormKeys, choice, date_field, hint, label_text

user = require_page(__file__)

KEYS = FormKeys("fb_")
WARNING_KEY = "feedback_warning"
ORDER = [
    "enquiry",
    "respondent",
    "declined",
    "answers",
    "comments",
    "asked_by",
    "method",
    "given_on",
]

st.title("Feedback")
view = case.open_case(user, __file__)
engine = session.app_engine()
today = dt.date.today()
form = FormProblems("feedback")
state = st.session_state
questions = question_bank(engine)


def _key(name: str) -> str:
    return KEYS(name)


def _save() -> None:
    declined = bool(state.get(_key("declined")))
    answers = {}
    if not declined:
        for q in questions:
            answer = state.get(_key(f"answer_{q.question_version_id}"))
            if answer:
                answers[q.question_version_id] = answer
    data = NewFeedback(
        respondent=state.get(_key("respondent")),
        asked_by=state.get(_key("asked_by")),
        method=state.get(_key("method")),
        given_on=state.get(_key("given_on")),
        declined=declined,
        answers=answers,
        comments=state.get(_key("comments")) or None,
    )
    done, result = case.save(
        form,
        lambda actor, public_id, version: record_feedback(
            engine, actor, public_id, data, expected_version=version, today=dt.date.today()
        ),
        "The feedback is saved.",
    )
    if done:
        KEYS.reset()
        _, warning = result
        if warning:
            state[WARNING_KEY] = warning


# --- The screen --------------------------------------------------------------------------------

weeks = view.targets.feedback_window_days // 7
st.write(
    "Ask the person, or their representative, how they feel about the enquiry. The enquiry "
    f"lead can ask at the end, or an independent person within {weeks} weeks of the "
    "conclusion. If they do not want to answer, record that they declined."
)
case.show_prompts(view, only_for=__file__)
warning = state.pop(WARNING_KEY, None)
if warning:
    st.warning(plain(warning), icon=":material/schedule:")

if view.status != "concluded":
    st.info("Feedback is recorded after the enquiry has been concluded.", icon=":material/info:")
    case.link(
        "pages/conclude.py", "Conclude the enquiry", view.public_id, icon=":material/task_alt:"
    )
    st.stop()

closes = view.concluded_on + dt.timedelta(days=view.targets.feedback_window_days)
st.caption(
    f"Concluded on {widgets.short_date(view.concluded_on)}. The {weeks}-week window for feedback "
    f"{'closes' if closes >= today else 'closed'} on {widgets.short_date(closes)}."
)

if view.feedback:
    st.subheader("Feedback recorded")
    for response in view.feedback:
        with st.container(border=True):
            st.markdown(
                f"**{widgets.short_date(response.given_on)}** · from "
                f"{plain(widgets.speaker_phrase(response.respondent))} · asked by "
                f"{widgets.asker_phrase(response.asked_by)} · "
                f"{vocab.CONTACT_METHODS.label(response.method)}"
            )
            if response.declined:
                st.write("They declined to give feedback.")
            for wording, answer in response.answers:
                st.markdown(f"{plain(wording)} **{vocab.FEEDBACK_ANSWERS.label(answer)}**")
            if response.comments:
                st.caption("Comments, in their own words")
                st.text(response.comments)

st.subheader("Record feedback")
form.summary(ORDER)
respondent = choice("Who answered?", vocab.SPEAKERS, key=_key("respondent"))
hint("The person, or the representative who answered on their behalf.")
form.beside("respondent")
declined = st.checkbox("They declined to give feedback", key=_key("declined"))
form.beside("declined")

if not declined:
    if respondent is None:
        hint("Choose who answered to see the questions in the right words.")
    else:
        st.markdown("**The questions**")
        form.beside("answers")
        for q in questions:
            st.radio(
                label_text(q.wording_for(respondent)),
                list(vocab.FEEDBACK_ANSWERS.codes),
                index=None,
                key=_key(f"answer_{q.question_version_id}"),
                format_func=vocab.FEEDBACK_ANSWERS.label,
                horizontal=True,
            )
            form.beside(f"answer_{q.question_version_id}")
        hint("A question left blank is saved as “Not answered”.")
st.text_area("Comments, in their own words (optional)", key=_key("comments"), height=100)
form.beside("comments")

asked, how, when = st.columns(3)
with asked:
    choice("Who asked?", vocab.FEEDBACK_ASKERS, key=_key("asked_by"), radio=True)
    form.beside("asked_by")
with how:
    choice("How was it given?", vocab.CONTACT_METHODS, key=_key("method"))
    form.beside("method")
with when:
    given_on = date_field("Date it was given", key=_key("given_on"), today=today)
    form.beside("given_on")
# Said before saving, so that a late answer is recorded knowingly.
late = feedback_window_warning(view.concluded_on, given_on, view.targets.feedback_window_days)
if late:
    st.warning(plain(late), icon=":material/schedule:")

st.button("Save feedback", type="primary", key="feedback_save", on_click=_save)
