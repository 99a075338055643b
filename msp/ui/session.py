"""The database engine and the signed-in user, as the frame and every page see them.

Session state holds only the user's id and when they were last active; every run reloads the
user from the database, so a deactivated account or a team move takes effect at once.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st
from sqlalchemy.engine import Engine

from db.engine import database_url, get_engine, upgrade
from msp.auth import CurrentUser, load_user, record_sign_out

USER_ID = "user_id"
LAST_ACTIVE = "last_active"


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


def signed_in_user(engine: Engine) -> CurrentUser | None:
    """The signed-in user, reloaded from the database; None when nobody is signed in or
    the account has been deactivated (which also ends the session)."""
    user_id = st.session_state.get(USER_ID)
    if user_id is None:
        return None
    user = load_user(engine, user_id)
    if user is None:
        st.session_state.clear()
    return user


def start(user: CurrentUser) -> None:
    st.session_state[USER_ID] = user.id
    touch()


def touch() -> None:
    """Note that the signed-in user did something (the idle timeout will read this)."""
    st.session_state[LAST_ACTIVE] = dt.datetime.now(dt.UTC)


def end(engine: Engine, user: CurrentUser) -> None:
    """Sign out: audit it and forget everything this browser session held."""
    record_sign_out(engine, user)
    st.session_state.clear()
