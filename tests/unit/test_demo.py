"""The demo generator's pure parts: weighted tables, invented texts, the day calendar and the
rows it builds (without a database)."""

from __future__ import annotations

import datetime as dt

import pytest

from msp import periods, vocab
from msp.demo import DemoDataError, generate
from msp.demo import generator as G
from msp.demo import profiles as P
from msp.demo import text as T
from msp.demo.writer import NULL

TODAY = dt.date(2026, 5, 20)

# Each weighted table and the vocabulary its codes come from.
TABLES = [
    (P.AGE, vocab.AGE_BANDS),
    (P.AGE_LEARNING_DISABILITY, vocab.AGE_BANDS),
    (P.GENDER, vocab.GENDERS),
    (P.GENDER_LEARNING_DISABILITY, vocab.GENDERS),
    (P.ETHNICITY, vocab.ETHNICITIES),
    (P.PSR_UNDER_65, vocab.PRIMARY_SUPPORT_REASONS),
    (P.PSR_65_PLUS, vocab.PRIMARY_SUPPORT_REASONS),
    (P.PSR_LEARNING_DISABILITY, vocab.PRIMARY_SUPPORT_REASONS),
    (P.ENQUIRY_TYPE, vocab.ENQUIRY_TYPES),
    (P.LOCATION_LOCALITY, vocab.LOCATIONS),
    (P.LOCATION_HOSPITAL, vocab.LOCATIONS),
    (P.LOCATION_LEARNING_DISABILITY, vocab.LOCATIONS),
    (P.SOURCE_AT_HOME, vocab.SOURCES_OF_RISK),
    (P.SOURCE_IN_SERVICE, vocab.SOURCES_OF_RISK),
    (P.SOURCE_OTHER, vocab.SOURCES_OF_RISK),
    (P.RISK_AT_HOME, vocab.RISK_TYPES),
    (P.RISK_IN_SERVICE, vocab.RISK_TYPES),
    (P.RISK_SECOND, vocab.RISK_TYPES),
    (P.RISK_ASSESSMENT, vocab.RISK_ASSESSMENT_OUTCOMES),
    (P.RISK_OUTCOME, vocab.RISK_OUTCOMES),
    (P.PRE_CONCERN_VIEW, vocab.PRE_CONCERN_VIEWS),
    (P.PRE_CONCERN_VIEW_LACKING_CAPACITY, vocab.PRE_CONCERN_VIEWS),
    (P.AGAINST_VIEW_REASON, vocab.AGAINST_VIEW_REASONS),
    (P.FAMILY_KIND, vocab.REPRESENTATIVE_KINDS),
    (P.OUTCOME_CATEGORY, vocab.STANDARD_OUTCOMES),
    (P.OUTCOME_CATEGORY_SELF_NEGLECT, vocab.STANDARD_OUTCOMES),
    (P.RATING_IN_PARTIAL, vocab.OUTCOME_RATINGS),
    (P.CONTACT_METHOD, vocab.CONTACT_METHODS),
    (P.FEEDBACK_METHOD, vocab.CONTACT_METHODS),
    *[(t, vocab.FEEDBACK_ANSWERS) for t in P.FEEDBACK_ANSWER.values()],
    *[(t, vocab.FEEDBACK_ANSWERS) for t in P.FEEDBACK_GOALS_ANSWER.values()],
    *[(t.msp_asked, vocab.MSP_ASKED) for t in P.TEAMS],
    *[(t.msp_achieved, vocab.MSP_ACHIEVED) for t in P.TEAMS],
    *[(t.location, vocab.LOCATIONS) for t in P.TEAMS],
]


@pytest.mark.parametrize(("table", "vocabulary"), TABLES, ids=lambda x: getattr(x, "name", ""))
def test_weighted_tables_use_vocabulary_codes(table, vocabulary):
    assert set(table.codes) <= set(vocabulary.codes)
    assert table.cum[-1] == 1.0
    assert list(table.cum) == sorted(table.cum)
    assert abs(sum(table.weights.values()) - 1.0) < 1e-9


def test_weighted_pick_follows_weights():
    table = P.Weighted("t", [("a", 1), ("b", 3), ("c", 0)])
    assert table.codes == ("a", "b")
    assert table.pick(0.0) == "a"
    assert table.pick(0.2499) == "a"
    assert table.pick(0.25) == "b"
    assert table.pick(0.999999) == "b"


