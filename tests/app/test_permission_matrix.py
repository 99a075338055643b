"""The permission matrix of the access-control issue, tried as every role and signed out.

Pages: every file in pages/ (globbed, so a page added later is covered) is opened as each role
and signed out, both through the frame's menu and on its own (as Streamlit's legacy mode
could run it); it opens exactly when the page registry allows that role.

Person-level services: each is called as each role, for an enquiry of a team the actor is in
and one they are not, and must allow or refuse exactly as the issue's table says — written
out again here (not read from msp.access), so that a change to the rules must change this
test too:

    |               | own team's enquiries        | other teams' | audit log   | users |
    | practitioner  | read, write                 | none         | no          | no    |
    | supervisor    | read, write (teams supervised) | none      | own teams'  | no    |
    | administrator | none                        | none         | all         | yes   |
    | commissioner  | none                        | none         | no          | no    |

Entered-in-error records are listed and restored by supervisors (their teams) and
administrators (all teams). A refusal is a typed error and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from db.engine import unit_of_work
from db.models import Enquiry, Team, User
from msp import audit, auth, retention, users, vocab
from msp import conversations as conv
from msp import enquiries as enq
from msp import feedback as fb
from msp import outcomes as out
from msp.auth import CurrentUser
from msp.errors import NotAllowed, NotFound, ValidationError
from msp.overview import get_enquiry
from msp.ui import guard, navigation
from tests.app.conftest import PAGE_FILES, app, page_app, registered_scripts, signed_in
from tests.integration.journey_helpers import TODAY, World, make_world, new_enquiry, snapshot

D = dt.date
ROLES = vocab.ROLES.codes
ACTORS = ["alex", "bea", "sam", "nora", "ada", "cal"]
TEAMS = ["north", "south"]


# --- Pages ------------------------------------------------------------------------------------


def spec_of(page):
    spec = navigation.spec_for_file(str(page))
    assert spec is not None, f"{page.name} is not in the page registry"
    return spec


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_offers_exactly_the_pages_the_registry_allows(app_url, people, role):
    at = signed_in(people[role])
    assert not at.exception

    offered = registered_scripts(at)
    for page in PAGE_FILES:
        spec = spec_of(page)
        assert (page.resolve() in offered) == spec.allows(role), (page.name, role)
        if not spec.allows(role):
            with pytest.raises(ValueError):
                at.switch_page(spec.path)


def test_signed_out_the_menu_offers_no_page(app_url, people):
    at = app().run()

    assert registered_scripts(at) == set()
    assert [t.value for t in at.title] == ["Sign in"]


@pytest.mark.parametrize("page", PAGE_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("role", [*ROLES, "signed out"])
def test_each_page_opens_exactly_for_its_roles(app_url, people, page, role):
    """Allowed: the page opens through the frame. Refused (or signed out): the page run on
    its own, as Streamlit's legacy mode could run it, stops at its guard."""
    spec = spec_of(page)
    if role != "signed out" and spec.allows(role):
        at = signed_in(people[role])
        at.switch_page(spec.path).run()
        assert not at.exception, (page.name, role)
        assert guard.NO_ACCESS not in [e.value for e in at.error]
        assert at.title, (page.name, role)  # the page itself ran (its words are tested elsewhere)
        return

    at = page_app(page)
    if role != "signed out":
        at.session_state["user_id"] = people[role].id
    at.run()

    assert not at.exception, (page.name, role)
    if role == "signed out":
        assert [w.value for w in at.warning] == [guard.SIGN_IN_TO_CONTINUE]
    else:
        assert [e.value for e in at.error] == [guard.NO_ACCESS]
    assert not at.title and not at.dataframe and not at.metric and not at.text_input


def test_the_registry_gives_the_issues_roles_to_the_access_pages():
    roles = {spec.path: spec.roles for spec in navigation.PAGES}
    assert roles["pages/admin_users.py"] == {"administrator"}
    assert roles["pages/admin_teams.py"] == {"administrator"}
    assert roles["pages/audit.py"] == {"supervisor", "administrator"}
    assert roles["pages/removed.py"] == retention.RESTORE_ROLES == {"supervisor", "administrator"}
    for spec in navigation.PAGES:
        if spec.section == "The chosen enquiry" or spec.path in {
            "pages/enquiries.py",
            "pages/new_enquiry.py",
        }:
            assert spec.roles == {"practitioner", "supervisor"}, spec.path


# --- Person-level services --------------------------------------------------------------------


@dataclass
class Matrix:
    world: World
    actors: dict[str, CurrentUser]
    teams: dict[str, int]
    open: dict[str, str]  # team -> an open enquiry
    concluded: dict[str, str]  # team -> a concluded enquiry (for feedback)
    removed: dict[str, str]  # team -> an enquiry entered in error


