"""The database engine and the signed-in user, as the frame and every page see them.

Session state holds only the user's id and when they were last active; every run reloads the
user from the database, so a deactivated account or a team move takes effect at once, and a
user idle for longer than the idle timeout is signed out.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st
from sqlalchemy.engine import Engine

from db.engine import database_url, get_engine, upgrade
from msp import settings
from msp.auth import (
    CurrentUser,
    load_user,
    record_sign_out,
    record_sso_refusal,
    record_sso_sign_in,
    user_for_email,
)
from msp.periods import ReportingYear
from msp.ui import sso

USER_ID = "user_id"
LAST_ACTIVE = "last_active"
NOTICE_KEY = "sign_in_notice"  # a message the sign-in page shows once


@st.cache_resource(show_spinner=False)
def _migrated(url: str) -> bool:
    """Bring the database up to date once per process and URL."""
    upgrade(url)
    return True


def app_engine() -> Engine:
    """The engine for MSP_DATABASE_URL, migrated on first use."""
    url = database_url()
    _migrated(url)
    return get_engine(url)


def now() -> dt.datetime:
    """The time now, in UTC (a test can replace it)."""
    return dt.datetime.now(dt.UTC)


def idle_timeout_minutes(engine: Engine) -> int:
    """Minutes without activity after which a user is signed out: the council's setting
    (30 minutes unless an administrator changed it)."""
    return settings.idle_timeout_minutes(engine)


def reporting_year() -> ReportingYear:
    """The council's reporting year (April to March unless an administrator changed it)."""
    return settings.reporting_year(app_engine())


def idle_notice(minutes: int) -> str:
    unit = "minute" if minutes == 1 else "minutes"
    return f"You were signed out after {minutes} {unit} without activity."


def signed_in_user(engine: Engine) -> CurrentUser | None:
    """The signed-in user, reloaded from the database; None when nobody is signed in, the
    account has been deactivated (which also ends the session), or the user has been idle
    for longer than the idle timeout (which signs them out, audited, and leaves a notice
    for the sign-in page)."""
    user_id = st.session_state.get(USER_ID)
    if user_id is None:
        return None
    user = load_user(engine, user_id)
    if user is None:
        st.session_state.clear()
        return None
    last_active = st.session_state.get(LAST_ACTIVE)
    if isinstance(last_active, dt.datetime):
        minutes = idle_timeout_minutes(engine)
        if now() - last_active > dt.timedelta(minutes=minutes):
            end(engine, user)
            st.session_state[NOTICE_KEY] = idle_notice(minutes)
            return None
    return user


def acting_user() -> CurrentUser | None:
    """The signed-in user, checked again inside a widget's callback. Callbacks run before
    the frame and the page's guard, so one must not act for a user signed out meanwhile
    (switched off, or idle for too long): this returns None then, and the run that follows
    shows the sign-in page."""
    return signed_in_user(app_engine())


def sign_in_with_provider(engine: Engine) -> CurrentUser | None:
    """For a browser signed in with the council's identity provider (single sign-on) while
    nobody is signed in here: sign in the active user with the provider's email (audited).
    None otherwise; when no active user has that email, `sso.refused_email()` gives it."""
    email = sso.provider_email()
    if email is None:
        st.session_state.pop(sso.REFUSED_KEY, None)
        return None
    user = user_for_email(engine, email) if email else None
    if user is None:
        if st.session_state.get(sso.REFUSED_KEY) != email:  # once per session, not per run
            record_sso_refusal(engine, email)
        st.session_state[sso.REFUSED_KEY] = email
        return None
    st.session_state.clear()
    start(user)
    record_sso_sign_in(engine, user)
    return user


def start(user: CurrentUser) -> None:
    st.session_state[USER_ID] = user.id
    touch()


def touch() -> None:
    """Note that the signed-in user did something (the idle timeout reads this)."""
    st.session_state[LAST_ACTIVE] = now()


def end(engine: Engine, user: CurrentUser) -> None:
    """Sign out: audit it and forget everything this browser session held, including the
    identity provider's sign-in (else its cookie would sign the browser straight back in)."""
    record_sign_out(engine, user)
    st.session_state.clear()
    if sso.provider_signed_in():
        sso.logout()
