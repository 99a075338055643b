"""The one list of pages: which file, its title and icon, and which roles may open it.

The frame builds each role's `st.navigation` from it and every page's guard checks it, so
the menu and the guard cannot disagree. A file in `pages/` that is not listed here is open
to no one. Add a page by adding a `PageSpec` (and the file).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from msp import vocab

ALL_ROLES = frozenset(vocab.ROLES.codes)


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
