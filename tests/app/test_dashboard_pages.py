"""The team dashboard through AppTest, on a small demo database made once per module:
who may open it and which teams they see, the filters, and that every chart draws exactly
the numbers the metric functions compute (read back from the chart's Arrow datasets).

The demo helpers here are shared by the supervision and commissioner page tests."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.ipc as ipc
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from db.engine import dispose_engines, get_engine, unit_of_work
from db.models import AuditEvent, User
from msp import charts, metrics
from msp.auth import CurrentUser, load_user
from msp.demo import generate
from msp.metrics import Filters
from msp.periods import financial_year
from msp.ui import dashboard as ui
from msp.ui import guard
from msp.ui.dashboard import FILES_KEY
from tests.app.conftest import _reset_streamlit, page_app, signed_in

DEMO_TODAY = dt.date.today()  # the pages count from today's financial year
DEMO_ENQUIRIES = 300
THIS_YEAR = financial_year(DEMO_TODAY)
LAST_YEAR = THIS_YEAR - 1
DASHBOARD = "pages/dashboard.py"
SUPERVISION = "pages/supervision.py"
COMMISSIONER = "pages/commissioner.py"
ROOT = Path(__file__).resolve().parents[2]
BY_TEAM = charts.ACHIEVED_BY["team"]
P_CHART = "Fully achieved: trend with control limits (p-chart)"
FUNNEL = "Fully achieved: teams compared (funnel plot)"
FEEDBACK = "Feedback answers by question"
TIMELINESS = "Timeliness against the team's targets"


# --- Shared helpers: a demo database per module, copied for each test ----------------------


def build_demo_template(tmp_path_factory, migrated_sqlite_template) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copyfile(migrated_sqlite_template, path)
    generate(get_engine(f"sqlite:///{path}"), enquiries=DEMO_ENQUIRIES, seed=1, today=DEMO_TODAY)
    dispose_engines()
    return path


@dataclass
class Demo:
    url: str
    engine: object
    users: dict[str, list[CurrentUser]]  # by role, in id order

    def first(self, role: str) -> CurrentUser:
        return self.users[role][0]


def open_demo(template: Path, tmp_path: Path, monkeypatch) -> Demo:
    path = tmp_path / "msp.sqlite3"
    shutil.copyfile(template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("MSP_DATABASE_URL", url)
    monkeypatch.delenv("MSP_DEMO", raising=False)
    _reset_streamlit()
    engine = get_engine(url)
    with unit_of_work(engine) as session:
        ids = session.execute(sa.select(User.id, User.role).order_by(User.id)).all()
    users: dict[str, list[CurrentUser]] = {}
    for user_id, role in ids:
        users.setdefault(role, []).append(load_user(engine, user_id))
    return Demo(url, engine, users)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory, migrated_sqlite_template) -> Path:
    return build_demo_template(tmp_path_factory, migrated_sqlite_template)


@pytest.fixture
def demo(demo_template, tmp_path, monkeypatch):
    yield open_demo(demo_template, tmp_path, monkeypatch)
    _reset_streamlit()


def open_page(user: CurrentUser, page: str) -> AppTest:
    at = signed_in(user)
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def chart_title(element) -> str:
    title = json.loads(element.proto.spec).get("title", "")
    return title.get("text", "") if isinstance(title, dict) else str(title)


def chart_datasets(at: AppTest) -> dict[str, list[pd.DataFrame]]:
    """Every chart's inline datasets (what it draws), by the chart's title."""
    return {
        chart_title(element): [
            ipc.open_stream(d.data.data).read_pandas() for d in element.proto.datasets
        ]
        for element in at.get("vega_lite_chart")
    }


def dataset_with(frames: list[pd.DataFrame], *columns: str) -> pd.DataFrame:
    (frame,) = [f for f in frames if set(columns) <= set(f.columns)]
    return frame.reset_index(drop=True)


def table_with(at: AppTest, *columns: str) -> pd.DataFrame:
    """The one table on the page that has these columns."""
    (table,) = [el.value for el in at.dataframe if set(columns) <= set(el.value.columns)]
    return table


def audit_events(engine, action: str) -> list[AuditEvent]:
    with unit_of_work(engine) as session:
        events = session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).all()
        session.expunge_all()
        return list(events)


def not_registered(user: CurrentUser, page: str) -> bool:
    """The role's menu does not offer the page (switching to it is refused)..."""
    at = signed_in(user)
    try:
        at.switch_page(page)
    except ValueError:
        return True
    return False


def refused_when_run_directly(user: CurrentUser, page: str) -> bool:
    """...and the page's own guard stops it when run on its own."""
    at = page_app(ROOT / page)
    at.session_state["user_id"] = user.id
    at.run()
    return [e.value for e in at.error] == [guard.NO_ACCESS] and not at.get("vega_lite_chart")


SEGMENT_COLUMNS = ["group", "category_label", "count_text", "total_text", "percent_text"]


def assert_same_segments(drawn: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        drawn[SEGMENT_COLUMNS].reset_index(drop=True),
        expected[SEGMENT_COLUMNS].reset_index(drop=True),
        check_dtype=False,
    )
    for column in ("start", "end"):
        assert drawn[column].tolist() == pytest.approx(expected[column].tolist())


