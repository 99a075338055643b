"""Users (administrators): the accounts; add, change, switch off, reset a password."""

# Nobody is ever deleted: an account is switched off instead, so the history of what its
# owner did stays attributed to them. A refused form writes nothing and keeps what was typed.

import pandas as pd
import streamlit as st

from msp import vocab
from msp.auth import MIN_PASSWORD_LENGTH, CurrentUser, password_problem
from msp.errors import MspError, ValidationError
from msp.ui import session
from msp.ui.forms import FormProblems
from msp.ui.guard import require_page
from msp.users import UserRow, add_user, list_teams, list_users, reset_password, update_user

user = require_page(__file__)

PASSWORDS_DIFFER = "Enter the same password in both password boxes"
NEED_PASSWORD_OR_EMAIL = (
    "Enter a password, or an email address so that they can sign in with their council account"
)
CHOOSE_ROLE = "Choose a role"
TEAMS_HINT = (
    "A practitioner belongs to one team, a supervisor to one or more. Administrators and "
    "commissioners have no team."
)
PASSWORD_HINT = (
    f"At least {MIN_PASSWORD_LENGTH} characters. A few unrelated words make a strong password. "
    "Tell them the password in person or by phone, never by email."
)

# Add a user
ADD = FormProblems("add_user")
ADD_ORDER = ["username", "display_name", "role", "teams", "email", "password", "confirm"]
ADD_KEYS = {
    "username": "add_user_username",
    "display_name": "add_user_display_name",
    "role": "add_user_role",
    "teams": "add_user_teams",
    "email": "add_user_email",
    "password": "add_user_password",
    "confirm": "add_user_confirm",
}

# Change a user
EDIT_USER_KEY = "edit_user_id"
EDIT_ORDER = ["user", "display_name", "role", "teams", "email", "is_active"]

# Reset a password
RESET = FormProblems("reset_password")
RESET_KEYS = {
    "user": "reset_user_id",
    "password": "reset_password",
    "confirm": "reset_confirm",
}


def edit_keys(user_id: int) -> dict[str, str]:
    """Widget keys of the change form, one set per account (so choosing another account
    shows that account's details)."""
    names = ("display_name", "role", "teams", "email", "is_active")
    return {name: f"edit_user_{name}_{user_id}" for name in names}


def edit_form(user_id: int) -> FormProblems:
    return FormProblems(f"edit_user_{user_id}")


def _administrator() -> CurrentUser | None:
    """The administrator acting, checked again when a button's callback runs (callbacks run
    before the page's guard: someone signed out meanwhile, e.g. after a spell without
    activity, must not act)."""
    actor = session.acting_user()
    return actor if actor is not None and actor.role == "administrator" else None


def _passwords(password: str, confirm: str) -> dict[str, str]:
    problems = {}
    weak = password_problem(password)
    if weak:
        problems["password"] = weak
    if password != confirm:
        problems["confirm"] = PASSWORDS_DIFFER
    return problems


def _add() -> None:
    RESET.clear()  # one form's old problems go when another is used
    actor = _administrator()
    if actor is None:
        return
    state = st.session_state
    values = {name: state.get(key) for name, key in ADD_KEYS.items()}
    email = (values["email"] or "").strip()
    password = values["password"] or ""
    confirm = values["confirm"] or ""
    # The passwords are checked here first (as on the first-administrator screen): the
    # service never sees the confirmation, and must not be called when the two differ.
    # Everything else is the service's to check (no role: it refuses, and says so).
    problems: dict[str, str] = {}
    if not password and not email:
        problems["password"] = NEED_PASSWORD_OR_EMAIL
    elif password or confirm:
        problems.update(_passwords(password, confirm))
    if problems:
        ADD.set({**problems, **({} if values["role"] else {"role": CHOOSE_ROLE})})
        return
    try:
        added, _ = add_user(
            session.app_engine(),
            actor=actor,
            username=values["username"] or "",
            display_name=values["display_name"] or "",
            role=values["role"] or "",
            team_names=list(values["teams"] or []),
            password=password or None,
            email=email or None,
        )
    except ValidationError as exc:
        ADD.set({**exc.problems, **({} if values["role"] else {"role": CHOOSE_ROLE})})
        return
    except MspError as exc:
        ADD.set({"form": str(exc)})
        return
    for key in ADD_KEYS.values():
        state.pop(key, None)
    ADD.succeeded(f"Added {added.display_name} with the username {added.username}.")


def _save(user_id: int) -> None:
    ADD.clear()
    RESET.clear()
    actor = _administrator()
    if actor is None:
        return
    state = st.session_state
    keys = edit_keys(user_id)
    form = edit_form(user_id)
    try:
        update_user(
            session.app_engine(),
            actor,
            user_id,
            display_name=state.get(keys["display_name"]) or "",
            role=state.get(keys["role"]) or "",
            team_names=list(state.get(keys["teams"]) or []),
            email=(state.get(keys["email"]) or "").strip() or None,
            is_active=bool(state.get(keys["is_active"])),
        )
    except ValidationError as exc:
        form.set(exc)
        return
    except MspError as exc:
        form.set({"form": str(exc)})
        return
    form.succeeded("The changes have been saved.")


def _reset() -> None:
    ADD.clear()
    actor = _administrator()
    if actor is None:
        return
    state = st.session_state
    user_id = state.get(RESET_KEYS["user"])
    password = state.get(RESET_KEYS["password"]) or ""
    confirm = state.get(RESET_KEYS["confirm"]) or ""
    problems = {} if user_id is not None else {"user": "Choose whose password to reset"}
    problems.update(_passwords(password, confirm))
    if problems:
        RESET.set(problems)
        return
    try:
        reset_password(session.app_engine(), actor, user_id, password)
    except ValidationError as exc:
        RESET.set(exc)
        return
    except MspError as exc:
        RESET.set({"form": str(exc)})
        return
    state.pop(RESET_KEYS["password"], None)
    state.pop(RESET_KEYS["confirm"], None)
    RESET.succeeded(
        "The password has been reset. Tell them the new password in person or by phone, "
        "never by email."
    )


