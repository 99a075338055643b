"""Demo mode: a banner on every page, one-click sign-in, and never on a real database."""

from __future__ import annotations

import importlib.util

import pytest

from msp.demo_mode import demo_accounts
from msp.ui import frame, gate
from tests.app.conftest import (
    add,
    app,
    audit_actions,
    make_demo_database,
    registered_scripts,
    signed_in,
)


def banners(at) -> list[str]:
    return [w.value for w in at.warning if frame.DEMO_BANNER in w.value]


@pytest.fixture
def demo_env(app_url, engine, monkeypatch):
    make_demo_database(engine)
    monkeypatch.setenv("MSP_DEMO", "1")
    return engine


def test_demo_sign_in_page_has_the_banner_and_one_button_per_account(demo_env):
    at = app().run()

    assert not at.exception
    assert len(banners(at)) == 1
    assert [t.value for t in at.title] == ["Sign in"]
    assert [b.label for b in at.button] == [
        "Sign in",
        r"Sign in as Priya Practitioner (Practitioner, Demo North)",
        r"Sign in as Sam Supervisor (Supervisor, Demo North)",
        r"Sign in as Ada Administrator (Administrator)",
        r"Sign in as Cole Commissioner (Commissioner)",
    ]


def test_one_click_sign_in_opens_home_with_the_banner_on_every_page(demo_env):
    supervisor = next(u for u in demo_accounts(demo_env) if u.role == "supervisor")
    at = app().run()

    at.button(key=f"demo_sign_in_{supervisor.id}").click().run()

    assert not at.exception
    assert at.session_state["user_id"] == supervisor.id
    assert [t.value for t in at.title] == ["Home"]
    assert len(banners(at)) == 1
    at.switch_page("pages/privacy.py").run()
    assert [t.value for t in at.title] == ["Privacy"]
    assert len(banners(at)) == 1
    assert audit_actions(demo_env)[-1] == "sign_in"


def test_a_demo_database_shows_the_banner_even_without_demo_mode(app_url, engine):
    make_demo_database(engine)
    user = next(u for u in demo_accounts(engine) if u.role == "practitioner")

    assert len(banners(app().run())) == 1
    at = signed_in(user)
    assert len(banners(at)) == 1
    # One-click sign-in is offered only when the app was started in demo mode.
    at.sidebar.button(key=frame.SIGN_OUT_KEY).click().run()
    assert [b.label for b in at.button] == ["Sign in"]


def test_no_banner_on_a_real_database(app_url, engine):
    add(engine, "administrator")
    assert banners(app().run()) == []


def test_demo_mode_refuses_a_database_with_real_data(app_url, engine, monkeypatch):
    add(engine, "administrator")
    monkeypatch.setenv("MSP_DEMO", "1")

    at = app().run()

    assert not at.exception
    assert [t.value for t in at.title] == ["Demo mode cannot start"]
    assert "refuses to run on this database" in at.error[0].value
    assert not at.text_input and not at.button
    assert banners(at) == []
    assert registered_scripts(at) == set()


def test_demo_mode_refuses_a_deep_link_too(app_url, engine, monkeypatch):
    add(engine, "practitioner", ["North"])
    monkeypatch.setenv("MSP_DEMO", "1")
    at = app()
    at.switch_page("pages/home.py")

    at.run()

    assert [t.value for t in at.title] == ["Demo mode cannot start"]
    assert not at.metric


@pytest.mark.skipif(importlib.util.find_spec("msp.demo") is None, reason="no demo generator")
def test_demo_mode_fills_an_empty_database(app_url, engine, monkeypatch):
    monkeypatch.setenv("MSP_DEMO", "1")
    monkeypatch.setenv("MSP_DEMO_ENQUIRIES", "40")

    at = app().run()

    assert not at.exception
    assert len(banners(at)) == 1
    accounts = demo_accounts(engine)
    assert {u.role for u in accounts} == {
        "practitioner",
        "supervisor",
        "administrator",
        "commissioner",
    }
    assert [b.label for b in at.button][1:] == [gate.demo_button_label(u) for u in accounts]
