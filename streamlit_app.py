"""MSP Outcomes: the frame that runs before every page.

Page config, the database, the demo banner, sign-in (a username and password, or single
sign-on when Streamlit's secrets have an `[auth]` section), the role's menu and the shared
sidebar, then the page itself. `st.navigation` is called on every run, signed in or not: while a
`pages/` folder exists, a run that never calls it would let Streamlit serve page files
directly (each page's guard stops that too).
"""

import streamlit as st

from msp.auth import has_any_user
from msp.demo_mode import demo_requested, is_demo_database
from msp.ui import frame, gate, session, sso

# Every run starts at the usual width: a page that widens itself (presentation mode) does so
# on its own runs only, and the next page is back to normal.
st.set_page_config(page_title=frame.APP_NAME, page_icon=":material/diversity_3:", layout="centered")

frame.focus_style()
engine = session.app_engine()
refusal = frame.demo_refusal() if demo_requested() else None
user = None

if refusal is not None:
    pages = gate.gate_pages(gate.refusal_page(refusal), "Demo mode cannot start")
else:
    if is_demo_database(engine):
        frame.demo_banner()
    user = session.signed_in_user(engine) or session.sign_in_with_provider(engine)
    if user is not None:
        pages = frame.menu(user)
    elif not demo_requested() and not has_any_user(engine):
        pages = gate.gate_pages(gate.first_administrator_page, "Create the first administrator")
    elif sso.refused_email() is not None:
        pages = gate.gate_pages(gate.ask_administrator_page, gate.ASK_TITLE)
    else:
        pages = gate.gate_pages(gate.sign_in_page, "Sign in")

# expanded: every page of the role is listed (no "View more" hiding the last ones).
page = st.navigation(pages, position="sidebar" if user else "hidden", expanded=True)
if user is not None:
    session.touch()
    frame.sidebar(user)
st.set_page_config(page_title=f"{page.title} – {frame.APP_NAME}")
page.run()
