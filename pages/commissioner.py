"""Published figures (commissioners; supervisors and administrators to check what is
published): aggregates only, with the national small-number rule applied before anything is
shown, charted or downloaded; the national return's MSP tables for a financial year; a
presentation mode. Never a person-level row: this page calls only the suppressed
`commissioner_*` figures and `sac_tables(..., suppress=True)`."""

import datetime as dt
import re

import pandas as pd
import streamlit as st

from msp import charts
from msp.auth import CurrentUser
from msp.disclosure import RULE_TEXT
from msp.errors import MspError
from msp.exports import to_csv, to_xlsx
from msp.metrics.dashboard import success_label
from msp.periods import financial_year, fy_label
from msp.sac import LABEL, sac_frame, sac_sheets
from msp.ui import dashboard as ui
from msp.ui import session
from msp.ui.guard import require_page
from msp.ui.text import plain
from msp.users import list_teams

user = require_page(__file__)
PRESENTING = "pub_presenting"
today = dt.date.today()
teams = [(t.id, t.name) for t in list_teams(session.app_engine())]
team_names = dict(teams)
presenting = bool(st.session_state.get(PRESENTING))
# Large charts need the whole width; back to the usual width when presenting stops.
st.set_page_config(
    layout="wide" if presenting else "centered",
    initial_sidebar_state="collapsed" if presenting else "auto",
)

if not presenting:
    st.title("Published figures")
    st.write(
        "Figures across teams for commissioners, partners and demonstrations. Nothing here "
        "is about one person: the national small-number rule is applied before any figure is "
        "shown, drawn or downloaded."
    )
    st.info(RULE_TEXT, icon=":material/visibility_off:")
st.toggle(
    "Presentation mode",
    key=PRESENTING,
    help="Large charts, one per screen. Move on with the Next button or the right arrow key.",
)

with st.expander("Choose what to count", expanded=not presenting):
    filters = ui.filter_bar(key="pub", teams=teams, today=today)
    period, success = ui.trend_choices("pub", *st.columns(2))
if filters is None:
    st.stop()
measure = success_label(success)


def trend_section(trend: pd.DataFrame) -> ui.Section:
    table, _ = ui.numbers_table(
        trend,
        {"period": "Period", "x": measure, "n": "Out of", "percent": "Percentage"},
        counts=["x", "n"],
        percents=["percent"],
        published=True,
    )
    return ui.Section(
        key="trend",
        heading="Trend over time",
        reading=charts.trend_reading(trend, measure=measure),
        chart=charts.trend_chart(trend, measure=measure),
        table=table,
        note="A grey [c] band marks a period with too few enquiries to show.",
    )


def published(by: str):
    return lambda frame: ui.stacked_section(frame, by=by, published=True)


def build_sections() -> list[ui.Section]:
    """Every chart with its reading and numbers, from the published figures only, in the
    order they are shown; the headline figures and the national tables further down (for
    the year chosen there, this year at first) are loaded alongside."""
    sac_year = st.session_state.get("sac_year", financial_year(today))
    return ui.load_sections(
        user,
        [
            ui.Part("sac", None, {"year": sac_year, "team_ids": tuple(filters.team_ids)}),
            ui.Part("c_headline", filters),
            ui.Part("c_by_team", filters, build=published("team")),
            ui.Part("c_trend", filters, {"period": period, "success": success}, trend_section),
            ui.Part("c_by_outcome", filters, build=published("outcome")),
            ui.Part("c_by_risk_type", filters, build=published("risk_type")),
            ui.Part("c_by_location", filters, build=published("location")),
            ui.Part("c_feedback", filters, build=lambda f: ui.feedback_section(f, published=True)),
            ui.Part(
                "c_timeliness", filters, build=lambda f: ui.timeliness_section(f, published=True)
            ),
        ],
    )


try:
    sections = ui.cached_sections(
        "published", user, filters, (period, success), build_sections, shared=True
    )
    headline = ui.figures(user, "c_headline", filters)
except MspError as exc:
    st.error(plain(str(exc)))
    st.stop()

