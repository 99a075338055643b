"""The Settings page (administrators): timescale targets, the feedback question bank and the
reporting year. A refusal is shown at the top and beside its field, writes nothing and keeps
what was typed; every change is audited by its service."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from db.engine import unit_of_work
from db.models import FeedbackQuestionVersion
from msp.periods import ReportingYear
from msp.question_bank import add_question, list_questions, retire_question
from msp.settings import Targets, get_targets, idle_timeout_minutes, reporting_year
from msp.ui.guard import NO_ACCESS
from msp.ui.text import plain
from tests.app.conftest import ROOT, audit_actions, page_app, signed_in, texts

SETTINGS = "pages/settings.py"
SAVE_TARGETS = "FormSubmitter:targets-Save targets"
SAVE_IDLE = "FormSubmitter:idle_timeout-Save idle time"
IDLE_KEY = "idle_timeout_minutes"
SAVE_YEAR = "FormSubmitter:reporting_year-Save reporting year"
YEAR_KEY = "year_start_month"
ADD_QUESTION = "FormSubmitter:add_question-Add question"
TARGET_KEYS = {
    "decision_working_days": "targets_decision_working_days",
    "first_conversation_working_days": "targets_first_conversation_working_days",
    "max_gap_working_days": "targets_max_gap_working_days",
    "feedback_window_days": "targets_feedback_window_days",
}


@pytest.fixture
def admin(people):
    return people["administrator"]


def open_settings(user):
    at = signed_in(user)
    at.switch_page(SETTINGS).run()
    assert not at.exception
    return at


def leaves(node) -> list:
    """Every element under `node`, in the order the page shows them."""
    children = getattr(node, "children", None)
    if not isinstance(children, dict):
        return [node]
    return [leaf for child in children.values() for leaf in leaves(child)]


WIDGETS = {"text_input", "text_area", "selectbox", "button", "file_uploader"}


def beside(at, key: str) -> list[str]:
    """The error messages shown right under the widget with `key` (before the next widget)."""
    elements = leaves(at.main)
    start = next(i for i, el in enumerate(elements) if getattr(el, "key", None) == key)
    found = []
    for el in elements[start + 1 :]:
        if el.type in WIDGETS:
            break
        if el.type == "error":
            found.append(el.value)
    return found


def summary(at) -> str:
    """The "There is a problem" box at the top of a form ('' when there is none)."""
    boxes = [e.value for e in at.error if e.value.startswith("**There is a problem**")]
    return "\n".join(boxes)


def successes(at) -> list[str]:
    return [s.value for s in at.success]


def table_rows(table) -> list[dict]:
    return table.value.to_dict("records")


# --- Rendering ----------------------------------------------------------------------------------


def test_the_settings_page_shows_targets_questions_and_the_reporting_year(app_url, admin):
    at = open_settings(admin)

    assert [t.value for t in at.title] == ["Settings"]
    assert [h.value for h in at.header] == [
        "Timescale targets",
        "Signing out when idle",
        "Feedback questions",
        "Reporting year",
    ]
    defaults = Targets().as_value()
    for name, key in TARGET_KEYS.items():
        assert at.text_input(key=key).value == str(defaults[name])
    [in_use] = at.table
    rows = table_rows(in_use)
    assert len(rows) == 6
    assert list(rows[0]) == ["Question", "For the person", "For a representative", "Version"]
    assert rows[0]["For the person"] == plain("Have you got the goals you wanted?")
    assert rows[0]["For a representative"] == plain("Has the person got the goals they wanted?")
    assert rows[0]["Version"] == "1"
    shown = texts(at)
    assert "No questions have been retired." in shown
    assert "1 April to 31 March" in shown
    assert "national financial year" in shown
    assert at.selectbox(key=YEAR_KEY).value == 4  # April, until an administrator changes it


@pytest.mark.parametrize("role", ["practitioner", "supervisor", "commissioner"])
def test_only_administrators_may_open_settings(app_url, people, role):
    at = signed_in(people[role])
    with pytest.raises(ValueError):  # not in their menu
        at.switch_page(SETTINGS)

    alone = page_app(ROOT / SETTINGS)  # and the page's own guard stops it
    alone.session_state["user_id"] = people[role].id
    alone.run()
    assert [e.value for e in alone.error] == [NO_ACCESS]
    assert not alone.title
    assert not alone.text_input


def test_signed_out_the_settings_page_shows_nothing(app_url, people):
    alone = page_app(ROOT / SETTINGS).run()

    assert not alone.title
    assert not alone.text_input


# --- Timescale targets --------------------------------------------------------------------------


def test_saving_valid_targets_changes_them_at_once_and_is_audited(app_url, engine, admin):
    at = open_settings(admin)
    new = {
        "decision_working_days": "3",
        "first_conversation_working_days": " 7 ",
        "max_gap_working_days": "15",
        "feedback_window_days": "42",
    }
    for name, value in new.items():
        at.text_input(key=TARGET_KEYS[name]).input(value)
    at.button(key=SAVE_TARGETS).click().run()

    assert get_targets(engine) == Targets(3, 7, 15, 42)
    assert "settings_changed" in audit_actions(engine)
    assert successes(at) == [
        plain("The timescale targets have been saved. Dashboards use them from now on.")
    ]
    assert not summary(at)
    assert at.text_input(key=TARGET_KEYS["first_conversation_working_days"]).value == "7"
    assert "Currently 7." in texts(at)


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("decision_working_days", "", "Enter the decision target as a whole number"),
        ("decision_working_days", "two", "Enter the decision target as a whole number"),
        ("decision_working_days", "0", "Enter the decision target between 1 and 60"),
        (
            "first_conversation_working_days",
            "61",
            "Enter the first outcomes conversation target between 1 and 60",
        ),
        (
            "first_conversation_working_days",
            "2.5",
            "Enter the first outcomes conversation target as a whole number",
        ),
        (
            "max_gap_working_days",
            "121",
            "Enter the longest gap between conversations between 1 and 120",
        ),
        (
            "max_gap_working_days",
            "-5",
            "Enter the longest gap between conversations between 1 and 120",
        ),
        ("feedback_window_days", "6", "Enter the feedback window between 7 and 365"),
        ("feedback_window_days", "8 weeks", "Enter the feedback window as a whole number"),
    ],
)
def test_a_bad_target_is_refused_beside_its_field_and_writes_nothing(
    app_url, engine, admin, field, typed, message
):
    at = open_settings(admin)
    at.text_input(key=TARGET_KEYS["decision_working_days"]).input("4")  # a good change too
    at.text_input(key=TARGET_KEYS[field]).input(typed)
    at.button(key=SAVE_TARGETS).click().run()

    assert beside(at, TARGET_KEYS[field]) == [plain(message)]
    for other in set(TARGET_KEYS) - {field}:
        assert beside(at, TARGET_KEYS[other]) == []
    assert plain(message) in summary(at)
    assert get_targets(engine) == Targets()
    assert "settings_changed" not in audit_actions(engine)
    assert at.text_input(key=TARGET_KEYS[field]).value == typed  # kept as typed
    assert not successes(at)


def test_every_bad_target_is_reported_at_once(app_url, engine, admin):
    at = open_settings(admin)
    for key in TARGET_KEYS.values():
        at.text_input(key=key).input("1000")
    at.button(key=SAVE_TARGETS).click().run()

    for key in TARGET_KEYS.values():
        assert len(beside(at, key)) == 1
    assert summary(at).count("\n- ") == 4
    assert get_targets(engine) == Targets()


def test_saving_unchanged_targets_says_nothing_was_changed(app_url, engine, admin):
    at = open_settings(admin)
    at.button(key=SAVE_TARGETS).click().run()

    assert plain("Nothing was changed") in summary(at)
    assert "settings_changed" not in audit_actions(engine)


# --- Signing out when idle ---------------------------------------------------------------------


def test_the_idle_time_is_saved_audited_and_signs_people_out_sooner(app_url, engine, admin, people):
    at = open_settings(admin)
    assert at.text_input(key=IDLE_KEY).value == "30"
    at.text_input(key=IDLE_KEY).input(" 10 ")
    at.button(key=SAVE_IDLE).click().run()

    assert idle_timeout_minutes(engine) == 10
    assert successes(at) == [
        plain("The idle time has been saved. It applies from each user's next action.")
    ]
    assert "settings_changed" in audit_actions(engine)
    assert "Currently 10." in texts(at)

    worker = signed_in(people["practitioner"])
    worker.session_state["last_active"] = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=11)
    worker.run()
    assert [t.value for t in worker.title] == ["Sign in"]
    assert plain("You were signed out after 10 minutes without activity.") in [
        i.value for i in worker.info
    ]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the minutes as a whole number"),
        ("an hour", "Enter the minutes as a whole number"),
        ("4", "Enter a number of minutes between 5 and 480"),
        ("481", "Enter a number of minutes between 5 and 480"),
        ("30", "Nothing was changed"),
    ],
)
def test_a_bad_idle_time_is_refused_beside_the_field_and_writes_nothing(
    app_url, engine, admin, typed, message
):
    at = open_settings(admin)
    at.text_input(key=IDLE_KEY).input(typed)
    at.button(key=SAVE_IDLE).click().run()

    assert beside(at, IDLE_KEY) == [plain(message)]
    assert plain(message) in summary(at)
    assert idle_timeout_minutes(engine) == 30
    assert "settings_changed" not in audit_actions(engine)
    assert at.text_input(key=IDLE_KEY).value == typed
    assert not successes(at)


# --- The reporting year ------------------------------------------------------------------------


def test_a_new_reporting_year_is_saved_audited_and_used_at_once(app_url, engine, admin, people):
    at = open_settings(admin)
    at.selectbox(key=YEAR_KEY).select(1)
    at.button(key=SAVE_YEAR).click().run()

    assert reporting_year(engine) == ReportingYear(1)
    assert successes(at) == [
        plain(
            "The reporting year has been saved. The home page and the dashboards use it from "
            "now on."
        )
    ]
    assert "settings_changed" in audit_actions(engine)
    this_year = dt.date.today().year
    shown = texts(at)
    assert f"This reporting year is {this_year}: 1 January {this_year} to 31 December" in shown
    assert "Currently January." in shown
    assert at.selectbox(key=YEAR_KEY).value == 1

    home = signed_in(people["practitioner"])
    assert f"Concluded in {this_year}" in [m.label for m in home.metric]
    assert f"The reporting year {this_year} runs from 1 January {this_year}" in texts(home)

    dashboard = signed_in(people["supervisor"])
    dashboard.switch_page("pages/dashboard.py").run()
    assert not dashboard.exception
    assert dashboard.radio(key="dash_period").options[0] == "Reporting year"
    assert dashboard.selectbox(key="dash_year").label == "Reporting year"
    assert dashboard.selectbox(key="dash_year").value == this_year
    dashboard.radio(key="dash_period").set_value("Quarter").run()
    assert dashboard.selectbox(key="dash_quarter").options[-1] == "Q4 (October to December)"


def test_choosing_the_same_start_month_is_refused_and_writes_nothing(app_url, engine, admin):
    at = open_settings(admin)
    at.button(key=SAVE_YEAR).click().run()

    message = plain("The reporting year already starts in April")
    assert beside(at, YEAR_KEY) == [message]
    assert message in summary(at)
    assert reporting_year(engine).is_national
    assert "settings_changed" not in audit_actions(engine)


# --- Feedback questions -------------------------------------------------------------------------


def test_adding_a_question_with_both_wordings(app_url, engine, admin):
    at = open_settings(admin)
    at.text_area(key="add_question_person").input("Did you know who to contact?")
    at.text_area(key="add_question_rep").input("Did the person know who to contact?")
    at.button(key=ADD_QUESTION).click().run()

    added = max(list_questions(engine), key=lambda q: q.id)
    assert (added.person_wording, added.representative_wording, added.version_no) == (
        "Did you know who to contact?",
        "Did the person know who to contact?",
        1,
    )
    assert "question_added" in audit_actions(engine)
    assert successes(at)
    assert at.text_area(key="add_question_person").value == ""
    rows = table_rows(at.table[0])
    assert rows[-1]["For the person"] == plain("Did you know who to contact?")
    assert rows[-1]["Question"] == "7"


def test_a_question_without_a_representative_wording_is_refused(app_url, engine, admin):
    at = open_settings(admin)
    at.text_area(key="add_question_person").input("Did you know who to contact?")
    at.button(key=ADD_QUESTION).click().run()

    [message] = beside(at, "add_question_rep")
    assert "representative" in message
    assert beside(at, "add_question_person") == []
    assert len(list_questions(engine)) == 6
    assert "question_added" not in audit_actions(engine)
    assert at.text_area(key="add_question_person").value == "Did you know who to contact?"


def test_rewording_makes_a_new_version_and_keeps_the_old_one(app_url, engine, admin):
    first = list_questions(engine)[0]
    at = open_settings(admin)
    assert "answers already given keep the wording" in texts(at).lower()
    at.selectbox(key="reword_question_id").select(first.id).run()

    person = at.text_area(key=f"reword_person_{first.id}")
    rep = at.text_area(key=f"reword_rep_{first.id}")
    assert (person.value, rep.value) == (first.person_wording, first.representative_wording)
    person.input("Did you get what you wanted from the enquiry?")
    at.button(key=f"FormSubmitter:reword_question_{first.id}-Save new wording").click().run()

    now = list_questions(engine)[0]
    assert now.version_no == 2
    assert now.person_wording == "Did you get what you wanted from the enquiry?"
    assert now.representative_wording == first.representative_wording
    with unit_of_work(engine) as session:
        wordings = session.scalars(
            sa.select(FeedbackQuestionVersion.person_wording)
            .where(FeedbackQuestionVersion.question_id == first.id)
            .order_by(FeedbackQuestionVersion.version_no)
        ).all()
    assert wordings == [first.person_wording, now.person_wording]
    assert "question_reworded" in audit_actions(engine)
    assert any("version 2" in s for s in successes(at))
    assert table_rows(at.table[0])[0]["Version"] == "2"


def test_rewording_with_the_same_words_is_refused(app_url, engine, admin):
    first = list_questions(engine)[0]
    at = open_settings(admin)
    at.selectbox(key="reword_question_id").select(first.id).run()
    at.button(key=f"FormSubmitter:reword_question_{first.id}-Save new wording").click().run()

    assert beside(at, f"reword_person_{first.id}") == [
        plain("Enter the new wording: it is the same")
    ]
    assert list_questions(engine)[0].version_no == 1
    assert "question_reworded" not in audit_actions(engine)


def test_retiring_asks_first_then_retires(app_url, engine, admin):
    third = list_questions(engine)[2]
    at = open_settings(admin)
    at.selectbox(key="retire_question_id").select(third.id).run()
    at.button(key="retire_ask").click().run()

    [warning] = at.warning
    assert "Are you sure" in warning.value
    assert plain(third.person_wording) in warning.value
    assert all(q.is_active for q in list_questions(engine))  # not yet

    at.button(key="retire_confirm").click().run()

    assert not [q for q in list_questions(engine) if q.id == third.id][0].is_active
    assert "question_retired" in audit_actions(engine)
    assert successes(at)
    in_use, retired = at.table
    assert len(table_rows(in_use)) == 5
    assert [r["For the person"] for r in table_rows(retired)] == [plain(third.person_wording)]
    assert list(table_rows(retired)[0]) == ["For the person", "For a representative", "Version"]


def test_retiring_can_be_cancelled(app_url, engine, admin):
    third = list_questions(engine)[2]
    at = open_settings(admin)
    at.selectbox(key="retire_question_id").select(third.id).run()
    at.button(key="retire_ask").click().run()
    at.button(key="retire_cancel").click().run()

    assert not at.warning
    assert all(q.is_active for q in list_questions(engine))
    assert "question_retired" not in audit_actions(engine)


def test_retiring_without_choosing_a_question_is_refused(app_url, engine, admin):
    at = open_settings(admin)
    at.button(key="retire_ask").click().run()

    assert beside(at, "retire_question_id") == [plain("Choose the question to retire")]
    assert not at.warning


def test_the_last_question_in_use_cannot_be_retired(app_url, engine, admin):
    questions = list_questions(engine)
    for q in questions[1:]:
        retire_question(engine, admin, q.id)
    at = open_settings(admin)
    at.selectbox(key="retire_question_id").select(questions[0].id).run()
    at.button(key="retire_ask").click().run()
    at.button(key="retire_confirm").click().run()

    assert beside(at, "retire_question_id") == [plain("Keep at least one question in use")]
    assert list_questions(engine)[0].is_active
    assert audit_actions(engine).count("question_retired") == 5


def test_a_question_added_elsewhere_can_be_reworded_here(app_url, engine, admin):
    new_id = add_question(engine, admin, "Was the letter clear?", "Was the letter clear to them?")
    at = open_settings(admin)
    at.selectbox(key="reword_question_id").select(new_id).run()
    at.text_area(key=f"reword_rep_{new_id}").input("Was the letter clear to the person?")
    at.button(key=f"FormSubmitter:reword_question_{new_id}-Save new wording").click().run()

    [now] = [q for q in list_questions(engine) if q.id == new_id]
    assert (now.version_no, now.representative_wording) == (
        2,
        "Was the letter clear to the person?",
    )
