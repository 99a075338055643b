"""The case screens through AppTest: each renders for a practitioner with a chosen enquiry,
each form saves through its service, each refusal shows its message beside the field and
writes nothing, another team's enquiry is refused, a stale save is refused, and the chosen
enquiry survives moving between screens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import parse_qs

import pytest

from msp import enquiries as enq
from msp import feedback as fb
from msp import outcomes as out
from msp.auth import CurrentUser
from msp.casework import CONCURRENT_MESSAGE
from msp.overview import get_enquiry
from msp.ui import case as case_ui
from tests.app.conftest import add, audit_actions, signed_in, texts
from tests.integration.journey_helpers import snapshot

TODAY = dt.date.today()
CASE_PAGES = [path for path, _, _ in case_ui.CASE_PAGES]


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


@dataclass
class Case:
    engine: object
    alex: CurrentUser  # practitioner, North: the worker
    sam: CurrentUser  # supervisor, North
    bea: CurrentUser  # practitioner, South
    public_id: str

    def view(self, user: CurrentUser | None = None):
        return get_enquiry(self.engine, user or self.alex, self.public_id, today=TODAY)


def new_enquiry(user: CurrentUser, reference: str = "CS-1001", **overrides) -> enq.NewEnquiry:
    values = dict(
        person=enq.PersonDetails(
            case_reference=reference,
            preferred_name="Mrs B",
            age_band="75-84",
            gender="female",
            ethnicity="white",
            primary_support_reason="physical",
        ),
        team_id=user.team_ids[0],
        worker_id=user.id,
        enquiry_type="s42",
        concern_received_on=days_ago(120),
        decision_on=days_ago(119),
        started_on=days_ago(118),
        risk_types=["financial"],
        location_of_risk="own_home",
        source_of_risk="known",
        pre_concern_discussed=True,
        pre_concern_with="person",
        pre_concern_view="agreed",
    )
    values.update(overrides)
    return enq.NewEnquiry(**values)


@pytest.fixture
def case(app_url, engine) -> Case:
    return make_case(engine)


def make_case(engine) -> Case:
    """Alex (North) has started one enquiry; Sam supervises North; Bea works in South."""
    alex = add(engine, "practitioner", ["North"], display_name="Alex North")
    sam = add(engine, "supervisor", ["North"], display_name="Sam Sup")
    bea = add(engine, "practitioner", ["South"], display_name="Bea South")
    public_id = enq.start_enquiry(engine, alex, new_enquiry(alex), today=TODAY)
    return Case(engine, alex, sam, bea, public_id)


def with_outcomes(c: Case) -> tuple[int, int]:
    """Two outcomes (the second "Something else"); returns their ids."""
    out.add_outcomes(
        c.engine,
        c.alex,
        c.public_id,
        [
            out.NewOutcome(
                "abuse_stop", "I want my nephew to stop taking my money", "person", days_ago(117)
            ),
            out.NewOutcome("something_else", "To keep my dog with me", "person", days_ago(117)),
        ],
        expected_version=c.view().version,
        today=TODAY,
    )
    first, second = c.view().outcomes
    return first.id, second.id


def concluded(c: Case, on: dt.date | None = None) -> None:
    first, second = with_outcomes(c)
    enq.conclude_enquiry(
        c.engine,
        c.alex,
        c.public_id,
        enq.Conclusion(
            concluded_on=on or days_ago(10),
            ratings={first: enq.OutcomeRating("fully"), second: enq.OutcomeRating("partially")},
            msp_achieved="partially",
            risk_assessment_outcome="identified_action",
            risk_outcome="reduced",
            lacked_capacity="no",
        ),
        expected_version=c.view().version,
        today=TODAY,
    )


def open_page(user: CurrentUser, page: str, public_id: str | None):
    at = signed_in(user)
    if public_id is not None:
        at.query_params[case_ui.PARAM] = public_id
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def unescape(text: str) -> str:
    """Markdown-escaped text (msp.ui.text.plain) as the user reads it."""
    return text.replace("\\", "")


def errors(at) -> list[str]:
    return [unescape(e.value) for e in at.error]


def summary(at) -> str:
    return next((e for e in errors(at) if e.startswith("**There is a problem**")), "")


def beside(at) -> list[str]:
    """The messages shown beside fields (every error but the summary at the top)."""
    return [e for e in errors(at) if not e.startswith("**There is a problem**")]


def successes(at) -> list[str]:
    return [unescape(s.value) for s in at.success]


def link_targets(at) -> list[tuple[str, str, dict]]:
    """(page file, label, query parameters) of each page link (the proto holds the page's
    address, which is its file name: see test_navigation_and_guard)."""
    return [
        (f"pages/{link.proto.page}.py", link.proto.label, parse_qs(link.proto.query_string))
        for link in at.get("page_link")
    ]


# --- Every case screen ---------------------------------------------------------------------


@pytest.mark.parametrize("page", CASE_PAGES)
def test_each_case_screen_renders_for_the_worker_with_the_header_and_links(case, page):
    at = open_page(case.alex, page, case.public_id)

    assert not at.exception
    assert "CS\\-1001" in at.markdown[0].value or any("CS\\-1001" in m.value for m in at.markdown)
    links = [t for t in link_targets(at) if t[2].get("enquiry") == [case.public_id]]
    assert {t[0] for t in links} >= {p for p in CASE_PAGES if p != page}
    assert "view" not in "".join(errors(at))


@pytest.mark.parametrize("page", CASE_PAGES)
def test_another_teams_practitioner_sees_nothing_of_the_case(case, page):
    before = audit_actions(case.engine)
    at = open_page(case.bea, page, case.public_id)

    assert errors(at) == [
        "You do not have access to this enquiry. Choose an enquiry from the list of enquiries."
    ]
    assert not at.subheader and not at.text
    assert "CS-1001" not in unescape(texts(at))
    assert audit_actions(case.engine) == before  # nothing was viewed


@pytest.mark.parametrize("page", CASE_PAGES)
def test_without_a_chosen_enquiry_the_screen_says_how_to_choose_one(case, page):
    at = open_page(case.alex, page, None)

    assert [i.value for i in at.info] == [case_ui.NO_ENQUIRY]
    assert [t[0] for t in link_targets(at)][-1] == case_ui.ENQUIRIES_PAGE


def test_the_chosen_enquiry_survives_moving_between_screens(case):
    at = open_page(case.alex, "pages/enquiry.py", case.public_id)
    # The sidebar menu drops query parameters: the screen still knows the enquiry, and puts
    # it back into the address.
    at.query_params.clear()
    at.switch_page("pages/outcomes.py").run()

    assert [t.value for t in at.title] == ["Desired outcomes"]
    assert at.query_params.get("enquiry") == case.public_id
    assert any("CS\\-1001" in m.value for m in at.markdown)

    at.switch_page("pages/capacity.py").run()
    assert at.query_params.get("enquiry") == case.public_id
    assert [t.value for t in at.title] == ["Capacity and advocacy"]


def test_a_removed_or_unknown_enquiry_is_refused_politely(case):
    at = open_page(case.alex, "pages/enquiry.py", "0" * 32)

    assert errors(at) == [
        "That enquiry does not exist or has been removed. Choose an enquiry from the list of "
        "enquiries."
    ]
    assert not at.subheader


# --- Enquiries list --------------------------------------------------------------------------


def test_the_list_shows_my_and_my_teams_enquiries_with_the_next_action(case):
    other = enq.start_enquiry(
        case.engine,
        case.alex,
        new_enquiry(case.alex, "CS-2002", worker_id=None, enquiry_type="other"),
        today=TODAY,
    )
    enq.start_enquiry(case.engine, case.bea, new_enquiry(case.bea, "CS-3003"), today=TODAY)

    at = open_page(case.alex, "pages/enquiries.py", None)
    rows = [t for t in link_targets(at) if t[0] == case_ui.OVERVIEW_PAGE]
    assert [(unescape(label), q["enquiry"]) for _, label, q in rows] == [
        ("**CS-1001** · Mrs B", [case.public_id])
    ]
    assert "No conversation for" in texts(at) or "Record desired outcomes" in texts(at)

    at.segmented_control[0].set_value("team").run()
    rows = [t for t in link_targets(at) if t[0] == case_ui.OVERVIEW_PAGE]
    assert sorted(q["enquiry"][0] for _, _, q in rows) == sorted([case.public_id, other])
    assert "Not allocated" in texts(at)
    assert "CS\\-3003" not in texts(at)  # another team's

    at.text_input(key="enquiries_search").input("2002").run()
    rows = [t for t in link_targets(at) if t[0] == case_ui.OVERVIEW_PAGE]
    assert [q["enquiry"] for _, _, q in rows] == [[other]]

    at.text_input(key="enquiries_search").input("").run()
    at.selectbox(key="enquiries_type").set_value("s42").run()
    rows = [t for t in link_targets(at) if t[0] == case_ui.OVERVIEW_PAGE]
    assert [q["enquiry"] for _, _, q in rows] == [[case.public_id]]

    at.selectbox(key="enquiries_type").set_value("any").run()  # both types again
    at.selectbox(key="enquiries_worker").set_value(case.alex.id).run()
    rows = [t for t in link_targets(at) if t[0] == case_ui.OVERVIEW_PAGE]
    assert [q["enquiry"] for _, _, q in rows] == [[case.public_id]]  # CS-2002 has no worker
    at.selectbox(key="enquiries_worker").set_value(case.sam.id).run()
    assert "No enquiries match" in texts(at)

    at.selectbox(key="enquiries_status").set_value("concluded").run()
    assert "No enquiries match" in texts(at)


# --- Start a new enquiry ---------------------------------------------------------------------


def fill_new_enquiry(at, reference: str) -> None:
    at.text_input(key="ne_case_reference").input(reference).run()
    at.radio(key="ne_enquiry_type").set_value("s42")
    at.date_input(key="ne_concern_received_on").set_value(days_ago(3))
    at.date_input(key="ne_started_on").set_value(days_ago(2))
    at.multiselect(key="ne_risk_types").set_value(["neglect", "physical"])
    at.selectbox(key="ne_location_of_risk").set_value("care_home_residential")
    at.selectbox(key="ne_source_of_risk").set_value("service_provider")
    at.radio(key="ne_pre_concern_discussed").set_value(False).run()


def test_start_a_new_enquiry_for_a_new_person(case):
    at = open_page(case.alex, "pages/new_enquiry.py", None)
    fill_new_enquiry(at, "CS-7007")
    assert "No one with this case reference is recorded here yet" in texts(at)
    at.selectbox(key="ne_gender").set_value("male")
    at.selectbox(key="ne_ethnicity").set_value("asian")
    at.selectbox(key="ne_primary_support_reason").set_value("memory_cognition")
    at.selectbox(key="ne_against_view_reason").set_value("other").run()
    at.text_input(key="ne_against_view_reason_other").input("Her son asked us to act")
    at.radio(key="ne_against_view_explained").set_value(True)
    at.button(key="new_enquiry_save").click().run()

    assert not at.exception
    assert [t.value for t in at.title] == ["Enquiry overview"]
    public_id = at.query_params["enquiry"]
    assert any("The enquiry has been started" in s for s in successes(at))
    view = get_enquiry(case.engine, case.alex, public_id, today=TODAY)
    assert view.case_reference == "CS-7007" and view.gender == "male"
    assert view.risk_types == ("physical", "neglect")
    assert view.worker_id == case.alex.id and view.team_name == "North"
    assert view.pre_concern_discussed is False
    assert (view.against_view_reason, view.against_view_reason_other) == (
        "other",
        "Her son asked us to act",
    )
    assert view.against_view_explained is True


def test_a_known_person_is_shown_read_only(case):
    at = open_page(case.alex, "pages/new_enquiry.py", None)
    at.text_input(key="ne_case_reference").input("CS-1001").run()

    assert "Already known to this service" in texts(at)
    assert "Mrs B" in unescape(texts(at))
    assert not [s for s in at.selectbox if s.key == "ne_gender"]


def test_a_refused_new_enquiry_names_each_problem_and_keeps_what_was_typed(case):
    before = snapshot(case.engine)
    at = open_page(case.alex, "pages/new_enquiry.py", None)
    fill_new_enquiry(at, "CS-8008")
    at.date_input(key="ne_started_on").set_value(days_ago(5))  # before the concern
    at.button(key="new_enquiry_save").click().run()

    assert [t.value for t in at.title] == ["Start a new enquiry"]
    assert "There is a problem" in summary(at)
    shown = beside(at)
    assert "The enquiry cannot start before the concern was received" in shown
    assert "Choose a gender" in shown
    assert at.text_input(key="ne_case_reference").value == "CS-8008"
    assert at.multiselect(key="ne_risk_types").value == ["neglect", "physical"]
    assert snapshot(case.engine) == before


# --- Overview ------------------------------------------------------------------------------


def test_the_overview_shows_prompts_first_with_links_then_the_journey(case):
    first, _ = with_outcomes(case)
    out.change_outcome(
        case.engine,
        case.alex,
        case.public_id,
        out.OutcomeChange(first, "reworded", own_words="**Stop** <b>him</b>", note="Her words"),
        effective_on=days_ago(30),
        expected_version=case.view().version,
        today=TODAY,
    )
    at = open_page(case.alex, "pages/enquiry.py", case.public_id)

    assert [s.value for s in at.subheader][:2] == ["What needs doing", "Desired outcomes"]
    prompts = [w.value for w in at.warning] + [e.value for e in at.error]
    assert any("Consider the person" in unescape(p) for p in prompts)
    targets = {t[0] for t in link_targets(at) if t[1] == "Go to capacity and advocacy"}
    assert targets == {"pages/capacity.py"}
    # Free text is shown as text, exactly as typed.
    assert "**Stop** <b>him</b>" in [t.value for t in at.text]
    assert "I want my nephew to stop taking my money" in [t.value for t in at.text]  # version 1
    assert [e.label for e in at.expander][:1] == ["Earlier versions (1)"]
    assert "Outcome 1 reworded" in unescape(texts(at))
    assert audit_actions(case.engine)[-1] == "enquiry_viewed"


def test_mark_as_entered_in_error_needs_a_reason(case):
    at = open_page(case.alex, "pages/enquiry.py", case.public_id)
    before = snapshot(case.engine)
    at.button(key="remove_enquiry").click().run()
    assert "Enter why this was entered in error" in beside(at)
    assert snapshot(case.engine) == before

    at.text_input(key="remove_reason").input("A duplicate of CS-1000")
    at.button(key="remove_enquiry").click().run()
    assert [t.value for t in at.title] == ["Enquiries"]
    assert any("entered in error" in s for s in successes(at))
    assert enq.list_enquiries(case.engine, case.alex, enq.EnquiryFilters(), today=TODAY) == []


# --- Desired outcomes --------------------------------------------------------------------


def test_add_two_outcomes_one_something_else(case):
    at = open_page(case.alex, "pages/outcomes.py", case.public_id)
    assert any("Process conclusions" in i.value for i in at.info)  # NOT_OUTCOMES_HELP
    at.button(key="oc_more").click().run()
    at.selectbox(key="oc_new_0_category").set_value("abuse_stop")
    at.text_area(key="oc_new_0_own_words").input("I want him to leave me alone")
    at.date_input(key="oc_new_0_expressed_on").set_value(days_ago(30))
    at.selectbox(key="oc_new_1_category").set_value("something_else")
    at.text_area(key="oc_new_1_own_words").input("To keep my dog")
    at.selectbox(key="oc_new_1_expressed_by").set_value("family_member")
    at.date_input(key="oc_new_1_expressed_on").set_value(days_ago(29))
    at.button(key="oc_add").click().run()

    assert "2 desired outcomes saved." in successes(at)
    view = case.view()
    assert [(o.category, o.own_words, o.expressed_by) for o in view.outcomes] == [
        ("abuse_stop", "I want him to leave me alone", "person"),
        ("something_else", "To keep my dog", "family_member"),
    ]
    assert view.msp_asked == "asked_expressed"
    # The form is empty again, and the outcomes are listed.
    assert at.text_area(key="oc_new_g1_0_own_words").value == ""
    assert "To keep my dog" in [t.value for t in at.text]


def test_something_else_without_words_is_refused_beside_the_field(case):
    at = open_page(case.alex, "pages/outcomes.py", case.public_id)
    before = snapshot(case.engine)
    at.selectbox(key="oc_new_0_category").set_value("something_else")
    at.date_input(key="oc_new_0_expressed_on").set_value(days_ago(30))
    at.button(key="oc_add").click().run()

    assert any("Something else" in m for m in beside(at))
    assert at.selectbox(key="oc_new_0_category").value == "something_else"
    assert snapshot(case.engine) == before


def test_reword_withdraw_and_achievability_from_the_outcomes_screen(case):
    first, second = with_outcomes(case)
    at = open_page(case.alex, "pages/outcomes.py", case.public_id)

    at.selectbox(key="oc_change_outcome").set_value(first)
    at.radio(key="oc_change_kind").set_value("achievability").run()
    at.radio(key="oc_change_achievability").set_value("not_achievable")
    at.date_input(key="oc_change_effective_on").set_value(days_ago(20))
    before = snapshot(case.engine)
    at.button(key="oc_change").click().run()
    assert "Enter why it may not be achievable" in beside(at)
    assert snapshot(case.engine) == before
    assert at.radio(key="oc_change_achievability").value == "not_achievable"  # kept

    at.text_area(key="oc_change_explanation").input("The bank cannot refund it")
    at.button(key="oc_change").click().run()
    assert any("The change to the outcome is saved" in s for s in successes(at))
    assert case.view().outcomes[0].achievability == "not_achievable"

    # After a save the form is drawn empty, with new keys.
    assert at.selectbox(key="oc_change_g1_outcome").value is None
    at.selectbox(key="oc_change_g1_outcome").set_value(second)
    at.radio(key="oc_change_g1_kind").set_value("withdrawn").run()
    at.text_input(key="oc_change_g1_note").input("She no longer wants this")
    at.date_input(key="oc_change_g1_effective_on").set_value(days_ago(19))
    at.button(key="oc_change").click().run()
    view = case.view()
    assert view.outcomes[1].status == "withdrawn"
    assert [v.reason for v in view.outcomes[1].versions] == ["added", "withdrawn"]
    assert "Earlier versions (1)" in [e.label for e in at.expander]


def test_the_national_asked_answer(case):
    at = open_page(case.alex, "pages/outcomes.py", case.public_id)
    assert at.radio(key="oc_asked").options == [
        "Yes they were asked and outcomes were expressed",
        "Yes they were asked but no outcomes were expressed",
        "No",
        "Don't Know",
        "Not Recorded",
    ]
    at.radio(key="oc_asked").set_value("asked_expressed")
    at.button(key="oc_asked_save").click().run()
    assert "Add the outcomes the person expressed first" in beside(at)

    at.radio(key="oc_asked").set_value("asked_none")
    at.button(key="oc_asked_save").click().run()
    assert "The answer is saved." in successes(at)
    assert case.view().msp_asked == "asked_none"


def test_a_save_after_someone_elses_is_refused_and_the_input_stays(case):
    at = open_page(case.alex, "pages/outcomes.py", case.public_id)
    at.selectbox(key="oc_new_0_category").set_value("friends")
    at.text_area(key="oc_new_0_own_words").input("Alex's entry").run()
    # Meanwhile the supervisor saves the same enquiry.
    out.add_outcomes(
        case.engine,
        case.sam,
        case.public_id,
        [out.NewOutcome("support", "Sam's entry", "person", days_ago(30))],
        expected_version=case.view().version,
        today=TODAY,
    )
    before = snapshot(case.engine)
    at.date_input(key="oc_new_0_expressed_on").set_value(days_ago(30))
    at.button(key="oc_add").click().run()

    assert CONCURRENT_MESSAGE in summary(at)
    assert snapshot(case.engine) == before
    assert at.text_area(key="oc_new_0_own_words").value == "Alex's entry"

    # Reload shows the other person's change; the typed entry can then be saved.
    at.button(key="case_reload_outcomes").click().run()
    assert "Sam's entry" in [t.value for t in at.text]
    assert at.text_area(key="oc_new_0_own_words").value == "Alex's entry"
    at.button(key="oc_add").click().run()
    assert [o.own_words for o in case.view().outcomes] == ["Sam's entry", "Alex's entry"]


# --- Conversations -------------------------------------------------------------------------


def test_a_conversation_rewords_one_outcome_and_adds_another_in_one_save(case):
    first, second = with_outcomes(case)
    at = open_page(case.alex, "pages/conversations.py", case.public_id)
    at.date_input(key="cv_held_on").set_value(days_ago(20))
    at.selectbox(key="cv_stage").set_value("during")
    at.radio(key="cv_with_person").set_value(True)
    at.selectbox(key="cv_representative_kind").set_value("care_act_advocate")
    at.radio(key="cv_method").set_value("in_person")
    at.multiselect(key="cv_outcome_ids").set_value([first, second]).run()
    at.radio(key=f"cv_change_{first}_kind").set_value("reworded").run()
    at.text_area(key=f"cv_change_{first}_own_words").input("I want my money back")
    at.text_input(key=f"cv_change_{first}_note").input("In her words with her advocate")
    at.radio(key=f"cv_change_{second}_kind").set_value("achievability").run()
    at.radio(key=f"cv_change_{second}_achievability").set_value("not_achievable")
    at.text_area(key=f"cv_change_{second}_explanation").input("The landlord does not allow dogs")
    at.button(key="conversation_more").click().run()
    at.selectbox(key="cv_new_0_category").set_value("involved")
    at.text_area(key="cv_new_0_own_words").input("I want to be at the meeting")
    at.text_area(key="cv_summary").input("Talked through what she wants")
    at.button(key="conversation_save").click().run()

    assert any("The conversation is saved" in s for s in successes(at))
    view = case.view()
    (talk,) = view.conversations
    assert talk.representative_kind == "care_act_advocate" and talk.with_person
    o1, o2, o3 = view.outcomes
    assert o1.own_words == "I want my money back" and o1.versions[-1].conversation_id == talk.id
    assert o2.achievability == "not_achievable" and o2.explained_in_id == talk.id
    assert (o3.category, o3.expressed_on) == ("involved", days_ago(20))
    assert set(talk.outcome_ids) == {first, second, o3.id}
    assert "unexplained_unachievable" not in [p.code for p in view.prompts]


def test_a_refused_conversation_shows_each_message_beside_its_field(case):
    first, _ = with_outcomes(case)
    at = open_page(case.alex, "pages/conversations.py", case.public_id)
    before = snapshot(case.engine)
    at.date_input(key="cv_held_on").set_value(days_ago(20))
    at.radio(key="cv_with_person").set_value(False)
    at.multiselect(key="cv_outcome_ids").set_value([first]).run()
    at.radio(key=f"cv_change_{first}_kind").set_value("reworded").run()
    at.text_area(key=f"cv_change_{first}_own_words").input("New words")
    at.button(key="conversation_save").click().run()

    shown = beside(at)
    assert "Choose who the conversation was with: the person, a representative, or both" in shown
    assert "Choose how the conversation took place" in shown
    assert "Choose the stage of the enquiry" in shown
    assert "Enter a summary of the conversation" in shown
    assert "Enter why it was reworded" in shown
    assert snapshot(case.engine) == before
    assert at.text_area(key=f"cv_change_{first}_own_words").value == "New words"


# --- Capacity and advocacy ------------------------------------------------------------------


def test_capacity_and_an_advocacy_referral(case):
    at = open_page(case.alex, "pages/capacity.py", case.public_id)
    at.checkbox(key="ca_capacity_considered").check().run()
    at.button(key="capacity_save").click().run()
    shown = beside(at)
    assert "Enter the decision the capacity question is about" in shown
    assert "Enter the date capacity was considered" in shown
    assert not case.view().capacity_considered

    at.text_input(key="ca_capacity_decision").input("Taking part in the enquiry")
    at.date_input(key="ca_capacity_assessed_on").set_value(days_ago(30))
    at.text_input(key="ca_capacity_assessed_by").input("Alex North")
    at.radio(key="ca_capacity_result").set_value("lacks_capacity")
    at.radio(key="ca_substantial_difficulty").set_value(True)
    at.radio(key="ca_appropriate_individual").set_value(False).run()
    assert any("must be referred for independent advocacy" in w.value for w in at.warning)
    at.date_input(key="ca_advocacy_referred_on").set_value(days_ago(29))
    at.selectbox(key="ca_advocate_kind").set_value("care_act_advocate")
    at.button(key="capacity_save").click().run()

    assert "Capacity and advocacy are saved." in successes(at)
    view = case.view()
    assert view.capacity_result == "lacks_capacity" and view.advocacy_referred_on == days_ago(29)
    assert {"capacity", "advocacy"}.isdisjoint(p.code for p in view.prompts)
    # Drawn again from what was saved.
    assert at.text_input(key="ca_capacity_decision").value == "Taking part in the enquiry"
    assert at.radio(key="ca_appropriate_individual").value is False


def test_after_a_clash_reload_shows_the_other_persons_change_and_keeps_mine(case):
    at = open_page(case.alex, "pages/capacity.py", case.public_id)
    at.radio(key="ca_substantial_difficulty").set_value(True).run()
    enq.record_capacity_advocacy(
        case.engine,
        case.sam,
        case.public_id,
        enq.CapacityAdvocacy(representative_kind="family_member", representative_details="Son"),
        expected_version=case.view().version,
        today=TODAY,
    )
    before = snapshot(case.engine)
    at.button(key="capacity_save").click().run()
    assert CONCURRENT_MESSAGE in summary(at)
    assert snapshot(case.engine) == before

    at.button(key="case_reload_capacity").click().run()
    # The fields I did not touch now show what the supervisor saved; mine is kept.
    assert at.text_input(key="ca_representative_details").value == "Son"
    assert at.radio(key="ca_substantial_difficulty").value is True
    at.button(key="capacity_save").click().run()
    view = case.view()
    assert (view.substantial_difficulty, view.representative_details) == (True, "Son")


# --- Conclude -------------------------------------------------------------------------------


def test_conclude_refuses_an_unrated_outcome_then_concludes(case):
    first, second = with_outcomes(case)
    at = open_page(case.alex, "pages/conclude.py", case.public_id)
    at.date_input(key="cc_concluded_on").set_value(days_ago(5))
    at.radio(key=f"cc_rating_{first}").set_value("fully").run()
    at.selectbox(key="cc_risk_assessment_outcome").set_value("identified_action").run()
    at.radio(key="cc_risk_outcome").set_value("reduced")
    at.radio(key="cc_lacked_capacity").set_value("no")
    before = snapshot(case.engine)
    at.button(key="conclude_save").click().run()

    assert "Rate the outcome “To keep my dog with me”" in beside(at)
    assert snapshot(case.engine) == before

    at.radio(key=f"cc_rating_{second}").set_value("not_achieved").run()
    assert at.radio(key="cc_msp_achieved").value == "partially"  # proposed from the ratings
    at.radio(key="cc_msp_achieved").set_value("fully").run()
    at.button(key="conclude_save").click().run()
    assert any("why the answer differs" in m for m in beside(at))

    at.text_input(key="cc_msp_achieved_reason").input("She says she got what mattered")
    at.text_input(key=f"cc_person_view_{first}").input("Relieved")
    at.button(key="conclude_save").click().run()
    assert any("The enquiry is concluded" in s for s in successes(at))
    view = case.view()
    assert view.status == "concluded" and view.concluded_on == days_ago(5)
    assert [o.rating for o in view.outcomes] == ["fully", "not_achieved"]
    assert view.msp_achieved == "fully" and view.risk_outcome == "reduced"
    assert view.outcomes[0].person_view == "Relieved"


def test_a_conclusion_saved_here_is_counted_on_the_dashboard_at_once(case):
    """The dashboards cache their figures; a save on a case screen clears that cache, so the
    supervisor's next look counts the enquiry just concluded (no waiting for the cache to
    expire)."""

    def concluded_on_the_dashboard() -> str:
        dash = open_page(case.sam, "pages/dashboard.py", None)
        dash.radio(key="dash_period").set_value("Custom dates").run()
        dash.date_input(key="dash_from").set_value(days_ago(30))
        dash.date_input(key="dash_to").set_value(TODAY).run()
        assert not dash.exception, dash.exception
        return next(m.value for m in dash.metric if m.label == "Enquiries concluded")

    assert concluded_on_the_dashboard() == "0"  # now cached
    first, second = with_outcomes(case)
    at = open_page(case.alex, "pages/conclude.py", case.public_id)
    at.date_input(key="cc_concluded_on").set_value(days_ago(5))
    at.radio(key=f"cc_rating_{first}").set_value("fully")
    at.radio(key=f"cc_rating_{second}").set_value("partially")
    at.selectbox(key="cc_risk_assessment_outcome").set_value("none_no_action").run()
    at.radio(key="cc_lacked_capacity").set_value("no").run()
    at.button(key="conclude_save").click().run()
    assert any("The enquiry is concluded" in s for s in successes(at)), errors(at)

    assert concluded_on_the_dashboard() == "1"


def test_the_risk_outcome_is_asked_only_when_risk_was_identified_and_action_taken(case):
    at = open_page(case.alex, "pages/conclude.py", case.public_id)
    assert not [r for r in at.radio if r.key == "cc_risk_outcome"]
    at.selectbox(key="cc_risk_assessment_outcome").set_value("identified_action").run()
    assert at.radio(key="cc_risk_outcome").options == [
        "Risk remained",
        "Risk reduced",
        "Risk removed",
    ]
    at.radio(key="cc_lacked_capacity").set_value("yes").run()
    assert at.radio(key="cc_capacity_support_provided").value is None


# --- Feedback ------------------------------------------------------------------------------


def test_feedback_waits_for_the_conclusion(case):
    at = open_page(case.alex, "pages/feedback.py", case.public_id)
    assert any("after the enquiry has been concluded" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == "feedback_save"]


def test_feedback_from_a_representative_in_their_wording(case):
    concluded(case)
    questions = fb.question_bank(case.engine)
    at = open_page(case.alex, "pages/feedback.py", case.public_id)
    at.selectbox(key="fb_respondent").set_value("family_member").run()
    first = questions[0].question_version_id
    assert unescape(at.radio(key=f"fb_answer_{first}").label) == (
        "Has the person got the goals they wanted?"
    )
    at.radio(key=f"fb_answer_{first}").set_value("partly")
    at.text_area(key="fb_comments").input("She felt *listened* to")
    at.radio(key="fb_asked_by").set_value("independent_person")
    at.selectbox(key="fb_method").set_value("phone")
    at.date_input(key="fb_given_on").set_value(days_ago(3))
    at.button(key="feedback_save").click().run()

    assert "The feedback is saved." in successes(at)
    (response,) = case.view().feedback
    assert response.respondent == "family_member" and response.asked_by == "independent_person"
    assert response.answers[0] == ("Has the person got the goals they wanted?", "partly")
    assert "She felt *listened* to" in [t.value for t in at.text]
    assert not at.warning


def test_feedback_refusal_declined_and_the_late_warning(case):
    concluded(case, on=days_ago(70))
    at = open_page(case.alex, "pages/feedback.py", case.public_id)
    at.selectbox(key="fb_respondent").set_value("person").run()
    at.radio(key="fb_asked_by").set_value("enquiry_lead")
    at.selectbox(key="fb_method").set_value("letter_easy_read")
    assert not at.warning
    at.date_input(key="fb_given_on").set_value(days_ago(1)).run()
    # Said as soon as the date is entered, before anything is saved.
    assert [unescape(w.value) for w in at.warning] == [
        "This feedback was given 13 days after the 8-week window after conclusion closed. "
        "It will be saved, and counted as late."
    ]
    before = snapshot(case.engine)
    at.button(key="feedback_save").click().run()
    assert any("declined to give feedback" in m for m in beside(at))
    assert snapshot(case.engine) == before

    at.checkbox(key="fb_declined").check().run()
    assert not [r for r in at.radio if r.key and r.key.startswith("fb_answer_")]
    at.button(key="feedback_save").click().run()
    assert any("counted as late" in w.value for w in at.warning)
    assert case.view().feedback[0].declined
