"""WCAG 2.2 AA: every page, for every role, scanned in Chromium with axe-core. No serious or
critical violation may appear. The sign-in page is scanned too.

One demo server (synthetic data, one-click sign-in) serves the whole module; each role signs
in with its own browser context and opens every page the registry offers it, case pages with
an enquiry of its team selected.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from db.engine import dispose_engines, get_engine, unit_of_work, upgrade
from db.models import Enquiry
from msp import auth
from msp.demo_mode import demo_accounts
from msp.ui import navigation
from tests.e2e.conftest import ARTIFACTS, Server, _start, settle

pytestmark = pytest.mark.e2e

SERIOUS = {"serious", "critical"}
CASE_PAGES = {spec.path for spec in navigation.PAGES if "enquiry" in spec.path} | {
    "pages/enquiry.py",
    "pages/outcomes.py",
    "pages/conversations.py",
    "pages/capacity.py",
    "pages/conclude.py",
    "pages/feedback.py",
}


def _demo_population(engine) -> None:
    from msp.demo import generate

    generate(engine, enquiries=300, seed=5, today=dt.date.today())


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("a11y")
    yield from _start(tmp, _demo_population, {"MSP_DEMO": "1"})


def _axe(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]})
    return [v for v in results.response["violations"] if v.get("impact") in SERIOUS]


def _describe(violations: list[dict]) -> str:
    return json.dumps(
        [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "targets": [n["target"] for n in v["nodes"][:5]],
                "html": [n.get("html", "")[:200] for n in v["nodes"][:5]],
                "why": [n.get("failureSummary", "")[:300] for n in v["nodes"][:3]],
            }
            for v in violations
        ],
        indent=2,
    )


def _open_enquiry(database_url: str, user: auth.CurrentUser) -> str | None:
    upgrade(database_url)
    with unit_of_work(get_engine(database_url)) as session:
        public_id = session.scalar(
            sa.select(Enquiry.public_id)
            .where(Enquiry.team_id.in_(user.team_ids), Enquiry.status == "concluded")
            .order_by(Enquiry.id)
            .limit(1)
        )
    dispose_engines()
    return public_id


def test_sign_in_page_has_no_serious_violations(demo, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(demo.url)
    settle(page)
    page.get_by_role("button", name="Sign in").first.wait_for()
    violations = _axe(page)
    context.close()
    assert not violations, _describe(violations)


@pytest.mark.parametrize("role", ["practitioner", "supervisor", "administrator", "commissioner"])
def test_every_page_of_every_role_has_no_serious_violations(demo, browser, role):
    engine = get_engine(demo.database_url)
    accounts = {u.role: u for u in demo_accounts(engine)}
    dispose_engines()
    user = accounts[role]
    enquiry = _open_enquiry(demo.database_url, user) if user.team_ids else None
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(demo.url)
    settle(page)
    page.get_by_role("button", name=f"Sign in as {user.display_name}").first.click()
    settle(page)
    found: dict[str, list[dict]] = {}
    for spec in navigation.pages_for(role):
        url = f"{demo.url}/{spec.url_path}"
        if spec.path in CASE_PAGES and enquiry:
            url += f"?enquiry={enquiry}"
        page.goto(url)
        settle(page)
        if spec.url_path == "home":
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"a11y-home-{role}.png"), full_page=True)
        violations = _axe(page)
        if violations:
            found[spec.path] = violations
    context.close()
    assert not found, "\n".join(f"{path}:\n{_describe(v)}" for path, v in found.items())