period_label = filters.period_label()
signature = repr((filters, period, success))
file_stem = "msp-published-" + re.sub(r"[^A-Za-z0-9]+", "-", period_label).strip("-").lower()


def exported(actor: CurrentUser, what: str) -> None:
    ui.record_export(actor, what, filters, suppressed=True)


def headline_slide() -> None:
    st.header(f"Making Safeguarding Personal: {period_label}", anchor=False)
    st.markdown(f"Counting: {ui.filter_summary(filters, team_names)}")
    ui.show_headline(headline, published=True)
    st.caption(RULE_TEXT)


if presenting:
    ui.presentation(sections, title=f"Published figures, {period_label}", first=headline_slide)
    st.stop()

st.header("Headline figures", anchor="headline")
st.markdown(f"Counting: {ui.filter_summary(filters, team_names)}")
ui.show_headline(headline, published=True)
with st.expander("All the headline figures"):
    st.dataframe(ui.headline_table(headline, published=True), hide_index=True, key="table_headline")
ui.dashboard_pdf_download(
    sections,
    title=f"Published figures: {period_label}",
    signature=signature,
    file_stem=file_stem,
    on_export=exported,
)
for section in sections:
    st.divider()
    ui.show_section(section, signature=signature, file_stem=file_stem, on_export=exported)

# --- The national return's tables -------------------------------------------------------------

st.divider()
st.header("The national return's MSP tables", anchor="sac")
st.write(
    "Safeguarding Adults Collection tables SG2a, SG2b, SG2c, SG2e, SG3a and SG4a for "
    "section 42 enquiries concluded in the financial year (1 April to 31 March, as the "
    "return counts them, whatever the council's reporting year), with the national labels, a "
    "column for each team and a total. Small numbers are suppressed in every cell."
)
current = financial_year(today)
left, right = st.columns(2)
year = left.selectbox(
    "Financial year",
    [current - n for n in range(ui.YEARS_OFFERED)],
    key="sac_year",
    format_func=fy_label,
)
sac_team_ids = tuple(filters.team_ids)
try:
    tables = ui.figures(user, "sac", None, year=year, team_ids=sac_team_ids)
except MspError as exc:
    st.error(plain(str(exc)))
    st.stop()
if sac_team_ids:
    right.caption("Only the teams chosen above have a column; the Total is theirs.")

sac_signature = repr((year, sac_team_ids))
sac_stem = f"sac-msp-tables-{fy_label(year)}"
csv_column, xlsx_column = st.columns(2)


def sac_exported(actor: CurrentUser, what: str) -> None:
    ui.record_export(
        actor, what, None, suppressed=True, year=fy_label(year), team_ids=list(sac_team_ids)
    )


with csv_column:
    ui.lazy_download(
        key="sac_csv",
        signature=sac_signature,
        prepare_label="Prepare the tables as CSV",
        download_label="Download the tables (CSV)",
        make=lambda _actor: to_csv(sac_frame(tables)).encode("utf-8"),
        file_name=f"{sac_stem}.csv",
        mime="text/csv",
        on_prepare=lambda actor: sac_exported(actor, "sac_csv"),
    )
with xlsx_column:
    ui.lazy_download(
        key="sac_xlsx",
        signature=sac_signature,
        prepare_label="Prepare the tables as a spreadsheet",
        download_label="Download the tables (XLSX)",
        make=lambda _actor: to_xlsx(sac_sheets(tables, year=year, suppressed=True)),
        file_name=f"{sac_stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_prepare=lambda actor: sac_exported(actor, "sac_xlsx"),
    )

for table in tables:
    st.subheader(f"{table.code}: {table.title}", anchor=f"sac-{table.key}")
    # st.table fits every team's column on the page (wrapping the headings); it reads
    # Markdown, so team names and cells are escaped.
    shown = table.frame.copy()
    for column in shown.columns:
        values = shown[column] if column == LABEL else [ui.cell_text(v) for v in shown[column]]
        shown[column] = [plain(v) for v in values]
    st.table(shown.rename(columns=plain), hide_index=True)
