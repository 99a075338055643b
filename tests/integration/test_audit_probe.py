"""The audit watch (tests/audit_probe.py) itself: it notices a service that commits a change
without an audit event or with two, and ignores a test's own set-up."""

from __future__ import annotations

from db.engine import unit_of_work
from db.models import Team
from msp import audit, settings
from tests.integration.journey_helpers import make_world


def test_a_service_write_without_an_audit_event_is_noticed(
    engine, every_write_is_audited, monkeypatch
):
    world = make_world(engine)  # the test's own set-up: not the app's, so not noticed
    assert every_write_is_audited.unaudited == []

    monkeypatch.setattr(audit, "record", lambda *args, **kwargs: None)
    settings.update_idle_timeout(engine, world.ada, 10)

    assert every_write_is_audited.unaudited == [("msp.settings.update_idle_timeout", ["settings"])]
    every_write_is_audited.unaudited.clear()  # noticed as it should be: let the test pass


def test_a_change_audited_twice_is_noticed(engine, every_write_is_audited, monkeypatch):
    world = make_world(engine)
    record = audit.record

    def twice(session, **kwargs):
        record(session, **kwargs)
        record(session, **kwargs)

    monkeypatch.setattr(audit, "record", twice)
    settings.update_idle_timeout(engine, world.ada, 10)

    assert every_write_is_audited.multiple == [
        ("msp.settings.update_idle_timeout", ["settings_changed", "settings_changed"])
    ]
    every_write_is_audited.multiple.clear()  # noticed as it should be: let the test pass


def test_a_write_with_its_audit_event_is_not_noticed(engine, every_write_is_audited):
    world = make_world(engine)
    settings.update_idle_timeout(engine, world.ada, 10)
    with unit_of_work(engine) as session:
        session.add(Team(name="Set-up"))
    assert every_write_is_audited.unaudited == []
