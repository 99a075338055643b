"""The one list of pages: which file, its title and icon, and which roles may open it.

The frame builds each role's `st.navigation` from it and every page's guard checks it, so
the menu and the guard cannot disagree. A file in `pages/` that is not listed here is open
to no one. Add a page by adding a `PageSpec` (and the file).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from msp import access, vocab

ALL_ROLES = frozenset(vocab.ROLES.codes)
CASE_ROLES = access.CASE_ROLES  # who works on enquiries


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the folder of streamlit_app.py, e.g. "pages/home.py"
    title: str
    icon: str
    roles: frozenset[str]
    section: str
    description: str  # what a user can do there, in a few plain words
    url_path: str

    def allows(self, role: str) -> bool:
        return role in self.roles


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        path="pages/home.py",
        title="Home",
        icon=":material/home:",
        roles=ALL_ROLES,
        section="Your work",
        description="What you can do here, and figures for your work",
        url_path="home",
    ),
    PageSpec(
        path="pages/enquiries.py",
        title="Enquiries",
        icon=":material/folder_open:",
        roles=CASE_ROLES,
        section="Enquiries",
        description="Your and your team's enquiries, and what each needs next",
        url_path="enquiries",
    ),
    PageSpec(
        path="pages/new_enquiry.py",
        title="Start a new enquiry",
        icon=":material/add_circle:",
        roles=CASE_ROLES,
        section="Enquiries",
        description="Record a new safeguarding enquiry and the person it is about",
        url_path="new_enquiry",
    ),
    PageSpec(
        path="pages/enquiry.py",
        title="Enquiry overview",
        icon=":material/person:",
        roles=CASE_ROLES,
        section="The chosen enquiry",
        description="The person's journey on one screen, and what needs doing",
        url_path="enquiry",
    ),
    PageSpec(
        path="pages/outcomes.py",
        title="Desired outcomes",
        icon=":material/flag:",
        roles=CASE_ROLES,
        section="The chosen enquiry",
        description="What the person wants to happen, in their own words",
        url_path="outcomes",
    ),
    PageSpec(
        path="pages/conversations.py",
        title="Conversations",
        icon=":material/forum:",
        roles=CASE_ROLES,
        section="The chosen enquiry",
        description="Record a conversation with the person or their representative",
        url_path="conversations",
    ),
    PageSpec(
        path="pages/capacity.py",
        title="Capacity and advocacy",
        icon=":material/psychology:",
        roles=CASE_ROLES,
        section="The chosen enquiry",
        description="Mental capacity, independent advocacy and representatives",
        url_path="capacity",
    ),
    PageSpec(
        path="pages/conclude.py",
        title="Conclude the enquiry",
        icon=":material/task_alt:",
        roles=CASE_ROLES,
        section="The chosen enquiry",
        description="Rate each outcome with the person and record the national answers",
        url_path="conclude",
    ),
    PageSpec(
        path="pages/feedback.py",
        title="Feedback",
        icon=":material/reviews:",
        roles=CASE_ROLES,
        section="The chosen enquiry",
        description="What the person or their representative said about the enquiry",
        url_path="feedback",
    ),
    PageSpec(
        path="pages/dashboard.py",
        title="Team outcomes dashboard",
        icon=":material/monitoring:",
        roles=access.DASHBOARD_ROLES,
        section="Figures",
        description="How often people's outcomes were achieved, by team and over time",
        url_path="dashboard",
    ),
    PageSpec(
        path="pages/supervision.py",
        title="Supervision",
        icon=":material/supervisor_account:",
        roles=access.SUPERVISION_ROLES,
        section="Figures",
        description="A worker's open enquiries, what needs doing, and supervision notes",
        url_path="supervision",
    ),
    PageSpec(
        path="pages/commissioner.py",
        title="Published figures",
        icon=":material/public:",
        roles=access.COMMISSIONER_FIGURE_ROLES,
        section="Figures",
        description="Figures with small numbers hidden, the national return's tables, and "
        "a presentation mode",
        url_path="commissioner",
    ),
    PageSpec(
        path="pages/removed.py",
        title="Removed records",
        icon=":material/restore_from_trash:",
        roles=frozenset({"supervisor", "administrator"}),  # msp.retention.RESTORE_ROLES
        section="Records and audit",
        description="Enquiries marked as entered in error, and putting them back",
        url_path="removed",
    ),
    PageSpec(
        path="pages/import_enquiries.py",
        title="Import enquiries",
        icon=":material/upload_file:",
        roles=frozenset({"supervisor", "administrator"}),  # msp.importer.require_importer
        section="Records and audit",
        description="Bring in enquiries from your team's spreadsheet",
        url_path="import_enquiries",
    ),
    PageSpec(
        path="pages/audit.py",
        title="Audit trail",
        icon=":material/manage_search:",
        roles=access.AUDIT_ROLES,
        section="Records and audit",
        description="Who signed in, and who viewed, changed or exported which record",
        url_path="audit",
    ),
    PageSpec(
        path="pages/admin_users.py",
        title="Users",
        icon=":material/manage_accounts:",
        roles=access.ADMIN_ROLES,
        section="Administration",
        description="Add people, change their role and teams, switch accounts off",
        url_path="admin_users",
    ),
    PageSpec(
        path="pages/admin_teams.py",
        title="Teams",
        icon=":material/groups:",
        roles=access.ADMIN_ROLES,
        section="Administration",
        description="Create and rename teams",
        url_path="admin_teams",
    ),
    PageSpec(
        path="pages/settings.py",
        title="Settings",
        icon=":material/settings:",
        roles=access.ADMIN_ROLES,
        section="Administration",
        description="Timescale targets, feedback questions and the reporting year",
        url_path="settings",
    ),
    PageSpec(
        path="pages/privacy.py",
        title="Privacy",
        icon=":material/lock:",
        roles=ALL_ROLES,
        section="About this service",
        description="What this service stores, who can see it and how long it is kept",
        url_path="privacy",
    ),
)

HOME = "pages/home.py"


def _key(path: str) -> str:
    """'pages/home.py' for any path ending in pages/home.py (absolute or relative)."""
    p = PurePath(path)
    return f"{p.parent.name}/{p.name}"


def spec_for_file(path: str) -> PageSpec | None:
    """The registry entry of a page file (pass the page's `__file__`), or None."""
    key = _key(path)
    return next((spec for spec in PAGES if _key(spec.path) == key), None)


def pages_for(role: str) -> list[PageSpec]:
    """The pages `role` may open, in menu order."""
    return [spec for spec in PAGES if spec.allows(role)]


def sections_for(role: str) -> dict[str, list[PageSpec]]:
    """`pages_for(role)` grouped by section, sections in the order they first appear."""
    sections: dict[str, list[PageSpec]] = {}
    for spec in pages_for(role):
        sections.setdefault(spec.section, []).append(spec)
    return sections