def case_allowed(actor: CurrentUser, team_id: int) -> bool:
    """The issue's table: practitioners their own team, supervisors the teams they
    supervise; administrators and commissioners no person-level record."""
    return actor.role in {"practitioner", "supervisor"} and team_id in actor.team_ids


def version_of(engine, public_id: str) -> int:
    with unit_of_work(engine) as session:
        return session.scalar(sa.select(Enquiry.version).where(Enquiry.public_id == public_id))


def _conclude(engine, actor: CurrentUser, public_id: str) -> None:
    version = out.add_outcomes(
        engine,
        actor,
        public_id,
        [out.NewOutcome("friends", "More friends", "person", D(2026, 9, 3))],
        expected_version=version_of(engine, public_id),
        today=TODAY,
    )
    outcome_id = get_enquiry(engine, actor, public_id, today=TODAY).outcomes[0].id
    enq.conclude_enquiry(
        engine,
        actor,
        public_id,
        enq.Conclusion(
            concluded_on=D(2026, 10, 1),
            ratings={outcome_id: enq.OutcomeRating("fully")},
            msp_achieved="fully",
            risk_assessment_outcome="none_no_action",
            lacked_capacity="no",
        ),
        expected_version=version,
        today=TODAY,
    )


@pytest.fixture
def matrix(engine) -> Matrix:
    world = make_world(engine)
    with unit_of_work(engine) as session:
        north = session.get(Team, world.north)
        nora = User(username="nora", display_name="Nora North", role="supervisor", teams=[north])
        session.add(nora)
        session.flush()
        nora_id = nora.id
    actors = {
        "alex": world.alex,  # practitioner, North
        "bea": world.bea,  # practitioner, South
        "sam": world.sam,  # supervisor, North and South
        "nora": auth.load_user(engine, nora_id),  # supervisor, North only
        "ada": world.ada,  # administrator
        "cal": world.cal,  # commissioner
    }
    workers = {"north": world.alex, "south": world.bea}
    teams = {"north": world.north, "south": world.south}
    references = iter(f"M-{n:04d}" for n in range(1, 100))

    def start(team: str) -> str:
        return enq.start_enquiry(
            engine,
            workers[team],
            new_enquiry(
                world,
                team_id=teams[team],
                worker_id=workers[team].id,
                person=enq.PersonDetails(case_reference=next(references)),
            ),
            today=TODAY,
        )

    open_ids = {team: start(team) for team in TEAMS}
    concluded = {team: start(team) for team in TEAMS}
    for team, public_id in concluded.items():
        _conclude(engine, workers[team], public_id)
    removed = {team: start(team) for team in TEAMS}
    for team, public_id in removed.items():
        retention.mark_entered_in_error(
            engine, workers[team], public_id, "Wrong person", expected_version=1
        )
    return Matrix(world, actors, teams, open_ids, concluded, removed)


def cases():
    return [(actor, team) for actor in ACTORS for team in TEAMS]


def refused_and_unchanged(engine, call, errors=(NotAllowed,)) -> BaseException:
    before = snapshot(engine)
    with pytest.raises(errors) as refused:
        call()
    assert snapshot(engine) == before, "a refused call must write nothing"
    return refused.value


@pytest.mark.parametrize(("actor", "team"), cases())
def test_get_enquiry(engine, matrix, actor, team):
    user, public_id = matrix.actors[actor], matrix.open[team]
    call = lambda: get_enquiry(engine, user, public_id, today=TODAY)  # noqa: E731
    if case_allowed(user, matrix.teams[team]):
        assert call().public_id == public_id
    else:
        refused_and_unchanged(engine, call)


@pytest.mark.parametrize("actor", ACTORS)
def test_list_enquiries(engine, matrix, actor):
    user = matrix.actors[actor]
    call = lambda: enq.list_enquiries(engine, user, enq.EnquiryFilters(), today=TODAY)  # noqa: E731
    if user.role in {"practitioner", "supervisor"}:
        expected = {
            public_id
            for group in (matrix.open, matrix.concluded)
            for team, public_id in group.items()
            if case_allowed(user, matrix.teams[team])
        }
        assert {row.public_id for row in call()} == expected
    else:
        refused_and_unchanged(engine, call)


@pytest.mark.parametrize(("actor", "team"), cases())
def test_start_enquiry(engine, matrix, actor, team):
    user = matrix.actors[actor]
    data = new_enquiry(
        matrix.world,
        team_id=matrix.teams[team],
        worker_id=None,
        person=enq.PersonDetails(case_reference=f"NEW-{actor}-{team}"),
    )
    call = lambda: enq.start_enquiry(engine, user, data, today=TODAY)  # noqa: E731
    if case_allowed(user, matrix.teams[team]):
        assert call()
    elif user.role in {"practitioner", "supervisor"}:
        # Their role may start enquiries, but only in their own teams.
        refused = refused_and_unchanged(engine, call, ValidationError)
        assert set(refused.problems) == {"team_id"}
    else:
        refused_and_unchanged(engine, call)


