"""Teams (administrators): the teams and their sizes; create a team, rename one."""

# People are put in teams on the Users page.

import pandas as pd
import streamlit as st

from msp.auth import CurrentUser
from msp.errors import MspError, ValidationError
from msp.ui import session
from msp.ui.forms import FormProblems
from msp.ui.guard import require_page
from msp.users import create_team, list_teams, rename_team

user = require_page(__file__)

CREATE = FormProblems("create_team")
CREATE_NAME_KEY = "create_team_name"
RENAME = FormProblems("rename_team")
RENAME_TEAM_KEY = "rename_team_id"
RENAME_NAME_KEY = "rename_team_name"


def _administrator() -> CurrentUser | None:
    """The administrator acting, checked again when a button's callback runs (callbacks run
    before the page's guard)."""
    actor = session.acting_user()
    return actor if actor is not None and actor.role == "administrator" else None


def _create() -> None:
    RENAME.clear()  # one form's old problems go when another is used
    actor = _administrator()
    if actor is None:
        return
    name = st.session_state.get(CREATE_NAME_KEY) or ""
    try:
        create_team(session.app_engine(), actor, name)
    except ValidationError as exc:
        CREATE.set(exc)
        return
    except MspError as exc:
        CREATE.set({"form": str(exc)})
        return
    st.session_state.pop(CREATE_NAME_KEY, None)
    CREATE.succeeded(f"Created the team {name.strip()}.")


def _rename() -> None:
    CREATE.clear()
    actor = _administrator()
    if actor is None:
        return
    team_id = st.session_state.get(RENAME_TEAM_KEY)
    name = st.session_state.get(RENAME_NAME_KEY) or ""
    if team_id is None:
        RENAME.set({"team": "Choose the team to rename"})
        return
    try:
        rename_team(session.app_engine(), actor, team_id, name)
    except ValidationError as exc:
        RENAME.set(exc)
        return
    except MspError as exc:
        RENAME.set({"form": str(exc)})
        return
    st.session_state.pop(RENAME_NAME_KEY, None)
    RENAME.succeeded(f"The team is now called {name.strip()}.")


teams = list_teams(session.app_engine())
names = {t.id: t.name for t in teams}

st.title("Teams")
st.write(
    "Enquiries belong to a team, and people see the enquiries of their own teams. Put people "
    "in teams on the Users page."
)

st.header("All teams")
if teams:
    st.dataframe(
        pd.DataFrame({"Team": [t.name for t in teams], "People": [t.members for t in teams]}),
        hide_index=True,
        width="stretch",
    )
else:
    st.write("There are no teams yet.")

st.header("Create a team")
CREATE.summary(["name"])
with st.form("create_team", clear_on_submit=False):
    st.text_input("Team name", key=CREATE_NAME_KEY, max_chars=120)
    CREATE.beside("name")
    st.form_submit_button("Create team", type="primary", on_click=_create)

if teams:
    st.header("Rename a team")
    st.write("The new name shows everywhere at once, including on enquiries already recorded.")
    RENAME.summary(["team", "name"])
    with st.form("rename_team", clear_on_submit=False):
        st.selectbox(
            "Team",
            list(names),
            format_func=names.__getitem__,
            index=None,
            placeholder="Choose a team",
            key=RENAME_TEAM_KEY,
        )
        RENAME.beside("team")
        st.text_input("New name", key=RENAME_NAME_KEY, max_chars=120)
        RENAME.beside("name")
        st.form_submit_button("Rename team", type="primary", on_click=_rename)
