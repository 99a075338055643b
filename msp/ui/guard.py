"""The first thing every page does: check who is signed in and that their role may see it.

The frame only offers a user the pages of their role, but Streamlit can run a file in
`pages/` directly, without the frame: while no session of the server has called
`st.navigation` yet, a folder called `pages/` puts Streamlit in its legacy multipage mode, so
the first request for `/home` after a server start runs `pages/home.py` on its own. So each
page checks again and stops when it must, and a page run in legacy mode hands over to the
frame (see `_run_through_frame`).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import NoReturn

import streamlit as st

from msp.auth import CurrentUser
from msp.ui import navigation, session

SIGN_IN_TO_CONTINUE = "Sign in to continue."
NO_ACCESS = "You do not have access to this page."


def _run_through_frame() -> None:
    """When Streamlit ran this file in legacy mode, leave that mode as `st.navigation`
    itself does, and run again: the rerun goes through the frame, which signs in and builds
    the menu, and comes back to this page only if the user may see it."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - a Streamlit without it: the checks below stop
        return
    if getattr(PagesManager, "uses_pages_directory", None):
        PagesManager.uses_pages_directory = False
        st.rerun()


def _stop_signed_out() -> NoReturn:
    st.warning(SIGN_IN_TO_CONTINUE)
    st.markdown("[Go to the sign-in page](./)")
    st.stop()


def require_user(allowed_roles: Collection[str]) -> CurrentUser:
    """The signed-in user when their role is one of `allowed_roles`; otherwise the page
    shows why not and stops here."""
    _run_through_frame()
    if st.session_state.get(session.USER_ID) is None:
        _stop_signed_out()
    user = session.signed_in_user(session.app_engine())
    if user is None:
        _stop_signed_out()
    if user.role not in allowed_roles:
        st.error(NO_ACCESS)
        st.stop()
    return user


def require_page(page_file: str) -> CurrentUser:
    """`require_user` with the roles the page registry gives this page (pass `__file__`).
    A page missing from the registry is open to no one."""
    spec = navigation.spec_for_file(page_file)
    return require_user(spec.roles if spec else ())
