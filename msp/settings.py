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