# --- Tests ----------------------------------------------------------------------------------


def test_a_practitioner_sees_only_their_own_teams_dashboard(demo):
    practitioner = demo.first("practitioner")
    at = open_page(practitioner, DASHBOARD)

    assert at.title[0].value == "Team outcomes dashboard"
    assert at.multiselect(key="dash_teams").options == list(practitioner.team_names)
    drawn = chart_datasets(at)
    assert len(drawn) == 8
    teams_drawn = set(dataset_with(drawn[BY_TEAM], "group")["group"])
    assert teams_drawn == set(practitioner.team_names)
    funnel_units = set(dataset_with(drawn[FUNNEL], "unit", "band")["unit"])
    assert funnel_units <= set(practitioner.team_names)
    # No worker filter and no comparison of named colleagues for practitioners.
    assert not [s for s in at.selectbox if s.key == "dash_worker"]
    assert not [r for r in at.radio if r.key == "dash_compare"]

    expected = metrics.headline(demo.engine, practitioner, Filters(year=THIS_YEAR))
    concluded = next(m for m in at.metric if m.label == "Enquiries concluded")
    assert concluded.value == f"{expected.concluded:,}"

    # They cannot reach the published figures or supervision, from the menu or directly.
    for page in (COMMISSIONER, SUPERVISION):
        assert not_registered(practitioner, page)
        assert refused_when_run_directly(practitioner, page)


def test_the_charts_draw_the_numbers_the_metrics_compute(demo):
    supervisor = demo.first("supervisor")
    at = open_page(supervisor, DASHBOARD)
    at.selectbox(key="dash_year").set_value(LAST_YEAR).run()
    assert not at.exception
    filters = Filters(year=LAST_YEAR)
    engine = demo.engine
    drawn = chart_datasets(at)

    for key, metric, by in (
        (BY_TEAM, metrics.achievement_by_team, "team"),
        (charts.ACHIEVED_BY["outcome"], metrics.achievement_by_outcome, "outcome"),
        (charts.ACHIEVED_BY["risk_type"], metrics.achievement_by_risk_type, "risk_type"),
        (charts.ACHIEVED_BY["location"], metrics.achievement_by_location, "location"),
    ):
        frame = metric(engine, supervisor, filters)
        assert not frame.empty, key
        assert_same_segments(dataset_with(drawn[key], "count_text"), charts.stacked_segments(frame))
        reading = charts.achievement_reading(frame, by=by)
        assert reading.replace("\\", "") in [m.value.replace("\\", "") for m in at.markdown]

    trend = metrics.achievement_p_chart(engine, supervisor, filters)
    drawn_trend = dataset_with(drawn[P_CHART], "lcl")
    assert (
        drawn_trend["period"].tolist()
        == trend["period"].tolist()
        == [f"{LAST_YEAR}-{(LAST_YEAR + 1) % 100:02d} Q{q}" for q in (1, 2, 3, 4)]
    )
    for column in ("n", "x", "p", "centre", "lcl", "ucl"):
        assert drawn_trend[column].tolist() == pytest.approx(trend[column].tolist()), column
    assert drawn_trend["outside"].tolist() == trend["outside"].tolist()

    funnel = metrics.achievement_funnel(engine, supervisor, filters)
    points = dataset_with(drawn[FUNNEL], "unit", "band")
    assert points["unit"].tolist() == funnel.points["unit"].tolist()
    assert points["n"].tolist() == funnel.points["n"].tolist()
    assert points["x"].tolist() == funnel.points["x"].tolist()
    assert points["band"].tolist() == funnel.points["band"].tolist()

    feedback = metrics.feedback_answers(engine, supervisor, filters)
    assert_same_segments(
        dataset_with(drawn[FEEDBACK], "count_text"),
        charts.diverging_segments(ui.short_questions(feedback)),  # shorter bar labels
    )

    timeliness = metrics.timeliness(engine, supervisor, filters)
    bars = dataset_with(drawn[TIMELINESS], "met_text")
    assert bars["met_text"].tolist() == [f"{m:,}" for m in timeliness["met"]]
    assert bars["total_text"].tolist() == [f"{t:,}" for t in timeliness["total"]]

    # The table under a chart holds the same aggregate.
    by_team = metrics.achievement_by_team(engine, supervisor, filters)
    table = table_with(at, "Team", "Answer")
    assert table["Count"].tolist() == by_team["count"].tolist()
    assert table["Out of"].tolist() == by_team["total"].tolist()
    assert table["Team"].tolist() == by_team["group"].tolist()


