"""The published figures page through AppTest, on a small demo database: no person-level
element ever reaches it (no case reference, no worker's name, anywhere in what is rendered:
text, metrics, tables, chart data and specs), suppressed values are shown as [c], the charts
draw the suppressed metrics' numbers, presentation mode moves one chart at a time, and every
export is audited."""

from __future__ import annotations

import json

import pyarrow.ipc as ipc
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from db.engine import unit_of_work
from db.models import Person, Team, User
from msp import charts, metrics
from msp.disclosure import SUPPRESSED, is_suppressed
from msp.metrics import Filters
from msp.sac import sac_tables
from msp.ui.dashboard import FILES_KEY, PRESENT_KEY
from tests.app.conftest import _reset_streamlit
from tests.app.test_dashboard_pages import (
    BY_TEAM,
    COMMISSIONER,
    LAST_YEAR,
    THIS_YEAR,
    assert_same_segments,
    audit_events,
    build_demo_template,
    chart_datasets,
    dataset_with,
    not_registered,
    open_demo,
    open_page,
    refused_when_run_directly,
)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory, migrated_sqlite_template):
    return build_demo_template(tmp_path_factory, migrated_sqlite_template)


@pytest.fixture
def demo(demo_template, tmp_path, monkeypatch):
    yield open_demo(demo_template, tmp_path, monkeypatch)
    _reset_streamlit()


def unescape(column) -> list[str]:
    """Cells of an st.table as the reader sees them (msp.ui.text.plain escaped them)."""
    return [str(v).replace("\\", "") for v in column]


def rendered_strings(at: AppTest) -> list[str]:
    """Everything the run sent to the browser, as text: every element's message (labels,
    values, help, Markdown, options, chart specs) and the cells and column names of every
    table and every chart dataset (Arrow, decoded)."""
    found: list[str] = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        found.append(str(proto))
    for table in [*at.dataframe, *at.table]:
        frame = table.value
        found += [str(c) for c in frame.columns]
        found += [str(v) for v in frame.astype(str).to_numpy().ravel()]
    for chart in at.get("vega_lite_chart"):
        found.append(chart.proto.spec)
        for dataset in chart.proto.datasets:
            frame = ipc.open_stream(dataset.data.data).read_pandas()
            found += [str(c) for c in frame.columns]
            found += [str(v) for v in frame.astype(str).to_numpy().ravel()]
    return found


def person_level_strings(engine) -> tuple[list[str], list[str]]:
    """Every case reference in the database, and every practitioner's name."""
    with unit_of_work(engine) as session:
        references = list(session.scalars(sa.select(Person.case_reference)))
        workers = list(
            session.scalars(sa.select(User.display_name).where(User.role == "practitioner"))
        )
    return references, workers


def test_a_commissioner_never_receives_a_person_level_element(demo):
    commissioner = demo.first("commissioner")
    at = open_page(commissioner, COMMISSIONER)
    at.selectbox(key="sac_year").set_value(LAST_YEAR).run()
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 7
    assert len(at.dataframe) == 8  # the numbers of the 7 charts and of the headline
    assert len(at.table) == 8  # the national return's tables

    references, workers = person_level_strings(demo.engine)
    assert len(references) > 100
    everything = "\n".join(rendered_strings(at)).replace("\\", "")  # unescaped
    leaked = [r for r in references if r in everything]
    assert leaked == []
    assert [w for w in workers if w in everything] == []
    assert SUPPRESSED in everything  # small numbers are there, as [c]

    # Presentation mode too.
    at.toggle(key="pub_presenting").set_value(True).run()
    for slide in range(8):
        everything = "\n".join(rendered_strings(at)).replace("\\", "")  # unescaped
        assert [r for r in references if r in everything] == []
        if slide < 7:
            at.button(key="present_next").click().run()


def test_suppressed_figures_are_shown_as_c_and_the_charts_draw_the_published_numbers(demo):
    commissioner = demo.first("commissioner")
    at = open_page(commissioner, COMMISSIONER)
    filters = Filters(year=THIS_YEAR)
    engine = demo.engine

    by_team = metrics.commissioner_achievement_by_team(engine, commissioner, filters)
    assert by_team["count"].map(is_suppressed).any()  # the demo data has small numbers
    drawn = chart_datasets(at)
    assert_same_segments(
        dataset_with(drawn[BY_TEAM], "count_text"), charts.stacked_segments(by_team)
    )
    suppressed_segments = dataset_with(drawn[BY_TEAM], "count_text")
    assert (suppressed_segments["count_text"] == SUPPRESSED).any()

    table = next(t.value for t in at.dataframe if {"Team", "Answer"} <= set(t.value.columns))
    assert table["Count"].tolist() == [
        SUPPRESSED if is_suppressed(v) else f"{v:,}" for v in by_team["count"]
    ]
    assert SUPPRESSED in table["Percentage"].tolist()

    trend = metrics.commissioner_achievement_trend(engine, commissioner, filters)
    trend_drawn = dataset_with(drawn["Fully achieved: trend by period"], "percent_text")
    assert trend_drawn["period"].tolist() == trend["period"].tolist()
    assert trend_drawn["n_text"].tolist() == [charts._count_text(v) for v in trend["n"]]

    headline = metrics.commissioner_headline(engine, commissioner, filters)
    concluded = headline.loc[headline["measure"] == "Enquiries concluded", "count"].iloc[0]
    shown = next(m for m in at.metric if m.label == "Enquiries concluded").value
    assert shown == (concluded if is_suppressed(concluded) else f"{concluded:,}")
    for metric in at.metric:
        value = metric.value
        assert value == SUPPRESSED or value.endswith("%") or int(value.replace(",", "")) % 5 == 0

    # The national return's tables: exact labels, suppressed cells.
    tables = sac_tables(engine, THIS_YEAR, suppress=True, user=commissioner)
    sg4a = next(t for t in tables if t.key == "SG4a achieved")
    shown_sg4a = next(
        t.value.rename(columns=lambda c: c.replace("\\", "")).map(
            lambda v: str(v).replace("\\", "")
        )
        for t in at.table
        if unescape(t.value.iloc[:, 0]) == sg4a.frame["Label"].tolist()
    )
    assert shown_sg4a["Label"].tolist() == ["Fully Achieved", "Partially Achieved", "Not Achieved"]
    assert shown_sg4a["Total"].tolist() == [
        SUPPRESSED if is_suppressed(v) else f"{v:,}" for v in sg4a.frame["Total"]
    ]


