"""Chart specs: what each chart encodes, that suppressed values are drawn as suppressed, and
the one-sentence readings."""

from __future__ import annotations

import pandas as pd
import pytest

from msp import charts, vocab
from msp.charts import OKABE_ITO, SUPPRESSED_COLOUR, SUPPRESSED_LABEL
from msp.disclosure import SUPPRESSED, suppress_frame
from msp.metrics import stats
from msp.metrics.commissioner import suppress_stacked
from msp.metrics.dashboard import Funnel, stacked


def rows_of(chart) -> list[dict]:
    """Every data row the chart spec carries (all inline datasets)."""
    spec = chart.to_dict()
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def layers(chart) -> list[dict]:
    return chart.to_dict()["layer"]


def title(chart) -> str:
    t = chart.to_dict()["title"]
    return t["text"] if isinstance(t, dict) else t


def teams_frame():
    return stacked(
        [
            (1, "fully", 72),
            (1, "partially", 20),
            (1, "not_achieved", 8),
            (2, "fully", 24),
            (2, "partially", 20),
            (2, "not_achieved", 6),
            (3, "fully", 3),
            (3, "partially", 1),
            (3, "not_achieved", 0),
        ],  # fmt: skip
        [(1, "North locality"), (2, "West"), (3, "East")],
        vocab.MSP_ACHIEVED,
    )


def test_achievement_by_team_encodes_proportions_with_counts():
    chart = charts.achievement_by_team_chart(teams_frame())
    assert title(chart) == "Outcome achievement by team"
    bars, labels = layers(chart)[:2]
    assert bars["mark"]["type"] == "bar"
    assert bars["encoding"]["x"]["field"] == "start" and bars["encoding"]["x2"]["field"] == "end"
    colour = bars["encoding"]["color"]
    assert colour["scale"]["domain"] == ["Fully Achieved", "Partially Achieved", "Not Achieved"]
    assert colour["scale"]["range"] == [
        OKABE_ITO["blue"],
        OKABE_ITO["sky_blue"],
        OKABE_ITO["vermillion"],
    ]
    tooltip_fields = [t["field"] for t in bars["encoding"]["tooltip"]]
    assert {"count_text", "total_text", "percent_text"} <= set(tooltip_fields)
    # Not colour alone: segments carry their names and percentages as text.
    assert labels["mark"]["type"] == "text" and labels["encoding"]["text"]["field"] == "label"
    data = rows_of(chart)
    north = [r for r in data if r["group"] == "North locality"]
    assert [(r["category_label"], r["count_text"], r["label"]) for r in north] == [
        ("Fully Achieved", "72", "Fully 72%"),
        ("Partially Achieved", "20", "Partially 20%"),
        ("Not Achieved", "8", "8%"),
    ]
    assert north[0]["start"] == 0 and north[-1]["end"] == pytest.approx(1.0)
    assert not any(r["suppressed"] for r in data)


def test_suppressed_segments_are_drawn_as_suppressed_never_as_zero():
    published = suppress_stacked(teams_frame())
    chart = charts.achievement_by_team_chart(published)
    data = rows_of(chart)
    east = [r for r in data if r["group"] == "East"]
    # East: 3, 1 and 0 of 4 -> nothing can be shown; one grey bar, labelled [c].
    assert len(east) == 1
    (bar,) = east
    assert bar["suppressed"] is True
    assert (bar["category_label"], bar["count_text"], bar["label"]) == (
        SUPPRESSED_LABEL,
        SUPPRESSED,
        SUPPRESSED,
    )
    assert (bar["start"], bar["end"]) == (0, 1.0)
    assert bar["hidden"] == "Fully Achieved, Partially Achieved, Not Achieved"
    # West: 24 -> 25 (48% shown), 20 (40%), 6 -> 5 (12%): all shown, counts rounded.
    west = [r for r in data if r["group"] == "West"]
    assert [(r["count_text"], r["percent_text"]) for r in west] == [
        ("25", "48%"),
        ("20", "40%"),
        ("5", "12%"),
    ]
    north = [r for r in data if r["group"] == "North locality"]
    assert [r["count_text"] for r in north] == ["70", "20", "10"]
    # Never a zero-width "0" standing in for a suppressed value.
    assert not any(r["count_text"] in ("0", "") and not r["suppressed"] for r in data)
    colour = layers(chart)[0]["encoding"]["color"]["scale"]
    assert colour["domain"][-1] == SUPPRESSED_LABEL and colour["range"][-1] == SUPPRESSED_COLOUR
    marks = layers(chart)[2]
    assert marks["mark"]["type"] == "text" and marks["encoding"]["text"] == {"value": SUPPRESSED}
    # Beside the end of the bar on the share scale, wherever the chart is drawn and however
    # wide (not at a fixed pixel position).
    assert marks["encoding"]["x"] == {"datum": 1}


