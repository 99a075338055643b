"""Supervision: a worker's open caseload as their supervisor sees it in a supervision session,
supervision notes recorded against an enquiry, and a one-page PDF summary of the caseload.

Only a supervisor of the team may see a worker's caseload in that team or record a note; the
notes of an enquiry can be read by anyone who may work on it. Recording a note and exporting
the summary each leave one audit event (coded values only, never the text of a note).

The PDF is drawn with vl-convert (already used for the dashboards' exports), so no PDF
library is needed: the page is a fixed A4 canvas on which text is placed line by line, and
what does not fit is counted ("and 3 more") rather than spilling onto a second page. It
names no one but the worker and the supervisor: people appear only by case reference.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass

import altair as alt
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from db.engine import unit_of_work
from db.models import (
    Conversation,
    DesiredOutcome,
    Enquiry,
    Person,
    SupervisionNote,
    Team,
    User,
    team_memberships,
)
from msp import access, audit, vocab
from msp.auth import CurrentUser
from msp.casework import audit_case, case_write, load_case

# The per-enquiry facts behind the prompts, exactly as the list of enquiries builds them, so
# the caseload shows the same prompts as the enquiry list and the overview.
from msp.enquiries import case_fact_columns, case_facts
from msp.errors import NotAllowed, NotFound
from msp.prompts import Prompt, prompts
from msp.settings import Targets, get_targets
from msp.validation import MAX_LONG_TEXT, Checker

AT_RISK = ("not_achievable", "partly")  # achievability answers that put an outcome at risk
NOTE_FIELDS = ("reflection", "agreed_actions", "lessons")
NOTE_FIELD_LABELS = {
    "reflection": "Reflection",
    "agreed_actions": "Agreed actions",
    "lessons": "Lessons learned",
}
_NOTE_FIELD_WHAT = {
    "reflection": "the reflection",
    "agreed_actions": "the agreed actions",
    "lessons": "the lessons learned",
}
EMPTY_NOTE = "Enter a reflection, the agreed actions or the lessons learned"


# --- The caseload ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeAtRisk:
    position: int
    category: str  # standard outcome code
    achievability: str  # 'not_achievable' or 'partly'
    explained: bool  # an explanation conversation is linked (matters when not achievable)

    @property
    def label(self) -> str:
        """'Outcome 2 (partly achievable): To be involved in what happens next'."""
        how = vocab.ACHIEVABILITY.label(self.achievability).lower()
        return f"Outcome {self.position} ({how}): {vocab.STANDARD_OUTCOMES.label(self.category)}"


@dataclass(frozen=True)
class CaseloadRow:
    public_id: str
    case_reference: str
    enquiry_type: str
    started_on: dt.date
    last_conversation_with_person: dt.date | None
    days_since_conversation: int  # since that conversation, or since the start if none yet
    active_outcomes: int
    prompts: tuple[Prompt, ...]
    outcomes_at_risk: tuple[OutcomeAtRisk, ...]

    @property
    def overdue(self) -> bool:
        return any(p.overdue for p in self.prompts)

    @property
    def conversation_text(self) -> str:
        """'15 days ago', 'Today' or 'None yet (started 40 days ago)'."""
        if self.last_conversation_with_person is None:
            return f"None yet (started {_ago(self.days_since_conversation)})"
        return _ago(self.days_since_conversation).capitalize()


@dataclass(frozen=True)
class Caseload:
    team_id: int
    team_name: str
    worker_id: int
    worker_name: str
    today: dt.date
    targets: Targets
    rows: tuple[CaseloadRow, ...]

    @property
    def open_enquiries(self) -> int:
        return len(self.rows)

    @property
    def with_overdue_prompts(self) -> int:
        return sum(1 for r in self.rows if r.overdue)

    @property
    def with_prompts(self) -> int:
        return sum(1 for r in self.rows if r.prompts)

    @property
    def outcomes_at_risk(self) -> int:
        return sum(len(r.outcomes_at_risk) for r in self.rows)

    @property
    def enquiries_with_outcomes_at_risk(self) -> int:
        return sum(1 for r in self.rows if r.outcomes_at_risk)


def _ago(n: int) -> str:
    """'today', 'yesterday' or '12 days ago'."""
    return {0: "today", 1: "yesterday"}.get(n, f"{n} days ago")


def _supervised_worker(session, actor: CurrentUser, team_id: int, worker_id: int):
    """(team name, worker name) when `actor` supervises `team_id` and the worker is in it."""
    access.require_supervisor(actor)
    if team_id not in actor.team_ids:
        raise NotAllowed("You can only see the caseloads of the teams you supervise")
    team_name = session.scalar(sa.select(Team.name).where(Team.id == team_id))
    worker_name = session.scalar(
        sa.select(User.display_name)
        .join(team_memberships, team_memberships.c.user_id == User.id)
        .where(User.id == worker_id, team_memberships.c.team_id == team_id)
    )
    if team_name is None or worker_name is None:
        raise NotFound("That worker is not in this team")
    return team_name, worker_name


def worker_caseload(
    engine: Engine, actor: CurrentUser, team_id: int, worker_id: int, *, today: dt.date
) -> Caseload:
    """The worker's open enquiries in this team (not those removed as entered in error), each
    with the days since the last conversation with the person, the outstanding prompts and
    the outcomes at risk (active outcomes marked not achievable or partly achievable).
    Most pressing first: overdue prompts, then the longest without a conversation."""
    targets = get_targets(engine)
    with_person = (
        sa.select(sa.func.max(Conversation.held_on))
        .where(Conversation.enquiry_id == Enquiry.id, Conversation.with_person.is_(True))
        .scalar_subquery()
        .label("last_with_person")
    )
    query = (
        sa.select(
            Enquiry.id,
            Enquiry.public_id,
            Enquiry.status,
            Enquiry.enquiry_type,
            Enquiry.started_on,
            Enquiry.concluded_on,
            Enquiry.msp_asked,
            Enquiry.capacity_considered,
            Enquiry.substantial_difficulty,
            Enquiry.appropriate_individual,
            Enquiry.advocacy_referred_on,
            Person.case_reference,
            with_person,
            *case_fact_columns(),
        )
        .join(Person, Person.id == Enquiry.person_id)
        .where(
            Enquiry.team_id == team_id,
            Enquiry.worker_id == worker_id,
            Enquiry.status == "open",
            Enquiry.is_deleted.is_(False),
        )
    )
    with unit_of_work(engine) as session:
        team_name, worker_name = _supervised_worker(session, actor, team_id, worker_id)
        rows = session.execute(query).all()
        ids = [r.id for r in rows]
        risky = (
            session.execute(
                sa.select(
                    DesiredOutcome.enquiry_id,
                    DesiredOutcome.position,
                    DesiredOutcome.category,
                    DesiredOutcome.achievability,
                    DesiredOutcome.explained_in_id,
                )
                .where(
                    DesiredOutcome.enquiry_id.in_(ids),
                    DesiredOutcome.status == "active",
                    DesiredOutcome.achievability.in_(AT_RISK),
                )
                .order_by(DesiredOutcome.enquiry_id, DesiredOutcome.position)
            ).all()
            if ids
            else []
        )
    at_risk: dict[int, list[OutcomeAtRisk]] = {}
    for o in risky:
        at_risk.setdefault(o.enquiry_id, []).append(
            OutcomeAtRisk(o.position, o.category, o.achievability, o.explained_in_id is not None)
        )
    caseload = []
    for r in rows:
        last = r.last_with_person
        caseload.append(
            CaseloadRow(
                public_id=r.public_id,
                case_reference=r.case_reference,
                enquiry_type=r.enquiry_type,
                started_on=r.started_on,
                last_conversation_with_person=last,
                days_since_conversation=max(0, (today - (last or r.started_on)).days),
                active_outcomes=r.active_outcomes,
                prompts=tuple(prompts(case_facts(r), targets, today)),
                outcomes_at_risk=tuple(at_risk.get(r.id, ())),
            )
        )
    caseload.sort(key=lambda c: (not c.overdue, -c.days_since_conversation, c.case_reference))
    return Caseload(team_id, team_name, worker_id, worker_name, today, targets, tuple(caseload))


# --- Supervision notes ----------------------------------------------------------------------


@dataclass(frozen=True)
class NoteView:
    id: int
    held_on: dt.date
    supervisor_name: str | None
    reflection: str | None
    agreed_actions: str | None
    lessons: str | None
    recorded_at: dt.datetime


def add_supervision_note(
    engine: Engine,
    actor: CurrentUser,
    public_id: str,
    held_on: dt.date | None,
    reflection: str | None,
    agreed_actions: str | None,
    lessons: str | None,
    *,
    today: dt.date,
) -> int:
    """Record a supervision note against an enquiry; returns the note's id.

    Only a supervisor of the enquiry's team may (NotAllowed otherwise; NotFound for an
    enquiry that does not exist or was removed). The supervision date is required, not in
    the future and not before the concern was received; at least one of the reflection, the
    agreed actions and the lessons learned is required. A refused note writes nothing."""
    access.require_supervisor(actor)
    with case_write(engine) as session:
        enquiry = load_case(session, actor, public_id)
        c = Checker()
        c.date(
            "held_on",
            held_on,
            required=True,
            what="the date of the supervision",
            today=today,
            not_before=(
                enquiry.concern_received_on,
                "The date of the supervision must be on or after the date the concern was received",
            ),
        )
        texts = {
            name: c.text(
                name,
                value,
                required=False,
                what=_NOTE_FIELD_WHAT[name],
                max_length=MAX_LONG_TEXT,
            )
            for name, value in zip(NOTE_FIELDS, (reflection, agreed_actions, lessons), strict=True)
        }
        if all(c.ok(name) for name in NOTE_FIELDS) and not any(texts.values()):
            c.add("reflection", EMPTY_NOTE)
        c.raise_if_any()
        note = SupervisionNote(
            enquiry_id=enquiry.id,
            supervisor_id=actor.id,
            held_on=held_on,
            **texts,
        )
        session.add(note)
        session.flush()
        audit_case(
            session,
            actor,
            enquiry,
            "supervision_note_added",
            {
                "note": note.id,
                "held_on": held_on.isoformat(),
                "recorded": [name for name in NOTE_FIELDS if texts[name]],
            },
        )
        return note.id


def list_supervision_notes(engine: Engine, actor: CurrentUser, public_id: str) -> list[NoteView]:
    """The supervision notes of an enquiry, most recent supervision first, for anyone who
    may work on the enquiry."""
    with unit_of_work(engine) as session:
        enquiry = load_case(session, actor, public_id)
        rows = session.execute(
            sa.select(SupervisionNote, User.display_name)
            .outerjoin(User, User.id == SupervisionNote.supervisor_id)
            .where(SupervisionNote.enquiry_id == enquiry.id)
            .order_by(SupervisionNote.held_on.desc(), SupervisionNote.id.desc())
        ).all()
        return [
            NoteView(n.id, n.held_on, name, n.reflection, n.agreed_actions, n.lessons, n.created_at)
            for n, name in rows
        ]


# --- The one-page summary (PDF) -------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 portrait, in points
MARGIN = 36
LINE = 12  # height of a table line
FONT = 8.5
TABLE_BOTTOM = PAGE_HEIGHT - 56  # room for the footer
GREY = "#505050"
RULE_GREY = "#BDBDBD"
CHAR_WIDTH = 0.5 * FONT  # a generous average width of a character, to wrap lines
# (key, heading lines, x, width): the table's columns.
COLUMNS = (
    ("case", ("Enquiry",), MARGIN, 92),
    ("talked", ("Last conversation", "with the person"), 132, 88),
    ("prompts", ("What needs doing",), 224, 170),
    ("risk", ("Outcomes at risk",), 398, PAGE_WIDTH - MARGIN - 398),
)


def _wrap(lines: list[str], width: float) -> list[str]:
    """Each line wrapped to the column's width (at word boundaries, by an estimate of the
    text's width; the drawing cuts anything still too long with an ellipsis)."""
    chars = max(8, int(width / CHAR_WIDTH))
    out: list[str] = []
    for line in lines:
        out += textwrap.wrap(line, chars, subsequent_indent="  ") or [""]
    return out


