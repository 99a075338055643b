"""Council settings kept as data: timescale targets (the defaults from the domain reference
until an administrator changes them)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from sqlalchemy.engine import Engine

from db.engine import unit_of_work
from db.models import Setting

TARGETS_KEY = "targets"


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
    from db.models import utcnow
    from msp import audit
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
        if row is None:
            session.add(Setting(key=TARGETS_KEY, value=new.as_value(), updated_by_id=actor.id))
        else:
            row.value = new.as_value()
            row.updated_at = utcnow()
            row.updated_by_id = actor.id
        changed = {
            k: [v, new.as_value()[k]] for k, v in old.as_value().items() if v != new.as_value()[k]
        }
        audit.record(
            session,
            actor_id=actor.id,
            actor_username=actor.username,
            action="settings_changed",
            record_type="setting",
            record_id=TARGETS_KEY,
            details={"changed": changed},
        )
    return new
