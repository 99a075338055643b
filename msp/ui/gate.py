"""The screens shown before anyone is signed in: sign in (with a username and password,
and with the council's account when single sign-on is set up), "ask your administrator" for
someone single sign-on knows but this service does not, create the first administrator, and
demo mode refusing a database that holds real data.

They are function pages (not files in `pages/`), offered by the frame while nobody is signed
in. `gate_pages` also answers every page's address with the same screen, so a deep link
shows the sign-in form (not "page not found") and, once signed in, opens the page asked for.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from msp.auth import MIN_PASSWORD_LENGTH, CurrentUser, authenticate, password_problem
from msp.demo_mode import demo_accounts, demo_requested, demo_sign_in
from msp.errors import MspError, NotAllowed, ValidationError
from msp.ui import navigation, session, sso
from msp.ui.text import plain

SERVICE_NAME = "MSP Outcomes: Making Safeguarding Personal"

# Sign in
SIGN_IN_FORM = "sign_in"
USERNAME_KEY = "sign_in_username"
PASSWORD_KEY = "sign_in_password"
FAILED_KEY = "sign_in_failed"
NOTICE_KEY = session.NOTICE_KEY
SSO_LOGIN_KEY = "sso_login"
WRONG_CREDENTIALS = "Enter a correct username and password."

# Single sign-on: someone the identity provider knows, with no active account here
ASK_TITLE = "Ask your administrator to add you"
ASK_SIGN_OUT_KEY = "sso_sign_out"

# First administrator
FIRST_ADMIN_FORM = "first_admin"
FIRST_ADMIN_PROBLEMS = "first_admin_problems"
FIRST_ADMIN_FIELDS = {
    # field name used by msp.users -> (label, widget key)
    "username": ("Username", "first_admin_username"),
    "display_name": ("Your name", "first_admin_display_name"),
    "password": ("Password", "first_admin_password"),
    "confirm": ("Confirm password", "first_admin_confirm"),
}
FIRST_ADMIN_AUTOCOMPLETE = {
    "username": "username",
    "display_name": "name",
    "password": "new-password",
    "confirm": "new-password",
}
FIRST_ADMIN_HINTS = {
    "username": "Lower-case letters, digits, dots, hyphens or underscores, like j.smith",
    "display_name": "The name other users will see",
    "password": (
        f"At least {MIN_PASSWORD_LENGTH} characters. A few unrelated words make a strong password."
    ),
}
PASSWORDS_DIFFER = "Enter the same password in both password boxes"


def gate_pages(render: Callable[[], None], title: str) -> list:
    """`render` as the only visible page, answering at every registered page's address."""
    home = navigation.spec_for_file(navigation.HOME)
    assert home is not None
    pages = [st.Page(render, title=title, url_path=home.url_path, default=True)]
    pages += [
        st.Page(render, title=title, url_path=spec.url_path, visibility="hidden")
        for spec in navigation.PAGES
        if spec.url_path != home.url_path
    ]
    return pages


def _begin(user: CurrentUser) -> None:
    """Start a fresh session for `user`: nothing typed before signing in is kept."""
    st.session_state.clear()
    session.start(user)


# --- Sign in -------------------------------------------------------------------------------


def _sign_in() -> None:
    state = st.session_state
    try:
        user = authenticate(
            session.app_engine(), state.get(USERNAME_KEY, ""), state.get(PASSWORD_KEY, "")
        )
    except MspError as exc:  # e.g. too many attempts: the service's message says what to do
        user, problem = None, str(exc)
    else:
        problem = WRONG_CREDENTIALS
    if user is None:
        state[FAILED_KEY] = problem
        state.pop(NOTICE_KEY, None)
        return
    _begin(user)


def _demo_sign_in(user_id: int) -> None:
    try:
        user = demo_sign_in(session.app_engine(), user_id)
    except NotAllowed as exc:
        st.session_state[NOTICE_KEY] = str(exc)
        return
    _begin(user)


def demo_button_label(user: CurrentUser) -> str:
    """'Sign in as Sam Lee (Supervisor, North, South)', Markdown-safe."""
    detail = ", ".join(plain(part) for part in (user.role_label, *user.team_names))
    return f"Sign in as {plain(user.display_name)} ({detail})"


