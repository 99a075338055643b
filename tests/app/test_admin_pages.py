"""The Users and Teams pages (administrators): adding, changing, switching off and resetting
accounts; creating and renaming teams. A refusal is shown beside its field, writes nothing
and keeps what was typed."""

from __future__ import annotations

import pytest

from msp import auth
from msp.ui.text import plain
from msp.users import list_teams, list_users, update_user
from tests.app.conftest import PASSWORD, add, audit_actions, signed_in, user_count

USERS = "pages/admin_users.py"
TEAMS = "pages/admin_teams.py"
ADD_USER = "FormSubmitter:add_user-Add user"
RESET = "FormSubmitter:reset_password-Reset password"
NEW_PASSWORD = "plum kettle orbit lantern"


def open_page(user, page: str):
    at = signed_in(user)
    at.switch_page(page).run()
    assert not at.exception
    return at


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def successes(at) -> list[str]:
    return [s.value for s in at.success]


def fill_new_user(at, **values):
    fields = {
        "username": "j.smith",
        "display_name": "Jo Smith",
        "email": "",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
        **values,
    }
    for name in ("username", "display_name", "email", "password", "confirm"):
        at.text_input(key=f"add_user_{name}").input(fields[name])
    role = values.get("role", "practitioner")
    if role is not None:
        at.selectbox(key="add_user_role").select(role)
    at.multiselect(key="add_user_teams").set_value(values.get("teams", ["North"]))
    return at


@pytest.fixture
def admin(engine, people):
    return people["administrator"]


# --- Users ------------------------------------------------------------------------------------


def test_the_users_page_lists_every_account(app_url, engine, people, admin):
    at = open_page(admin, USERS)

    assert [t.value for t in at.title] == ["Users"]
    [table] = at.dataframe
    frame = table.value
    assert list(frame.columns) == [
        "Username",
        "Name",
        "Role",
        "Teams",
        "Council email",
        "Can sign in",
    ]
    assert set(frame["Username"]) == {p.username for p in people.values()}
    supervisor = frame[frame["Username"] == people["supervisor"].username].iloc[0]
    assert supervisor["Role"] == "Supervisor"
    assert supervisor["Teams"] == "North, South"
    assert supervisor["Can sign in"] == "Yes"


def test_adding_a_user(app_url, engine, admin):
    at = fill_new_user(open_page(admin, USERS), email="Jo.Smith@Council.gov.uk")
    at.button(key=ADD_USER).click().run()

    assert not at.exception
    assert not errors(at)
    assert successes(at) == [plain("Added Jo Smith with the username j.smith.")]
    added = next(u for u in list_users(engine) if u.username == "j.smith")
    assert (added.role, added.teams, added.email, added.is_active) == (
        "practitioner",
        ("North",),
        "jo.smith@council.gov.uk",
        True,
    )
    assert auth.authenticate(engine, "j.smith", NEW_PASSWORD) is not None
    assert "user_created" in audit_actions(engine)
    # The form is empty again, ready for the next person.
    assert at.text_input(key="add_user_username").value == ""
    assert at.text_input(key="add_user_password").value == ""


def test_a_user_with_only_a_council_email_signs_in_with_single_sign_on(app_url, engine, admin):
    at = fill_new_user(
        open_page(admin, USERS),
        username="sso.only",
        email="sso.only@council.gov.uk",
        password="",
        confirm="",
        role="commissioner",
        teams=[],
    )
    at.button(key=ADD_USER).click().run()

    assert not errors(at)
    assert auth.user_for_email(engine, "sso.only@council.gov.uk").username == "sso.only"
    assert auth.authenticate(engine, "sso.only", "") is None


