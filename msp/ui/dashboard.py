"""Widgets the dashboard pages share: the filter bar, cached reads of the figures, a chart
block (heading, reading, chart, the numbers under it, a PNG download), downloads prepared
only when asked for, the headline figures and a presentation mode.

Figures are read through `st.cache_data`, keyed by the database URL, the user (id, role and
teams) and the filters: never by the Engine, which cannot be hashed. Pages that write call
`st.cache_data.clear()`; a short time-to-live covers writes made by other processes.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from db.engine import database_url, get_engine
from msp import audit, charts, metrics, vocab
from msp.auth import CurrentUser
from msp.disclosure import is_suppressed
from msp.metrics import Filters
from msp.metrics.dashboard import PERIODS, PERSON_GROUP, RESPONDENT_GROUP_LABELS, success_label
from msp.periods import ReportingYear
from msp.sac import sac_tables
from msp.ui import session
from msp.ui.text import plain

CACHE_SECONDS = 600
YEARS_OFFERED = 5
PERIOD_QUARTER = "Quarter"
PERIOD_DATES = "Custom dates"
FILES_KEY = "_dashboard_files"

# --- Cached reads ---------------------------------------------------------------------------


def _sac(engine, user, filters, *, year: int, team_ids: tuple[int, ...] = ()):
    return sac_tables(engine, year, team_ids=list(team_ids) or None, suppress=True, user=user)


LOADERS: dict[str, Callable[..., Any]] = {
    "headline": metrics.headline,
    "by_team": metrics.achievement_by_team,
    "by_worker": metrics.achievement_by_worker,
    "by_risk_type": metrics.achievement_by_risk_type,
    "by_location": metrics.achievement_by_location,
    "by_outcome": metrics.achievement_by_outcome,
    "feedback": metrics.feedback_answers,
    "p_chart": metrics.achievement_p_chart,
    "funnel": metrics.achievement_funnel,
    "timeliness": metrics.timeliness,
    # Published (suppressed) figures only:
    "c_headline": metrics.commissioner_headline,
    "c_by_team": metrics.commissioner_achievement_by_team,
    "c_by_risk_type": metrics.commissioner_achievement_by_risk_type,
    "c_by_location": metrics.commissioner_achievement_by_location,
    "c_by_outcome": metrics.commissioner_achievement_by_outcome,
    "c_feedback": metrics.commissioner_feedback_answers,
    "c_trend": metrics.commissioner_achievement_trend,
    "c_timeliness": metrics.commissioner_timeliness,
    "sac": _sac,
}


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False, max_entries=1000)
def _cached(
    kind: str,
    url: str,
    user_id: int,
    role: str,
    team_ids: tuple[int, ...],
    filters: Filters | None,
    options: tuple[tuple[str, Any], ...],
    _user: CurrentUser,
) -> Any:
    return LOADERS[kind](get_engine(url), _user, filters, **dict(options))


# The published figures (suppressed, across any teams asked for, never by worker) and the
# national tables are the same for everyone allowed to see them: they are cached once per
# role, so a second commissioner's page does not count them again.
SHARED_KINDS = frozenset(kind for kind in LOADERS if kind.startswith("c_")) | {"sac"}


def _cache_owner(user: CurrentUser, shared: bool) -> tuple[int, str, tuple[int, ...]]:
    """Who a cache entry belongs to: the user (id, role, teams), or only the role for
    figures that do not depend on who asks. The loader still checks the user's access on a
    miss, and every page checks the role before it asks."""
    if shared:
        return 0, user.role, ()
    return user.id, user.role, tuple(sorted(user.team_ids))


def figures(user: CurrentUser, kind: str, filters: Filters | None, **options: Any) -> Any:
    """The figures `kind` (see LOADERS) for this user and filters, cached."""
    return _cached(
        kind,
        database_url(),
        *_cache_owner(user, kind in SHARED_KINDS),
        filters,
        tuple(sorted(options.items())),
        _user=user,
    )


PREFETCH_THREADS = 2  # the machine this is sized for has two cores

# The figures that take longest at national scale, slowest first: loaded first, so that a
# page waits about as long as its slowest queries take rather than for the sum of them.
SLOWEST_FIRST = (
    "sac",
    "feedback",
    "c_feedback",
    "by_outcome",
    "c_by_outcome",
    "headline",
    "c_headline",
    "by_risk_type",
    "c_by_risk_type",
    "timeliness",
    "c_timeliness",
    "funnel",
    "p_chart",
    "c_trend",
)


@dataclass(frozen=True)
class Part:
    """One figure a page shows (see LOADERS) and, for a chart, how its section is made from
    the figure. A part without `build` is only loaded, for the page to show itself."""

    kind: str
    filters: Filters | None
    options: dict[str, Any] = field(default_factory=dict)
    build: Callable[[Any], Section] | None = None


def _slowness(part: Part) -> int:
    """Where the part comes in SLOWEST_FIRST (the quick ones after all of those)."""
    return SLOWEST_FIRST.index(part.kind) if part.kind in SLOWEST_FIRST else len(SLOWEST_FIRST)


def load_sections(user: CurrentUser, parts: Sequence[Part]) -> list[Section]:
    """Load every part's figures into the cache, two at a time and slowest first, and make
    each part's section in the thread that loaded its figures: the database does the counting
    and lets go of Python while it does, so one chart is built while the next query runs. The
    sections come back in the order of `parts`. An error (NotAllowed, say) is raised here as
    `figures` would raise it."""
    from concurrent.futures import ThreadPoolExecutor

    from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

    context = get_script_run_ctx()

    def load(part: Part) -> Section | None:
        if context is not None:  # the page's run, so that the cache works as on the page
            add_script_run_ctx(threading.current_thread(), context)
        figure = figures(user, part.kind, part.filters, **part.options)
        return part.build(figure) if part.build is not None else None

    with ThreadPoolExecutor(PREFETCH_THREADS, thread_name_prefix="msp-figures") as pool:
        order = sorted(range(len(parts)), key=lambda i: _slowness(parts[i]))
        futures = {i: pool.submit(load, parts[i]) for i in order}
        built = [futures[i].result() for i in range(len(parts))]
    return [section for section in built if section is not None]


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False, max_entries=200)
def _sections(
    name: str,
    url: str,
    user_id: int,
    role: str,
    team_ids: tuple[int, ...],
    filters: Filters,
    options: tuple[Any, ...],
    _build: Callable[[], list[Section]],
) -> list[Section]:
    return _build()


def cached_sections(
    name: str,
    user: CurrentUser,
    filters: Filters,
    options: tuple[Any, ...],
    build: Callable[[], list[Section]],
    *,
    shared: bool = False,
) -> list[Section]:
    """The page's sections (charts, readings, tables) made by `build`, cached like the
    figures they are made from: building a dozen charts on every rerun would be slow.
    `shared`: made only from SHARED_KINDS, so cached once per role."""
    return _sections(
        name,
        database_url(),
        *_cache_owner(user, shared),
        filters,
        options,
        _build=build,
    )


# --- Filter bar -----------------------------------------------------------------------------


def _year_options(reporting: ReportingYear, today: dt.date) -> list[int]:
    current = reporting.year_of(today)
    return [current - n for n in range(YEARS_OFFERED)]


def _choose_code(label: str, vocabulary: vocab.Vocabulary, *, key: str, everything: str):
    return st.selectbox(
        label,
        list(vocabulary.codes),
        index=None,
        key=key,
        format_func=vocabulary.label,
        placeholder=everything,
    )


def filter_bar(
    *,
    key: str,
    teams: Sequence[tuple[int, str]],
    today: dt.date,
    workers: Callable[[Filters], list[tuple[int, str]]] | None = None,
) -> Filters | None:
    """The filters, as widgets in a bordered box; the `Filters` they make, or None (with
    each problem shown beside its field) when they are not valid yet.

    `teams` are the teams this user may choose (none chosen means all of them); `workers`,
    when given, lists the workers that may be chosen for the filters chosen so far. Years
    and quarters are the council's reporting year (the Settings page)."""
    reporting = session.reporting_year()
    period_year = reporting.name.capitalize()
    slots: dict[str, Any] = {}  # where a problem with a field is shown: under it
    team_names = dict(teams)
    with st.container(border=True):
        st.markdown("**Choose what to count**")
        st.caption(
            "Enquiries are counted in the period in which they were concluded, as the "
            f"national return counts them. The {reporting.name} runs from "
            f"{reporting.describe()}."
        )
        left, middle, right = st.columns(3)
        period = left.radio(
            "Period",
            (period_year, PERIOD_QUARTER, PERIOD_DATES),
            key=f"{key}_period",
        )
        year = quarter = date_from = date_to = None
        if period != PERIOD_DATES:
            year = middle.selectbox(
                period_year,
                _year_options(reporting, today),
                key=f"{key}_year",
                format_func=reporting.label,
            )
        if period == PERIOD_QUARTER:
            quarter = right.selectbox(
                "Quarter",
                (1, 2, 3, 4),
                index=reporting.quarter_of(today) - 1,
                key=f"{key}_quarter",
                format_func=reporting.quarter_name,
            )
        if period == PERIOD_DATES:
            start, _ = reporting.bounds(reporting.year_of(today))
            date_from = middle.date_input(
                "From", value=start, format="DD/MM/YYYY", key=f"{key}_from", max_value=today
            )
            slots["date_from"] = middle.empty()
            date_to = right.date_input(
                "To", value=today, format="DD/MM/YYYY", key=f"{key}_to", max_value=today
            )
            slots["date_to"] = right.empty()
        left, right = st.columns(2)
        chosen_teams = left.multiselect(
            "Teams",
            [team_id for team_id, _ in teams],
            key=f"{key}_teams",
            format_func=lambda team_id: team_names.get(team_id, str(team_id)),
            placeholder="All teams" if len(teams) > 1 else "Your team",
        )
        period_filters = Filters(
            year_start=reporting.start_month,
            year=year,
            quarter=quarter,
            date_from=date_from,
            date_to=date_to,
            team_ids=tuple(sorted(chosen_teams)),
        )
        found = period_filters.problems()
        if found:
            for name, message in found.items():
                slots.get(name, st).error(plain(message))
            return None
        worker_id = None
        if workers is not None:
            choices = workers(period_filters)
            names = dict(choices)
            worker_id = right.selectbox(
                "Worker",
                [worker_id for worker_id, _ in choices],
                index=None,
                key=f"{key}_worker",
                format_func=lambda worker_id: names.get(worker_id, "Worker no longer listed"),
                placeholder="All workers",
                help="Workers with concluded enquiries in this period and these teams.",
            )
        left, middle, right = st.columns(3)
        enquiry_type = left.selectbox(
            "Section 42 or Other",
            list(vocab.ENQUIRY_TYPES.codes),
            index=None,
            key=f"{key}_type",
            format_func=vocab.ENQUIRY_TYPES.label,
            placeholder="Both",
        )
        with middle:
            risk_type = _choose_code(
                "Type of risk", vocab.RISK_TYPES, key=f"{key}_risk", everything="All types"
            )
        with right:
            location = _choose_code(
                "Location of risk", vocab.LOCATIONS, key=f"{key}_location", everything="All"
            )
        filters = Filters(
            **{
                **asdict(period_filters),
                "worker_id": worker_id,
                "enquiry_type": enquiry_type,
                "risk_type": risk_type,
                "location": location,
            }
        )
    return filters


