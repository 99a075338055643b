"""The national return's MSP-related tables (SAC) against a hand-built dataset, on SQLite and
PostgreSQL, and the `msp sac` command.

Dataset, 2025-26, section 42 enquiries concluded in the year unless said otherwise:

Alpha
  a1 physical+neglect, Own Home, Service Provider, identified+action -> reduced,
     lacked capacity yes (supported), asked+expressed, fully
  a2 neglect, Own Home, Known, identified+action -> removed, lacked yes (not supported),
     asked+expressed, partially
  a3 financial, In the Community, Unknown, no risk+no action, lacked no, asked none expressed
  a4 nothing recorded (no risk type, location, source, outcome, capacity or "asked" answer)
  not counted: a5 an "Other" enquiry; a6 deleted in error; a7 concluded 2024-25; a8 open
Beta
  b1 neglect, Care Home - Residential, Service Provider, identified+action -> remained,
     lacked "don't know", not asked
  b2 self-neglect, Own Home, Known, identified+NO action with a stray risk outcome (not SG2e),
     lacked "not recorded", asked "don't know"
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from db.engine import get_engine, unit_of_work
from msp import sac
from msp.cli import main
from msp.disclosure import SUPPRESSED
from msp.errors import NotAllowed, ValidationError
from tests.integration import factories
from tests.integration.test_metrics import as_current, concluded

DAY = dt.date(2025, 9, 30)


@pytest.fixture
def teams(engine):
    with unit_of_work(engine) as s:
        alpha = factories.team(s, "Alpha")
        beta = factories.team(s, "Beta")
        concluded(
            s, alpha, DAY, risk_types=("physical", "neglect"), location_of_risk="own_home",
            source_of_risk="service_provider", risk_assessment_outcome="identified_action",
            risk_outcome="reduced", lacked_capacity="yes", capacity_support_provided=True,
            msp_asked="asked_expressed", msp_achieved="fully",
        )  # fmt: skip
        concluded(
            s, alpha, DAY, risk_types=("neglect",), location_of_risk="own_home",
            source_of_risk="known", risk_assessment_outcome="identified_action",
            risk_outcome="removed", lacked_capacity="yes", capacity_support_provided=False,
            msp_asked="asked_expressed", msp_achieved="partially",
        )  # fmt: skip
        concluded(
            s, alpha, DAY, risk_types=("financial",), location_of_risk="community",
            source_of_risk="unknown", risk_assessment_outcome="none_no_action",
            lacked_capacity="no", msp_asked="asked_none",
        )  # fmt: skip
        concluded(s, alpha, DAY)
        everything = {
            "risk_types": ("neglect",),
            "location_of_risk": "own_home",
            "source_of_risk": "known",
            "risk_assessment_outcome": "identified_action",
            "risk_outcome": "reduced",
            "lacked_capacity": "yes",
            "capacity_support_provided": True,
            "msp_asked": "asked_expressed",
            "msp_achieved": "fully",
        }
        concluded(s, alpha, DAY, enquiry_type="other", **everything)
        concluded(s, alpha, DAY, deleted=True, **everything)
        concluded(s, alpha, dt.date(2025, 3, 31), **everything)
        factories.enquiry(
            s, team=alpha, concern_received_on=dt.date(2025, 5, 1),
            started_on=dt.date(2025, 5, 2), msp_asked="asked_expressed",
        )  # fmt: skip
        concluded(
            s, beta, DAY, risk_types=("neglect",), location_of_risk="care_home_residential",
            source_of_risk="service_provider", risk_assessment_outcome="identified_action",
            risk_outcome="remained", lacked_capacity="dont_know", msp_asked="no",
        )  # fmt: skip
        concluded(
            s, beta, DAY, risk_types=("self_neglect",), location_of_risk="own_home",
            source_of_risk="known", risk_assessment_outcome="identified_no_action",
            risk_outcome="reduced", lacked_capacity="not_recorded", msp_asked="dont_know",
        )  # fmt: skip
        return {"Alpha": alpha.id, "Beta": beta.id}


def table(tables, key):
    return next(t for t in tables if t.key == key).frame


def values(frame):
    """{label: [Alpha, Beta, Total]} for the rows with anything in them."""
    out = {}
    for row in frame.itertuples(index=False):
        label, *cells = row
        if any(c not in (0, SUPPRESSED) for c in cells):
            out[label] = cells
    return out


def test_tables_have_every_national_label_and_the_right_counts(engine, teams):
    tables = sac.sac_tables(engine, 2025)
    assert [(t.key, t.code) for t in tables] == [
        ("SG2a", "SG2a"),
        ("SG2a-b source", "SG2a/b"),
        ("SG2b", "SG2b"),
        ("SG2c", "SG2c"),
        ("SG2e", "SG2e"),
        ("SG3a", "SG3a"),
        ("SG4a asked", "SG4a"),
        ("SG4a achieved", "SG4a"),
    ]
    for t in tables:
        assert t.frame.columns.tolist() == ["Label", "Alpha", "Beta", "Total"]

    sg2a = table(tables, "SG2a")
    assert sg2a["Label"].tolist() == [
        "Physical Abuse",
        "Sexual Abuse",
        "Psychological Abuse",
        "Financial or Material Abuse",
        "Discriminatory Abuse",
        "Organisational Abuse",
        "Neglect and Acts of Omission",
        "Domestic Abuse",
        "Sexual Exploitation",
        "Modern Slavery",
        "Self-Neglect",
    ]
    assert values(sg2a) == {
        "Physical Abuse": [1, 0, 1],
        "Financial or Material Abuse": [1, 0, 1],
        "Neglect and Acts of Omission": [2, 1, 3],  # a1 counts under two types
        "Self-Neglect": [0, 1, 1],
    }
    assert values(table(tables, "SG2a-b source")) == {
        "Service Provider": [1, 1, 2],
        "Other - Known to individual": [1, 1, 2],
        "Other - Unknown to individual": [1, 0, 1],
    }
    sg2b = table(tables, "SG2b")
    assert len(sg2b) == 9 and sg2b["Label"].iloc[-1] == "Other"
    assert values(sg2b) == {
        "Own Home": [2, 1, 3],
        "In the Community": [1, 0, 1],
        "Care Home - Residential": [0, 1, 1],
    }
    sg2c = table(tables, "SG2c")
    assert sg2c["Label"].tolist()[-1] == (
        "Enquiry ceased at individual's request and no action taken"
    )
    assert values(sg2c) == {
        "Risk identified and action taken": [2, 1, 3],
        "Risk identified and no action taken": [0, 1, 1],
        "No risk identified and no action taken": [1, 0, 1],
    }
    # b2's risk outcome is not counted: no action was taken.
    assert values(table(tables, "SG2e")) == {
        "Risk remained": [0, 1, 1],
        "Risk reduced": [1, 0, 1],
        "Risk removed": [1, 0, 1],
    }
    sg3a = table(tables, "SG3a")
    assert sg3a["Label"].tolist() == [
        "Yes, they lacked capacity",
        "No, they did not lack capacity",
        "Don't know",
        "Not recorded",
        "Of which: support provided by an advocate, family or friend",
    ]
    assert sg3a.drop(columns="Label").values.tolist() == [
        [2, 0, 2],
        [1, 0, 1],
        [0, 1, 1],
        [1, 1, 2],  # a4 had no answer; b2 "not recorded"
        [1, 0, 1],  # never more than the "Yes" row
    ]
    asked = table(tables, "SG4a asked")
    assert asked["Label"].tolist() == [
        "Yes they were asked and outcomes were expressed",
        "Yes they were asked but no outcomes were expressed",
        "No",
        "Don't Know",
        "Not Recorded",
    ]
    assert asked.drop(columns="Label").values.tolist() == [
        [2, 0, 2],
        [1, 0, 1],
        [0, 1, 1],
        [0, 1, 1],
        [1, 0, 1],
    ]
    achieved = table(tables, "SG4a achieved")
    assert achieved.values.tolist() == [
        ["Fully Achieved", 1, 0, 1],
        ["Partially Achieved", 1, 0, 1],
        ["Not Achieved", 0, 0, 0],
    ]


def test_one_team(engine, teams):
    tables = sac.sac_tables(engine, 2025, team_names=["beta"])
    sg2a = table(tables, "SG2a")
    assert sg2a.columns.tolist() == ["Label", "Beta", "Total"]
    assert values(sg2a) == {"Neglect and Acts of Omission": [1, 1], "Self-Neglect": [1, 1]}
    by_id = sac.sac_tables(engine, 2025, team_ids=[teams["Alpha"]])
    assert table(by_id, "SG4a asked")["Total"].tolist() == [2, 1, 0, 0, 1]
    with pytest.raises(ValidationError) as err:
        sac.sac_tables(engine, 2025, team_names=["Gamma"])
    assert "Gamma" in err.value.problems["team"]


def test_suppressed_tables(engine, teams):
    with unit_of_work(engine) as s:
        beta = s.get(factories.Team, teams["Beta"])
        for _ in range(7):
            concluded(s, beta, DAY, risk_types=("neglect",), location_of_risk="own_home")
    tables = sac.sac_tables(engine, 2025, suppress=True)
    sg2a = table(tables, "SG2a")
    neglect = sg2a.loc[sg2a["Label"] == "Neglect and Acts of Omission"].iloc[0].tolist()
    assert neglect == ["Neglect and Acts of Omission", SUPPRESSED, 10, 10]  # 2, 8, 10
    assert sg2a.loc[sg2a["Label"] == "Modern Slavery"].iloc[0].tolist()[1:] == [SUPPRESSED] * 3
    sg3a = table(tables, "SG3a")
    assert sg3a.loc[sg3a["Label"] == "Not recorded"].iloc[0].tolist()[1:] == [
        SUPPRESSED,  # 1
        10,  # 8
        10,  # 9
    ]
    asked = table(tables, "SG4a asked")
    # Not Recorded: Alpha 1, Beta 7, Total 8.
    assert asked.loc[asked["Label"] == "Not Recorded"].iloc[0].tolist()[1:] == [SUPPRESSED, 5, 10]


def test_access_from_the_app(engine, teams):
    with unit_of_work(engine) as s:
        alpha = s.get(factories.Team, teams["Alpha"])
        comm = as_current(factories.user(s, role="commissioner"))
        admin = as_current(factories.user(s, role="administrator"))
        sup = as_current(factories.user(s, role="supervisor", teams=[alpha]), [alpha])
        prac = as_current(factories.user(s, teams=[alpha]), [alpha])
    with pytest.raises(NotAllowed):
        sac.sac_tables(engine, 2025, user=comm)
    shared = sac.sac_tables(engine, 2025, user=comm, suppress=True)
    assert table(shared, "SG2a")["Total"].tolist() == [SUPPRESSED] * 11
    assert table(sac.sac_tables(engine, 2025, user=admin), "SG4a achieved")["Total"].tolist() == [
        1,
        1,
        0,
    ]
    assert sac.sac_tables(engine, 2025, user=sup, team_names=["Alpha"])
    with pytest.raises(NotAllowed):
        sac.sac_tables(engine, 2025, user=sup)  # every team, unsuppressed
    with pytest.raises(NotAllowed):
        sac.sac_tables(engine, 2025, user=prac, suppress=True)


def test_sac_frame_puts_the_tables_together(engine, teams):
    frame = sac.sac_frame(sac.sac_tables(engine, 2025))
    assert frame.columns.tolist() == ["Table", "Item", "Label", "Alpha", "Beta", "Total"]
    assert len(frame) == 11 + 3 + 9 + 7 + 3 + 5 + 5 + 3


# --- the command -------------------------------------------------------------------------------


def test_cli_csv_to_standard_output(db_url, capsys):
    engine = get_engine(db_url)
    with unit_of_work(engine) as s:
        alpha = factories.team(s, "Alpha")
        factories.team(s, '=HYPERLINK("http://x")')
        concluded(s, alpha, DAY, risk_types=("neglect",), msp_asked="asked_expressed")
    code = main(["--database-url", db_url, "sac", "--year", "2025-26", "--format", "csv"])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    # A team name that would be a spreadsheet formula is written as text.
    assert lines[0] == 'Table,Item,Label,"\'=HYPERLINK(""http://x"")",Alpha,Total'
    assert "SG2a,Type of risk,Neglect and Acts of Omission,0,1,1" in lines
    assert (
        "SG4a,Asked about desired outcomes,Yes they were asked and outcomes were expressed,0,1,1"
        in lines
    )
    assert len(lines) == 1 + 46

    code = main(
        ["--database-url", db_url, "sac", "--year", "2025-26", "--team", "Alpha", "--suppress",
         "--format", "csv"]
    )  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert lines[0] == "Table,Item,Label,Alpha,Total"
    assert "SG2a,Type of risk,Neglect and Acts of Omission,[c],[c]" in lines


def test_cli_xlsx(db_url, tmp_path, capsys):
    engine = get_engine(db_url)
    with unit_of_work(engine) as s:
        alpha = factories.team(s, "Alpha")
        concluded(s, alpha, DAY, risk_types=("neglect",), msp_asked="asked_expressed")
    target = tmp_path / "sac.xlsx"
    code = main(
        ["--database-url", db_url, "sac", "--year", "2025-26", "--format", "xlsx",
         "--output", str(target)]
    )  # fmt: skip
    assert code == 0
    assert str(target) in capsys.readouterr().err
    book = load_workbook(target)
    assert book.sheetnames == [
        "About",
        "SG2a",
        "SG2a-b source",
        "SG2b",
        "SG2c",
        "SG2e",
        "SG3a",
        "SG4a asked",
        "SG4a achieved",
    ]
    sheet = book["SG2a"]
    assert [c.value for c in sheet[1]] == ["Label", "Alpha", "Total"]
    assert [c.value for c in sheet[8]] == ["Neglect and Acts of Omission", 1, 1]
    about = {row[0].value: row[1].value for row in book["About"].iter_rows(min_row=2)}
    assert about["Financial year"] == "2025-26"
    assert "Not suppressed" in about["Small numbers"]


def test_cli_refuses_plainly(db_url, capsys):
    assert main(["--database-url", db_url, "sac", "--year", "2025-26", "--format", "xlsx"]) == 1
    assert "--output" in capsys.readouterr().err
    assert main(["--database-url", db_url, "sac", "--year", "2025", "--format", "csv"]) == 1
    assert "2025-26" in capsys.readouterr().err
    code = main(
        ["--database-url", db_url, "sac", "--year", "2025-26", "--team", "Nobody", "--format",
         "csv"]
    )  # fmt: skip
    assert code == 1
    assert "There is no team called Nobody" in capsys.readouterr().err


def test_cli_csv_to_a_file(db_url, tmp_path, monkeypatch):
    monkeypatch.setattr("sys.stdout", io.StringIO())
    target = tmp_path / "sac.csv"
    args = ["--database-url", db_url, "sac", "--year", "2025-26", "--format", "csv"]
    assert main([*args, "--output", str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    assert text.startswith("Table,Item,Label,Total\n")


def test_sac_queries_search_the_reporting_index(sqlite_url):
    """Even with statistics that tempt SQLite to walk a team index end to end (ANALYZE on a
    database where most enquiries are in one year), the tables search the year in the
    reporting index."""
    from db.engine import make_engine
    from tests.integration.test_metrics import explain

    engine = make_engine(sqlite_url)
    try:
        with unit_of_work(engine) as s:
            alpha = factories.team(s, "Alpha")
            for _ in range(30):
                concluded(s, alpha, DAY, risk_types=("neglect",), location_of_risk="own_home")
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        for name, stmt in sac.sac_statements(2025).items():
            plan = explain(engine, stmt)
            assert any(
                d.startswith("SEARCH enquiries USING")
                and "INDEX ix_enquiries_reporting (concluded_fy=?)" in d
                for d in plan
            ), (name, plan)
            assert not any(d.startswith("SCAN enquiries") for d in plan), (name, plan)
    finally:
        engine.dispose()