def test_refusals_are_shown_beside_the_fields_nothing_is_written_and_input_is_kept(
    app_url, engine, admin
):
    before = user_count(engine)
    at = fill_new_user(open_page(admin, USERS), confirm="something else entirely", role=None)
    at.button(key=ADD_USER).click().run()

    assert not at.exception
    problems = errors(at)
    assert problems[0].startswith("**There is a problem**")
    assert plain("Choose a role") in problems
    assert plain("Enter the same password in both password boxes") in problems
    assert user_count(engine) == before
    assert at.text_input(key="add_user_username").value == "j.smith"

    # The service's own checks: a taken username and a practitioner in two teams.
    at = fill_new_user(at, username=admin.username, teams=["North", "South"])
    at.button(key=ADD_USER).click().run()

    problems = errors(at)
    assert plain(f"The username {admin.username} is already taken") in problems
    assert plain("A practitioner belongs to exactly one team") in problems
    assert user_count(engine) == before
    assert at.multiselect(key="add_user_teams").value == ["North", "South"]


def test_a_missing_role_is_reported_with_the_services_own_problems(app_url, engine, admin):
    before = user_count(engine)
    at = fill_new_user(open_page(admin, USERS), username="Not Valid!", role=None)
    at.button(key=ADD_USER).click().run()

    problems = errors(at)
    assert plain("Choose a role") in problems
    assert any(p.startswith("Enter a username of 2 to 80 characters") for p in problems)
    assert user_count(engine) == before


def test_neither_password_nor_email_is_refused(app_url, engine, admin):
    before = user_count(engine)
    at = fill_new_user(open_page(admin, USERS), password="", confirm="")
    at.button(key=ADD_USER).click().run()

    assert plain(
        "Enter a password, or an email address so that they can sign in with their council account"
    ) in errors(at)
    assert user_count(engine) == before


def choose_account(at, user_id: int):
    at.selectbox(key="edit_user_id").select(user_id).run()
    assert not at.exception
    return at


def save_changes(at, user_id: int):
    return at.button(key=f"FormSubmitter:edit_user_{user_id}-Save changes").click().run()


def test_changing_a_users_role_and_teams(app_url, engine, people, admin):
    practitioner = people["practitioner"]
    at = choose_account(open_page(admin, USERS), practitioner.id)
    assert at.text_input(key=f"edit_user_display_name_{practitioner.id}").value == (
        practitioner.display_name
    )

    at.selectbox(key=f"edit_user_role_{practitioner.id}").select("supervisor")
    at.multiselect(key=f"edit_user_teams_{practitioner.id}").set_value(["North", "South"])
    save_changes(at, practitioner.id)

    assert not errors(at)
    assert successes(at) == [plain("The changes have been saved.")]
    moved = auth.load_user(engine, practitioner.id)
    assert (moved.role, moved.team_names) == ("supervisor", ("North", "South"))
    assert audit_actions(engine)[-1] == "user_updated"


def test_switching_an_account_off_keeps_it_in_the_list(app_url, engine, people, admin):
    commissioner = people["commissioner"]
    at = choose_account(open_page(admin, USERS), commissioner.id)
    at.checkbox(key=f"edit_user_is_active_{commissioner.id}").uncheck()
    save_changes(at, commissioner.id)

    assert not errors(at)
    assert auth.load_user(engine, commissioner.id) is None
    frame = at.dataframe[0].value
    row = frame[frame["Username"] == commissioner.username].iloc[0]
    assert row["Can sign in"] == "No"


def test_an_administrator_cannot_remove_their_own_administrator_role(app_url, engine, admin):
    at = choose_account(open_page(admin, USERS), admin.id)
    at.selectbox(key=f"edit_user_role_{admin.id}").select("commissioner")
    save_changes(at, admin.id)

    message = plain("You cannot remove your own administrator access: ask another administrator")
    assert message in errors(at)
    assert auth.load_user(engine, admin.id).role == "administrator"
    assert at.selectbox(key=f"edit_user_role_{admin.id}").value == "commissioner"  # kept


def test_an_administrator_cannot_switch_their_own_account_off(app_url, engine, admin):
    at = choose_account(open_page(admin, USERS), admin.id)
    at.checkbox(key=f"edit_user_is_active_{admin.id}").uncheck()
    save_changes(at, admin.id)

    assert plain(
        "You cannot remove your own administrator access: ask another administrator"
    ) in errors(at)
    assert auth.load_user(engine, admin.id) is not None