def trend_choices(key: str, left: Any, right: Any) -> tuple[str, tuple[str, ...]]:
    """The two options of the trend and comparison charts, in the containers given: trend by
    quarter or month; which answers count as achieved (fully, or fully or partially)."""
    period = left.radio(
        "Trend by",
        PERIODS,
        key=f"{key}_trend_by",
        format_func=lambda p: p.capitalize(),
        horizontal=True,
    )
    success = right.radio(
        "Count as achieved",
        (("fully",), ("fully", "partially")),
        key=f"{key}_success",
        format_func=success_label,
        help="Which answers count as achieved in the trend and in the comparison.",
    )
    return period, success


def filter_details(filters: Filters) -> dict[str, Any]:
    """The filters as coded values, for the audit trail."""
    return {
        "period": filters.period_label(),
        "team_ids": list(filters.team_ids),
        "worker_id": filters.worker_id,
        "enquiry_type": filters.enquiry_type,
        "risk_type": filters.risk_type,
        "location": filters.location,
    }


def filter_summary(filters: Filters, team_names: dict[int, str]) -> str:
    """'2025-26 Q2 · North, South · Section 42' (Markdown-safe)."""
    parts = [filters.period_label()]
    parts.append(
        ", ".join(team_names.get(t, str(t)) for t in filters.team_ids)
        if filters.team_ids
        else "all teams"
    )
    if filters.enquiry_type:
        parts.append(vocab.ENQUIRY_TYPES.label(filters.enquiry_type))
    if filters.risk_type:
        parts.append(vocab.RISK_TYPES.label(filters.risk_type))
    if filters.location:
        parts.append(vocab.LOCATIONS.label(filters.location))
    return plain(" · ".join(parts))


