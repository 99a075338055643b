"""A new installation: the empty database asks for the first administrator."""

from __future__ import annotations

import pytest
from streamlit.proto.TextInput_pb2 import TextInput

from msp.ui import gate
from tests.app.conftest import (
    PASSWORD,
    add,
    app,
    audit_actions,
    registered_scripts,
    sidebar_lines,
    user_count,
)

DEFAULT, PASSWORD_BOX = TextInput.Type.DEFAULT, TextInput.Type.PASSWORD
SUBMIT = "FormSubmitter:first_admin-Create administrator"


def fill(at, username="ada", name="Ada Lovelace", password=PASSWORD, confirm=PASSWORD):
    for field, value in {
        "username": username,
        "display_name": name,
        "password": password,
        "confirm": confirm,
    }.items():
        at.text_input(key=gate.FIRST_ADMIN_FIELDS[field][1]).input(value)
    return at.button(key=SUBMIT).click().run()


def test_empty_database_shows_the_first_administrator_form(app_url):
    at = app().run()

    assert not at.exception
    assert [t.value for t in at.title] == ["Create the first administrator"]
    assert [t.label for t in at.text_input] == [
        "Username",
        "Your name",
        "Password",
        "Confirm password",
    ]
    assert [t.proto.type for t in at.text_input] == [DEFAULT, DEFAULT, PASSWORD_BOX, PASSWORD_BOX]
    assert [b.label for b in at.button] == ["Create administrator"]
    assert registered_scripts(at) == set()  # no page of the app is on offer
    assert not at.sidebar.button


def test_creating_the_first_administrator_signs_them_in(app_url, engine):
    at = fill(app().run())

    assert not at.exception
    assert [t.value for t in at.title] == ["Home"]
    assert user_count(engine) == 1
    assert "**Ada Lovelace**" in sidebar_lines(at)
    assert "Administrator" in sidebar_lines(at)
    assert isinstance(at.session_state["user_id"], int)
    assert audit_actions(engine) == ["user_created"]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"password": "short", "confirm": "short"},
            "password",
            "Enter a password of at least 12 characters",
        ),
        (
            {"confirm": PASSWORD + "x"},
            "confirm",
            gate.PASSWORDS_DIFFER,
        ),
        (
            {"username": "Not Valid!"},
            "username",
            "Enter a username of 2 to 80 characters",
        ),
        (
            {"name": "   "},
            "display_name",
            "Enter the name to show for this user",
        ),
    ],
)
def test_refusals_say_what_to_do_keep_what_was_typed_and_write_nothing(
    app_url, engine, values, field, message
):
    at = fill(app().run(), **values)

    assert not at.exception
    assert [t.value for t in at.title] == ["Create the first administrator"]
    summary, *beside_fields = [e.value for e in at.error]
    assert summary.startswith("**There is a problem**")
    assert message.split()[0] in summary
    # The message also sits right under its field, inside the form.
    form = next(block for block in at.main.children.values() if block.type == "form")
    shown = list(form.children.values())
    field_index = next(
        i
        for i, el in enumerate(shown)
        if getattr(el, "key", None) == gate.FIRST_ADMIN_FIELDS[field][1]
    )
    after_field = [el for el in shown[field_index + 1 :] if el.type != "caption"][0]
    assert after_field.type == "error"
    assert message.split()[0] in after_field.value
    assert len(beside_fields) >= 1
    # What was typed is still there.
    assert at.text_input(key=gate.FIRST_ADMIN_FIELDS["password"][1]).value == values.get(
        "password", PASSWORD
    )
    assert at.text_input(key=gate.FIRST_ADMIN_FIELDS["username"][1]).value == values.get(
        "username", "ada"
    )
    assert user_count(engine) == 0
    assert audit_actions(engine) == []
    assert "user_id" not in at.session_state


def test_a_mismatch_and_a_weak_password_are_both_reported(app_url, engine):
    at = fill(app().run(), password="short", confirm="shorter")

    summary = at.error[0].value
    assert "at least 12 characters" in summary
    assert gate.PASSWORDS_DIFFER in summary
    assert user_count(engine) == 0


def test_with_an_account_the_form_is_gone_and_sign_in_shows(app_url, engine):
    add(engine, "administrator")

    at = app().run()

    assert [t.value for t in at.title] == ["Sign in"]
    assert [t.label for t in at.text_input] == ["Username", "Password"]


def test_someone_else_created_the_administrator_first(app_url, engine):
    at = app().run()
    add(engine, "administrator", username="quicker")

    at = fill(at)

    assert [t.value for t in at.title] == ["Sign in"]
    assert "already exists" in at.info[0].value
    assert user_count(engine) == 1