def test_lookup_tables_cover_their_vocabularies():
    assert set(P.LACKS_CAPACITY) == set(vocab.PRIMARY_SUPPORT_REASONS.codes)
    assert set(P.AGE_RANGES) == set(vocab.AGE_BANDS.codes)
    assert P.SERVICE_SETTINGS.issubset(vocab.LOCATIONS.codes)
    assert set(T.REPRESENTATIVE_DETAILS) == set(vocab.REPRESENTATIVE_KINDS.codes)
    assert set(T.PREFERRED_NAMES) == set(vocab.GENDERS.codes)
    assert set(T.SUMMARIES) == set(vocab.CONVERSATION_STAGES.codes)
    assert set(T.NEXT_STEPS) == set(vocab.CONVERSATION_STAGES.codes)
    assert set(T.PERSON_VIEWS) == set(vocab.OUTCOME_RATINGS.codes)
    assert set(T.ACHIEVED_REASONS) <= set(vocab.MSP_ACHIEVED.codes)
    assert set(T.FEEDBACK_COMMENTS) - {None} == set(vocab.MSP_ACHIEVED.codes)
    assert (
        set(P.FEEDBACK_ANSWER)
        == set(P.FEEDBACK_GOALS_ANSWER)
        == {
            None,
            *vocab.MSP_ACHIEVED.codes,
        }
    )
    assert set(P.CAPACITY_ASSESSED_BY)
    assert all(len(a) <= 120 for a in P.CAPACITY_ASSESSED_BY)


def test_national_mix_is_near_the_reference_figures():
    assert abs(sum(t.share for t in P.TEAMS) - 1.0) < 1e-9
    assert 0.66 <= P.national_share("msp_asked", "asked_expressed") <= 0.74
    assert 0.08 <= P.national_share("msp_asked", "asked_none") <= 0.12
    assert 0.60 <= P.national_share("msp_achieved", "fully") <= 0.70
    assert 0.26 <= P.national_share("msp_achieved", "partially") <= 0.34
    assert 0.03 <= P.national_share("msp_achieved", "not_achieved") <= 0.08
    assert P.ENQUIRY_TYPE.share("s42") == pytest.approx(0.94)
    assert P.GENDER.share("female") == pytest.approx(0.60)
    assert 1 - P.AGE.share("18-64") == pytest.approx(0.63)
    reduced_or_removed = P.RISK_OUTCOME.share("reduced") + P.RISK_OUTCOME.share("removed")
    assert reduced_or_removed == pytest.approx(0.89)


def test_teams_differ():
    by_slug = {t.slug: t for t in P.TEAMS}
    south, east = by_slug["south"], by_slug["east"]
    assert south.msp_asked.share("asked_expressed") - east.msp_asked.share("asked_expressed") > 0.2
    assert south.msp_achieved.share("fully") - east.msp_achieved.share("fully") > 0.2


def test_accounts_are_readable_unique_and_cover_every_team():
    usernames = [P.practitioner_username(f, t.slug) for t in P.TEAMS for f, _ in t.practitioners]
    usernames += [s[0] for s in P.SUPERVISORS] + [P.ADMINISTRATOR[0], P.COMMISSIONER[0]]
    assert len(usernames) == len(set(usernames))
    assert all(u == u.lower() and " " not in u and len(u) <= 80 for u in usernames)
    slugs = {t.slug for t in P.TEAMS}
    covered = set()
    for _, _, teams in P.SUPERVISORS:
        assert 1 <= len(teams) <= 3
        assert set(teams) <= slugs
        covered |= set(teams)
    assert covered == slugs
    assert P.ADMINISTRATOR[0] == "admin"
    assert P.EMAIL_DOMAIN.endswith(".invalid")


def test_own_words_exist_for_every_category_a_person_can_choose():
    assert set(T.OWN_WORDS) == set(vocab.STANDARD_OUTCOMES.codes)
    assert set(T.REPRESENTATIVE_WORDS) == set(vocab.STANDARD_OUTCOMES.codes)
    for category in vocab.STANDARD_OUTCOMES.codes:
        for group in ("known", "unknown", "service_provider"):
            assert T.OWN_WORDS[category][group], (category, group)
        for gender in vocab.GENDERS.codes:
            assert T.REPRESENTATIVE_WORDS[category][gender], (category, gender)
    for category in P.OUTCOME_CATEGORY_SELF_NEGLECT.codes:
        assert T.OWN_WORDS[category]["self"], category
    for texts in T.OWN_WORDS.values():
        for options in texts.values():
            assert all(t and "{" not in t and t[0].isupper() for t in options)


