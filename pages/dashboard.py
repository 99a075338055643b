"""Team outcomes dashboard: how often people's desired outcomes were achieved, by team,
over time, by kind of outcome, risk and location, what people said in their feedback, and
timeliness. Practitioners see their own team; supervisors their teams; administrators all."""

import datetime as dt
import re

import pandas as pd
import streamlit as st

from msp import charts
from msp.auth import CurrentUser
from msp.errors import MspError
from msp.metrics.dashboard import success_label
from msp.ui import dashboard as ui
from msp.ui import session
from msp.ui.guard import require_page
from msp.ui.text import plain
from msp.users import list_teams

user = require_page(__file__)
today = dt.date.today()
may_compare_workers = user.role in ("supervisor", "administrator")

st.title("Team outcomes dashboard")
st.write(
    "How often people's desired outcomes were achieved in concluded enquiries, and what "
    "they said about how the enquiry was done. Use it in supervision and team meetings: "
    "each chart says in one sentence what it shows, and its numbers are under it."
)

if user.role == "administrator":
    teams = [(t.id, t.name) for t in list_teams(session.app_engine())]
else:
    teams = list(zip(user.team_ids, user.team_names, strict=True))
team_names = dict(teams)


def workers(filters) -> list[tuple[int, str]]:
    """Workers with concluded enquiries in the period and teams chosen."""
    frame = ui.figures(user, "by_worker", filters)
    found = frame.drop_duplicates("key")[["key", "group"]]
    return [(int(k), g) for k, g in found.itertuples(index=False) if k is not None and pd.notna(k)]


filters = ui.filter_bar(
    key="dash",
    teams=teams,
    today=today,
    workers=workers if may_compare_workers else None,
)
if filters is None:
    st.stop()

left, middle, right = st.columns(3)
period, success = ui.trend_choices("dash", left, middle)
compare = (
    right.radio(
        "Compare",
        ("team", "worker"),
        key="dash_compare",
        format_func=lambda u: f"{u.capitalize()}s",
        horizontal=True,
    )
    if may_compare_workers
    else "team"
)
measure = success_label(success)


def trend_section(trend: pd.DataFrame) -> ui.Section:
    table, config = ui.numbers_table(
        trend.assign(outside_text=trend["outside"].map({True: "Yes", False: "No"})),
        {
            "period": "Period",
            "x": measure,
            "n": "Out of",
            "p": "Share",
            "centre": "Average",
            "lcl": "Lower limit",
            "ucl": "Upper limit",
            "outside_text": "Outside the limits",
        },
        shares=["p", "centre", "lcl", "ucl"],
    )
    return ui.Section(
        key="trend",
        heading="Trend over time, with control limits",
        reading=charts.p_chart_reading(trend, measure=measure, unit=period),
        chart=charts.p_chart(trend, measure=measure),
        table=table,
        column_config=config,
        note="A point outside its dashed limits is unlikely to be chance and is worth a "
        "closer look; points inside are ordinary variation, so there is no need to explain "
        "every rise and fall. The limits are wider where fewer enquiries were concluded.",
    )


def funnel_section(funnel) -> ui.Section:
    table, config = ui.numbers_table(
        funnel.points,
        {
            "unit": compare.capitalize(),
            "x": measure,
            "n": "Out of",
            "p": "Share",
            "band": "Position",
        },
        shares=["p"],
    )
    return ui.Section(
        key="funnel",
        heading=f"{compare.capitalize()}s compared",
        reading=charts.funnel_reading(funnel),
        chart=charts.funnel_chart(funnel),
        table=table,
        column_config=config,
        note="A funnel plot: each point is placed by how many enquiries it counts. Points "
        "outside the funnel differ from the overall rate by more than chance would "
        "explain; small numbers sit in the wide part of the funnel.",
    )


def build_sections() -> list[ui.Section]:
    """Every chart of the dashboard with its reading and numbers (cached with the figures),
    in the order they are shown; the headline figures are loaded alongside."""
    return ui.load_sections(
        user,
        [
            ui.Part("headline", filters),
            ui.Part("by_team", filters, build=lambda f: ui.stacked_section(f, by="team")),
            ui.Part("p_chart", filters, {"period": period, "success": success}, trend_section),
            ui.Part("funnel", filters, {"by": compare, "success": success}, funnel_section),
            ui.Part("by_outcome", filters, build=lambda f: ui.stacked_section(f, by="outcome")),
            ui.Part("by_risk_type", filters, build=lambda f: ui.stacked_section(f, by="risk_type")),
            ui.Part("by_location", filters, build=lambda f: ui.stacked_section(f, by="location")),
            ui.Part("feedback", filters, build=ui.feedback_section),
            ui.Part("timeliness", filters, build=ui.timeliness_section),
        ],
    )


try:
    sections = ui.cached_sections(
        "team_dashboard", user, filters, (period, success, compare), build_sections
    )
    headline = ui.figures(user, "headline", filters)
except MspError as exc:
    st.error(plain(str(exc)))
    st.stop()

signature = repr((filters, period, success, compare))
period_label = filters.period_label()
file_stem = "msp-dashboard-" + re.sub(r"[^A-Za-z0-9]+", "-", period_label).strip("-").lower()


def exported(actor: CurrentUser, what: str) -> None:
    ui.record_export(actor, what, filters, suppressed=False)


st.header("Headline figures", anchor="headline")
st.markdown(f"Counting: {ui.filter_summary(filters, team_names)}")
if filters.worker_id is not None:
    st.caption("Only the enquiries allocated to the worker chosen.")
ui.show_headline(headline.table())
if headline.achieved_not_recorded:
    st.caption(
        f"{headline.achieved_not_recorded} enquiries where the person expressed outcomes have "
        "no answer about whether they were achieved, so they are not in the percentages."
    )
with st.expander("All the headline figures"):
    st.dataframe(
        ui.headline_table(headline.table(), published=False),
        hide_index=True,
        column_config={"Percentage": st.column_config.NumberColumn(format="%.1f%%")},
        key="table_headline",
    )
ui.dashboard_pdf_download(
    sections,
    title=f"Team outcomes dashboard: {period_label}",
    signature=signature,
    file_stem=file_stem,
    on_export=exported,
)

for section in sections:
    st.divider()
    ui.show_section(section, signature=signature, file_stem=file_stem, on_export=exported)
