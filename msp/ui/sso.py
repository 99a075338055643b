"""Single sign-on with the council's identity provider (OpenID Connect, e.g. Microsoft Entra
ID), through `st.login`.

It is switched on by an `[auth]` section in Streamlit's secrets (see the README). The
provider only says who someone is: the email it gives is matched to an active user of this
service, and that user's row decides their role and teams. Someone the provider knows but
this service does not gets the "ask your administrator" page (`gate.py`) and nothing else.

Streamlit keeps the provider's identity in a cookie. Signing out here (or being signed out
after a spell without activity) also calls `st.logout`, so that cookie does not sign the
browser straight back in.
"""

from __future__ import annotations

import streamlit as st

LOGIN_LABEL = "Sign in with your council account"
# The email the provider gave that matches no active account (so the frame shows ASK_TITLE).
REFUSED_KEY = "sso_refused_email"


def configured() -> bool:
    """True when Streamlit's secrets have an `[auth]` section (and so `st.login` works)."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all (StreamlitSecretNotFoundError)
        return False


def provider_signed_in() -> bool:
    """True when this browser is signed in with the identity provider."""
    if not configured():
        return False
    return bool(st.user.get("is_logged_in", False))


def provider_email() -> str | None:
    """The email the identity provider gave for this browser ('' when it gave none), or
    None when the browser is not signed in there (or single sign-on is off)."""
    if not provider_signed_in():
        return None
    email = st.user.get("email")
    return email.strip() if isinstance(email, str) else ""


def login() -> None:
    """Send the browser to the identity provider (it comes back to a new session)."""
    st.login()


def logout() -> None:
    """Forget the provider's identity in this browser and sign out there too."""
    st.logout()


def refused_email() -> str | None:
    """The provider's email that matched no active account in this session, if any."""
    return st.session_state.get(REFUSED_KEY)