def test_presentation_mode_shows_one_large_chart_at_a_time(demo):
    at = open_page(demo.first("commissioner"), COMMISSIONER)
    at.toggle(key="pub_presenting").set_value(True).run()
    assert not at.exception
    assert not at.get("vega_lite_chart")  # the opening slide: the headline figures
    assert at.button(key="present_previous").disabled
    assert any("1 of 8" in m.value for m in at.markdown)
    assert [h.value for h in at.header][0].startswith("Making Safeguarding Personal")

    at.button(key="present_next").click().run()
    (chart,) = at.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    assert spec["title"]["text"] == BY_TEAM
    assert spec["height"] >= 300  # large
    assert spec["config"]["axis"]["labelFontSize"] == 15
    assert any("2 of 8" in m.value for m in at.markdown)

    for _ in range(6):
        at.button(key="present_next").click().run()
    assert any("8 of 8" in m.value for m in at.markdown)
    assert at.button(key="present_next").disabled  # the last chart: no further
    assert at.session_state[PRESENT_KEY] == 7
    at.button(key="present_previous").click().run()
    assert any("7 of 8" in m.value for m in at.markdown)

    at.toggle(key="pub_presenting").set_value(False).run()
    assert len(at.get("vega_lite_chart")) == 7
    assert at.selectbox(key="pub_year").value == THIS_YEAR  # the filters were kept


def test_every_export_is_audited_with_its_filters(demo):
    supervisor = demo.first("supervisor")  # supervisors may check what is published
    at = open_page(supervisor, COMMISSIONER)
    with unit_of_work(demo.engine) as session:
        team_id = session.scalar(sa.select(Team.id).order_by(Team.id))
    at.multiselect(key="pub_teams").set_value([team_id]).run()
    at.button(key="sac_csv_prepare").click().run()
    at.button(key="png_by_team_prepare").click().run()
    assert not at.exception

    csv_text = at.session_state[FILES_KEY]["sac_csv"][1].decode()
    assert csv_text.startswith("Table,Item,Label,")
    assert "Yes they were asked and outcomes were expressed" in csv_text
    assert "Total" in csv_text.splitlines()[0]
    assert [d.label for d in at.get("download_button")] == [
        "Download image (PNG)",
        "Download the tables (CSV)",
    ]
    sac_event, png_event = audit_events(demo.engine, "figures_exported")
    assert sac_event.details == {
        "what": "sac_csv",
        "suppressed": True,
        "year": f"{THIS_YEAR}-{(THIS_YEAR + 1) % 100:02d}",
        "team_ids": [team_id],
    }
    assert png_event.details["what"] == "chart_png:by_team"
    assert png_event.details["suppressed"] is True
    assert png_event.details["filters"]["team_ids"] == [team_id]


def test_who_may_open_the_published_figures(demo):
    practitioner = demo.first("practitioner")
    assert not_registered(practitioner, COMMISSIONER)
    assert refused_when_run_directly(practitioner, COMMISSIONER)
    admin = demo.first("administrator")
    at = open_page(admin, COMMISSIONER)
    assert len(at.get("vega_lite_chart")) == 7


def test_commissioners_share_the_published_figures_but_not_the_team_dashboard(demo, monkeypatch):
    """The published figures do not depend on who asks, so the second commissioner's page
    is drawn from the first one's cached figures; a supervisor's own dashboard figures are
    never shared."""
    from msp.ui import dashboard as ui
    from tests.app.conftest import add

    counted: list[str] = []

    def counting(kind: str):
        real = ui.LOADERS[kind]

        def load(*args, **kwargs):
            counted.append(kind)
            return real(*args, **kwargs)

        return load

    for kind in ("c_by_team", "by_team"):
        monkeypatch.setitem(ui.LOADERS, kind, counting(kind))
    first = demo.first("commissioner")
    second = add(demo.engine, "commissioner")
    at = open_page(first, COMMISSIONER)
    shown = chart_datasets(at)
    assert counted == ["c_by_team"]
    again = open_page(second, COMMISSIONER)
    assert counted == ["c_by_team"]  # not counted again
    assert [f.to_dict() for f in chart_datasets(again)[BY_TEAM]] == [
        f.to_dict() for f in shown[BY_TEAM]
    ]

    supervisor = demo.first("supervisor")
    other = add(demo.engine, "supervisor", list(supervisor.team_names))
    open_page(supervisor, "pages/dashboard.py")
    open_page(other, "pages/dashboard.py")
    assert counted == ["c_by_team", "by_team", "by_team"]  # each supervisor's own