def users_table(rows: list[UserRow]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Username": [r.username for r in rows],
            "Name": [r.display_name for r in rows],
            "Role": [r.role_label for r in rows],
            "Teams": [", ".join(r.teams) for r in rows],
            "Council email": [r.email or "" for r in rows],
            "Can sign in": ["Yes" if r.is_active else "No" for r in rows],
        }
    )


def account_label(row: UserRow) -> str:
    label = f"{row.display_name} ({row.username})"
    return label if row.is_active else f"{label}, switched off"


engine = session.app_engine()
rows = list_users(engine)
by_id = {r.id: r for r in rows}
team_names = [t.name for t in list_teams(engine)]

st.title("Users")
st.write(
    "Add the people who use this service and decide what each of them can see. Nobody is "
    "ever deleted: switch an account off instead, so that their work stays in their name."
)

everyone, adding, changing, resetting = st.tabs(
    ["Everyone", "Add a user", "Change a user", "Reset a password"], key="users_tab"
)

with everyone:
    active = sum(r.is_active for r in rows)
    st.write(f"{len(rows)} accounts, {active} of them can sign in.")
    st.dataframe(users_table(rows), hide_index=True, width="stretch")

with adding:
    ADD.summary(ADD_ORDER)
    with st.form("add_user", clear_on_submit=False):
        st.text_input("Username", key=ADD_KEYS["username"], autocomplete="off")
        st.caption("Lower-case letters, digits, dots, hyphens or underscores, like j.smith")
        ADD.beside("username")
        st.text_input("Name", key=ADD_KEYS["display_name"], autocomplete="off")
        st.caption("The name other users will see")
        ADD.beside("display_name")
        st.selectbox(
            "Role",
            vocab.ROLES.codes,
            format_func=vocab.ROLES.label,
            index=None,
            placeholder=CHOOSE_ROLE,
            key=ADD_KEYS["role"],
        )
        ADD.beside("role")
        st.multiselect("Teams", team_names, key=ADD_KEYS["teams"], placeholder="Choose teams")
        st.caption(TEAMS_HINT)
        ADD.beside("teams")
        st.text_input(
            "Council email for single sign-on (optional)",
            key=ADD_KEYS["email"],
            autocomplete="off",
        )
        st.caption(
            "When the service is set up for single sign-on, they sign in with the council "
            "account that has this email address."
        )
        ADD.beside("email")
        st.text_input(
            "Password (optional when you give an email)",
            type="password",
            key=ADD_KEYS["password"],
            autocomplete="new-password",
        )
        st.caption(PASSWORD_HINT)
        ADD.beside("password")
        st.text_input(
            "Confirm password",
            type="password",
            key=ADD_KEYS["confirm"],
            autocomplete="new-password",
        )
        ADD.beside("confirm")
        st.form_submit_button("Add user", type="primary", on_click=_add)

with changing:
    chosen = st.selectbox(
        "Choose a user",
        list(by_id),
        format_func=lambda user_id: account_label(by_id[user_id]),
        index=None,
        placeholder="Choose a user",
        key=EDIT_USER_KEY,
    )
    row = by_id.get(chosen)
    if row is None:
        st.write("Choose whose account to change.")
    else:
        keys = edit_keys(row.id)
        form = edit_form(row.id)
        form.summary(EDIT_ORDER)
        with st.form(f"edit_user_{row.id}", clear_on_submit=False):
            st.text_input("Username", value=row.username, disabled=True)
            st.caption("A username cannot be changed.")
            st.text_input("Name", value=row.display_name, key=keys["display_name"])
            form.beside("display_name")
            st.selectbox(
                "Role",
                vocab.ROLES.codes,
                index=vocab.ROLES.codes.index(row.role),
                format_func=vocab.ROLES.label,
                key=keys["role"],
            )
            form.beside("role")
            st.multiselect(
                "Teams",
                team_names,
                default=[t for t in row.teams if t in team_names],
                key=keys["teams"],
                placeholder="Choose teams",
            )
            st.caption(TEAMS_HINT + " Someone who moves team loses access to the old team's cases.")
            form.beside("teams")
            st.text_input(
                "Council email for single sign-on (optional)",
                value=row.email or "",
                key=keys["email"],
            )
            form.beside("email")
            st.checkbox("This person can sign in", value=row.is_active, key=keys["is_active"])
            st.caption("Clear this box to switch the account off. It can be switched on again.")
            form.beside("is_active")
            st.form_submit_button("Save changes", type="primary", on_click=_save, args=(row.id,))

with resetting:
    RESET.summary(["user", "password", "confirm"])
    with st.form("reset_password", clear_on_submit=False):
        st.selectbox(
            "Whose password",
            [r.id for r in rows if r.is_active],
            format_func=lambda user_id: account_label(by_id[user_id]),
            index=None,
            placeholder="Choose a user",
            key=RESET_KEYS["user"],
        )
        RESET.beside("user")
        st.text_input(
            "New password",
            type="password",
            key=RESET_KEYS["password"],
            autocomplete="new-password",
        )
        st.caption(PASSWORD_HINT)
        RESET.beside("password")
        st.text_input(
            "Confirm new password",
            type="password",
            key=RESET_KEYS["confirm"],
            autocomplete="new-password",
        )
        RESET.beside("confirm")
        st.form_submit_button("Reset password", type="primary", on_click=_reset)

st.caption("Every change made here is recorded in the audit trail.")