# --- Exports --------------------------------------------------------------------------------


def record_export(
    actor: CurrentUser, what: str, filters: Filters | None, *, suppressed: bool, **extra: Any
) -> None:
    """One audit event for an export: what, with which filters, and whether suppressed."""
    details = {**extra}
    if filters is not None:
        details["filters"] = filter_details(filters)
    audit.record_export(session.app_engine(), actor, what, suppressed=suppressed, details=details)


def _prepare(
    key: str,
    signature: str,
    make: Callable[[CurrentUser], bytes],
    on_prepare: Callable[[CurrentUser], None] | None,
) -> None:
    # A button's callback runs before the page's guard: act only for the user signed in now
    # (the run that follows shows the sign-in page to anyone signed out meanwhile).
    actor = session.acting_user()
    if actor is None:
        return
    files = st.session_state.setdefault(FILES_KEY, {})
    files[key] = (signature, make(actor))
    if on_prepare is not None:
        on_prepare(actor)


def lazy_download(
    *,
    key: str,
    signature: str,
    prepare_label: str,
    download_label: str,
    make: Callable[[CurrentUser], bytes],
    file_name: str,
    mime: str,
    on_prepare: Callable[[CurrentUser], None] | None = None,
) -> None:
    """A "Prepare" button that makes the file only when clicked, then the download button
    for it; a file made for other filters (another `signature`) is not offered. (The file
    is made in the button's callback, so a rerun of the page cannot lose the click.)
    `make(actor)` and `on_prepare(actor)` get the user signed in when it was clicked."""
    files = st.session_state.setdefault(FILES_KEY, {})
    ready = files.get(key)
    if ready is not None and ready[0] == signature:
        st.download_button(
            download_label,
            ready[1],
            file_name=file_name,
            mime=mime,
            key=f"{key}_download",
            on_click="ignore",
            icon=":material/download:",
        )
        return
    st.button(
        prepare_label,
        key=f"{key}_prepare",
        icon=":material/description:",
        on_click=_prepare,
        args=(key, signature, make, on_prepare),
    )


