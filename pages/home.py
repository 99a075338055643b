"""Home: what this user can do now, and a few figures for their role."""

import datetime as dt

import streamlit as st

from msp.disclosure import SUPPRESSED
from msp.home import home_summary
from msp.ui import navigation, session
from msp.ui.guard import require_page
from msp.ui.text import plain

user = require_page(__file__)

INTRO = {
    "practitioner": (
        "You work on your team's safeguarding enquiries. This page shows how many are open "
        "and how many your team has concluded this reporting year."
    ),
    "supervisor": (
        "You oversee your teams' safeguarding enquiries. This page shows how many are open, "
        "how many have no worker allocated and how many were concluded this reporting year."
    ),
    "administrator": (
        "You manage the accounts and teams of this service. This page shows how many "
        "accounts are active in each role and how many teams there are."
    ),
    "commissioner": (
        "You see figures across all teams, never individual enquiries. Small numbers are "
        "hidden and other numbers are rounded, so that no one can be identified."
    ),
}

summary = home_summary(session.app_engine(), user, dt.date.today())
teams = ", ".join(plain(name) for name in user.team_names)
SCOPE = {
    "practitioner": f"Enquiries of your team: {teams}.",
    "supervisor": f"Enquiries of your teams: {teams}.",
    "administrator": "Accounts that are switched on, and teams.",
    "commissioner": (
        f"Enquiries concluded in {summary.year_label}, across all teams. {SUPPRESSED} "
        "means a number from 0 to 4; other numbers are rounded to the nearest 5."
    ),
}

st.title("Home")
st.write(f"Welcome, {plain(user.display_name)}.")
st.write(INTRO[user.role])

others = [spec for spec in navigation.pages_for(user.role) if spec.path != navigation.HOME]
if others:
    st.subheader("What you can do now")
    for spec in others:
        st.page_link(spec.path, label=f"{spec.title}: {spec.description}", icon=spec.icon)

st.subheader("Figures")
st.write(SCOPE[user.role])
for start in range(0, len(summary.figures), 3):
    row = summary.figures[start : start + 3]
    for column, figure in zip(st.columns(3), row, strict=False):
        column.metric(figure.label, figure.value, border=True)

if len(summary.teams) > 1:
    # st.table reads Markdown in its cells: team names are escaped.
    st.table(
        [
            {
                "Team": plain(row.team),
                "Open": row.open,
                "Open, no worker allocated": row.unallocated,
                f"Concluded in {summary.year_label}": row.concluded_this_year,
            }
            for row in summary.teams
        ],
        hide_index=True,
    )

if user.role != "administrator":
    st.caption(
        f"The reporting year {summary.year_label} runs from {summary.year_runs}. "
        "Enquiries entered in error are not counted."
    )
