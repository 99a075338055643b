"""Each role's menu offers exactly its pages, and every page guards itself.

The guard tests loop over the files in pages/, so a page added later is covered (and fails
here if it does not start with the guard or is missing from the registry).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from msp import vocab
from msp.ui import guard, navigation
from tests.app.conftest import (
    PAGE_FILES,
    ROOT,
    add,
    app,
    page_app,
    registered_scripts,
    signed_in,
)

ROLES = vocab.ROLES.codes


def expected_scripts(role: str) -> set[Path]:
    return {(ROOT / spec.path).resolve() for spec in navigation.pages_for(role)}


# --- The registry ----------------------------------------------------------------------------


def test_every_page_file_is_in_the_registry_and_every_entry_has_a_file():
    files = {p.relative_to(ROOT).as_posix() for p in PAGE_FILES}
    assert files == {spec.path for spec in navigation.PAGES}


def test_each_page_url_is_its_file_name():
    # Streamlit's legacy pages/ mode names a page by its file; the menu uses the same
    # address, so a deep link means the same page in both modes.
    for spec in navigation.PAGES:
        assert spec.url_path == Path(spec.path).stem
        assert spec.roles <= set(ROLES)


@pytest.mark.parametrize("page", PAGE_FILES, ids=lambda p: p.name)
def test_every_page_starts_with_the_guard(page):
    # The first statement after the docstring and the imports must be the guard.
    body = [
        node
        for node in ast.parse(page.read_text()).body
        if not isinstance(node, ast.Import | ast.ImportFrom)
        and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
    ]
    assert ast.unparse(body[0]) == "user = require_page(__file__)", (
        f"{page.name} must start with the guard"
    )


# --- Menus -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_offered_exactly_its_pages(app_url, people, role):
    at = signed_in(people[role])

    assert not at.exception
    assert registered_scripts(at) == expected_scripts(role)
    for spec in navigation.pages_for(role):
        at.switch_page(spec.path).run()
        assert not at.exception, spec.path
        assert [t.value for t in at.title][:1] == [spec.title]
        assert [b.label for b in at.sidebar.button] == ["Sign out"]  # through the frame


def test_a_page_not_allowed_to_a_role_is_not_in_its_menu_nor_reachable(
    app_url, people, monkeypatch
):
    # Make Privacy administrators-only: the menu and the guard both follow the registry.
    restricted = tuple(
        navigation.PageSpec(**{**spec.__dict__, "roles": frozenset({"administrator"})})
        if spec.path == "pages/privacy.py"
        else spec
        for spec in navigation.PAGES
    )
    monkeypatch.setattr(navigation, "PAGES", restricted)

    at = signed_in(people["practitioner"])
    assert (ROOT / "pages/privacy.py").resolve() not in registered_scripts(at)
    with pytest.raises(ValueError):
        at.switch_page("pages/privacy.py")

    run_alone = page_app(ROOT / "pages/privacy.py")
    run_alone.session_state["user_id"] = people["practitioner"].id
    run_alone.run()
    assert [e.value for e in run_alone.error] == [guard.NO_ACCESS]
    assert not run_alone.title

    admin = signed_in(people["administrator"])
    assert (ROOT / "pages/privacy.py").resolve() in registered_scripts(admin)


# --- The guard -------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGE_FILES, ids=lambda p: p.name)
def test_a_page_run_on_its_own_while_signed_out_shows_nothing_but_the_stop(app_url, page):
    at = page_app(page).run()

    assert not at.exception
    assert [w.value for w in at.warning] == [guard.SIGN_IN_TO_CONTINUE]
    assert not at.title and not at.header and not at.subheader and not at.metric
    assert [m.value for m in at.markdown] == ["[Go to the sign-in page](./)"]
    assert not at.sidebar.children


@pytest.mark.parametrize("page", PAGE_FILES, ids=lambda p: p.name)
def test_a_page_run_on_its_own_for_a_removed_account_stops(app_url, engine, page):
    at = page_app(page)
    at.session_state["user_id"] = 9999
    at.run()

    assert [w.value for w in at.warning] == [guard.SIGN_IN_TO_CONTINUE]
    assert not at.title


@pytest.mark.parametrize("page", PAGE_FILES, ids=lambda p: p.name)
def test_a_deep_link_while_signed_out_shows_the_sign_in_form(app_url, engine, page):
    add(engine, "administrator")
    at = app()
    at.switch_page(page.relative_to(ROOT).as_posix())  # as a first request for /<page>
    at.run()

    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in"]
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert registered_scripts(at) == set()
    assert not at.header and not at.metric and not at.warning  # nothing of the page itself


def test_require_user_refuses_a_role_it_does_not_allow(app_url, people):
    def script():
        import streamlit as st

        from msp.ui.guard import require_user

        user = require_user({"administrator"})
        st.title(f"Hello {user.username}")

    practitioner = run_as(script, people["practitioner"].id)
    assert [e.value for e in practitioner.error] == [guard.NO_ACCESS]
    assert not practitioner.title

    administrator = run_as(script, people["administrator"].id)
    assert [t.value for t in administrator.title] == [f"Hello {people['administrator'].username}"]


def test_a_page_missing_from_the_registry_is_open_to_no_one(app_url, people):
    def script():
        import streamlit as st

        from msp.ui.guard import require_page

        require_page("/somewhere/pages/not_registered.py")
        st.title("Should not show")

    for user in people.values():
        at = run_as(script, user.id)
        assert [e.value for e in at.error] == [guard.NO_ACCESS]
        assert not at.title


def run_as(script, user_id):  # noqa: N802 - reads like the AppTest it returns
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(script, default_timeout=30)
    at.session_state["user_id"] = user_id
    return at.run()
