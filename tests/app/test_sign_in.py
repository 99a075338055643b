"""Signing in and out with a local account."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from streamlit.proto.TextInput_pb2 import TextInput

from db.engine import unit_of_work
from db.models import User
from msp.errors import MspError
from msp.ui import frame, gate
from msp.ui.text import plain
from tests.app.conftest import (
    PASSWORD,
    add,
    app,
    audit_actions,
    registered_scripts,
    sidebar_lines,
    signed_in,
)

SUBMIT = "FormSubmitter:sign_in-Sign in"


def sign_in(at, username, password):
    at.text_input(key=gate.USERNAME_KEY).input(username)
    at.text_input(key=gate.PASSWORD_KEY).input(password)
    return at.button(key=SUBMIT).click().run()


def test_the_sign_in_form(app_url, engine):
    add(engine, "administrator")

    at = app().run()

    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in"]
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert at.text_input(key=gate.PASSWORD_KEY).proto.type == TextInput.Type.PASSWORD
    assert [b.label for b in at.button] == ["Sign in"]
    assert registered_scripts(at) == set()
    assert not at.error


def test_signing_in_opens_home_and_keeps_only_the_id(app_url, engine):
    user = add(engine, "practitioner", ["North"], username="pat", display_name="Pat Jones")

    at = sign_in(app().run(), "pat", PASSWORD)

    assert not at.exception
    assert [t.value for t in at.title] == ["Home"]
    assert "**Pat Jones**" in sidebar_lines(at)
    assert "Practitioner" in sidebar_lines(at)
    assert "Team: North" in sidebar_lines(at)
    assert [b.label for b in at.sidebar.button] == ["Sign out"]
    state = dict(at.session_state.items())
    assert state["user_id"] == user.id
    assert isinstance(state["last_active"], dt.datetime)
    # No password, no user object: only the id, the time and the sign-out button's state.
    assert set(state) == {"user_id", "last_active", frame.SIGN_OUT_KEY}
    assert audit_actions(engine)[-1] == "sign_in"


@pytest.mark.parametrize(
    ("username", "password"),
    [("pat", "not the password"), ("nobody", PASSWORD), ("", "")],
)
def test_wrong_details_get_one_message_that_does_not_say_which(app_url, engine, username, password):
    add(engine, "practitioner", ["North"], username="pat")

    at = sign_in(app().run(), username, password)

    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in"]
    assert [e.value for e in at.error] == [plain(gate.WRONG_CREDENTIALS)]
    assert "user_id" not in at.session_state
    assert at.text_input(key=gate.USERNAME_KEY).value == username  # kept for a retry


def test_a_refusal_from_the_service_is_shown_as_it_is(app_url, engine, monkeypatch):
    add(engine, "practitioner", ["North"], username="pat")

    def locked(*_args, **_kwargs):
        raise MspError("There have been too many attempts. Wait 15 minutes, then try again.")

    monkeypatch.setattr(gate, "authenticate", locked)
    at = sign_in(app().run(), "pat", PASSWORD)

    assert [e.value for e in at.error] == [
        plain("There have been too many attempts. Wait 15 minutes, then try again.")
    ]
    assert "user_id" not in at.session_state


def test_a_deactivated_account_is_signed_out_on_its_next_run(app_url, engine):
    user = add(engine, "practitioner", ["North"])
    at = signed_in(user)
    assert [t.value for t in at.title] == ["Home"]

    with unit_of_work(engine) as session:
        session.execute(sa.update(User).where(User.id == user.id).values(is_active=False))
    at.run()

    assert [t.value for t in at.title] == ["Sign in"]
    assert "user_id" not in at.session_state


def test_sign_out_clears_the_session(app_url, engine):
    user = add(engine, "supervisor", ["North", "South"])
    at = signed_in(user)
    assert "Teams: North, South" in sidebar_lines(at)

    at.sidebar.button(key=frame.SIGN_OUT_KEY).click().run()

    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in"]
    assert [i.value for i in at.info] == [plain(frame.SIGNED_OUT)]
    assert "user_id" not in at.session_state
    assert "last_active" not in at.session_state
    assert not at.sidebar.button
    assert registered_scripts(at) == set()
    assert audit_actions(engine)[-1] == "sign_out"


def test_names_typed_by_people_are_not_read_as_markdown(app_url, engine):
    name = "*Sam* <b>Lee</b> :red[x] [link](http://example.com) $x$"
    user = add(engine, "administrator", display_name=name)

    at = signed_in(user)

    assert f"**{plain(name)}**" in sidebar_lines(at)
    assert f"Welcome, {plain(name)}." in [m.value for m in at.markdown]
