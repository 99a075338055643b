"""The national return's MSP-related tables (Safeguarding Adults Collection, SAC).

For one financial year, concluded **section 42** enquiries (not soft-deleted), counted by the
database per team, with the exact national labels from `msp.vocab`:

- SG2a type of risk (an enquiry counts once under each type that applies), and the source
  of risk (the breakdown SG2a/SG2b use);
- SG2b location of risk; SG2c risk assessment outcome; SG2e risk outcome, where a risk was
  identified and action taken;
- SG3a lacked capacity, with "of which support was provided by an advocate, family or
  friend" (a subset of the "Yes" row, so never larger);
- SG4a asked about desired outcomes; and, of those who expressed outcomes, achieved.

A missing SG3a or SG4a "asked" answer is counted as "Not recorded" / "Not Recorded", as the
return asks; a missing location, source or risk assessment outcome is not counted (those
tables have no such row), so their totals can be below the number of enquiries.

Each table has one row per national label and a column per team plus a Total. The command
line (`msp sac`) and the commissioner page both call `sac_tables`: one implementation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.engine import unit_of_work
from db.models import EnquiryRiskType, Team
from msp import access, vocab
from msp.auth import CurrentUser
from msp.disclosure import RULE_TEXT, suppress_table
from msp.errors import NotAllowed, ValidationError
from msp.metrics.sql import enquiries as E
from msp.periods import fy_label

LABEL = "Label"
TOTAL = "Total"
OF_WHICH_SUPPORTED = "Of which: support provided by an advocate, family or friend"
NOT_RECORDED = "not_recorded"
RESERVED_COLUMNS = frozenset({"Table", "Item", LABEL, TOTAL})


@dataclass(frozen=True)
class SacTable:
    """One table: `key` is unique and short (a spreadsheet sheet name), `code` the national
    table (SG2a ...), `title` what it counts; `frame` has Label, one column per team, Total."""

    key: str
    code: str
    title: str
    frame: pd.DataFrame


@dataclass(frozen=True)
class _Spec:
    key: str
    code: str
    title: str
    vocabulary: vocab.Vocabulary


SPECS = (
    _Spec("SG2a", "SG2a", "Type of risk", vocab.RISK_TYPES),
    _Spec("SG2a-b source", "SG2a/b", "Source of risk", vocab.SOURCES_OF_RISK),
    _Spec("SG2b", "SG2b", "Location of risk", vocab.LOCATIONS),
    _Spec("SG2c", "SG2c", "Risk assessment outcome", vocab.RISK_ASSESSMENT_OUTCOMES),
    _Spec(
        "SG2e",
        "SG2e",
        "Risk outcome (where a risk was identified and action taken)",
        vocab.RISK_OUTCOMES,
    ),
    _Spec("SG3a", "SG3a", "Lacked capacity", vocab.LACKED_CAPACITY),
    _Spec("SG4a asked", "SG4a", "Asked about desired outcomes", vocab.MSP_ASKED),
    _Spec(
        "SG4a achieved",
        "SG4a",
        "Outcomes achieved (of those who expressed outcomes)",
        vocab.MSP_ACHIEVED,
    ),
)


def _base(year: int, team_ids: Sequence[int] | None) -> list[sa.ColumnElement[bool]]:
    conds = [
        E.c.concluded_fy == year,
        E.c.enquiry_type == "s42",
        E.c.is_deleted == sa.false(),
    ]
    if team_ids is not None:
        conds.append(E.c.team_id.in_(sorted(team_ids)))
    return conds


# The enquiry-level answers the tables count, read in one pass (one GROUP BY over them all).
ANSWER_COLUMNS = (
    "location_of_risk",
    "source_of_risk",
    "risk_assessment_outcome",
    "risk_outcome",
    "lacked_capacity",
    "capacity_support_provided",
    "msp_asked",
    "msp_achieved",
)


def sac_statements(year: int, team_ids: Sequence[int] | None = None) -> dict[str, sa.Select]:
    """The two queries behind the tables: "answers" counts enquiries per team and combination
    of answers (one pass; the tables are sums over it), "risk_types" counts enquiries per
    team and type of risk (one row per type, as SG2a counts)."""
    conds = _base(year, team_ids)
    dims = [E.c.team_id, *(E.c[name] for name in ANSWER_COLUMNS)]
    answers = sa.select(*dims, sa.func.count().label("n")).where(*conds).group_by(*dims)
    risk_types = (
        sa.select(E.c.team_id, EnquiryRiskType.risk_type, sa.func.count().label("n"))
        .select_from(E)
        .join(EnquiryRiskType, EnquiryRiskType.enquiry_id == E.c.id)
        .where(*conds)
        .group_by(E.c.team_id, EnquiryRiskType.risk_type)
    )
    return {"answers": answers, "risk_types": risk_types}


def _tally(answers: pd.DataFrame, key: str) -> dict[tuple[int, str], int]:
    """(team id, code) -> count for one table, summed over the answer combinations."""
    a = answers
    if key == "SG2a-b source":
        part, code = a[a["source_of_risk"].notna()], a["source_of_risk"]
    elif key == "SG2b":
        part, code = a[a["location_of_risk"].notna()], a["location_of_risk"]
    elif key == "SG2c":
        part, code = a[a["risk_assessment_outcome"].notna()], a["risk_assessment_outcome"]
    elif key == "SG2e":
        keep = (a["risk_assessment_outcome"] == "identified_action") & a["risk_outcome"].notna()
        part, code = a[keep], a["risk_outcome"]
    elif key == "SG3a":
        part, code = a, a["lacked_capacity"].fillna(NOT_RECORDED)
    elif key == "SG3a supported":
        keep = (a["lacked_capacity"] == "yes") & a["supported"]
        part, code = a[keep], pd.Series("supported", index=a.index)
    elif key == "SG4a asked":
        part, code = a, a["msp_asked"].fillna(NOT_RECORDED)
    elif key == "SG4a achieved":
        keep = (a["msp_asked"] == "asked_expressed") & a["msp_achieved"].notna()
        part, code = a[keep], a["msp_achieved"]
    else:  # pragma: no cover - keys are ours
        raise KeyError(key)
    summed = part.assign(code=code[part.index]).groupby(["team_id", "code"])["n"].sum()
    return {(int(t), str(c)): int(n) for (t, c), n in summed.items()}


def _resolve_teams(
    session: Session, team_names: Sequence[str] | None, team_ids: Sequence[int] | None
) -> list[tuple[int, str]]:
    # Sorted here, not by the database: collations differ between SQLite and PostgreSQL.
    found = session.execute(sa.select(Team.id, Team.name)).all()
    rows = sorted(((r.id, r.name) for r in found), key=lambda t: (t[1].casefold(), t[1]))
    if team_names:
        wanted = {name.strip().casefold() for name in team_names}
        chosen = [(i, n) for i, n in rows if n.casefold() in wanted]
        if len(chosen) < len(wanted):
            known = {n.casefold() for _, n in chosen}
            missing = ", ".join(sorted(n for n in team_names if n.strip().casefold() not in known))
            raise ValidationError({"team": f"There is no team called {missing}"})
        rows = chosen
    if team_ids:
        wanted_ids = set(team_ids)
        chosen = [(i, n) for i, n in rows if i in wanted_ids]
        if len(chosen) < len(wanted_ids):
            raise ValidationError({"team": "Choose teams from the list"})
        rows = chosen
    return rows


def _check_access(user: CurrentUser | None, team_ids: list[int], suppress: bool) -> None:
    """Anyone who may see published figures gets them suppressed; unsuppressed tables are for
    administrators (and the command line, run by whoever holds the database), and for
    supervisors about their own teams only."""
    if user is None:
        return
    access.require_commissioner_figures(user)
    if suppress or user.role == "administrator":
        return
    if user.role == "supervisor" and team_ids and set(team_ids) <= set(user.team_ids):
        return
    raise NotAllowed("You can see these tables with small numbers suppressed only")


def _column_name(name: str) -> str:
    return f"{name} (team)" if name in RESERVED_COLUMNS else name


def sac_tables(
    engine: Engine,
    year: int,
    *,
    team_names: Sequence[str] | None = None,
    team_ids: Sequence[int] | None = None,
    suppress: bool = False,
    user: CurrentUser | None = None,
) -> list[SacTable]:
    """The MSP-related SAC tables for the financial year starting in `year` (2025 = 2025-26).

    `team_names` / `team_ids` keep only those teams' columns (the Total is then theirs);
    otherwise every team has a column. `suppress=True` applies the small-number rule to every
    cell (each cell on its own unrounded count). `user` is the acting user in the app (see
    `_check_access`); None for the command line."""
    with unit_of_work(engine) as session:
        teams = _resolve_teams(session, team_names, team_ids)
        filtered = bool(team_names or team_ids)
        ids = [i for i, _ in teams]
        _check_access(user, ids if filtered else [], suppress)
        statements = sac_statements(year, ids if filtered else None)
        answers = pd.DataFrame(
            [tuple(r) for r in session.execute(statements["answers"])],
            columns=["team_id", *ANSWER_COLUMNS, "n"],
            dtype=object,
        )
        risk_rows = session.execute(statements["risk_types"]).all()
    answers["n"] = answers["n"].astype("int64")
    # True / 1 (SQLite) / False / 0 / None -> bool
    answers["supported"] = [bool(v) for v in answers["capacity_support_provided"]]
    keys = [spec.key for spec in SPECS if spec.key != "SG2a"] + ["SG3a supported"]
    counts = {key: _tally(answers, key) for key in keys}
    counts["SG2a"] = {(int(t), str(c)): int(n) for t, c, n in risk_rows}
    columns = [_column_name(name) for _, name in teams]
    tables = []
    for spec in SPECS:
        found = counts[spec.key]
        rows = []
        for term in spec.vocabulary:
            values = [found.get((team_id, term.code), 0) for team_id in ids]
            rows.append([term.label, *values, sum(values)])
        if spec.key == "SG3a":
            values = [counts["SG3a supported"].get((team_id, "supported"), 0) for team_id in ids]
            rows.append([OF_WHICH_SUPPORTED, *values, sum(values)])
        frame = pd.DataFrame(rows, columns=[LABEL, *columns, TOTAL])
        if suppress:
            frame = suppress_table(frame, label_columns=[LABEL])
        tables.append(SacTable(spec.key, spec.code, spec.title, frame))
    return tables


def sac_frame(tables: Sequence[SacTable]) -> pd.DataFrame:
    """All tables in one: Table, Item, Label, one column per team, Total (for CSV)."""
    parts = [t.frame.assign(Table=t.code, Item=t.title) for t in tables]
    frame = pd.concat(parts, ignore_index=True)
    front = ["Table", "Item", LABEL]
    return frame[front + [c for c in frame.columns if c not in front]]


def sac_sheets(
    tables: Sequence[SacTable], *, year: int, suppressed: bool
) -> dict[str, pd.DataFrame]:
    """One sheet per table (named by its key) and an About sheet saying what is counted."""
    about = pd.DataFrame(
        [
            ("Return", "Safeguarding Adults Collection: MSP-related tables"),
            ("Financial year", fy_label(year)),
            ("Counted", "Section 42 enquiries concluded in the year (not deleted in error)"),
            (
                "Small numbers",
                RULE_TEXT if suppressed else "Not suppressed: for internal use only",
            ),
        ],
        columns=["Item", "Value"],
    )
    sheets = {"About": about}
    for t in tables:
        sheets[t.key] = t.frame
    return sheets
