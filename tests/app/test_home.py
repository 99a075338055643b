"""The home page's figures: counted by the database, per role, and published safely to
commissioners."""

from __future__ import annotations

import datetime as dt

import pytest

from db.engine import get_engine
from msp.home import home_summary, published_count
from msp.periods import financial_year, fy_bounds
from msp.ui import navigation
from tests.app.conftest import add, add_enquiry, signed_in

TODAY = dt.date(2026, 1, 15)  # financial year 2025-26
THIS_YEAR = dt.date(2025, 11, 3)
LAST_YEAR = dt.date(2025, 2, 10)


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (None, "[x]"),
        (0, "[c]"),
        (1, "[c]"),
        (4, "[c]"),
        (5, "5"),
        (6, "5"),
        (7, "5"),
        (8, "10"),
        (12, "10"),
        (13, "15"),
        (1232, "1,230"),
        (1233, "1,235"),
    ],
)
def test_published_count_follows_the_national_rule(count, shown):
    assert published_count(count) == shown


def test_published_count_refuses_a_negative_count():
    with pytest.raises(ValueError):
        published_count(-1)


def figures(engine, user, today=TODAY) -> dict[str, str]:
    return {f.label: f.value for f in home_summary(engine, user, today).figures}


@pytest.fixture
def cases(db_url):
    """Two teams' enquiries on each backend: what each role should count is known."""
    engine = get_engine(db_url)
    pat = add(engine, "practitioner", ["North"])
    other = add(engine, "practitioner", ["North"])
    south = add(engine, "practitioner", ["South"])
    for _ in range(3):
        add_enquiry(engine, team="North", worker=pat)  # open, Pat's
    add_enquiry(engine, team="North", worker=other)  # open, a colleague's
    add_enquiry(engine, team="North")  # open, nobody allocated
    add_enquiry(engine, team="North", worker=pat, deleted=True)  # entered in error
    for _ in range(2):
        add_enquiry(engine, team="North", worker=pat, concluded_on=THIS_YEAR)
    add_enquiry(engine, team="North", worker=pat, concluded_on=LAST_YEAR)
    add_enquiry(engine, team="North", concluded_on=THIS_YEAR, deleted=True)
    add_enquiry(engine, team="South", worker=south)
    for _ in range(5):
        add_enquiry(engine, team="South", worker=south, concluded_on=THIS_YEAR)
    for _ in range(4):
        add_enquiry(engine, team="South", concluded_on=THIS_YEAR, enquiry_type="other")
    return engine, pat


def test_practitioner_figures(cases):
    engine, pat = cases
    assert figures(engine, pat) == {
        "Open, allocated to you": "3",
        "Open in your team": "5",
        "Concluded in 2025-26": "2",
    }


def test_supervisor_figures_cover_their_teams(cases):
    engine, _ = cases
    supervisor = add(engine, "supervisor", ["North", "South"])
    summary = home_summary(engine, supervisor, TODAY)
    assert {f.label: f.value for f in summary.figures} == {
        "Open in your teams": "6",
        "Open, no worker allocated": "1",
        "Concluded in 2025-26": "11",
    }
    assert [(t.team, t.open, t.unallocated, t.concluded_this_year) for t in summary.teams] == [
        ("North", 5, 1, 2),
        ("South", 1, 0, 9),
    ]
    only_south = add(engine, "supervisor", ["South"])
    assert figures(engine, only_south)["Open in your teams"] == "1"


def test_administrator_figures_are_about_accounts(cases):
    engine, _ = cases
    admin = add(engine, "administrator")
    assert figures(engine, admin) == {
        "Active practitioners": "3",
        "Active supervisors": "0",
        "Active administrators": "1",
        "Active commissioners": "0",
        "Teams": "2",
    }


def test_commissioner_figures_are_suppressed_and_rounded(cases):
    engine, _ = cases
    commissioner = add(engine, "commissioner")
    # 11 concluded in 2025-26 (deleted and last year's not counted): 7 s42, 4 other.
    assert figures(engine, commissioner) == {
        "Concluded in 2025-26": "10",
        "Of which Section 42": "5",
        "Of which Other": "[c]",
    }
    assert figures(engine, commissioner, dt.date(2025, 3, 31)) == {
        "Concluded in 2024-25": "[c]",
        "Of which Section 42": "[c]",
        "Of which Other": "[c]",
    }


def test_the_home_page_shows_the_practitioners_figures(app_url, engine):
    today = dt.date.today()
    fy = financial_year(today)
    start_of_year = fy_bounds(fy)[0]
    pat = add(engine, "practitioner", ["North"])
    add_enquiry(engine, team="North", worker=pat)
    add_enquiry(engine, team="North")
    add_enquiry(engine, team="North", concluded_on=today, started_on=start_of_year)
    add_enquiry(engine, team="North", concluded_on=start_of_year - dt.timedelta(days=1))

    at = signed_in(pat)

    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    assert shown == {
        "Open, allocated to you": "1",
        "Open in your team": "2",
        f"Concluded in {fy}-{(fy + 1) % 100:02d}": "1",
    }


def test_the_home_page_says_what_each_role_can_do(app_url, engine):
    for role, words in {
        "practitioner": "your team's safeguarding enquiries",
        "supervisor": "your teams' safeguarding enquiries",
        "administrator": "accounts and teams",
        "commissioner": "never individual enquiries",
    }.items():
        user = add(engine, role, ["North"] if role in {"practitioner", "supervisor"} else [])
        at = signed_in(user)
        assert not at.exception
        assert any(words in m.value for m in at.markdown), role
        # A link to every other page the role may open, from the one page registry.
        assert [p.label for p in at.get("page_link")] == [
            f"{spec.title}: {spec.description}"
            for spec in navigation.pages_for(role)
            if spec.path != navigation.HOME
        ]
        assert any(p.label.startswith("Privacy: ") for p in at.get("page_link"))


def test_a_supervisor_of_two_teams_sees_a_row_per_team(app_url, engine):
    supervisor = add(engine, "supervisor", ["North", "South *star*"])
    add_enquiry(engine, team="North")
    add_enquiry(engine, team="South *star*", worker=supervisor)

    at = signed_in(supervisor)

    assert not at.exception
    table = at.table[0].value
    assert list(table["Team"]) == ["North", r"South \*star\*"]  # shown as typed
    assert list(table["Open"]) == [1, 1]
    assert list(table["Open, no worker allocated"]) == [1, 0]