def test_partly_suppressed_group_keeps_the_rest_of_the_bar_grey():
    frame = stacked(
        [(1, "fully", 40), (1, "partially", 8), (1, "not_achieved", 2)],
        [(1, "North")],
        vocab.MSP_ACHIEVED,
    )
    data = rows_of(charts.achievement_by_team_chart(suppress_stacked(frame)))
    assert [(r["category_label"], r["start"], r["end"]) for r in data] == [
        ("Fully Achieved", 0, pytest.approx(0.8)),
        ("Partially Achieved", pytest.approx(0.8), pytest.approx(0.96)),
        (SUPPRESSED_LABEL, pytest.approx(0.96), 1.0),
    ]
    assert data[-1]["hidden"] == "Not Achieved"


def test_achievement_readings():
    frame = teams_frame()
    assert charts.achievement_by_team_reading(frame) == (
        "East fully achieved the most outcomes (75%); West the fewest (48%)."
    )
    published = suppress_stacked(frame)
    assert charts.achievement_reading(published) == (
        "North locality fully achieved the most outcomes (72%); West the fewest (48%)."
    )
    assert "too small" in charts.achievement_reading(published.loc[published["key"] == 3])
    assert "no concluded" in charts.achievement_reading(frame.iloc[0:0])


@pytest.mark.parametrize("by", ["outcome", "risk_type", "location", "worker"])
def test_other_breakdowns_have_titles_and_readings(by):
    frame = teams_frame()
    chart = charts.achievement_chart(frame, by=by)
    assert title(chart) == charts.ACHIEVED_BY[by]
    sentence = charts.achievement_reading(frame, by=by)
    assert "75%" in sentence and "48%" in sentence and sentence.endswith(".")


def test_p_chart_spec():
    frame = stats.p_chart([30, 12, 36], [50, 50, 60])
    frame["period"] = ["2025-26 Q1", "2025-26 Q2", "2025-26 Q3"]
    frame["period_key"] = [20251, 20252, 20253]
    chart = charts.p_chart(frame)
    assert "p-chart" in title(chart)
    upper, lower, centre, path, points = layers(chart)
    assert upper["mark"]["interpolate"] == "step" and upper["encoding"]["y"]["field"] == "ucl"
    assert lower["encoding"]["y"]["field"] == "lcl"
    assert centre["encoding"]["y"]["field"] == "centre"
    shape, colour = points["encoding"]["shape"], points["encoding"]["color"]
    assert shape["field"] == colour["field"] == "status"
    assert shape["scale"]["range"] == ["circle", "diamond"]
    assert colour["scale"]["range"] == [OKABE_ITO["blue"], OKABE_ITO["vermillion"]]
    assert {"x", "n", "limits_text"} <= {t["field"] for t in points["encoding"]["tooltip"]}
    data = {r["period"]: r for r in rows_of(chart)}
    # p-bar = 78/160 = 0.4875; Q2 12/50 = 0.24 < 0.4875 - 3*sqrt(0.4875*0.5125/50) = 0.275.
    assert data["2025-26 Q2"]["status"] == charts.OUTSIDE_STATUS
    assert data["2025-26 Q1"]["status"] == charts.INSIDE_STATUS
    assert charts.p_chart_reading(frame, unit="quarter") == (
        "On average 49% were fully achieved over 3 quarters; outside the control limits, "
        "worth a closer look: 2025-26 Q2 (below)."
    )


def test_funnel_spec():
    units = pd.DataFrame(
        {"unit_id": [1, 2], "unit": ["North", "South"], "n": [100, 100], "x": [80, 40]}
    )
    points, p0 = stats.funnel_points(units)
    funnel = Funnel(points, stats.funnel_curve(p0, 100), p0, "team", "Fully achieved")
    chart = charts.funnel_chart(funnel)
    lines, centre, dots, names = layers(chart)
    assert lines["encoding"]["strokeDash"]["scale"]["domain"] == ["95% limits", "99.8% limits"]
    assert centre["mark"]["type"] == "rule"
    assert dots["encoding"]["shape"]["field"] == dots["encoding"]["color"]["field"] == "band"
    assert names["encoding"]["text"]["field"] == "unit"
    data = rows_of(chart)
    north = next(r for r in data if r.get("unit") == "North")
    assert (north["band"], north["x"], north["n"]) == (stats.OUTSIDE, 80, 100)
    limits = [r for r in data if "limit" in r]
    assert len(limits) == 4 * 100
    assert charts.funnel_reading(funnel) == (
        "Overall 60% were fully achieved; beyond what chance would explain: "
        "North (above, 99.8% limits), South (below, 99.8% limits)."
    )