def sign_in_page() -> None:
    engine = session.app_engine()
    single_sign_on = sso.configured()
    st.caption(SERVICE_NAME)
    st.title("Sign in")
    if single_sign_on:
        st.write("Sign in with the account you use for your council email.")
    else:
        st.write("Sign in with the username and password your administrator gave you.")
    notice = st.session_state.get(NOTICE_KEY)
    if notice:
        st.info(plain(notice))
    problem = st.session_state.get(FAILED_KEY)
    if problem:
        st.error(plain(problem))
    if single_sign_on:
        st.button(sso.LOGIN_LABEL, key=SSO_LOGIN_KEY, type="primary", on_click=sso.login)
        st.subheader("Or use a username and password")
        st.write("Only if your administrator gave you a username and password.")
    with st.form(SIGN_IN_FORM, clear_on_submit=False):
        st.text_input("Username", key=USERNAME_KEY, autocomplete="username")
        st.text_input(
            "Password", type="password", key=PASSWORD_KEY, autocomplete="current-password"
        )
        st.form_submit_button(
            "Sign in", type="secondary" if single_sign_on else "primary", on_click=_sign_in
        )

    if demo_requested():
        accounts = demo_accounts(engine)
        if accounts:
            st.subheader("Demo accounts")
            st.write(
                "This is a demo with made-up data. Sign in as one of these people to see "
                "what they would see."
            )
            for user in accounts:
                st.button(
                    demo_button_label(user),
                    key=f"demo_sign_in_{user.id}",
                    on_click=_demo_sign_in,
                    args=(user.id,),
                )


# --- Single sign-on without an account --------------------------------------------------------


def ask_administrator_page() -> None:
    """The only page for someone the identity provider knows but this service does not (or
    whose account is switched off): what to do, and the way out."""
    email = sso.refused_email()
    st.caption(SERVICE_NAME)
    st.title(ASK_TITLE)
    if email:
        # As text: Markdown would turn the address into an email link.
        st.write("No account uses the email address of your council account:")
        st.text(email)
        st.write(
            "Ask your administrator to add you to MSP Outcomes with this email address, or "
            "to switch your account back on. Then sign in again."
        )
    else:
        st.write("Your council account did not give an email address, so no account matches.")
        st.write("Ask your administrator to help. Then sign in again.")
    st.button("Sign out", key=ASK_SIGN_OUT_KEY, icon=":material/logout:", on_click=sso.logout)


# --- First administrator -------------------------------------------------------------------


def _create_first_administrator() -> None:
    from msp.users import create_first_administrator

    state = st.session_state
    values = {name: state.get(key, "") for name, (_, key) in FIRST_ADMIN_FIELDS.items()}
    if values["password"] != values["confirm"]:
        problems = {"confirm": PASSWORDS_DIFFER}
        weak = password_problem(values["password"])
        if weak:
            problems = {"password": weak, **problems}
        state[FIRST_ADMIN_PROBLEMS] = problems
        return
    try:
        user = create_first_administrator(
            session.app_engine(),
            username=values["username"],
            display_name=values["display_name"],
            password=values["password"],
        )
    except ValidationError as exc:
        state[FIRST_ADMIN_PROBLEMS] = exc.problems
        return
    except NotAllowed as exc:
        state.clear()
        state[NOTICE_KEY] = str(exc)
        return
    _begin(user)


def _ordered_problems(problems: dict[str, str]) -> list[tuple[str, str]]:
    order = list(FIRST_ADMIN_FIELDS)
    return sorted(problems.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)


def first_administrator_page() -> None:
    st.caption(SERVICE_NAME)
    st.title("Create the first administrator")
    st.write(
        "Nobody has an account yet. Create the administrator's account for this council; "
        "you can add everyone else once you are signed in."
    )
    problems: dict[str, str] = st.session_state.get(FIRST_ADMIN_PROBLEMS) or {}
    if problems:
        lines = "\n".join(f"- {plain(message)}" for _, message in _ordered_problems(problems))
        st.error(f"**There is a problem**\n\n{lines}")

    with st.form(FIRST_ADMIN_FORM, clear_on_submit=False):
        for name, (label, key) in FIRST_ADMIN_FIELDS.items():
            st.text_input(
                label,
                key=key,
                type="password" if name in {"password", "confirm"} else "default",
                autocomplete=FIRST_ADMIN_AUTOCOMPLETE[name],
            )
            if name in FIRST_ADMIN_HINTS:
                st.caption(FIRST_ADMIN_HINTS[name])
            if name in problems:
                st.error(plain(problems[name]))
        st.form_submit_button(
            "Create administrator", type="primary", on_click=_create_first_administrator
        )


# --- Demo mode refused ---------------------------------------------------------------------


def refusal_page(message: str) -> Callable[[], None]:
    def demo_mode_refused() -> None:
        st.caption(SERVICE_NAME)
        st.title("Demo mode cannot start")
        st.error(plain(message))

    return demo_mode_refused
