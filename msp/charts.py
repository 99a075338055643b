"""Charts of the dashboards: pure functions from an aggregate table to an Altair chart.

Every chart has a title, uses the Okabe-Ito colour-blind-safe palette and never relies on
colour alone (segments carry text labels, points differ in shape, limit lines in dash
pattern), and puts the counts in its tooltips. Tables that went through `msp.disclosure` may
hold ``[c]``/``[x]`` cells: those are drawn as suppressed (a grey, labelled mark), never as
zero. Each chart has a matching ``*_reading`` function: one plain-English sentence computed
from the same table, for the page to show beside it.

The input tables are those of `msp.metrics` (stacked proportions: group, sort, category,
category_label, count, total, percent 0-100; p-chart: period, n, x, p, centre, lcl, ucl,
outside; funnel: `Funnel`; timeliness: measure, target, met, total, percent).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import Any

import altair as alt
import pandas as pd

from msp import vocab
from msp.disclosure import SUPPRESSED, is_suppressed

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
SUPPRESSED_COLOUR = "#BDBDBD"
SUPPRESSED_LABEL = "Suppressed [c]"
GRID_GREY = "#6E6E6E"

# Colour per category code; dark fills get white text.
CATEGORY_COLOURS = {
    "fully": OKABE_ITO["blue"],
    "partially": OKABE_ITO["sky_blue"],
    "not_achieved": OKABE_ITO["vermillion"],
    "yes": OKABE_ITO["blue"],
    "partly": OKABE_ITO["sky_blue"],
    "no": OKABE_ITO["vermillion"],
    "dont_know": OKABE_ITO["yellow"],
    "not_answered": OKABE_ITO["reddish_purple"],
}
DARK_FILLS = {OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["black"]}

WIDTH = 600
ROW_HEIGHT = 30
LABEL_MIN_SHARE = 0.07  # a segment narrower than this gets no text inside (tooltip only)
NAME_MIN_SHARE = 0.2  # wide enough for the category's name as well as its percentage

ACHIEVED_BY = {
    "team": "Outcome achievement by team",
    "worker": "Outcome achievement by worker",
    "risk_type": "Outcome achievement by type of risk",
    "location": "Outcome achievement by location of risk",
    "outcome": "Achievement by standard desired outcome",
}


# --- helpers --------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    """A cell as a float, or None when suppressed / missing."""
    if value is None or is_suppressed(value):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(number) else number


def _count_text(value: Any) -> str:
    if is_suppressed(value):
        return str(value)
    number = _number(value)
    return "" if number is None else f"{number:,.0f}"


def _percent_text(percent: Any) -> str:
    if is_suppressed(percent):
        return str(percent)
    number = _number(percent)
    return "" if number is None else f"{number:.0f}%"


def _short(label: str) -> str:
    return label if len(label) <= 12 else label.split()[0]


def _text_colour(fill: str) -> str:
    return "white" if fill in DARK_FILLS else "black"


def _categories(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """(code, label) of the categories in the table, in their order of first appearance."""
    seen: dict[str, str] = {}
    for code, label in zip(frame["category"], frame["category_label"], strict=True):
        seen.setdefault(code, label)
    return list(seen.items())


def _colour_scale(categories: Sequence[tuple[str, str]], *, suppressed: bool) -> alt.Scale:
    domain = [label for _, label in categories]
    colours = [CATEGORY_COLOURS.get(code, OKABE_ITO["bluish_green"]) for code, _ in categories]
    if suppressed:
        domain.append(SUPPRESSED_LABEL)
        colours.append(SUPPRESSED_COLOUR)
    return alt.Scale(domain=domain, range=colours)


def _title(text: str, subtitle: str | None = None) -> alt.TitleParams:
    if subtitle:
        return alt.TitleParams(text, subtitle=subtitle, anchor="start")
    return alt.TitleParams(text, anchor="start")


def _empty(title: str, message: str = "No enquiries to show for these filters") -> alt.Chart:
    data = pd.DataFrame({"message": [message]})
    return (
        alt.Chart(data, title=_title(title))
        .mark_text(fontSize=14, color=GRID_GREY)
        .encode(text="message:N")
        .properties(width=WIDTH, height=60)
    )


# --- stacked proportions ----------------------------------------------------------------------


def stacked_segments(frame: pd.DataFrame) -> pd.DataFrame:
    """Segment geometry for a stacked-proportions table (start/end as shares 0-1).

    Known percentages are stacked in category order; where any category of a group is
    suppressed, one grey "Suppressed [c]" segment takes the rest of the bar (the share that
    cannot be shown), and the group is marked so a "[c]" label is drawn beside the bar."""
    order = {code: i for i, (code, _) in enumerate(_categories(frame))}
    rows: list[dict[str, Any]] = []
    # Plain records rather than a pandas group per bar: a chart may have hundreds of bars.
    records = sorted(
        (SimpleNamespace(**r) for r in frame.to_dict("records")),
        key=lambda r: (r.sort, str(r.group), order.get(r.category, len(order))),
    )
    for (sort, group), part in itertools.groupby(records, key=lambda r: (r.sort, r.group)):
        part = list(part)
        start = 0.0
        hidden: list[str] = []
        total_text = _count_text(part[0].total)
        for row in part:
            share = _number(row.percent)
            if share is None:
                hidden.append(row.category_label)
                continue
            share /= 100.0
            fill = CATEGORY_COLOURS.get(row.category, OKABE_ITO["bluish_green"])
            label = ""
            if share >= NAME_MIN_SHARE:
                label = f"{_short(row.category_label)} {_percent_text(row.percent)}"
            elif share >= LABEL_MIN_SHARE:
                label = _percent_text(row.percent)
            rows.append(
                {
                    "group": group,
                    "sort": sort,
                    "category_label": row.category_label,
                    "start": start,
                    "end": start + share,
                    "middle": start + share / 2,
                    "count_text": _count_text(row.count),
                    "total_text": total_text,
                    "percent_text": _percent_text(row.percent),
                    "label": label,
                    "text_colour": _text_colour(fill),
                    "suppressed": False,
                }
            )
            start += share
        if hidden:
            end = max(start, 1.0)
            rows.append(
                {
                    "group": group,
                    "sort": sort,
                    "category_label": SUPPRESSED_LABEL,
                    "start": start,
                    "end": end,
                    "middle": (start + end) / 2,
                    "count_text": SUPPRESSED,
                    "total_text": total_text,
                    "percent_text": SUPPRESSED,
                    "label": SUPPRESSED if end - start >= LABEL_MIN_SHARE else "",
                    "text_colour": "black",
                    "suppressed": True,
                    "hidden": ", ".join(hidden),
                }
            )
    out = pd.DataFrame(rows)
    if "hidden" not in out.columns:
        out["hidden"] = ""
    out["hidden"] = out["hidden"].fillna("")
    return out


def stacked_proportions_chart(
    frame: pd.DataFrame,
    *,
    title: str,
    group_title: str,
    subtitle: str | None = None,
) -> alt.Chart:
    """Horizontal 100% stacked bars: one bar per group, one segment per category."""
    if frame.empty:
        return _empty(title)
    segments = stacked_segments(frame)
    suppressed = bool(segments["suppressed"].any())
    categories = _categories(frame)
    groups = segments.drop_duplicates("group").sort_values("sort")["group"].tolist()
    y = alt.Y("group:N", title=group_title, sort=groups, axis=alt.Axis(labelLimit=320))
    tooltip = [
        alt.Tooltip("group:N", title=group_title),
        alt.Tooltip("category_label:N", title="Answer"),
        alt.Tooltip("count_text:N", title="Count"),
        alt.Tooltip("total_text:N", title="Out of"),
        alt.Tooltip("percent_text:N", title="Percentage"),
    ]
    if suppressed:
        tooltip.append(alt.Tooltip("hidden:N", title="Not shown (small numbers)"))
    base = alt.Chart()  # the data is the layer's (given once, not hashed for each layer)
    bars = base.mark_bar(stroke="white", strokeWidth=1).encode(
        x=alt.X(
            "start:Q",
            title="Share of the group",
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format="%"),
        ),
        x2="end:Q",
        y=y,
        color=alt.Color(
            "category_label:N",
            title="Answer",
            scale=_colour_scale(categories, suppressed=suppressed),
            legend=alt.Legend(orient="bottom", direction="horizontal"),
        ),
        tooltip=tooltip,
    )
    labels = (
        base.transform_filter(alt.datum.label != "")
        .mark_text(fontSize=11)
        .encode(
            x="middle:Q",
            y=y,
            text="label:N",
            color=alt.Color("text_colour:N", scale=None),
            tooltip=tooltip,
        )
    )
    layers = [bars, labels]
    if suppressed:
        marks = (
            base.transform_filter(alt.datum.suppressed)
            .mark_text(align="left", dx=6, fontWeight="bold")
            .encode(
                x=alt.XDatum(1),  # the end of the bar, on the share scale (0 to 1)
                y=y,
                text=alt.TextValue(SUPPRESSED),
                tooltip=tooltip,
            )
        )
        layers.append(marks)
    height = max(60, ROW_HEIGHT * len(groups))
    return alt.layer(*layers, data=segments).properties(
        title=_title(title, subtitle), width=WIDTH, height=height
    )


def achievement_chart(frame: pd.DataFrame, *, by: str = "team") -> alt.Chart:
    """Outcome achievement by team / worker / risk_type / location / outcome."""
    group_titles = {
        "team": "Team",
        "worker": "Worker",
        "risk_type": "Type of risk",
        "location": "Location of risk",
        "outcome": "Desired outcome",
    }
    if by not in ACHIEVED_BY:
        raise ValueError(f"unknown breakdown {by!r}")
    subtitle = (
        "Ratings of each active desired outcome at conclusion"
        if by == "outcome"
        else "Enquiries where the person expressed outcomes"
    )
    return stacked_proportions_chart(
        frame, title=ACHIEVED_BY[by], group_title=group_titles[by], subtitle=subtitle
    )


def achievement_by_team_chart(frame: pd.DataFrame) -> alt.Chart:
    return achievement_chart(frame, by="team")


def achievement_by_outcome_chart(frame: pd.DataFrame) -> alt.Chart:
    return achievement_chart(frame, by="outcome")


def achievement_by_risk_type_chart(frame: pd.DataFrame) -> alt.Chart:
    return achievement_chart(frame, by="risk_type")


def achievement_by_location_chart(frame: pd.DataFrame) -> alt.Chart:
    return achievement_chart(frame, by="location")


def _known_shares(frame: pd.DataFrame, category: str) -> list[tuple[str, float]]:
    """(group, percent) for `category`, suppressed ones left out, in group order."""
    part = frame.loc[frame["category"] == category].sort_values("sort")
    found = []
    for group, percent in zip(part["group"], part["percent"], strict=True):
        number = _number(percent)
        if number is not None:
            found.append((group, number))
    return found


def _extremes(found: list[tuple[str, float]]) -> tuple[tuple[str, float], tuple[str, float]]:
    best = max(found, key=lambda gp: gp[1])
    worst = min(found, key=lambda gp: gp[1])
    return best, worst


def _pct(number: float) -> str:
    return f"{number:.0f}%"


def achievement_reading(frame: pd.DataFrame, *, by: str = "team", category: str = "fully") -> str:
    """One sentence naming the groups with the highest and lowest share of `category`."""
    if frame.empty:
        return "There are no concluded enquiries with outcomes recorded for these filters."
    found = _known_shares(frame, category)
    label = (
        vocab.OUTCOME_RATINGS.label(category).lower()
        if category in vocab.OUTCOME_RATINGS
        else category
    )
    if not found:
        return "The numbers are too small to show without identifying people."
    (best, b), (worst, w) = _extremes(found)
    subject = {
        "team": "outcomes",
        "worker": "outcomes",
        "risk_type": "outcomes",
        "location": "outcomes",
        "outcome": "desired outcomes",
    }.get(by, "outcomes")
    if len(found) == 1 or best == worst:
        return f"{best}: {_pct(b)} of {subject} were {label}."
    if by == "outcome":
        return f"“{best}” was {label} most often ({_pct(b)}); “{worst}” least often ({_pct(w)})."
    if by == "risk_type":
        return (
            f"Outcomes were {label} most often where the risk was {best} ({_pct(b)}) "
            f"and least often where it was {worst} ({_pct(w)})."
        )
    if by == "location":
        return (
            f"Outcomes were {label} most often where the risk was in {best} ({_pct(b)}) "
            f"and least often in {worst} ({_pct(w)})."
        )
    return f"{best} {label} the most outcomes ({_pct(b)}); {worst} the fewest ({_pct(w)})."


def achievement_by_team_reading(frame: pd.DataFrame) -> str:
    return achievement_reading(frame, by="team")


# --- p-chart ----------------------------------------------------------------------------------

INSIDE_STATUS = "Within the control limits"
OUTSIDE_STATUS = "Outside the control limits"


def p_chart(frame: pd.DataFrame, *, measure: str = "Fully achieved") -> alt.Chart:
    """A p-chart: the share per period (points joined by a line), the centre line, and each
    point's own 3-sigma limits as step lines; points outside their limits are drawn as
    vermillion diamonds (blue circles otherwise) and named in the tooltip."""
    title = f"{measure}: trend with control limits (p-chart)"
    if frame.empty:
        return _empty(title)
    data = frame.copy()
    data["status"] = [OUTSIDE_STATUS if o else INSIDE_STATUS for o in data["outside"]]
    data["p_text"] = [f"{p:.1%}" for p in data["p"]]
    data["limits_text"] = [
        f"{lo:.1%} to {hi:.1%}" for lo, hi in zip(data["lcl"], data["ucl"], strict=True)
    ]
    periods = data.sort_values("period_key")["period"].tolist()
    x = alt.X("period:O", title="Period of conclusion", sort=periods)
    y_axis = alt.Axis(format="%")
    base = alt.Chart()  # the data is the layer's
    tooltip = [
        alt.Tooltip("period:O", title="Period"),
        alt.Tooltip("x:Q", title=measure, format=",.0f"),
        alt.Tooltip("n:Q", title="Out of", format=",.0f"),
        alt.Tooltip("p_text:N", title="Share"),
        alt.Tooltip("limits_text:N", title="Control limits"),
        alt.Tooltip("status:N", title="Status"),
    ]
    upper = base.mark_line(interpolate="step", strokeDash=[6, 3], color=GRID_GREY).encode(
        x=x, y=alt.Y("ucl:Q", title="Share of enquiries", axis=y_axis)
    )
    lower = base.mark_line(interpolate="step", strokeDash=[6, 3], color=GRID_GREY).encode(
        x=x, y="lcl:Q"
    )
    centre = base.mark_line(color=OKABE_ITO["black"], strokeWidth=1.5).encode(x=x, y="centre:Q")
    path = base.mark_line(color=OKABE_ITO["sky_blue"], strokeWidth=1.5).encode(x=x, y="p:Q")
    points = base.mark_point(filled=True, size=90, opacity=1).encode(
        x=x,
        y="p:Q",
        shape=alt.Shape(
            "status:N",
            title="Point",
            scale=alt.Scale(domain=[INSIDE_STATUS, OUTSIDE_STATUS], range=["circle", "diamond"]),
            legend=alt.Legend(orient="bottom"),
        ),
        color=alt.Color(
            "status:N",
            title="Point",
            scale=alt.Scale(
                domain=[INSIDE_STATUS, OUTSIDE_STATUS],
                range=[OKABE_ITO["blue"], OKABE_ITO["vermillion"]],
            ),
            legend=alt.Legend(orient="bottom"),
        ),
        tooltip=tooltip,
    )
    return alt.layer(upper, lower, centre, path, points, data=data).properties(
        title=_title(title, "Solid line: average; dashed lines: 3-sigma limits for each point"),
        width=WIDTH,
        height=300,
    )


def p_chart_reading(
    frame: pd.DataFrame, *, measure: str = "fully achieved", unit: str = "period"
) -> str:
    if frame.empty:
        return "There are no concluded enquiries with outcomes recorded for these filters."
    centre = float(frame["centre"].iloc[0])
    outside = frame.loc[frame["outside"].astype(bool)]
    periods = len(frame)
    start = f"On average {_pct(100 * centre)} were {measure.lower()} over {periods} {unit}s"
    if outside.empty:
        return (
            f"{start}; every {unit} was within the control limits, so the ups and downs are "
            "ordinary variation."
        )
    named = ", ".join(
        f"{p} ({'above' if v > c else 'below'})"
        for p, v, c in zip(outside["period"], outside["p"], outside["centre"], strict=True)
    )
    return f"{start}; outside the control limits, worth a closer look: {named}."


# --- funnel plot ------------------------------------------------------------------------------

FUNNEL_COLOURS = {
    "Within 95% limits": OKABE_ITO["blue"],
    "Outside 95% limits": OKABE_ITO["orange"],
    "Outside 99.8% limits": OKABE_ITO["vermillion"],
}
FUNNEL_SHAPES = {
    "Within 95% limits": "circle",
    "Outside 95% limits": "triangle-up",
    "Outside 99.8% limits": "diamond",
}


def funnel_chart(funnel: Any) -> alt.Chart:
    """Funnel plot: each team (or worker) as a labelled point of rate against number of
    enquiries, with the overall rate and its 95% (dashed) and 99.8% (dotted) limits."""
    unit = "teams" if funnel.unit_kind == "team" else "workers"
    title = f"{funnel.success_label}: {unit} compared (funnel plot)"
    points = funnel.points
    if points.empty or funnel.overall is None:
        return _empty(title)
    curve = funnel.limits
    limits = pd.concat(
        [
            pd.DataFrame(
                {
                    "n": curve["n"],
                    "value": curve[f"{side}_{level}"],
                    "limit": label,
                    "line": f"{label} {side}",
                }
            )
            for level, label in (("95", "95% limits"), ("998", "99.8% limits"))
            for side in ("lower", "upper")
        ],
        ignore_index=True,
    )
    x = alt.X("n:Q", title="Enquiries with outcomes recorded", scale=alt.Scale(zero=True))
    y = alt.Y("p:Q", title=funnel.success_label, axis=alt.Axis(format="%"))
    lines = (
        alt.Chart(limits)
        .mark_line(color=GRID_GREY)
        .encode(
            x=x,
            y=alt.Y("value:Q", title=funnel.success_label, axis=alt.Axis(format="%")),
            detail="line:N",
            strokeDash=alt.StrokeDash(
                "limit:N",
                title="Limits",
                scale=alt.Scale(domain=["95% limits", "99.8% limits"], range=[[6, 3], [2, 2]]),
                legend=alt.Legend(orient="bottom"),
            ),
        )
    )
    centre = (
        alt.Chart(pd.DataFrame({"overall": [funnel.overall]}))
        .mark_rule(color=OKABE_ITO["black"])
        .encode(y="overall:Q")
    )
    data = points.copy()
    data["p_text"] = [f"{p:.1%}" for p in data["p"]]
    bands = list(FUNNEL_COLOURS)
    tooltip = [
        alt.Tooltip("unit:N", title=funnel.unit_kind.capitalize()),
        alt.Tooltip("x:Q", title=funnel.success_label, format=",.0f"),
        alt.Tooltip("n:Q", title="Out of", format=",.0f"),
        alt.Tooltip("p_text:N", title="Share"),
        alt.Tooltip("band:N", title="Position"),
    ]
    dots = (
        alt.Chart(data)
        .mark_point(filled=True, size=100, opacity=1)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "band:N",
                title="Position",
                scale=alt.Scale(domain=bands, range=[FUNNEL_COLOURS[b] for b in bands]),
                legend=alt.Legend(orient="bottom"),
            ),
            shape=alt.Shape(
                "band:N",
                title="Position",
                scale=alt.Scale(domain=bands, range=[FUNNEL_SHAPES[b] for b in bands]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=tooltip,
        )
    )
    names = (
        alt.Chart(data)
        .mark_text(align="left", dx=8, fontSize=11)
        .encode(x=x, y=y, text="unit:N", tooltip=tooltip)
    )
    return alt.layer(lines, centre, dots, names).properties(
        title=_title(title, f"Line: overall rate {funnel.overall:.1%}"),
        width=WIDTH,
        height=340,
    )


def funnel_reading(funnel: Any) -> str:
    points = funnel.points
    unit = "team" if funnel.unit_kind == "team" else "worker"
    if points.empty or funnel.overall is None:
        return "There are no concluded enquiries with outcomes recorded for these filters."
    start = f"Overall {_pct(100 * funnel.overall)} were {funnel.success_label.lower()}"
    outside = points.loc[points["band"] != "Within 95% limits"]
    if outside.empty:
        return (
            f"{start}; every {unit} is within the 95% limits, so the differences between "
            f"{unit}s are no more than chance would explain."
        )
    named = ", ".join(
        f"{u} ({s}, {'99.8%' if b == 'Outside 99.8% limits' else '95%'} limits)"
        for u, s, b in zip(outside["unit"], outside["side"], outside["band"], strict=True)
    )
    return f"{start}; beyond what chance would explain: {named}."


# --- feedback (diverging) -------------------------------------------------------------------

NEGATIVE = ("no",)
NEUTRAL = ("dont_know", "not_answered")
POSITIVE = ("partly", "yes")


def diverging_segments(frame: pd.DataFrame) -> pd.DataFrame:
    """Segment geometry for diverging bars: "No" to the left of zero, "Partly" then "Yes" to
    the right, "Don't know" and "Not answered" centred on zero. Suppressed answers are left
    out of the bar and listed; a group with nothing to show gets a grey "[c]" bar."""
    rows: list[dict[str, Any]] = []
    for (sort, group), part in frame.groupby(["sort", "group"], sort=True, dropna=False):
        shares: dict[str, float] = {}
        info: dict[str, Any] = {}
        hidden = []
        for row in part.itertuples(index=False):
            info[row.category] = row
            share = _number(row.percent)
            if share is None:
                hidden.append(row.category_label)
            else:
                shares[row.category] = share / 100.0
        total_text = _count_text(part["total"].iloc[0])
        neutral = sum(shares.get(c, 0.0) for c in NEUTRAL)
        placed: list[tuple[str, float, float]] = []
        left = -neutral / 2
        for code in NEUTRAL:
            if code in shares:
                placed.append((code, left, left + shares[code]))
                left += shares[code]
        right = neutral / 2
        for code in POSITIVE:
            if code in shares:
                placed.append((code, right, right + shares[code]))
                right += shares[code]
        left = -neutral / 2
        for code in NEGATIVE:
            if code in shares:
                placed.append((code, left - shares[code], left))
                left -= shares[code]
        for code, start, end in placed:
            row = info[code]
            fill = CATEGORY_COLOURS.get(code, OKABE_ITO["bluish_green"])
            width = end - start
            label = ""
            if width >= NAME_MIN_SHARE:
                label = f"{_short(row.category_label)} {_percent_text(row.percent)}"
            elif width >= LABEL_MIN_SHARE:
                label = _percent_text(row.percent)
            rows.append(
                {
                    "group": group,
                    "sort": sort,
                    "category_label": row.category_label,
                    "start": start,
                    "end": end,
                    "middle": (start + end) / 2,
                    "count_text": _count_text(row.count),
                    "total_text": total_text,
                    "percent_text": _percent_text(row.percent),
                    "label": label,
                    "text_colour": _text_colour(fill),
                    "suppressed": False,
                    "hidden": ", ".join(hidden),
                }
            )
        if hidden:
            if not placed:
                start, end = -0.5, 0.5
            else:
                start = end = max(e for _, _, e in placed)
            rows.append(
                {
                    "group": group,
                    "sort": sort,
                    "category_label": SUPPRESSED_LABEL,
                    "start": start,
                    "end": end,
                    "middle": (start + end) / 2,
                    "count_text": SUPPRESSED,
                    "total_text": total_text,
                    "percent_text": SUPPRESSED,
                    "label": SUPPRESSED,
                    "text_colour": "black",
                    "suppressed": True,
                    "hidden": ", ".join(hidden),
                }
            )
    return pd.DataFrame(rows)


def feedback_chart(frame: pd.DataFrame) -> alt.Chart:
    """Feedback answers per question, the person's and representatives' answers on separate
    bars: diverging stacked bars centred on zero ("No" left, "Partly"/"Yes" right)."""
    title = "Feedback answers by question"
    if frame.empty:
        return _empty(title, "No feedback answers for these filters")
    segments = diverging_segments(frame)
    categories = _categories(frame)
    suppressed = bool(segments["suppressed"].any())
    groups = segments.drop_duplicates("group").sort_values("sort")["group"].tolist()
    y = alt.Y("group:N", title=None, sort=groups, axis=alt.Axis(labelLimit=420))
    tooltip = [
        alt.Tooltip("group:N", title="Question (who answered)"),
        alt.Tooltip("category_label:N", title="Answer"),
        alt.Tooltip("count_text:N", title="Count"),
        alt.Tooltip("total_text:N", title="Out of"),
        alt.Tooltip("percent_text:N", title="Percentage"),
    ]
    if suppressed:
        tooltip.append(alt.Tooltip("hidden:N", title="Not shown (small numbers)"))
    base = alt.Chart()  # the data is the layer's
    shown = base.transform_filter(alt.datum.end > alt.datum.start)
    bars = shown.mark_bar(stroke="white", strokeWidth=1).encode(
        x=alt.X(
            "start:Q",
            title="Share of answers (No to the left, Yes to the right)",
            scale=alt.Scale(domain=[-1, 1]),
            axis=alt.Axis(format="%", labelExpr="format(abs(datum.value), '.0%')"),
        ),
        x2="end:Q",
        y=y,
        color=alt.Color(
            "category_label:N",
            title="Answer",
            scale=_colour_scale(categories, suppressed=suppressed),
            legend=alt.Legend(orient="bottom", direction="horizontal"),
        ),
        tooltip=tooltip,
    )
    labels = (
        base.transform_filter(alt.datum.label != "")
        .transform_filter(~alt.datum.suppressed)
        .mark_text(fontSize=11)
        .encode(
            x="middle:Q",
            y=y,
            text="label:N",
            color=alt.Color("text_colour:N", scale=None),
            tooltip=tooltip,
        )
    )
    zero = alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color="black").encode(x="zero:Q")
    layers = [bars, labels, zero]
    if suppressed:
        layers.append(
            base.transform_filter(alt.datum.suppressed)
            .mark_text(align="left", dx=6, fontWeight="bold")
            .encode(x="end:Q", y=y, text=alt.TextValue(SUPPRESSED), tooltip=tooltip)
        )
    return alt.layer(*layers, data=segments).properties(
        title=_title(title, "The person's own answers and representatives' answers apart"),
        width=WIDTH,
        height=max(60, ROW_HEIGHT * len(groups)),
    )


def feedback_reading(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "No feedback answers were recorded for these filters."
    found = _known_shares(frame, "yes")
    if not found:
        return "The numbers are too small to show without identifying people."
    (best, b), (worst, w) = _extremes(found)
    if len(found) == 1 or best == worst:
        return f"{_pct(b)} answered yes to “{best}”."
    return f"Most often answered yes: “{best}” ({_pct(b)}); least often: “{worst}” ({_pct(w)})."


# --- timeliness -----------------------------------------------------------------------------


def timeliness_chart(frame: pd.DataFrame) -> alt.Chart:
    """Share of enquiries meeting each timescale target, as bars labelled with the count."""
    title = "Timeliness against the team's targets"
    if frame.empty:
        return _empty(title)
    rows = []
    for order, row in enumerate(frame.itertuples(index=False)):
        share = _number(row.percent)
        hidden = share is None
        rows.append(
            {
                "row": f"{row.measure}: {row.target[0].lower()}{row.target[1:]}",
                "sort": order,
                "share": 1.0 if hidden else share / 100.0,
                "met_text": _count_text(row.met),
                "total_text": _count_text(row.total),
                "percent_text": _percent_text(row.percent) if not hidden else SUPPRESSED,
                "label": SUPPRESSED
                if hidden
                else (
                    f"{_percent_text(row.percent)} "
                    f"({_count_text(row.met)} of {_count_text(row.total)})"
                ),
                "suppressed": hidden,
                "status": SUPPRESSED_LABEL if hidden else "Met the target",
            }
        )
    data = pd.DataFrame(rows)
    any_hidden = bool(data["suppressed"].any())
    order = data["row"].tolist()
    y = alt.Y("row:N", title=None, sort=order, axis=alt.Axis(labelLimit=420))
    tooltip = [
        alt.Tooltip("row:N", title="Target"),
        alt.Tooltip("met_text:N", title="Met"),
        alt.Tooltip("total_text:N", title="Out of"),
        alt.Tooltip("percent_text:N", title="Percentage"),
    ]
    base = alt.Chart()  # the data is the layer's
    bars = base.mark_bar().encode(
        x=alt.X(
            "share:Q",
            title="Share of concluded enquiries meeting the target",
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format="%"),
        ),
        y=y,
        color=alt.Color(
            "status:N",
            title=None,
            # The legend names "Suppressed [c]" only when a bar is suppressed.
            scale=alt.Scale(
                domain=["Met the target", SUPPRESSED_LABEL][: 2 if any_hidden else 1],
                range=[OKABE_ITO["blue"], SUPPRESSED_COLOUR][: 2 if any_hidden else 1],
            ),
            legend=alt.Legend(orient="bottom"),
        ),
        tooltip=tooltip,
    )
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(
        x=alt.X("share:Q"), y=y, text="label:N", tooltip=tooltip
    )
    return alt.layer(bars, text, data=data).properties(
        title=_title(title), width=WIDTH, height=max(60, ROW_HEIGHT * len(order))
    )


def timeliness_reading(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "There are no concluded enquiries for these filters."
    parts = []
    for row in frame.itertuples(index=False):
        target = f"{row.target[0].lower()}{row.target[1:]}"
        share = _number(row.percent)
        what = row.measure.lower()
        if share is None:
            parts.append(f"{what} {target}: too few to show")
        else:
            parts.append(f"{what} {target}: {_pct(share)}")
    return "Targets met — " + "; ".join(parts) + "."


# --- trend for published figures (no control limits) ----------------------------------------


def trend_chart(frame: pd.DataFrame, *, measure: str = "Fully achieved") -> alt.Chart:
    """Share per period from a (possibly suppressed) trend table (period_key, period, n, x,
    percent 0-100). A suppressed period is a grey band labelled [c], not a point at zero."""
    title = f"{measure}: trend by period"
    if frame.empty:
        return _empty(title)
    rows = []
    for row in frame.sort_values("period_key").itertuples(index=False):
        share = _number(row.percent)
        rows.append(
            {
                "period": row.period,
                "share": None if share is None else share / 100.0,
                "x_text": _count_text(row.x),
                "n_text": _count_text(row.n),
                "percent_text": _percent_text(row.percent),
                "suppressed": share is None,
                "top": 1.0,
                "bottom": 0.0,
                "middle": 0.5,
            }
        )
    data = pd.DataFrame(rows)
    periods = data["period"].tolist()
    x = alt.X("period:O", title="Period of conclusion", sort=periods)
    tooltip = [
        alt.Tooltip("period:O", title="Period"),
        alt.Tooltip("x_text:N", title=measure),
        alt.Tooltip("n_text:N", title="Out of"),
        alt.Tooltip("percent_text:N", title="Percentage"),
    ]
    base = alt.Chart()  # the data is the layer's
    known = base.transform_filter(~alt.datum.suppressed)
    hidden = base.transform_filter(alt.datum.suppressed)
    # The line breaks at a suppressed period rather than joining across it.
    line = base.mark_line(color=OKABE_ITO["blue"], invalid="break-paths-show-domains").encode(
        x=x,
        y=alt.Y(
            "share:Q",
            title="Share of enquiries",
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format="%"),
        ),
    )
    points = known.mark_point(filled=True, size=80, color=OKABE_ITO["blue"]).encode(
        x=x, y="share:Q", tooltip=tooltip
    )
    bands = hidden.mark_bar(color=SUPPRESSED_COLOUR, opacity=0.5).encode(
        x=x, y="bottom:Q", y2="top:Q", tooltip=tooltip
    )
    marks = hidden.mark_text(fontWeight="bold").encode(
        x=x, y="middle:Q", text=alt.TextValue(SUPPRESSED), tooltip=tooltip
    )
    return alt.layer(bands, marks, line, points, data=data).properties(
        title=_title(title, "Grey [c]: too few enquiries to show"), width=WIDTH, height=280
    )


def trend_reading(frame: pd.DataFrame, *, measure: str = "fully achieved") -> str:
    known = [
        (p, _number(v))
        for p, v in zip(frame.get("period", []), frame.get("percent", []), strict=True)
        if _number(v) is not None
    ]
    if not known:
        return "The numbers are too small to show without identifying people."
    (best, b), (worst, w) = _extremes(known)  # type: ignore[arg-type]
    if len(known) == 1 or best == worst:
        return f"{_pct(b)} were {measure.lower()} in {best}."
    return (
        f"The share {measure.lower()} was highest in {best} ({_pct(b)}) "
        f"and lowest in {worst} ({_pct(w)})."
    )


def chart_data(chart: alt.TopLevelMixin) -> Mapping[str, list[dict[str, Any]]]:
    """The inline datasets of a chart spec by name (what the chart actually draws)."""
    return chart.to_dict().get("datasets", {})