# --- Tables ---------------------------------------------------------------------------------

STACKED_TABLE = {"category_label": "Answer", "count": "Count", "total": "Out of"}


def cell_text(value: Any, *, percent: bool = False) -> str:
    """A published cell as text: '[c]', '35' or '62.5%'."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if is_suppressed(value):
        return str(value)
    if percent:
        return f"{float(value):.1f}%"
    number = float(value)
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.1f}"


def numbers_table(
    frame: pd.DataFrame,
    columns: dict[str, str],
    *,
    counts: Sequence[str] = (),
    percents: Sequence[str] = (),
    shares: Sequence[str] = (),
    published: bool = False,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The columns of an aggregate that a chart draws, renamed for people, and the column
    formats. `percents` hold 0-100 and `shares` 0-1 (both shown as percentages). The
    numbers of a published (suppressed) table are shown as text, so [c] stays [c]."""
    table = frame[list(columns)].copy()
    config: dict[str, Any] = {}
    for column in table.columns:
        values = table[column].tolist()
        if column in shares:
            values = [v if is_suppressed(v) or v is None else 100 * float(v) for v in values]
        if published:
            if column in counts:
                table[column] = [cell_text(v) for v in values]
            elif column in percents or column in shares:
                table[column] = [cell_text(v, percent=True) for v in values]
        elif column in percents or column in shares:
            table[column] = pd.to_numeric(pd.Series(values, index=table.index)).round(1)
            config[columns[column]] = st.column_config.NumberColumn(format="%.1f%%")
    return table.rename(columns=columns), config


