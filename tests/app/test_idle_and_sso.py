"""Signing out after a spell without activity, and single sign-on through `st.login`.

Single sign-on is simulated the way AppTest allows: `at.secrets` gives the `[auth]` section
and `at.user` is what `st.user` says the identity provider told Streamlit. `st.login` itself
(a redirect to the provider) is replaced by a recorder."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
import streamlit as st

from db.engine import unit_of_work
from db.models import AuditEvent, User
from msp import settings
from msp.ui import gate, navigation, session, sso
from msp.ui.guard import SIGN_IN_TO_CONTINUE
from msp.ui.text import plain
from tests.app.conftest import (
    ROOT,
    add,
    app,
    audit_actions,
    page_app,
    registered_scripts,
    signed_in,
    user_count,
)

AUTH_SECRETS = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "not-a-real-secret",
        "client_id": "client",
        "client_secret": "secret",
        "server_metadata_url": (
            "https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration"
        ),
    }
}
EMAIL = "pat.jones@council.gov.uk"


def titles(at) -> list[str]:
    return [t.value for t in at.title]


def last_event(engine) -> AuditEvent:
    with unit_of_work(engine) as db:
        event = db.scalar(sa.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
        db.expunge(event)
        return event


def minutes_ago(minutes: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes)


# --- Idle timeout ----------------------------------------------------------------------------


def test_idle_for_longer_than_30_minutes_signs_out(app_url, engine, people):
    at = signed_in(people["practitioner"])
    assert titles(at) == ["Home"]

    at.session_state[session.LAST_ACTIVE] = minutes_ago(31)
    at.run()

    assert not at.exception
    assert titles(at) == ["Sign in"]
    assert [i.value for i in at.info] == [
        plain("You were signed out after 30 minutes without activity.")
    ]
    assert session.USER_ID not in at.session_state
    assert registered_scripts(at) == set()
    assert audit_actions(engine)[-1] == "sign_out"


def test_activity_within_30_minutes_keeps_the_session(app_url, engine, people):
    at = signed_in(people["practitioner"])
    at.session_state[session.LAST_ACTIVE] = minutes_ago(29)
    at.run()

    assert titles(at) == ["Home"]
    assert at.session_state[session.LAST_ACTIVE] > minutes_ago(1)  # each run counts


def test_the_clock_moving_on_signs_out(app_url, engine, people, monkeypatch):
    at = signed_in(people["commissioner"])
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=30, seconds=5)
    monkeypatch.setattr(session, "now", lambda: later)
    at.run()

    assert titles(at) == ["Sign in"]


def test_a_council_setting_changes_the_timeout(app_url, engine, people, monkeypatch):
    monkeypatch.setattr(settings, "idle_timeout_minutes", lambda _engine: 5, raising=False)
    at = signed_in(people["commissioner"])
    at.session_state[session.LAST_ACTIVE] = minutes_ago(6)
    at.run()

    assert [i.value for i in at.info] == [
        plain("You were signed out after 5 minutes without activity.")
    ]
    assert session.idle_notice(1) == "You were signed out after 1 minute without activity."


def test_a_form_sent_after_the_timeout_writes_nothing(app_url, engine, people):
    at = signed_in(people["administrator"])
    at.switch_page("pages/admin_teams.py").run()
    at.text_input(key="create_team_name").input("East")
    at.session_state[session.LAST_ACTIVE] = minutes_ago(45)
    at.button(key="FormSubmitter:create_team-Create team").click().run()

    assert titles(at) == ["Sign in"]
    assert "team_created" not in audit_actions(engine)[-2:]
    with unit_of_work(engine) as db:
        assert db.scalar(sa.text("select count(*) from teams where name = 'East'")) == 0


def test_a_page_run_on_its_own_after_the_timeout_stops(app_url, engine, people):
    at = page_app(ROOT / "pages/privacy.py")
    at.session_state[session.USER_ID] = people["practitioner"].id
    at.session_state[session.LAST_ACTIVE] = minutes_ago(31)
    at.run()

    assert [w.value for w in at.warning] == [SIGN_IN_TO_CONTINUE]
    assert not at.title


# --- Single sign-on --------------------------------------------------------------------------


@pytest.fixture
def logins(monkeypatch) -> list[str]:
    """Calls of st.login (the real one redirects the browser to the identity provider)."""
    calls: list[str] = []
    monkeypatch.setattr(st, "login", lambda provider=None: calls.append(provider or "default"))
    return calls


def with_sso(at, email: str | None = None):
    at.secrets = dict(AUTH_SECRETS)
    at.user = {"is_logged_in": email is not None, "email": email or ""}
    return at


def sso_user(engine, email: str = EMAIL, role: str = "practitioner"):
    user = add(engine, role, ["North"] if role == "practitioner" else None)
    with unit_of_work(engine) as db:
        db.execute(sa.update(User).where(User.id == user.id).values(email=email))
    return user


def test_without_an_auth_section_there_is_no_single_sign_on_button(app_url, engine, people):
    at = app().run()

    assert [b.label for b in at.button] == ["Sign in"]


def test_the_sign_in_page_offers_the_council_account(app_url, engine, people, logins):
    at = with_sso(app()).run()

    assert not at.exception
    assert titles(at) == ["Sign in"]
    assert [b.label for b in at.button] == [sso.LOGIN_LABEL, "Sign in"]
    assert [t.label for t in at.text_input] == ["Username", "Password"]  # both ways stay

    at.button(key=gate.SSO_LOGIN_KEY).click().run()

    assert logins == ["default"]


def test_a_known_email_signs_in_with_that_users_role(app_url, engine, logins):
    user = sso_user(engine, email="Pat.Jones@Council.gov.uk")
    at = with_sso(app(), "PAT.JONES@council.gov.uk").run()

    assert not at.exception
    assert titles(at) == ["Home"]
    assert at.session_state[session.USER_ID] == user.id
    event = last_event(engine)
    assert (event.action, event.user_id, event.details) == ("sign_in", user.id, {"method": "sso"})

    at.run()  # later runs are the same session: no new sign-in
    assert audit_actions(engine).count("sign_in") == 1


def test_an_unknown_email_gets_only_the_ask_your_administrator_page(app_url, engine, people):
    before = user_count(engine)
    at = with_sso(app(), "stranger@council.gov.uk").run()

    assert not at.exception
    assert titles(at) == [gate.ASK_TITLE]
    assert "No account uses the email address of your council account:" in [
        m.value for m in at.markdown
    ]
    assert [t.value for t in at.text] == ["stranger@council.gov.uk"]  # as text, not a link
    assert [b.label for b in at.button] == ["Sign out"]
    assert not at.text_input and not at.sidebar.button
    assert registered_scripts(at) == set()
    assert session.USER_ID not in at.session_state
    assert user_count(engine) == before
    event = last_event(engine)
    assert (event.action, event.username, event.details) == (
        "sign_in_failed",
        "stranger@council.gov.uk",
        {"method": "sso", "reason": "no_active_account"},
    )

    at.run()
    assert audit_actions(engine).count("sign_in_failed") == 1  # once, not on every run

    # Every address shows the same page.
    for spec in navigation.PAGES:
        deep = with_sso(app(), "stranger@council.gov.uk")
        deep.switch_page(spec.path)
        deep.run()
        assert titles(deep) == [gate.ASK_TITLE], spec.path

    at.button(key=gate.ASK_SIGN_OUT_KEY).click().run()
    assert at.user == {"is_logged_in": False}  # st.logout forgot the provider's identity
    assert titles(at) == ["Sign in"]


def test_a_switched_off_account_gets_the_ask_page(app_url, engine):
    user = sso_user(engine)
    with unit_of_work(engine) as db:
        db.execute(sa.update(User).where(User.id == user.id).values(is_active=False))

    at = with_sso(app(), EMAIL).run()

    assert titles(at) == [gate.ASK_TITLE]


def test_an_account_switched_off_during_the_session_is_stopped(app_url, engine):
    user = sso_user(engine)
    at = with_sso(app(), EMAIL).run()
    assert titles(at) == ["Home"]

    with unit_of_work(engine) as db:
        db.execute(sa.update(User).where(User.id == user.id).values(is_active=False))
    at.run()

    assert titles(at) == [gate.ASK_TITLE]


def test_signing_out_also_signs_out_of_the_council_account(app_url, engine):
    sso_user(engine)
    at = with_sso(app(), EMAIL).run()

    at.sidebar.button(key="sign_out").click().run()

    assert not at.exception
    assert at.user == {"is_logged_in": False}
    assert titles(at) == ["Sign in"]
    assert audit_actions(engine)[-1] == "sign_out"


def test_the_idle_timeout_also_signs_out_of_the_council_account(app_url, engine):
    sso_user(engine)
    at = with_sso(app(), EMAIL).run()
    at.session_state[session.LAST_ACTIVE] = minutes_ago(31)
    at.run()

    assert at.user == {"is_logged_in": False}
    assert titles(at) == ["Sign in"]
    assert audit_actions(engine)[-1] == "sign_out"


def test_no_email_from_the_provider_matches_nobody(app_url, engine, people):
    at = with_sso(app(), "").run()

    assert titles(at) == [gate.ASK_TITLE]
    assert "Your council account did not give an email address, so no account matches." in [
        m.value for m in at.markdown
    ]