def feedback_frame():
    groups = [((1, "person"), "Listened to (the person)"), ((1, "rep"), "Listened to (a rep)")]
    counts = [
        ((1, "person"), "yes", 30), ((1, "person"), "partly", 10), ((1, "person"), "no", 6),
        ((1, "person"), "dont_know", 4),
        ((1, "rep"), "yes", 3), ((1, "rep"), "no", 1),
    ]  # fmt: skip
    return stacked(counts, groups, vocab.FEEDBACK_ANSWERS)


def test_feedback_diverges_around_zero():
    chart = charts.feedback_chart(feedback_frame())
    data = [r for r in rows_of(chart) if r.get("group") == "Listened to (the person)"]
    spans = {r["category_label"]: (r["start"], r["end"]) for r in data}
    # Of 50: don't know 8% centred on zero, partly and yes to the right, no to the left.
    assert spans["Don't know"] == pytest.approx((-0.04, 0.04))
    assert spans["Partly"] == pytest.approx((0.04, 0.24))
    assert spans["Yes"] == pytest.approx((0.24, 0.84))
    assert spans["No"] == pytest.approx((-0.16, -0.04))
    bars = layers(chart)[0]
    assert bars["encoding"]["x"]["scale"]["domain"] == [-1, 1]
    assert charts.feedback_reading(feedback_frame()) == (
        "Most often answered yes: “Listened to (a rep)” (75%); "
        "least often: “Listened to (the person)” (60%)."
    )


def test_suppressed_feedback():
    chart = charts.feedback_chart(suppress_stacked(feedback_frame()))
    rep = [r for r in rows_of(chart) if r.get("group") == "Listened to (a rep)"]
    assert len(rep) == 1 and rep[0]["suppressed"] and rep[0]["label"] == SUPPRESSED
    person = [r for r in rows_of(chart) if r.get("group") == "Listened to (the person)"]
    # Don't know (4) and Not answered (0) are withheld: listed, not drawn as segments.
    assert person[-1]["suppressed"] and person[-1]["hidden"] == "Don't know, Not answered"
    assert "Don't know" not in {r["category_label"] for r in person}


def timeliness_frame():
    frame = pd.DataFrame(
        {
            "measure": ["First conversation about outcomes", "Feedback"],
            "target": ["Within 5 working days of the start", "Within 8 weeks of conclusion"],
            "met": [36, 3],
            "total": [50, 50],
        }
    )
    frame["percent"] = 100 * frame["met"] / frame["total"]
    return frame


def legend_domain(chart) -> list[str]:
    return layers(chart)[0]["encoding"]["color"]["scale"]["domain"]


def test_timeliness():
    chart = charts.timeliness_chart(timeliness_frame())
    assert title(chart) == "Timeliness against the team's targets"
    data = rows_of(chart)
    assert data[0]["label"] == "72% (36 of 50)"
    assert data[0]["row"] == "First conversation about outcomes: within 5 working days of the start"
    assert charts.timeliness_reading(timeliness_frame()) == (
        "Targets met — first conversation about outcomes within 5 working days of the start: "
        "72%; feedback within 8 weeks of conclusion: 6%."
    )
    published = suppress_frame(
        timeliness_frame(), counts=["met", "total"], percentages={"percent": ("met", "total")}
    )
    assert legend_domain(chart) == ["Met the target"]  # nothing suppressed: not in the legend
    published_chart = charts.timeliness_chart(published)
    assert legend_domain(published_chart) == ["Met the target", SUPPRESSED_LABEL]
    data = rows_of(published_chart)
    assert data[0]["label"] == "72% (35 of 50)"
    assert (data[1]["label"], data[1]["suppressed"], data[1]["status"]) == (
        SUPPRESSED,
        True,
        SUPPRESSED_LABEL,
    )


def test_trend_of_published_figures():
    frame = pd.DataFrame(
        {"period_key": [1, 2, 3], "period": ["Q1", "Q2", "Q3"], "n": [20, 3, 25], "x": [12, 2, 20]}
    )
    frame["percent"] = 0.0
    published = suppress_frame(frame, counts=["n", "x"], percentages={"percent": ("x", "n")})
    chart = charts.trend_chart(published)
    data = {r["period"]: r for r in rows_of(chart)}
    assert data["Q2"]["suppressed"] is True and data["Q2"]["share"] is None
    assert data["Q1"]["share"] == pytest.approx(0.6)
    bands = layers(chart)[0]
    assert bands["mark"]["color"] == SUPPRESSED_COLOUR
    assert charts.trend_reading(published) == (
        "The share fully achieved was highest in Q3 (80%) and lowest in Q1 (60%)."
    )


def test_empty_tables_give_a_titled_message():
    empty = teams_frame().iloc[0:0]
    for chart in (
        charts.achievement_by_team_chart(empty),
        charts.feedback_chart(empty),
        charts.p_chart(stats.p_chart([], []).assign(period=[], period_key=[])),
    ):
        spec = chart.to_dict()
        assert spec["mark"]["type"] == "text"
        assert spec["title"]["text"]
