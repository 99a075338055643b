"""Council settings kept as data: timescale targets (the defaults from the domain reference
until an administrator changes them), how long a signed-in user may be idle, and the month
the council's reporting year starts in."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from sqlalchemy.engine import Engine

from db.engine import unit_of_work
from db.models import Setting
from msp.periods import MONTH_NAMES, ReportingYear

TARGETS_KEY = "targets"
SESSION_KEY = "session"
REPORTING_KEY = "reporting"
IDLE_TIMEOUT_DEFAULT = 30  # minutes
IDLE_TIMEOUT_LIMITS = (5, 480)  # five minutes to a working day


@dataclass(frozen=True)
class Targets:
    decision_working_days: int = 2
    first_conversation_working_days: int = 5
    max_gap_working_days: int = 20
    feedback_window_days: int = 56  # 8 weeks after conclusion

    @classmethod
    def from_value(cls, value: dict | None) -> Targets:
        known = {f.name for f in fields(cls)}
        clean = {k: int(v) for k, v in (value or {}).items() if k in known and isinstance(v, int)}
        return cls(**clean)

    def as_value(self) -> dict[str, int]:
        return asdict(self)


def get_targets(engine: Engine) -> Targets:
    with unit_of_work(engine) as session:
        row = session.get(Setting, TARGETS_KEY)
        return Targets.from_value(row.value if row else None)


def _store(session, key: str, value: dict, actor, changed: dict[str, list]) -> None:
    """Merge `value` into the setting `key`, as changed by `actor`, and record the change
    (name -> [old, new]) in the audit trail, in the same transaction."""
    from db.models import utcnow
    from msp import audit

    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value, updated_by_id=actor.id))
    else:
        row.value = {**(row.value or {}), **value}
        row.updated_at = utcnow()
        row.updated_by_id = actor.id
    audit.record(
        session,
        actor_id=actor.id,
        actor_username=actor.username,
        action="settings_changed",
        record_type="setting",
        record_id=key,
        details={"changed": changed},
    )


# --- Changing settings (administrators) ---------------------------------------------------

TARGET_LIMITS = {
    "decision_working_days": (1, 60, "the decision target"),
    "first_conversation_working_days": (1, 60, "the first outcomes conversation target"),
    "max_gap_working_days": (1, 120, "the longest gap between conversations"),
    "feedback_window_days": (7, 365, "the feedback window"),
}


def update_targets(engine: Engine, actor, values: dict[str, object]) -> Targets:
    """Validate and save the timescale targets (whole numbers within sensible limits);
    effective at once; audited with old -> new values."""
    from msp.access import require_administrator
    from msp.errors import ValidationError

    require_administrator(actor)
    problems = {}
    clean: dict[str, int] = {}
    for name, (low, high, what) in TARGET_LIMITS.items():
        value = values.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            problems[name] = f"Enter {what} as a whole number"
        elif not low <= value <= high:
            problems[name] = f"Enter {what} between {low} and {high}"
        else:
            clean[name] = value
    unknown = set(values) - set(TARGET_LIMITS)
    if unknown:
        problems["targets"] = "Unknown setting: " + ", ".join(sorted(unknown))
    if problems:
        raise ValidationError(problems)
    new = Targets(**clean)
    with unit_of_work(engine) as session:
        row = session.get(Setting, TARGETS_KEY)
        old = Targets.from_value(row.value if row else None)
        if old == new:
            raise ValidationError({"targets": "Nothing was changed"})
        changed = {
            k: [v, new.as_value()[k]] for k, v in old.as_value().items() if v != new.as_value()[k]
        }
        _store(session, TARGETS_KEY, new.as_value(), actor, changed)
    return new


# --- Signing out idle users ---------------------------------------------------------------


def _idle_minutes(row: Setting | None) -> int:
    value = (row.value or {}).get("idle_timeout_minutes") if row else None
    low, high = IDLE_TIMEOUT_LIMITS
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return value
    return IDLE_TIMEOUT_DEFAULT


def idle_timeout_minutes(engine: Engine) -> int:
    """Minutes without activity after which a signed-in user is signed out."""
    with unit_of_work(engine) as session:
        return _idle_minutes(session.get(Setting, SESSION_KEY))


def update_idle_timeout(engine: Engine, actor, minutes: object) -> int:
    """Validate and save the idle timeout (a whole number of minutes within the limits);
    effective from each user's next action; audited with old -> new values."""
    from msp.access import require_administrator
    from msp.errors import ValidationError

    require_administrator(actor)
    low, high = IDLE_TIMEOUT_LIMITS
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise ValidationError({"idle_timeout_minutes": "Enter the minutes as a whole number"})
    if not low <= minutes <= high:
        raise ValidationError(
            {"idle_timeout_minutes": f"Enter a number of minutes between {low} and {high}"}
        )
    with unit_of_work(engine) as session:
        row = session.get(Setting, SESSION_KEY)
        old = _idle_minutes(row)
        if minutes == old:
            raise ValidationError({"idle_timeout_minutes": "Nothing was changed"})
        _store(
            session,
            SESSION_KEY,
            {"idle_timeout_minutes": minutes},
            actor,
            {"idle_timeout_minutes": [old, minutes]},
        )
    return minutes


# --- The reporting year -----------------------------------------------------------------


def _reporting_year(row: Setting | None) -> ReportingYear:
    """The stored year, or the financial year when nothing (or no month) is stored."""
    value = (row.value or {}).get("year_start_month") if row else None
    try:
        return ReportingYear(value)
    except ValueError:
        return ReportingYear()


def reporting_year(engine: Engine) -> ReportingYear:
    """The council's reporting year: the national financial year (April to March) unless an
    administrator chose another start month."""
    with unit_of_work(engine) as session:
        return _reporting_year(session.get(Setting, REPORTING_KEY))


def update_reporting_year(engine: Engine, actor, start_month: object) -> ReportingYear:
    """Validate and save the month the reporting year starts in (1 = January ... 12 =
    December); effective at once for the dashboards and the home page (the national return's
    tables keep the financial year); audited with old -> new values."""
    from msp.access import require_administrator
    from msp.errors import ValidationError

    require_administrator(actor)
    try:
        new = ReportingYear(start_month)
    except ValueError:
        raise ValidationError({"year_start_month": "Choose a month from the list"}) from None
    with unit_of_work(engine) as session:
        old = _reporting_year(session.get(Setting, REPORTING_KEY)).start_month
        if new.start_month == old:
            raise ValidationError(
                {"year_start_month": f"The reporting year already starts in {MONTH_NAMES[old - 1]}"}
            )
        _store(
            session,
            REPORTING_KEY,
            {"year_start_month": start_month},
            actor,
            {"year_start_month": [old, start_month]},
        )
    return new