def test_texts_fit_their_columns():
    for names in T.PREFERRED_NAMES.values():
        assert all(0 < len(n) <= 60 for n in names)
    assert all(t for options in T.SUMMARIES.values() for t in options)


@pytest.mark.parametrize("today", [TODAY, dt.date(2026, 4, 1), dt.date(2027, 3, 31)])
def test_days_match_msp_periods(today):
    first = dt.date(2024, 2, 20)
    days = G.Days(first, today + dt.timedelta(days=200), today, ".000000")
    for d in range(0, (today - first).days, 3):
        day = first + dt.timedelta(days=d)
        assert days.iso[d] == day.isoformat()
        assert days.fy[d] == periods.financial_year(day)
        assert days.quarter[d] == periods.fy_quarter(day)
        assert days.month[d] == periods.month_key(day)
        for n in (1, 2, 5, 21, 60):
            assert first + dt.timedelta(
                days=days.add_working_days(d, n)
            ) == periods.add_working_days(day, n)
            if d > 120:
                assert first + dt.timedelta(
                    days=days.add_working_days(d, -n)
                ) == periods.add_working_days(day, -n)
        assert days.add_working_days(d, 0) == d
        later = d + 17
        assert days.working_days_between(d, later) == periods.working_days_between(
            day, first + dt.timedelta(days=later)
        )
    stamp = days.stamps[days.index(today)][0]
    assert stamp == f"{today.isoformat()} 08:00:00.000000"
    assert len(days.stamps[0]) == 128
    assert days.stamps[0][-1].endswith("18:35:00.000000")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"enquiries": 0, "seed": 1},
        {"enquiries": -5, "seed": 1},
        {"enquiries": True, "seed": 1},
        {"enquiries": 2.5, "seed": 1},
        {"enquiries": G.MAX_ENQUIRIES + 1, "seed": 1},
        {"enquiries": 10, "seed": "1"},
        {"enquiries": 10, "seed": 1, "today": "2026-05-20"},
    ],
)
def test_generate_refuses_bad_arguments_before_touching_the_database(kwargs):
    with pytest.raises(DemoDataError):
        generate(None, **kwargs)  # type: ignore[arg-type]


# --- Rows built without a database ------------------------------------------------------

QUESTION_VERSIONS = [(i, q.key) for i, q in enumerate(vocab.DEFAULT_FEEDBACK_QUESTIONS, start=1)]

CODED = {
    "people": {
        "age_band": vocab.AGE_BANDS,
        "gender": vocab.GENDERS,
        "ethnicity": vocab.ETHNICITIES,
        "primary_support_reason": vocab.PRIMARY_SUPPORT_REASONS,
    },
    "enquiries": {
        "enquiry_type": vocab.ENQUIRY_TYPES,
        "status": vocab.ENQUIRY_STATUSES,
        "location_of_risk": vocab.LOCATIONS,
        "source_of_risk": vocab.SOURCES_OF_RISK,
        "risk_assessment_outcome": vocab.RISK_ASSESSMENT_OUTCOMES,
        "risk_outcome": vocab.RISK_OUTCOMES,
        "pre_concern_with": vocab.SPEAKERS,
        "pre_concern_view": vocab.PRE_CONCERN_VIEWS,
        "against_view_reason": vocab.AGAINST_VIEW_REASONS,
        "capacity_result": vocab.CAPACITY_RESULTS,
        "advocate_kind": vocab.ADVOCATE_KINDS,
        "representative_kind": vocab.REPRESENTATIVE_KINDS,
        "msp_asked": vocab.MSP_ASKED,
        "msp_achieved": vocab.MSP_ACHIEVED,
        "lacked_capacity": vocab.LACKED_CAPACITY,
    },
    "enquiry_risk_types": {"risk_type": vocab.RISK_TYPES},
    "conversations": {
        "representative_kind": vocab.REPRESENTATIVE_KINDS,
        "method": vocab.CONTACT_METHODS,
        "stage": vocab.CONVERSATION_STAGES,
    },
    "desired_outcomes": {
        "category": vocab.STANDARD_OUTCOMES,
        "expressed_by": vocab.SPEAKERS,
        "status": vocab.OUTCOME_STATUSES,
        "achievability": vocab.ACHIEVABILITY,
        "rating": vocab.OUTCOME_RATINGS,
    },
    "outcome_versions": {
        "reason": vocab.OUTCOME_CHANGE_REASONS,
        "category": vocab.STANDARD_OUTCOMES,
        "expressed_by": vocab.SPEAKERS,
        "status": vocab.OUTCOME_STATUSES,
        "achievability": vocab.ACHIEVABILITY,
        "rating": vocab.OUTCOME_RATINGS,
    },
    "feedback_responses": {
        "respondent": vocab.SPEAKERS,
        "asked_by": vocab.FEEDBACK_ASKERS,
        "method": vocab.CONTACT_METHODS,
    },
    "feedback_answers": {"answer": vocab.FEEDBACK_ANSWERS},
}


