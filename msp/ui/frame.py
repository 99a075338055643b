"""Pieces of the frame that runs before every page: the demo banner, the demo database
check, the role's menu and the shared sidebar."""

from __future__ import annotations

import streamlit as st

from db.engine import database_url, get_engine
from msp.auth import CurrentUser
from msp.demo_mode import prepare_demo_database
from msp.errors import NotAllowed
from msp.ui import gate, navigation, session
from msp.ui.text import plain

APP_NAME = "MSP Outcomes"
DEMO_BANNER = "Demo — synthetic data"
SIGN_OUT_KEY = "sign_out"
SIGNED_OUT = "You have signed out."


# WCAG 2.2 AA, 2.4.7 Focus Visible and 1.4.11 Non-text Contrast: Streamlit marks a focused
# link (the sidebar menu, links in a page) and a focused radio button or checkbox only with a
# faint grey background. These get the GOV.UK focus style instead: yellow behind, a black
# ring around, black text; buttons and fields keep Streamlit's own (clear) focus ring.
FOCUS_STYLE = """<style>
a:focus-visible {
  outline: 3px solid #0b0c0c !important;
  outline-offset: 0 !important;
  background-color: #ffdd00 !important;
  color: #0b0c0c !important;
  box-shadow: none !important;
}
a:focus-visible * { color: #0b0c0c !important; }
label:has(input[type="radio"]:focus-visible),
label:has(input[type="checkbox"]:focus-visible) {
  outline: 3px solid #0b0c0c;
  outline-offset: 2px;
  background-color: #ffdd00;
}
</style>"""


def focus_style() -> None:
    """A clearly visible keyboard focus on every page (see FOCUS_STYLE)."""
    st.html(FOCUS_STYLE)


@st.cache_resource(show_spinner="Preparing the demo data…")
def _prepared_demo(url: str) -> bool:
    prepare_demo_database(get_engine(url))
    return True


def demo_refusal() -> str | None:
    """Make sure the demo database is ready (once per process and URL); the reason when
    demo mode refuses this database, else None."""
    try:
        _prepared_demo(database_url())
    except NotAllowed as exc:
        return str(exc)
    return None


def demo_banner() -> None:
    st.warning(
        f"**{DEMO_BANNER}.** Every person, enquiry and account here is made up.",
        icon=":material/science:",
    )


def menu(user: CurrentUser) -> dict[str, list]:
    """The role's pages for `st.navigation`, in sections."""
    return {
        section: [
            st.Page(
                spec.path,
                title=spec.title,
                icon=spec.icon,
                url_path=spec.url_path,
                default=spec.path == navigation.HOME,
            )
            for spec in specs
        ]
        for section, specs in navigation.sections_for(user.role).items()
    }


def _sign_out(user: CurrentUser) -> None:
    session.end(session.app_engine(), user)
    st.session_state[gate.NOTICE_KEY] = SIGNED_OUT


def teams_line(user: CurrentUser) -> str:
    """The line 'Team: North' or 'Teams: North, South' (Markdown-safe); '' for no team."""
    if not user.team_names:
        return ""
    word = "Team" if len(user.team_names) == 1 else "Teams"
    return f"{word}: " + ", ".join(plain(name) for name in user.team_names)


def sidebar(user: CurrentUser) -> None:
    """Who is signed in, their role and teams, and the way out."""
    with st.sidebar:
        st.caption("Signed in as")
        lines = [f"**{plain(user.display_name)}**", plain(user.role_label), teams_line(user)]
        # Two spaces before a newline: one paragraph, one line each.
        st.markdown("  \n".join(line for line in lines if line))
        st.button(
            "Sign out",
            key=SIGN_OUT_KEY,
            icon=":material/logout:",
            on_click=_sign_out,
            args=(user,),
        )