def test_the_trend_by_month_and_counting_partial_achievement(demo):
    supervisor = demo.first("supervisor")
    at = open_page(supervisor, DASHBOARD)
    at.selectbox(key="dash_year").set_value(LAST_YEAR)
    at.radio(key="dash_trend_by").set_value("month")
    at.radio(key="dash_success").set_value(("fully", "partially")).run()
    assert not at.exception
    either = ("fully", "partially")
    trend = metrics.achievement_p_chart(
        demo.engine, supervisor, Filters(year=LAST_YEAR), period="month", success=either
    )
    title = "Fully or partially achieved: trend with control limits (p-chart)"
    drawn = dataset_with(chart_datasets(at)[title], "lcl")
    assert drawn["period"].tolist() == trend["period"].tolist()
    first, last = LAST_YEAR * 100 + 4, (LAST_YEAR + 1) * 100 + 3  # April to March
    assert len(trend) > 4 and all(first <= k <= last for k in trend["period_key"])
    assert drawn["x"].tolist() == trend["x"].tolist()
    fully = metrics.achievement_p_chart(
        demo.engine, supervisor, Filters(year=LAST_YEAR), period="month"
    )
    assert (trend["x"] >= fully["x"]).all() and trend["x"].sum() > fully["x"].sum()


def test_filters_narrow_the_figures_and_bad_dates_are_refused(demo):
    supervisor = demo.first("supervisor")
    team_id = supervisor.team_ids[0]
    at = open_page(supervisor, DASHBOARD)
    at.radio(key="dash_period").set_value("Quarter").run()
    at.selectbox(key="dash_year").set_value(LAST_YEAR)
    at.selectbox(key="dash_quarter").set_value(2)
    at.multiselect(key="dash_teams").set_value([team_id])
    at.selectbox(key="dash_type").set_value("s42").run()
    assert not at.exception
    filters = Filters(year=LAST_YEAR, quarter=2, team_ids=(team_id,), enquiry_type="s42")
    expected = metrics.headline(demo.engine, supervisor, filters)
    concluded = next(m for m in at.metric if m.label == "Enquiries concluded")
    assert concluded.value == f"{expected.concluded:,}"
    assert any("Q2" in m.value and "Section 42" in m.value for m in at.markdown)

    # The worker filter lists the team's workers with concluded enquiries in the period.
    period_and_team = Filters(year=LAST_YEAR, quarter=2, team_ids=(team_id,))
    by_worker = metrics.achievement_by_worker(demo.engine, supervisor, period_and_team)
    worker_ids = [int(k) for k in by_worker.drop_duplicates("key")["key"] if pd.notna(k)]
    worker = at.selectbox(key="dash_worker")
    assert worker.options and len(worker.options) == len(worker_ids)
    worker.set_value(worker_ids[0]).run()
    narrowed = metrics.headline(
        demo.engine, supervisor, Filters(**{**filters.__dict__, "worker_id": worker_ids[0]})
    )
    concluded = next(m for m in at.metric if m.label == "Enquiries concluded")
    assert concluded.value == f"{narrowed.concluded:,}"

    at.radio(key="dash_period").set_value("Custom dates").run()
    at.date_input(key="dash_from").set_value(dt.date(LAST_YEAR, 9, 1))
    at.date_input(key="dash_to").set_value(dt.date(LAST_YEAR, 8, 1)).run()
    assert "Enter an end date on or after the start date" in [e.value for e in at.error]
    assert not at.get("vega_lite_chart")


def test_an_administrator_sees_every_team_and_a_commissioner_is_refused(demo):
    admin = demo.first("administrator")
    at = open_page(admin, DASHBOARD)
    with unit_of_work(demo.engine) as session:
        from db.models import Team

        names = sorted(session.scalars(sa.select(Team.name)))
    assert sorted(at.multiselect(key="dash_teams").options) == names
    teams_drawn = set(dataset_with(chart_datasets(at)[BY_TEAM], "group")["group"])
    assert teams_drawn == set(names)

    commissioner = demo.first("commissioner")
    assert not_registered(commissioner, DASHBOARD)
    assert refused_when_run_directly(commissioner, DASHBOARD)


def test_no_file_is_made_for_someone_switched_off_after_the_page_was_drawn(demo):
    supervisor = demo.first("supervisor")
    at = open_page(supervisor, DASHBOARD)
    with unit_of_work(demo.engine) as session:
        from db.models import User

        session.execute(sa.update(User).where(User.id == supervisor.id).values(is_active=False))

    at.button(key="png_by_team_prepare").click().run()

    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in"]
    assert FILES_KEY not in at.session_state  # the session was cleared; no file was kept
    assert not audit_events(demo.engine, "figures_exported")


def test_a_chart_image_is_made_only_when_asked_for_and_the_export_is_audited(demo):
    supervisor = demo.first("supervisor")
    at = open_page(supervisor, DASHBOARD)
    assert not at.session_state[FILES_KEY]  # nothing rendered on an ordinary run
    assert not audit_events(demo.engine, "figures_exported")

    at.button(key="png_by_team_prepare").click().run()
    assert not at.exception
    stored = at.session_state[FILES_KEY]["png_by_team"][1]
    assert stored.startswith(b"\x89PNG")
    assert [d.label for d in at.get("download_button")] == ["Download image (PNG)"]
    (event,) = audit_events(demo.engine, "figures_exported")
    assert event.details["what"] == "chart_png:by_team"
    assert event.details["suppressed"] is False
    assert event.details["filters"]["period"] == Filters(year=THIS_YEAR).period_label()
