"""Access control, sign-in lock-out, administration, soft delete, retention and the audit
trail — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from db.engine import unit_of_work
from db.models import AuditEvent, Conversation, DesiredOutcome, Enquiry, Person
from msp import audit, auth, retention, users
from msp import enquiries as enq
from msp import outcomes as out
from msp.cli import main
from msp.errors import NotAllowed, NotFound, SignInLocked, ValidationError
from msp.overview import get_enquiry
from tests.integration.journey_helpers import TODAY, make_world, new_enquiry, snapshot

D = dt.date
PASSWORD = "kettle-orbit-57-lantern"
T0 = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(engine):
    return make_world(engine)


def _with_password(engine, username="pat", role="administrator", teams=None):
    user, _ = users.add_user(
        engine,
        actor=None,
        username=username,
        display_name=username.title(),
        role=role,
        team_names=teams or [],
        password=PASSWORD,
        create_missing_teams=True,
    )
    return user


# --- Sign-in lock-out ---------------------------------------------------------------------


def test_five_failures_lock_the_username_for_fifteen_minutes(engine):
    _with_password(engine)
    for i in range(5):
        assert auth.authenticate(engine, "pat", "wrong", now=T0 + dt.timedelta(minutes=i)) is None
    # Locked: even the right password is refused, with a message that names no account.
    with pytest.raises(SignInLocked, match="too many attempts") as locked:
        auth.authenticate(engine, "pat", PASSWORD, now=T0 + dt.timedelta(minutes=6))
    with pytest.raises(SignInLocked) as unknown:
        for i in range(6):
            auth.authenticate(engine, "nobody", "x", now=T0 + dt.timedelta(minutes=i))
    assert str(locked.value) == str(unknown.value)
    # 15 minutes after the last failure, the right password works again.
    assert auth.authenticate(engine, "pat", PASSWORD, now=T0 + dt.timedelta(minutes=20))


def test_a_success_resets_the_count(engine):
    _with_password(engine)
    for i in range(4):
        auth.authenticate(engine, "pat", "wrong", now=T0 + dt.timedelta(minutes=i))
    assert auth.authenticate(engine, "pat", PASSWORD, now=T0 + dt.timedelta(minutes=5))
    for i in range(4):
        auth.authenticate(engine, "pat", "wrong", now=T0 + dt.timedelta(minutes=6 + i))
    assert auth.authenticate(engine, "pat", PASSWORD, now=T0 + dt.timedelta(minutes=11))


def test_single_sign_on_email_matches_an_active_user(engine):
    user, _ = users.add_user(
        engine,
        actor=None,
        username="sso",
        display_name="S",
        role="commissioner",
        email="S.User@Council.gov.uk",
    )
    assert auth.user_for_email(engine, "s.user@council.gov.uk") == user
    assert auth.user_for_email(engine, "someone@else.org") is None
    assert auth.user_for_email(engine, "") is None


# --- Administration -------------------------------------------------------------------------


def test_last_administrator_and_self_demotion_are_protected(engine):
    pat = _with_password(engine, "pat")
    base = {
        "display_name": "Pat",
        "role": "administrator",
        "team_names": [],
        "email": None,
        "is_active": True,
    }
    with pytest.raises(ValidationError) as err:
        users.update_user(engine, pat, pat.id, **{**base, "role": "commissioner"})
    assert "your own administrator access" in err.value.problems["role"]
    with pytest.raises(ValidationError) as err:
        users.update_user(engine, pat, pat.id, **{**base, "is_active": False})
    assert "your own administrator access" in err.value.problems["is_active"]
    # With a second administrator, Kim can make Pat a commissioner.
    kim = _with_password(engine, "kim")
    users.update_user(engine, kim, pat.id, **{**base, "role": "commissioner"})
    assert auth.load_user(engine, pat.id).role == "commissioner"
    # Lee is deactivated by Kim; a screen Lee still had open cannot remove the last one.
    lee = _with_password(engine, "lee")
    users.update_user(engine, kim, lee.id, **{**base, "display_name": "Lee", "is_active": False})
    with pytest.raises(ValidationError) as err:
        users.update_user(
            engine, lee, kim.id, **{**base, "display_name": "Kim", "is_active": False}
        )
    assert "last active administrator" in err.value.problems["is_active"]
    assert auth.load_user(engine, kim.id).role == "administrator"


def test_users_are_deactivated_never_deleted_and_changes_are_audited(engine, world):
    admin = _with_password(engine, "pat")
    users.update_user(
        engine,
        admin,
        world.alex.id,
        display_name="Alex North",
        role="practitioner",
        team_names=["South"],
        email="alex@council.gov.uk",
        is_active=True,
    )
    moved = auth.load_user(engine, world.alex.id)
    assert moved.team_names == ("South",)
    event = _last(engine)
    assert event.action == "user_updated"
    assert event.details["changed"]["teams"] == [[world.north], [world.south]]
    assert event.details["changed"]["email"] == "changed"
    users.update_user(
        engine,
        admin,
        world.alex.id,
        display_name="Alex North",
        role="practitioner",
        team_names=["South"],
        email="alex@council.gov.uk",
        is_active=False,
    )
    assert auth.load_user(engine, world.alex.id) is None
    assert "alex" in {u.username for u in users.list_users(engine)}
    with pytest.raises(ValidationError, match="Nothing was changed"):
        users.update_user(
            engine,
            admin,
            world.alex.id,
            display_name="Alex North",
            role="practitioner",
            team_names=["South"],
            email="alex@council.gov.uk",
            is_active=False,
        )
    with pytest.raises(NotAllowed):
        users.update_user(
            engine,
            world.sam,
            world.alex.id,
            display_name="x",
            role="practitioner",
            team_names=["South"],
            email=None,
            is_active=True,
        )


def test_a_practitioner_who_moves_team_loses_the_old_teams_cases(engine, world):
    public_id = enq.start_enquiry(engine, world.alex, new_enquiry(world), today=TODAY)
    admin = _with_password(engine, "pat")
    users.update_user(
        engine,
        admin,
        world.alex.id,
        display_name="Alex North",
        role="practitioner",
        team_names=["South"],
        email=None,
        is_active=True,
    )
    moved = auth.load_user(engine, world.alex.id)
    with pytest.raises(NotAllowed):
        get_enquiry(engine, moved, public_id, today=TODAY)


def test_reset_password_and_teams(engine):
    admin = _with_password(engine, "pat")
    kim = _with_password(engine, "kim", role="commissioner")
    with pytest.raises(ValidationError):
        users.reset_password(engine, admin, kim.id, "short")
    users.reset_password(engine, admin, kim.id, "a brand new pass phrase")
    assert auth.authenticate(engine, "kim", "a brand new pass phrase")
    assert auth.authenticate(engine, "kim", PASSWORD) is None
    assert "a brand new pass phrase" not in repr(_events(engine))
    team_id = users.create_team(engine, admin, "East")
    with pytest.raises(ValidationError, match="already a team"):
        users.create_team(engine, admin, " east ")
    users.rename_team(engine, admin, team_id, "East locality")
    assert [t.name for t in users.list_teams(engine)] == ["East locality"]
    with pytest.raises(NotAllowed):
        users.create_team(engine, kim, "West")


# --- Entered in error, restore, retention ----------------------------------------------------


def test_entered_in_error_disappears_from_lists_and_can_be_restored(engine, world):
    public_id = enq.start_enquiry(engine, world.alex, new_enquiry(world), today=TODAY)
    with pytest.raises(ValidationError):
        retention.mark_entered_in_error(engine, world.alex, public_id, " ", expected_version=1)
    retention.mark_entered_in_error(
        engine, world.alex, public_id, "Wrong person", expected_version=1
    )
    assert enq.list_enquiries(engine, world.alex, enq.EnquiryFilters(), today=TODAY) == []
    with pytest.raises(NotFound):
        get_enquiry(engine, world.alex, public_id, today=TODAY)
    with pytest.raises(NotAllowed):
        retention.list_removed(engine, world.alex)
    removed = retention.list_removed(engine, world.sam)
    assert [(r.case_reference, r.reason) for r in removed] == [("CS-1001", "Wrong person")]
    with pytest.raises(NotAllowed):
        retention.restore(engine, world.alex, public_id)
    retention.restore(engine, world.sam, public_id)
    assert len(enq.list_enquiries(engine, world.alex, enq.EnquiryFilters(), today=TODAY)) == 1
    actions = [e.action for e in _events(engine)]
    assert actions[-2:] == ["enquiry_soft_deleted", "enquiry_restored"]


def _concluded(engine, world, reference, concluded_on):
    public_id = enq.start_enquiry(
        engine,
        world.alex,
        new_enquiry(
            world,
            person=enq.PersonDetails(case_reference=reference),
            concern_received_on=D(2019, 1, 1),
            decision_on=None,
            started_on=D(2019, 1, 2),
        ),
        today=TODAY,
    )
    v = out.add_outcomes(
        engine,
        world.alex,
        public_id,
        [out.NewOutcome("friends", "More friends", "person", D(2019, 1, 2))],
        expected_version=1,
        today=TODAY,
    )
    outcome_id = get_enquiry(engine, world.alex, public_id, today=TODAY).outcomes[0].id
    enq.conclude_enquiry(
        engine,
        world.alex,
        public_id,
        enq.Conclusion(
            concluded_on=concluded_on,
            ratings={outcome_id: enq.OutcomeRating("fully")},
            msp_achieved="fully",
            risk_assessment_outcome="none_no_action",
            lacked_capacity="no",
        ),
        expected_version=v,
        today=TODAY,
    )
    return public_id


def test_retention_dry_run_then_real_run(engine, world, capsys):
    _concluded(engine, world, "OLD-1", D(2019, 3, 1))
    _concluded(engine, world, "NEW-1", D(2026, 10, 1))
    still_open = enq.start_enquiry(engine, world.alex, new_enquiry(world), today=TODAY)
    before = snapshot(engine)
    url = engine.url.render_as_string(hide_password=False)
    assert (
        main(["--database-url", url, "retention", "--concluded-before", "2020-01-01", "--dry-run"])
        == 0
    )
    printed = capsys.readouterr().out
    assert "Would remove" in printed and "nothing was removed" in printed
    assert snapshot(engine) == before
    assert main(["--database-url", url, "retention", "--concluded-before", "2020-01-01"]) == 0
    with unit_of_work(engine) as session:
        refs = set(session.scalars(sa.select(Person.case_reference)))
        assert refs == {"NEW-1", "CS-1001"}
        assert session.scalar(sa.select(sa.func.count(Enquiry.id))) == 2
        assert session.scalar(sa.select(sa.func.count(DesiredOutcome.id))) == 1
        assert session.scalar(sa.select(sa.func.count(Conversation.id))) == 0
    event = _last(engine)
    assert event.action == "retention_applied"
    assert event.details["enquiries"] == 1 and event.details["people"] == 1
    assert "OLD-1" not in repr(event.details)
    assert get_enquiry(engine, world.alex, still_open, today=TODAY).status == "open"


# --- The audit trail ------------------------------------------------------------------------


def test_audit_trail_scopes_and_filters(engine, world):
    admin = _with_password(engine, "pat")
    public_id = enq.start_enquiry(engine, world.alex, new_enquiry(world), today=TODAY)
    enq.start_enquiry(
        engine,
        world.bea,
        new_enquiry(
            world,
            team_id=world.south,
            worker_id=world.bea.id,
            person=enq.PersonDetails(case_reference="S-1"),
        ),
        today=TODAY,
    )
    everything = audit.list_events(engine, admin, audit.AuditFilters())
    assert {"user_created", "enquiry_created"} <= {r.action for r in everything}
    mine = audit.list_events(engine, admin, audit.AuditFilters(record_id=public_id))
    assert [r.action for r in mine] == ["enquiry_created"]
    by_user = audit.list_events(engine, admin, audit.AuditFilters(username="bea"))
    assert [r.action for r in by_user] == ["enquiry_created"]
    assert audit.list_events(engine, admin, audit.AuditFilters(date_from=D(2099, 1, 1))) == []
    # A supervisor of North only sees North's events.
    users.update_user(
        engine,
        admin,
        world.sam.id,
        display_name="Sam Sup",
        role="supervisor",
        team_names=["North"],
        email=None,
        is_active=True,
    )
    sam = auth.load_user(engine, world.sam.id)
    seen = audit.list_events(engine, sam, audit.AuditFilters(action="enquiry_created"))
    assert [r.record_id for r in seen] == [public_id]
    for user in (world.alex, world.cal):
        with pytest.raises(NotAllowed):
            audit.list_events(engine, user, audit.AuditFilters())
    assert _last(engine).action == "audit_viewed"


def _events(engine) -> list[AuditEvent]:
    with unit_of_work(engine) as session:
        events = list(session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)))
        session.expunge_all()
        return events


def _last(engine) -> AuditEvent:
    return _events(engine)[-1]


@pytest.mark.parametrize(
    ("occurred_at", "uk_day"),
    [
        # British Summer Time: 23:30 UTC on 14 June is 00:30 on 15 June in the UK.
        (dt.datetime(2026, 6, 14, 23, 30, tzinfo=dt.UTC), D(2026, 6, 15)),
        (dt.datetime(2026, 6, 14, 22, 59, tzinfo=dt.UTC), D(2026, 6, 14)),
        # Winter: UK time is UTC.
        (dt.datetime(2026, 12, 14, 23, 30, tzinfo=dt.UTC), D(2026, 12, 14)),
        (dt.datetime(2026, 12, 15, 0, 0, tzinfo=dt.UTC), D(2026, 12, 15)),
    ],
)
def test_audit_dates_are_uk_calendar_days(engine, world, occurred_at, uk_day):
    admin = _with_password(engine, "pat")
    with unit_of_work(engine) as session:
        audit.record(
            session,
            actor_id=None,
            actor_username="probe",
            action="sign_in_failed",
            occurred_at=occurred_at,
        )
    day = dt.timedelta(days=1)

    def found(date_from, date_to) -> bool:
        filters = audit.AuditFilters(username="probe", date_from=date_from, date_to=date_to)
        return bool(audit.list_events(engine, admin, filters))

    assert found(uk_day, uk_day)
    assert not found(uk_day + day, None)
    assert not found(None, uk_day - day)


def test_exports_are_audited_by_the_services(engine, world):
    admin = _with_password(engine, "pat")
    audit.record_export(engine, world.cal, "sac_csv", suppressed=True, details={"year": "2025-26"})
    event = _last(engine)
    assert (event.action, event.username, event.record_type) == (
        "figures_exported",
        world.cal.username,
        "figures",
    )
    assert event.details == {"what": "sac_csv", "suppressed": True, "year": "2025-26"}

    audit.record_audit_export(engine, admin, {"action": "sign_in"}, 12)
    assert _last(engine).action == "audit_exported"
    assert _last(engine).details == {"format": "csv", "filters": {"action": "sign_in"}, "rows": 12}
    before = len(_events(engine))
    for user in (world.alex, world.cal):
        with pytest.raises(NotAllowed):
            audit.record_audit_export(engine, user, {}, 1)
    assert len(_events(engine)) == before
