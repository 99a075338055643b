"""Dashboard aggregates, counted in SQL over the stored reporting columns.

- `filters`: what is counted (`Filters`) and whose enquiries (team scope and access);
- `stats`: pure statistics (p-chart and funnel limits);
- `dashboard`: the team dashboard's figures for practitioners, supervisors, administrators;
- `commissioner`: the same figures with the small-number rule applied, for commissioners.
"""

from msp.metrics.commissioner import (
    commissioner_achievement_by_location,
    commissioner_achievement_by_outcome,
    commissioner_achievement_by_risk_type,
    commissioner_achievement_by_team,
    commissioner_achievement_trend,
    commissioner_feedback_answers,
    commissioner_headline,
    commissioner_timeliness,
)
from msp.metrics.dashboard import (
    Funnel,
    Headline,
    Targets,
    achievement_by_location,
    achievement_by_outcome,
    achievement_by_risk_type,
    achievement_by_team,
    achievement_by_worker,
    achievement_funnel,
    achievement_p_chart,
    dashboard_statements,
    feedback_answers,
    headline,
    timeliness,
)
from msp.metrics.filters import Filters

__all__ = [
    "Filters",
    "Funnel",
    "Headline",
    "Targets",
    "achievement_by_location",
    "achievement_by_outcome",
    "achievement_by_risk_type",
    "achievement_by_team",
    "achievement_by_worker",
    "achievement_funnel",
    "achievement_p_chart",
    "commissioner_achievement_by_location",
    "commissioner_achievement_by_outcome",
    "commissioner_achievement_by_risk_type",
    "commissioner_achievement_by_team",
    "commissioner_achievement_trend",
    "commissioner_feedback_answers",
    "commissioner_headline",
    "commissioner_timeliness",
    "dashboard_statements",
    "feedback_answers",
    "headline",
    "timeliness",
]