# --- Sections: a chart with its reading and numbers ------------------------------------------


def on_screen(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart as drawn on a page: as wide as the page, as tall as it was made. (Streamlit
    otherwise fits the whole chart, axes and legend included, into the chart's own height,
    which squashes a short chart to nothing.)"""
    return (
        chart.properties(
            autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
            # Room on the right for labels drawn past the end of a bar (and "[c]" marks).
            padding={"left": 5, "top": 5, "bottom": 5, "right": 80},
        ).configure_legend(columns=3)  # a long legend wraps instead of being cut off
    )


@dataclass
class Section:
    key: str
    heading: str
    reading: str
    chart: alt.TopLevelMixin
    table: pd.DataFrame
    column_config: dict[str, Any] = field(default_factory=dict)
    note: str | None = None


STACKED_HEADINGS = {
    "team": ("Outcomes achieved by team", "Team"),
    "worker": ("Outcomes achieved by worker", "Worker"),
    "risk_type": ("Outcomes achieved by type of risk", "Type of risk"),
    "location": ("Outcomes achieved by location of risk", "Location of risk"),
    "outcome": ("Which kinds of desired outcome are met least", "Desired outcome"),
}
STACKED_NOTES = {
    "team": "Of concluded enquiries where the person expressed desired outcomes.",
    "risk_type": "An enquiry about more than one type of risk counts once under each.",
    "location": "Of concluded enquiries where the person expressed desired outcomes.",
    "outcome": "Each desired outcome's own rating when the enquiry concluded.",
}


def stacked_section(frame: pd.DataFrame, *, by: str, published: bool = False) -> Section:
    """Achievement by team / worker / risk type / location / standard outcome."""
    heading, group = STACKED_HEADINGS[by]
    table, config = numbers_table(
        frame,
        {"group": group, **STACKED_TABLE, "percent": "Percentage"},
        counts=["count", "total"],
        percents=["percent"],
        published=published,
    )
    return Section(
        key=f"by_{by}",
        heading=heading,
        reading=charts.achievement_reading(frame, by=by),
        chart=charts.achievement_chart(frame, by=by),
        table=table,
        column_config=config,
        note=STACKED_NOTES.get(by),
    )


QUESTION_CHARACTERS = 44  # of a question's wording on the feedback chart's axis


def short_questions(frame: pd.DataFrame) -> pd.DataFrame:
    """The feedback table with each bar's label shortened to fit a page ('Did you feel you
    were listened to? (person)'); the full wording is in the table under the chart. Labels
    that would no longer differ keep their full wording."""
    if frame.empty:
        return frame
    person = RESPONDENT_GROUP_LABELS[PERSON_GROUP]
    short: dict[tuple[str, str], str] = {}
    for question, respondent in zip(frame["question"], frame["respondent"], strict=True):
        text = str(question)
        if len(text) > QUESTION_CHARACTERS:
            text = text[: QUESTION_CHARACTERS - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
        who = "person" if respondent == person else "representative"
        short[(question, respondent)] = f"{text} ({who})"
    labels = list(short.values())
    groups = [
        short[(q, r)] if labels.count(short[(q, r)]) == 1 else g
        for q, r, g in zip(frame["question"], frame["respondent"], frame["group"], strict=True)
    ]
    return frame.assign(group=groups)


def feedback_section(frame: pd.DataFrame, *, published: bool = False) -> Section:
    table, config = numbers_table(
        frame,
        {
            "question": "Question",
            "respondent": "Who answered",
            **STACKED_TABLE,
            "percent": "Percentage",
        },
        counts=["count", "total"],
        percents=["percent"],
        published=published,
    )
    return Section(
        key="feedback",
        heading="What people said in their feedback",
        reading=charts.feedback_reading(frame),
        chart=charts.feedback_chart(short_questions(frame)),
        table=table,
        column_config=config,
        note="The person's own answers and their representatives' answers are shown apart. "
        "Declined feedback has no answers.",
    )


def timeliness_section(frame: pd.DataFrame, *, published: bool = False) -> Section:
    table, config = numbers_table(
        frame,
        {
            "measure": "Measure",
            "target": "Target",
            "met": "Met the target",
            "total": "Out of",
            "percent": "Percentage",
        },
        counts=["met", "total"],
        percents=["percent"],
        published=published,
    )
    longest = frame.attrs.get("longest_gap_working_days")
    note = (
        f"The longest stretch without a conversation was {longest} working days."
        if longest is not None
        else None
    )
    return Section(
        key="timeliness",
        heading="Timeliness against the team's targets",
        reading=charts.timeliness_reading(frame),
        chart=charts.timeliness_chart(frame),
        table=table,
        column_config=config,
        note=note,
    )


def show_section(
    section: Section,
    *,
    signature: str,
    file_stem: str,
    on_export: Callable[[CurrentUser, str], None] | None = None,
) -> None:
    """Heading, the one-sentence reading, the chart, its numbers, and its PNG download."""
    from msp.exports import chart_png

    st.subheader(section.heading, anchor=section.key)
    st.markdown(plain(section.reading))
    st.altair_chart(on_screen(section.chart), width="stretch", key=f"chart_{section.key}")
    if section.note:
        st.caption(plain(section.note))
    left, right = st.columns([3, 1])
    with left.expander("The numbers in this chart"):
        if section.table.empty:
            st.write("No figures for these filters.")
        else:
            st.dataframe(
                section.table,
                hide_index=True,
                column_config=section.column_config,
                key=f"table_{section.key}",
            )
    with right:
        lazy_download(
            key=f"png_{section.key}",
            signature=signature,
            prepare_label="Prepare image",
            download_label="Download image (PNG)",
            make=lambda _actor: chart_png(section.chart),
            file_name=f"{file_stem}-{section.key}.png",
            mime="image/png",
            on_prepare=(
                (lambda actor: on_export(actor, f"chart_png:{section.key}")) if on_export else None
            ),
        )


def dashboard_pdf_download(
    sections: Sequence[Section],
    *,
    title: str,
    signature: str,
    file_stem: str,
    on_export: Callable[[CurrentUser, str], None] | None = None,
) -> None:
    """One PDF of every chart on the page, made when asked for."""
    from msp.exports import charts_pdf

    lazy_download(
        key="pdf_dashboard",
        signature=signature,
        prepare_label="Prepare all the charts as one PDF",
        download_label="Download all the charts (PDF)",
        make=lambda _actor: charts_pdf([s.chart for s in sections], title=title),
        file_name=f"{file_stem}.pdf",
        mime="application/pdf",
        on_prepare=(lambda actor: on_export(actor, "dashboard_pdf")) if on_export else None,
    )


# --- Headline figures -----------------------------------------------------------------------

# (measure in the headline table, label shown, whether the value is its percentage)
HEADLINE_FIGURES = (
    ("Enquiries concluded", "Enquiries concluded", False),
    (vocab.MSP_ASKED.label("asked_expressed"), "Asked: outcomes expressed", True),
    (vocab.MSP_ASKED.label("asked_none"), "Asked: none expressed", True),
    (vocab.MSP_ACHIEVED.label("fully"), "Fully achieved", True),
    (vocab.MSP_ACHIEVED.label("partially"), "Partially achieved", True),
    (vocab.MSP_ACHIEVED.label("not_achieved"), "Not achieved", True),
    (
        "Lacked capacity and supported by an advocate, family or friend",
        "Lacking capacity: supported",
        True,
    ),
    ("Feedback recorded (answered or declined)", "Feedback response rate", True),
)


def show_headline(table: pd.DataFrame, *, published: bool = False) -> None:
    """The headline figures as metrics, each with its count in the help text."""
    by_measure = {row.measure: row for row in table.itertuples(index=False)}
    cells = []
    for measure, label, as_percent in HEADLINE_FIGURES:
        row = by_measure.get(measure)
        if row is None:
            continue
        if as_percent:
            value = cell_text(row.percent, percent=True) or "No enquiries"
            help_text = f"{measure}: {cell_text(row.count)} of {cell_text(row.out_of)}"
            if "achieved" in label:
                help_text += " enquiries where the person expressed outcomes"
            elif "capacity" in label:
                help_text += " people who lacked capacity"
            else:
                help_text += " concluded enquiries"
        else:
            value = cell_text(row.count)
            help_text = "Concluded in the period (not counting enquiries entered in error)"
        if published:
            help_text += ". [c]: a number from 0 to 4, or a percentage of fewer than 5 people"
        cells.append((label, value, help_text))
    # Three a row: how many were concluded and asked; how many achieved; capacity, feedback.
    for start in range(0, len(cells), 3):
        for column, (label, value, help_text) in zip(
            st.columns(3), cells[start : start + 3], strict=False
        ):
            column.metric(label, value, help=help_text, border=True)


def headline_table(table: pd.DataFrame, *, published: bool) -> pd.DataFrame:
    shown, _ = numbers_table(
        table,
        {
            "section": "Figure",
            "measure": "Measure",
            "count": "Count",
            "out_of": "Out of",
            "percent": "Percentage",
        },
        counts=["count", "out_of"],
        percents=["percent"],
        published=published,
    )
    return shown


# --- Presentation mode ----------------------------------------------------------------------

PRESENT_KEY = "_present_index"


def bigger(chart: alt.TopLevelMixin, *, height: int = 300) -> alt.TopLevelMixin:
    """The chart for a big screen: taller, with larger axis, legend and title text."""
    current = getattr(chart, "height", 0)
    current = current if isinstance(current, int | float) else 0
    return (
        on_screen(chart)
        .properties(height=max(int(current), height))
        .configure_axis(labelFontSize=15, titleFontSize=15, labelLimit=420)
        .configure_legend(labelFontSize=14, titleFontSize=14, labelLimit=400, columns=3)
        .configure_title(fontSize=22, subtitleFontSize=15)
    )


def _step(delta: int, count: int) -> None:
    index = st.session_state.get(PRESENT_KEY, 0) + delta
    st.session_state[PRESENT_KEY] = max(0, min(count - 1, index))


def presentation(
    slides: Sequence[Section], *, title: str, first: Callable[[], None] | None = None
) -> None:
    """One slide per screen: an optional opening slide (`first`), then each chart, large,
    with its reading. Next and Previous buttons; the right and left arrow keys press them."""
    count = len(slides) + (1 if first else 0)
    index = max(0, min(count - 1, st.session_state.get(PRESENT_KEY, 0)))
    st.session_state[PRESENT_KEY] = index
    back, where, ahead = st.columns([1, 3, 1], vertical_alignment="center")
    back.button(
        "Previous",
        key="present_previous",
        icon=":material/arrow_back:",
        on_click=_step,
        args=(-1, count),
        disabled=index == 0,
        shortcut="Left",
        width="stretch",
    )
    where.markdown(f"**{plain(title)}** · {index + 1} of {count}", text_alignment="center")
    ahead.button(
        "Next",
        key="present_next",
        icon=":material/arrow_forward:",
        icon_position="right",
        on_click=_step,
        args=(1, count),
        disabled=index == count - 1,
        shortcut="Right",
        type="primary",
        width="stretch",
    )
    if first is not None and index == 0:
        first()
        return
    slide = slides[index - (1 if first else 0)]
    st.markdown(f"### {plain(slide.reading)}")  # the chart carries its own title
    st.altair_chart(bigger(slide.chart), width="stretch", key=f"present_{slide.key}")
    st.caption("Use the right and left arrow keys, or the buttons, to move between charts.")