@pytest.mark.parametrize(("actor", "team"), cases())
def test_add_outcomes(engine, matrix, actor, team):
    user, public_id = matrix.actors[actor], matrix.open[team]
    call = lambda: out.add_outcomes(  # noqa: E731
        engine,
        user,
        public_id,
        [out.NewOutcome("friends", "More friends", "person", D(2026, 9, 3))],
        expected_version=version_of(engine, public_id),
        today=TODAY,
    )
    if case_allowed(user, matrix.teams[team]):
        assert call() == 2
    else:
        refused_and_unchanged(engine, call)


@pytest.mark.parametrize(("actor", "team"), cases())
def test_log_conversation(engine, matrix, actor, team):
    user, public_id = matrix.actors[actor], matrix.open[team]
    call = lambda: conv.log_conversation(  # noqa: E731
        engine,
        user,
        public_id,
        conv.NewConversation(
            held_on=D(2026, 9, 4),
            with_person=True,
            method="phone",
            stage="start",
            summary="Talked it through",
        ),
        expected_version=version_of(engine, public_id),
        today=TODAY,
    )
    if case_allowed(user, matrix.teams[team]):
        assert call() == 2
    else:
        refused_and_unchanged(engine, call)


@pytest.mark.parametrize(("actor", "team"), cases())
def test_record_feedback(engine, matrix, actor, team):
    user, public_id = matrix.actors[actor], matrix.concluded[team]
    version = version_of(engine, public_id)
    call = lambda: fb.record_feedback(  # noqa: E731
        engine,
        user,
        public_id,
        fb.NewFeedback(method="phone", given_on=D(2026, 10, 20), declined=True),
        expected_version=version,
        today=TODAY,
    )
    if case_allowed(user, matrix.teams[team]):
        assert call()[0] == version + 1
    else:
        refused_and_unchanged(engine, call)


@pytest.mark.parametrize("actor", ACTORS)
def test_list_removed(engine, matrix, actor):
    user = matrix.actors[actor]
    call = lambda: retention.list_removed(engine, user)  # noqa: E731
    if user.role == "administrator":
        assert {r.public_id for r in call()} == set(matrix.removed.values())
    elif user.role == "supervisor":
        expected = {
            public_id
            for team, public_id in matrix.removed.items()
            if matrix.teams[team] in user.team_ids
        }
        assert {r.public_id for r in call()} == expected
    else:
        refused_and_unchanged(engine, call)


@pytest.mark.parametrize(("actor", "team"), cases())
def test_restore(engine, matrix, actor, team):
    user, public_id = matrix.actors[actor], matrix.removed[team]
    call = lambda: retention.restore(engine, user, public_id)  # noqa: E731
    if user.role == "administrator" or (
        user.role == "supervisor" and matrix.teams[team] in user.team_ids
    ):
        call()
        assert public_id not in {r.public_id for r in retention.list_removed(engine, user)}
    elif user.role == "supervisor":
        # Another team's removed record is not one this supervisor may know about.
        refused_and_unchanged(engine, call, NotFound)
    else:
        refused_and_unchanged(engine, call)


@pytest.mark.parametrize("actor", ACTORS)
def test_list_events(engine, matrix, actor):
    user = matrix.actors[actor]
    call = lambda: audit.list_events(engine, user, audit.AuditFilters(limit=10_000))  # noqa: E731
    if user.role in {"administrator", "supervisor"}:
        rows = call()
        seen = {r.record_id for r in rows}
        for team, public_id in matrix.open.items():
            in_scope = user.role == "administrator" or matrix.teams[team] in user.team_ids
            assert (public_id in seen) == in_scope, (actor, team)
        if user.role == "supervisor":
            assert {r.team_id for r in rows if r.team_id} <= set(user.team_ids)
    else:
        refused_and_unchanged(engine, call)


@pytest.mark.parametrize("actor", ACTORS)
def test_update_user(engine, matrix, actor):
    user = matrix.actors[actor]
    target = matrix.actors["cal"]
    call = lambda: users.update_user(  # noqa: E731
        engine,
        user,
        target.id,
        display_name="Cal Renamed",
        role="commissioner",
        team_names=[],
        email=None,
        is_active=True,
    )
    if user.role == "administrator":
        call()
        assert auth.load_user(engine, target.id).display_name == "Cal Renamed"
    else:
        refused_and_unchanged(engine, call)