def _cell_lines(row: CaseloadRow) -> dict[str, list[str]]:
    last = row.last_conversation_with_person
    talked = (
        [_ago(row.days_since_conversation).capitalize(), _short_date(last)]
        if last
        else ["None yet", f"(started {_ago(row.days_since_conversation)})"]
    )
    cells = {
        "case": [
            row.case_reference,
            vocab.ENQUIRY_TYPES.label(row.enquiry_type),
            f"Started {_short_date(row.started_on)}",
        ],
        "talked": talked,
        "prompts": [("Overdue: " if p.overdue else "") + p.short for p in row.prompts]
        or ["Nothing outstanding"],
        "risk": [o.label for o in row.outcomes_at_risk] or ["None"],
    }
    return {key: _wrap(cells[key], w) for key, _, _, w in COLUMNS}


def _short_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else ""


def summary_chart(caseload: Caseload, *, prepared_by: str) -> alt.LayerChart:
    """The summary page as a chart: text placed on an A4 canvas (coordinates in points)."""
    texts: list[dict[str, object]] = []
    rules: list[dict[str, float]] = []

    def put(x, y, text, *, size=FONT, bold=False, colour="black", limit=0):
        texts.append(
            {
                "x": x,
                "y": y,
                "text": text,
                "size": size,
                "bold": bold,
                "colour": colour,
                "limit": limit,
            }
        )

    width = PAGE_WIDTH - 2 * MARGIN
    put(MARGIN, 52, "Supervision summary", size=18, bold=True)
    put(
        MARGIN,
        74,
        f"Open enquiries of {caseload.worker_name}, {caseload.team_name}, "
        f"on {caseload.today.day} {caseload.today:%B %Y}",
        size=11,
        limit=width,
    )
    put(
        MARGIN,
        90,
        f"Prepared by {prepared_by} for a supervision session. People are named only by "
        "case reference: keep this page secure and destroy it after use.",
        size=8,
        colour=GREY,
        limit=width,
    )
    figures = (
        ("Open enquiries", caseload.open_enquiries),
        ("With an overdue action", caseload.with_overdue_prompts),
        ("With something to do", caseload.with_prompts),
        ("Outcomes at risk", caseload.outcomes_at_risk),
    )
    box = width / len(figures)
    for i, (label, value) in enumerate(figures):
        put(MARGIN + i * box, 120, str(value), size=18, bold=True)
        put(MARGIN + i * box, 134, label, size=8, colour=GREY, limit=box - 6)
    top = 158
    for _, heading, x, w in COLUMNS:
        for n, line in enumerate(heading):
            put(x, top + n * LINE, line, bold=True, limit=w)
    y = top + (max(len(h) for _, h, _, _ in COLUMNS) - 1) * LINE + 5
    rules.append({"x": MARGIN, "x2": PAGE_WIDTH - MARGIN, "y": y, "y2": y})
    shown = 0
    for row in caseload.rows:
        cells = _cell_lines(row)
        height = max(len(lines) for lines in cells.values()) * LINE + 6
        if y + height > TABLE_BOTTOM:
            break
        for key, _, x, w in COLUMNS:
            for n, line in enumerate(cells[key]):
                put(x, y + 4 + (n + 1) * LINE - 2, line, bold=key == "case" and n == 0, limit=w)
        y += height
        rules.append({"x": MARGIN, "x2": PAGE_WIDTH - MARGIN, "y": y, "y2": y})
        shown += 1
    if not caseload.rows:
        put(MARGIN, y + 18, "No open enquiries are allocated to this worker in this team.")
    left = len(caseload.rows) - shown
    if left:
        put(
            MARGIN,
            y + 18,
            f"… and {left} more open enquir{'y' if left == 1 else 'ies'}, not shown to keep "
            "this summary to one page: see the Supervision screen.",
            bold=True,
            limit=width,
        )
    put(
        MARGIN,
        PAGE_HEIGHT - 30,
        f"MSP Outcomes · Supervision summary · {_short_date(caseload.today)} · "
        f"Conversation target: at least every {caseload.targets.max_gap_working_days} "
        "working days",
        size=7.5,
        colour=GREY,
        limit=width,
    )

    frame = pd.DataFrame(texts)
    x = alt.X("x:Q", scale=None, axis=None)
    y_enc = alt.Y("y:Q", scale=None, axis=None)
    layers = []
    for bold in (False, True):
        part = frame[frame["bold"] == bold]
        if part.empty:
            continue
        layers.append(
            alt.Chart(part)
            .mark_text(
                align="left",
                baseline="alphabetic",
                fontWeight="bold" if bold else "normal",
                limit=alt.ExprRef("datum.limit"),
                ellipsis="…",
            )
            .encode(
                x=x,
                y=y_enc,
                text="text:N",
                size=alt.Size("size:Q", scale=None, legend=None),
                color=alt.Color("colour:N", scale=None, legend=None),
            )
        )
    layers.append(
        alt.Chart(pd.DataFrame(rules))
        .mark_rule(color=RULE_GREY, strokeWidth=0.75)
        .encode(x=x, x2="x2:Q", y=y_enc, y2="y2:Q")
    )
    return (
        alt.layer(*layers)
        .properties(width=PAGE_WIDTH, height=PAGE_HEIGHT, autosize=alt.AutoSizeParams(type="none"))
        .configure(padding=0, background="white")
        .configure_view(stroke=None)
    )


def caseload_pdf(caseload: Caseload, *, prepared_by: str) -> bytes:
    """The caseload as a one-page A4 PDF."""
    import vl_convert

    chart = summary_chart(caseload, prepared_by=prepared_by)
    return vl_convert.vegalite_to_pdf(chart.to_json())


def supervision_summary_pdf(
    engine: Engine, actor: CurrentUser, team_id: int, worker_id: int, *, today: dt.date
) -> bytes:
    """The one-page supervision summary of a worker's open caseload (PDF), for a supervisor
    of the team; the export is audited."""
    caseload = worker_caseload(engine, actor, team_id, worker_id, today=today)
    pdf = caseload_pdf(caseload, prepared_by=actor.display_name)
    with unit_of_work(engine) as session:
        audit.record(
            session,
            actor_id=actor.id,
            actor_username=actor.username,
            action="supervision_summary_exported",
            record_type="user",
            record_id=worker_id,
            team_id=team_id,
            details={"format": "pdf", "open_enquiries": caseload.open_enquiries},
        )
    return pdf
