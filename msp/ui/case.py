"""The chosen enquiry, as every case screen sees it.

- Which enquiry: its opaque id is in the address (`?enquiry=<id>`), so it survives a page
  reload and links between the case screens. The sidebar menu drops query parameters, so the
  id is also remembered in session state and put back into the address.
- The enquiry as read when the screen was drawn: it is read once when the user opens a case
  screen (and again after a save or "Reload"), and kept for the reruns that typing causes.
  Saves pass its `version`, so a save made after someone else's is refused instead of
  silently overwriting theirs; the screen and the version it saves against always agree.
  Reading it is audited by the service, once per screen opened rather than once per keystroke.
- A header saying which person and enquiry this is, links between the case screens, and the
  prompts, each with a link to the screen that deals with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

import streamlit as st

from msp import vocab
from msp.auth import CurrentUser
from msp.errors import ConcurrentEdit, NotAllowed, NotFound, ValidationError
from msp.overview import EnquiryView, OutcomeView, get_enquiry
from msp.prompts import Prompt
from msp.ui import session
from msp.ui.forms import FormProblems
from msp.ui.text import plain
from msp.ui.widgets import short_date, speaker_phrase

PARAM = "enquiry"
ENQUIRIES_PAGE = "pages/enquiries.py"
OVERVIEW_PAGE = "pages/enquiry.py"
SELECTED_KEY = "case_selected"
VIEW_KEY = "case_view"
PROBLEM_FIELD = "enquiry"  # where a refusal about the whole enquiry is filed in a form
MAX_ID_LENGTH = 64
NOTICE_KEY = "case_notice"
PREFILLED_KEY = "case_prefilled"  # widget key -> the recorded value it was drawn with

# The case screens, in the order of the work, with the short name used in the links.
CASE_PAGES: tuple[tuple[str, str, str], ...] = (
    (OVERVIEW_PAGE, "Overview", ":material/person:"),
    ("pages/outcomes.py", "Desired outcomes", ":material/flag:"),
    ("pages/conversations.py", "Conversations", ":material/forum:"),
    ("pages/capacity.py", "Capacity and advocacy", ":material/psychology:"),
    ("pages/conclude.py", "Conclude", ":material/task_alt:"),
    ("pages/feedback.py", "Feedback", ":material/reviews:"),
)

# Which screen deals with each prompt (msp.prompts codes).
PROMPT_PAGES = {
    "no_outcomes": "pages/outcomes.py",
    "capacity": "pages/capacity.py",
    "advocacy": "pages/capacity.py",
    "conversation_gap": "pages/conversations.py",
    "unexplained_unachievable": "pages/conversations.py",
    "feedback_overdue": "pages/feedback.py",
    "feedback_closing": "pages/feedback.py",
}
PROMPT_LINK_LABELS = {
    "pages/outcomes.py": "Record desired outcomes",
    "pages/capacity.py": "Go to capacity and advocacy",
    "pages/conversations.py": "Record a conversation",
    "pages/feedback.py": "Record feedback",
}

NO_ENQUIRY = "No enquiry is chosen. Open one from the list of enquiries, or start a new enquiry."


def _page_key(page_file: str) -> str:
    p = PurePath(page_file)
    return f"{p.parent.name}/{p.name}"


def _reload_key(page_file: str) -> str:
    """The key of the header's Reload button on this screen. Streamlit forgets a widget's
    state after a run that did not draw it, so while this key is in session state the user
    is still on this screen (typing, choosing); once they go elsewhere it is gone, and coming
    back reads the enquiry afresh."""
    return "case_reload_" + PurePath(page_file).stem


# --- Which enquiry -----------------------------------------------------------------------


def selected_id() -> str | None:
    """The chosen enquiry's opaque id: from the address, else the one remembered in this
    session (which is then put back into the address)."""
    value = st.query_params.get(PARAM)
    if isinstance(value, str) and value.strip():
        value = value.strip()[:MAX_ID_LENGTH]
        st.session_state[SELECTED_KEY] = value
        return value
    remembered = st.session_state.get(SELECTED_KEY)
    if remembered:
        st.query_params[PARAM] = remembered
        return remembered
    return None


def choose(public_id: str) -> None:
    """Make `public_id` the chosen enquiry (the address and this session)."""
    st.session_state[SELECTED_KEY] = public_id
    st.query_params[PARAM] = public_id
    st.session_state.pop(VIEW_KEY, None)


def forget_selection() -> None:
    st.session_state.pop(SELECTED_KEY, None)
    st.session_state.pop(VIEW_KEY, None)
    if PARAM in st.query_params:
        del st.query_params[PARAM]


def link(page: str, label: str, public_id: str, *, icon: str | None = None, **kwargs) -> None:
    """A link to a case screen for this enquiry (`label` is Markdown: escape user text)."""
    st.page_link(page, label=label, icon=icon, query_params={PARAM: public_id}, **kwargs)


# --- The enquiry as read when the screen was drawn ---------------------------------------


def _cache_key(user: CurrentUser, public_id: str) -> tuple:
    # A change of the user's teams reads the enquiry again (and may then refuse it).
    return (public_id, user.id, tuple(user.team_ids))


def reload() -> None:
    """Read the enquiry again on the next run (after a save, or when the user asks)."""
    st.session_state.pop(VIEW_KEY, None)


def current_view() -> EnquiryView | None:
    cached = st.session_state.get(VIEW_KEY)
    return cached[1] if cached else None


def open_case(user: CurrentUser, page_file: str) -> EnquiryView:
    """The chosen enquiry, with its header and links drawn; when there is none, or the user
    may not see it, a polite message and nothing else of the case (the page stops)."""
    public_id = selected_id()
    if public_id is None:
        st.info(NO_ENQUIRY)
        st.page_link(ENQUIRIES_PAGE, label="Go to the list of enquiries", icon=":material/list:")
        st.stop()
    just_opened = _reload_key(page_file) not in st.session_state
    key = _cache_key(user, public_id)
    cached = st.session_state.get(VIEW_KEY)
    if just_opened or cached is None or cached[0] != key:
        try:
            view = get_enquiry(session.app_engine(), user, public_id, today=dt.date.today())
        except (NotAllowed, NotFound) as exc:
            forget_selection()
            st.error(f"{plain(exc)}. Choose an enquiry from the list of enquiries.")
            st.page_link(
                ENQUIRIES_PAGE, label="Go to the list of enquiries", icon=":material/list:"
            )
            st.stop()
        st.session_state[VIEW_KEY] = (key, view)
    else:
        view = cached[1]
    header(view, page_file)
    return view


# --- Saving --------------------------------------------------------------------------------


def save(
    form: FormProblems, call: Callable[[CurrentUser, str, int], Any], success: str
) -> tuple[bool, Any]:
    """Run a service write for the chosen enquiry with the version the screen was drawn
    from: `call(actor, public_id, expected_version)`, where `actor` is the signed-in user
    read again now (a button's callback runs before the page's guard, so a user switched
    off, moved team or idle for too long since the screen was drawn must not act through
    it: nothing is written and the run that follows shows the sign-in page). On success:
    remember the confirmation, read the enquiry again, clear the cached figures, and return
    (True, the service's result). On refusal: file the problems with the form (nothing was
    written; the widgets keep what was typed) and return (False, None)."""
    actor = session.acting_user()
    if actor is None:
        return False, None
    view = current_view()
    if view is None:  # the screen was not drawn from an enquiry: nothing to save against
        form.set({PROBLEM_FIELD: NO_ENQUIRY})
        return False, None
    try:
        result = call(actor, view.public_id, view.version)
    except ValidationError as exc:
        form.set(exc)
        return False, None
    except (ConcurrentEdit, NotAllowed, NotFound) as exc:
        form.set({PROBLEM_FIELD: str(exc)})
        return False, None
    form.succeeded(success)
    reload()
    st.cache_data.clear()
    return True, result


# --- What the case screens show ------------------------------------------------------------


def describe(view: EnquiryView) -> str:
    """'Section 42 enquiry · Open, started 3 Sep 2026 · Team North · Worker: Alex North'
    (Markdown-safe)."""
    worker = plain(view.worker_name) if view.worker_name else "not allocated"
    if view.concluded_on:
        status = f"Concluded on {short_date(view.concluded_on)}"
    else:
        status = f"Open, started {short_date(view.started_on)}"
    return (
        f"{vocab.ENQUIRY_TYPES.label(view.enquiry_type)} enquiry · {status} · "
        f"Team {plain(view.team_name)} · Worker: {worker}"
    )


def person_line(view: EnquiryView) -> str:
    """'**CS-1001** · Mrs B' (Markdown-safe)."""
    name = f" · {plain(view.preferred_name)}" if view.preferred_name else ""
    return f"**{plain(view.case_reference)}**{name}"


def notify(message: str) -> None:
    """A confirmation for the next case screen drawn (e.g. after starting an enquiry)."""
    st.session_state[NOTICE_KEY] = message


def header(view: EnquiryView, page_file: str) -> None:
    """Who this is about, and links to the other screens of this enquiry."""
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.success(plain(notice), icon=":material/check_circle:")
    with st.container(border=True):
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.markdown(f"{person_line(view)}  \n{describe(view)}")
        right.button(
            "Reload",
            key=_reload_key(page_file),
            icon=":material/refresh:",
            on_click=reload,
            help="Show the latest version of this enquiry, with anyone else's changes",
        )
        current = _page_key(page_file)
        with st.container(horizontal=True, gap="small"):
            for path, name, icon in CASE_PAGES:
                link(path, name, view.public_id, icon=icon, disabled=path == current)


def prompt_box(prompt: Prompt, public_id: str, *, with_link: bool = True) -> None:
    target = PROMPT_PAGES.get(prompt.code)
    show = st.error if prompt.overdue else st.warning
    icon = ":material/priority_high:" if prompt.overdue else ":material/info:"
    with st.container():
        show(plain(prompt.message), icon=icon)
        if with_link and target:
            link(target, PROMPT_LINK_LABELS[target], public_id, icon=":material/arrow_forward:")


def show_prompts(view: EnquiryView, *, only_for: str | None = None) -> None:
    """The prompts (most pressing first), each with a link to the screen that deals with
    it; `only_for` a page file: just that screen's prompts, without links."""
    found = view.prompts
    if only_for is not None:
        wanted = _page_key(only_for)
        found = tuple(p for p in found if PROMPT_PAGES.get(p.code) == wanted)
    for prompt in found:
        prompt_box(prompt, view.public_id, with_link=only_for is None)


