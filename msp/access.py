"""Who may do what: the one place the role and team rules live.

- practitioner: reads and writes their own team's enquiries; sees their team's dashboard.
- supervisor: reads and writes the enquiries of the teams they supervise; their teams'
  dashboards; the commissioner figures; writes supervision notes; their teams' audit log.
- administrator: no enquiries by default; every team's dashboard; commissioner figures;
  users, teams and settings; the whole audit log.
- commissioner: suppressed, aggregated figures only — never a person-level record.

Every service that reads or writes a person-level record calls `require_case_access` with the
acting user; pages hide what a role cannot use, but the services are what enforce it.
"""

from __future__ import annotations

from msp.auth import CurrentUser
from msp.errors import NotAllowed

CASE_ROLES = frozenset({"practitioner", "supervisor"})
DASHBOARD_ROLES = frozenset({"practitioner", "supervisor", "administrator"})
COMMISSIONER_FIGURE_ROLES = frozenset({"supervisor", "administrator", "commissioner"})
SUPERVISION_ROLES = frozenset({"supervisor"})
ADMIN_ROLES = frozenset({"administrator"})
AUDIT_ROLES = frozenset({"supervisor", "administrator"})


def case_team_ids(user: CurrentUser) -> frozenset[int]:
    """The teams whose person-level records this user may read and write."""
    if user.role in CASE_ROLES:
        return frozenset(user.team_ids)
    return frozenset()


def can_access_case(user: CurrentUser, team_id: int) -> bool:
    return team_id in case_team_ids(user)


def require_case_access(user: CurrentUser, team_id: int) -> None:
    if not can_access_case(user, team_id):
        raise NotAllowed("You do not have access to this enquiry")


def require_case_role(user: CurrentUser) -> None:
    if user.role not in CASE_ROLES or not user.team_ids:
        raise NotAllowed("Only practitioners and supervisors with a team can work on enquiries")


def dashboard_team_ids(user: CurrentUser, all_team_ids: frozenset[int]) -> frozenset[int]:
    """The teams whose (unsuppressed) team dashboard this user may see."""
    if user.role == "administrator":
        return all_team_ids
    if user.role in {"practitioner", "supervisor"}:
        return frozenset(user.team_ids) & all_team_ids
    return frozenset()


def require_dashboard(user: CurrentUser) -> None:
    if user.role not in DASHBOARD_ROLES:
        raise NotAllowed("You do not have access to team dashboards")


def require_commissioner_figures(user: CurrentUser) -> None:
    if user.role not in COMMISSIONER_FIGURE_ROLES:
        raise NotAllowed("You do not have access to the published figures")


def require_supervisor(user: CurrentUser) -> None:
    if user.role not in SUPERVISION_ROLES:
        raise NotAllowed("Only supervisors can do this")


def require_administrator(user: CurrentUser) -> None:
    if user.role not in ADMIN_ROLES:
        raise NotAllowed("Only administrators can do this")
