"""Removed records: enquiries marked as entered in error, and restoring one."""

# Supervisors see their teams' records, administrators every team's. A removed enquiry is
# hidden from lists and figures but never destroyed here; restoring asks for confirmation
# first, and both the removal and the restore are audited.

import streamlit as st

from msp.errors import MspError
from msp.retention import list_removed, restore
from msp.ui import session
from msp.ui.guard import require_page
from msp.ui.text import plain
from msp.ui.widgets import short_date

user = require_page(__file__)

RESULT_KEY = "restore_result"  # (succeeded, message) of the last restore, shown once
PENDING_KEY = "restore_pending"  # the public id of the enquiry waiting for "Yes, restore it"
SCOPE = {
    "administrator": "You see the removed enquiries of every team.",
    "supervisor": "You see the removed enquiries of the teams you supervise.",
}


def _ask(public_id: str) -> None:
    st.session_state.pop(RESULT_KEY, None)
    st.session_state[PENDING_KEY] = public_id


def _cancel() -> None:
    st.session_state.pop(PENDING_KEY, None)


def _restore(public_id: str, case_reference: str) -> None:
    st.session_state.pop(PENDING_KEY, None)
    # Checked again: a button's callback runs before the page's guard.
    actor = session.acting_user()
    if actor is None:
        return
    try:
        restore(session.app_engine(), actor, public_id)
    except MspError as exc:
        st.session_state[RESULT_KEY] = (False, str(exc))
        return
    st.session_state[RESULT_KEY] = (
        True,
        f"The enquiry for {case_reference} has been restored. It shows again in lists and figures.",
    )


removed = list_removed(session.app_engine(), user)
pending = st.session_state.get(PENDING_KEY)

st.title("Removed records")
st.write(
    "Enquiries marked as entered in error. They are hidden from every list and figure, but "
    "they are kept. Restore one if it was removed by mistake."
)
st.write(SCOPE[user.role])
result = st.session_state.pop(RESULT_KEY, None)
if result is not None:
    succeeded, message = result
    if succeeded:
        st.success(plain(message), icon=":material/check_circle:")
    else:
        st.error(plain(message), icon=":material/error:")

if not removed:
    st.write("There are no removed enquiries.")

for record in removed:
    with st.container(border=True):
        st.subheader(plain(record.case_reference))
        by = record.deleted_by or "an unknown user"
        when = f"on {short_date(record.deleted_on)}" if record.deleted_on else "(date not recorded)"
        st.write(f"Team: {plain(record.team_name)}. Removed {when} by {plain(by)}.")
        st.caption("Reason given")
        st.text(record.reason or "No reason was recorded.")
        if pending == record.public_id:
            st.warning(
                f"Restore the enquiry for {plain(record.case_reference)}? It will show again "
                "in the team's lists and figures."
            )
            with st.container(horizontal=True):
                st.button(
                    "Yes, restore it",
                    key=f"restore_yes_{record.public_id}",
                    type="primary",
                    on_click=_restore,
                    args=(record.public_id, record.case_reference),
                )
                st.button("Cancel", key=f"restore_cancel_{record.public_id}", on_click=_cancel)
        else:
            st.button(
                "Restore",
                key=f"restore_{record.public_id}",
                icon=":material/restore:",
                on_click=_ask,
                args=(record.public_id,),
            )