def _builder(seed: int = 7, n: int = 3000, today: dt.date = TODAY) -> G._Builder:
    return G._Builder(
        seed=seed,
        enquiries=n,
        today=today,
        time_suffix=".000000",
        question_versions=QUESTION_VERSIONS,
    )


def _all_rows(builder: G._Builder, n: int) -> dict[str, list[tuple]]:
    rows: dict[str, list[tuple]] = {table: [] for table, _, _ in G.CHUNK_TABLES}
    for lo in range(0, n, 1000):
        chunk = builder.build_chunk(lo, min(n, lo + 1000))
        for table, chunk_rows in chunk.items():
            rows[table].extend(chunk_rows)
    return rows


@pytest.fixture(scope="module")
def built() -> dict[str, list[tuple]]:
    return _all_rows(_builder(), 3000)


def test_every_code_generated_is_in_its_vocabulary(built):
    columns = {table: cols for table, cols, _ in G.CHUNK_TABLES}
    for table, coded in CODED.items():
        assert built[table], table
        for column, vocabulary in coded.items():
            k = columns[table].index(column)
            values = {row[k] for row in built[table]} - {NULL}
            assert values, (table, column)
            assert values <= set(vocabulary.codes), (table, column, values - set(vocabulary.codes))


def test_rows_match_their_columns(built):
    from db.models import Base

    for table, columns, _ in G.CHUNK_TABLES:
        assert all(len(row) == len(columns) for row in built[table]), table
        model = Base.metadata.tables[table]
        for k, column in enumerate(columns):
            if not model.c[column].nullable:
                assert all(row[k] != NULL for row in built[table]), (table, column)
            assert all(row[k] is not None and type(row[k]) is not bool for row in built[table])
    builder = _builder()
    for _, columns, rows in builder.fixed_rows():
        assert all(len(row) == len(columns) for row in rows)


def test_building_is_deterministic():
    assert _all_rows(_builder(seed=3, n=500), 500) == _all_rows(_builder(seed=3, n=500), 500)
    assert _all_rows(_builder(seed=3, n=500), 500) != _all_rows(_builder(seed=4, n=500), 500)


def test_builder_for_the_first_and_last_day_of_a_financial_year():
    for today in (dt.date(2026, 4, 1), dt.date(2026, 3, 31), dt.date(2028, 2, 29)):
        rows = _all_rows(_builder(n=400, today=today), 400)
        k = G.ENQUIRY_COLUMNS.index("concern_received_on")
        first = periods.fy_bounds(periods.financial_year(today) - 2)[0]
        lead_in = (first - dt.timedelta(days=G.LEAD_IN_DAYS)).isoformat()
        assert all(lead_in <= row[k] <= today.isoformat() for row in rows["enquiries"])
        k = G.ENQUIRY_COLUMNS.index("concluded_on")
        concluded = [row[k] for row in rows["enquiries"] if row[k] != NULL]
        assert first.isoformat() <= min(concluded) and max(concluded) <= today.isoformat()


def test_ids_are_consecutive(built):
    for table in ("people", "enquiries", "conversations", "desired_outcomes", "outcome_versions"):
        ids = [row[0] for row in built[table]]
        assert ids == list(range(1, len(ids) + 1)), table


def test_frames_round_trip():
    import io

    from msp.demo.child import read_frame, write_frame

    buffer = io.BytesIO()
    chunk = {"enquiries": [(1, "a", NULL, 2)], "people": []}
    write_frame(buffer, ("chunk", chunk))
    write_frame(buffer, ("done", 7))
    buffer.seek(0)
    assert read_frame(buffer) == ("chunk", chunk)
    assert read_frame(buffer) == ("done", 7)
    with pytest.raises(EOFError):
        read_frame(buffer)