def test_an_administrator_switched_off_meanwhile_cannot_act(app_url, engine, people, admin):
    other = add(engine, "administrator")
    at = choose_account(open_page(other, USERS), admin.id)
    update_user(
        engine,
        admin,
        other.id,
        display_name=other.display_name,
        role="administrator",
        team_names=[],
        email=None,
        is_active=False,
    )
    at.checkbox(key=f"edit_user_is_active_{admin.id}").uncheck()
    save_changes(at, admin.id)

    # The save's callback checked who is signed in before acting: nobody is, now.
    assert [t.value for t in at.title] == ["Sign in"]
    assert auth.load_user(engine, admin.id) is not None
    assert audit_actions(engine)[-1] == "user_updated"  # only the switching off


def test_saving_without_a_change_says_so(app_url, engine, people, admin):
    at = choose_account(open_page(admin, USERS), people["commissioner"].id)
    save_changes(at, people["commissioner"].id)

    assert any("Nothing was changed" in e for e in errors(at))


def test_resetting_a_password(app_url, engine, people, admin):
    commissioner = people["commissioner"]
    at = open_page(admin, USERS)
    at.selectbox(key="reset_user_id").select(commissioner.id)
    at.text_input(key="reset_password").input(NEW_PASSWORD)
    at.text_input(key="reset_confirm").input("not the same at all")
    at.button(key=RESET).click().run()

    assert plain("Enter the same password in both password boxes") in errors(at)
    assert auth.authenticate(engine, commissioner.username, PASSWORD) is not None

    at.text_input(key="reset_confirm").input(NEW_PASSWORD)
    at.button(key=RESET).click().run()

    assert not errors(at)
    assert len(successes(at)) == 1
    assert auth.authenticate(engine, commissioner.username, NEW_PASSWORD) is not None
    assert at.text_input(key="reset_password").value == ""
    assert "password_reset" in audit_actions(engine)


def test_a_weak_password_is_refused(app_url, engine, people, admin):
    at = open_page(admin, USERS)
    at.selectbox(key="reset_user_id").select(people["commissioner"].id)
    at.text_input(key="reset_password").input("short")
    at.text_input(key="reset_confirm").input("short")
    at.button(key=RESET).click().run()

    assert plain("Enter a password of at least 12 characters") in errors(at)


# --- Teams ------------------------------------------------------------------------------------


def test_creating_and_renaming_teams(app_url, engine, people, admin):
    at = open_page(admin, TEAMS)
    assert [t.value for t in at.title] == ["Teams"]
    frame = at.dataframe[0].value
    assert dict(zip(frame["Team"], frame["People"], strict=True)) == {"North": 2, "South": 1}

    at.text_input(key="create_team_name").input("East")
    at.button(key="FormSubmitter:create_team-Create team").click().run()
    assert not errors(at)
    assert successes(at) == [plain("Created the team East.")]
    assert [t.name for t in list_teams(engine)] == ["East", "North", "South"]

    at.text_input(key="create_team_name").input(" north ")
    at.button(key="FormSubmitter:create_team-Create team").click().run()
    assert plain("There is already a team called north") in errors(at)
    assert at.text_input(key="create_team_name").value == " north "
    assert len(list_teams(engine)) == 3

    east = next(t for t in list_teams(engine) if t.name == "East")
    at.selectbox(key="rename_team_id").select(east.id)
    at.text_input(key="rename_team_name").input("East locality")
    at.button(key="FormSubmitter:rename_team-Rename team").click().run()
    assert not errors(at)
    assert [t.name for t in list_teams(engine)] == ["East locality", "North", "South"]
    assert audit_actions(engine)[-2:] == ["team_created", "team_renamed"]


def test_renaming_needs_a_team(app_url, engine, people, admin):
    at = open_page(admin, TEAMS)
    at.text_input(key="rename_team_name").input("Somewhere")
    at.button(key="FormSubmitter:rename_team-Rename team").click().run()

    assert plain("Choose the team to rename") in errors(at)