def concluded_notice(view: EnquiryView, what: str) -> bool:
    """When the enquiry is concluded, say that `what` can no longer change; True if so."""
    if view.status != "concluded":
        return False
    st.info(
        f"This enquiry was concluded on {short_date(view.concluded_on)}: {what}.",
        icon=":material/lock:",
    )
    return True


def outcome_card(view: EnquiryView, outcome: OutcomeView, *, versions: bool = True) -> None:
    """One desired outcome: its kind, the person's own words (as text), who said it and
    when, achievability and its explanation, the rating, and earlier versions."""
    conversations = {c.id: c for c in view.conversations}
    with st.container(border=True):
        status = "" if outcome.status == "active" else " — withdrawn"
        st.markdown(f"**{plain(outcome.label)}**{status}")
        st.caption("In their own words")
        st.text(outcome.own_words)
        facts = [
            f"Expressed by {speaker_phrase(outcome.expressed_by)} "
            f"on {short_date(outcome.expressed_on)}"
        ]
        if outcome.achievability:
            facts.append(vocab.ACHIEVABILITY.label(outcome.achievability))
        if outcome.rating:
            facts.append(f"At conclusion: {vocab.OUTCOME_RATINGS.label(outcome.rating).lower()}")
        st.caption(" · ".join(facts))
        if outcome.achievability_explanation:
            st.caption("Why it may not be achievable")
            st.text(outcome.achievability_explanation)
        if outcome.explained_in_id in conversations:
            talk = conversations[outcome.explained_in_id]
            st.caption(f"Explained to them in the conversation of {short_date(talk.held_on)}")
        elif outcome.achievability == "not_achievable" and outcome.status == "active":
            st.caption(":material/warning: Not yet explained to them in a recorded conversation")
        if outcome.person_view:
            st.caption("What they said about it at the end")
            st.text(outcome.person_view)
        if versions and len(outcome.versions) > 1:
            with st.expander(f"Earlier versions ({len(outcome.versions) - 1})"):
                for version in reversed(outcome.versions[:-1]):
                    by = f" by {plain(version.recorded_by)}" if version.recorded_by else ""
                    reason = vocab.OUTCOME_CHANGE_REASONS.label(version.reason)
                    st.markdown(
                        f"**Version {version.version_no}** · {reason} on "
                        f"{short_date(version.effective_on)}{by}"
                    )
                    st.text(version.own_words)
                    if version.change_note:
                        st.caption("Reason for the change")
                        st.text(version.change_note)


def outcome_choice_label(outcome: OutcomeView, limit: int = 60) -> str:
    """'1. For the abuse to stop and to feel safer — “I want my nephew to…”' for lists
    (options of a selectbox are shown as text, so no escaping is needed)."""
    words = " ".join(outcome.own_words.split())
    if len(words) > limit:
        words = words[: limit - 1] + "…"
    return f"{outcome.label} — “{words}”"


def prefill(key: str, value: Any) -> None:
    """Start a widget at the recorded value the first time the screen is drawn; later the
    widget keeps what the user chose. When the record changes under a field the user has not
    touched (someone else saved, and the user pressed Reload), the field shows the new value,
    so saving again cannot silently put back what the other person changed."""
    recorded = st.session_state.setdefault(PREFILLED_KEY, {})
    if (
        key not in st.session_state
        or key in recorded
        and recorded[key] != value
        and st.session_state[key] == recorded[key]
    ):
        st.session_state[key] = value
        recorded[key] = value
