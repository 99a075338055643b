"""A real `streamlit run` server on a free port and Debian's Chromium, driven by Playwright.

Each test gets a freshly started server on a database of its own (the deep-link test needs a
server that no session has used yet). Without /usr/bin/chromium the tests are skipped,
unless MSP_REQUIRE_BROWSER=1 (as in CI), when they fail.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from db.engine import dispose_engines, get_engine, unit_of_work, upgrade
from db.models import Enquiry, Person, Setting, User
from msp.users import add_user

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct horse battery"
WIDTH = 1280  # the browser window's width in every browser test
# Markdown and HTML in a name must be shown as typed, never interpreted.
PRACTITIONER_NAME = "Sam *Test* <b>Lee</b>"


@dataclass(frozen=True)
class Server:
    url: str
    database_url: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"streamlit did not become healthy:\n{log.read_text()}")


def _add(engine, username: str, display_name: str, role: str, teams: list[str]) -> None:
    add_user(
        engine,
        actor=None,
        username=username,
        display_name=display_name,
        role=role,
        team_names=teams,
        password=PASSWORD,
        create_missing_teams=True,
    )


def _with_accounts(engine) -> None:
    _add(engine, "admin", "Ada Admin", "administrator", [])
    _add(engine, "sam", PRACTITIONER_NAME, "practitioner", ["North"])
    with unit_of_work(engine) as session:
        sam = session.scalar(sa.select(User).where(User.username == "sam"))
        for worker_id in (sam.id, sam.id, None):  # two open enquiries for Sam, one for nobody
            session.add(
                Enquiry(
                    person=Person(case_reference=f"E2E-{uuid.uuid4().hex[:8]}"),
                    team_id=sam.teams[0].id,
                    worker_id=worker_id,
                    enquiry_type="s42",
                    concern_received_on=dt.date(2026, 4, 1),
                    started_on=dt.date(2026, 4, 2),
                )
            )


def _as_demo(engine) -> None:
    """What makes a database a demo database (the generator leaves this setting)."""
    with unit_of_work(engine) as session:
        session.add(Setting(key="demo_database", value={"synthetic": True}))
    _add(engine, "priya", "Priya Patel", "practitioner", ["Demo North"])
    _add(engine, "sol", "Sol Okafor", "supervisor", ["Demo North", "Demo South"])
    _add(engine, "ada", "Ada Admin", "administrator", [])
    _add(engine, "cole", "Cole Reid", "commissioner", [])


def _start(
    tmp_path: Path,
    populate: Callable | None,
    env_extra: dict[str, str],
    *,
    secrets: Callable[[str], str] | None = None,
) -> Iterator[Server]:
    """Start `streamlit run` on a free port with a fresh database filled by `populate`;
    `secrets(url)` gives the text of a secrets file for it (Streamlit's `[auth]`, say)."""
    database_url = f"sqlite:///{tmp_path / 'e2e.sqlite3'}"
    upgrade(database_url)
    if populate:
        populate(get_engine(database_url))
    dispose_engines()

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    extra_args: list[str] = []
    if secrets is not None:
        secrets_file = tmp_path / "secrets.toml"
        secrets_file.write_text(secrets(url))
        extra_args = ["--secrets.files", str(secrets_file)]
    env = {**os.environ, "MSP_DATABASE_URL": database_url, **env_extra}
    if "MSP_DEMO" not in env_extra:
        env.pop("MSP_DEMO", None)
    log = tmp_path / "streamlit.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "streamlit_app.py",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                *extra_args,
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_healthy(url, process, log)
        yield Server(url=url, database_url=database_url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def server(tmp_path) -> Iterator[Server]:
    """A freshly started server; its database holds an administrator and a practitioner."""
    yield from _start(tmp_path, _with_accounts, {})


@pytest.fixture
def empty_server(tmp_path) -> Iterator[Server]:
    """A freshly started server on an empty (migrated) database: a new installation."""
    yield from _start(tmp_path, None, {})


@pytest.fixture
def demo_server(tmp_path) -> Iterator[Server]:
    """A freshly started server in demo mode on a demo database."""
    yield from _start(tmp_path, _as_demo, {"MSP_DEMO": "1"})


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("MSP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and MSP_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": WIDTH, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def settle(page, quiet: float = 0.4, timeout: float = 20) -> None:
    """Wait until Streamlit has finished running and stayed idle for `quiet` seconds
    (a rerun leaves a short idle gap between two runs)."""
    deadline = time.monotonic() + timeout
    app = page.locator("[data-testid=stApp]")
    app.wait_for(timeout=timeout * 1000)
    idle_since = None
    while time.monotonic() < deadline:
        if app.get_attribute("data-test-script-state") == "notRunning":
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= quiet:
                return
        else:
            idle_since = None
        time.sleep(0.05)
    raise AssertionError("the app did not settle")


# Counts the app's runs (each change of data-test-script-state to "running"), so that a wait
# after an action first sees the run the action started, then waits for it to finish.
COUNT_RUNS = """() => {
    if (window.__runs !== undefined) return window.__runs;
    window.__runs = 0;
    const app = document.querySelector('[data-testid=stApp]');
    new MutationObserver(() => {
        if (app.getAttribute('data-test-script-state') === 'running') window.__runs += 1;
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    return 0;
}"""
_RUNS_SEEN: dict[int, int] = {}


def settle_after_action(page, timeout: float = 30) -> None:
    """Wait for the run the last action (a click, a key press) started, if it started one,
    then until the app has been idle for a moment."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    seen = _RUNS_SEEN.get(id(page))
    # A page just opened (or another test's page object) has no count yet: nothing to wait for.
    if seen is not None and page.evaluate("() => window.__runs !== undefined"):
        with contextlib.suppress(PlaywrightTimeout):  # the action did not start a run
            page.wait_for_function("n => window.__runs > n", arg=seen, timeout=1500)
    settle(page, quiet=0.2, timeout=timeout)
    _RUNS_SEEN[id(page)] = page.evaluate(COUNT_RUNS)


_TAKEN: list[Path] = []  # this test's screenshots (each xdist worker is its own process)


@pytest.fixture(autouse=True)
def _screenshots_in_the_report(record_property):
    """Every screenshot a test takes is named in the test report and, through
    tests/conftest.py, listed at the end of the run's output."""
    _TAKEN.clear()
    yield
    for path in _TAKEN:
        record_property("screenshot", str(path.relative_to(ROOT)))
    _TAKEN.clear()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if path not in _TAKEN:
        _TAKEN.append(path)
    return path


def tall_screenshot(
    page, name: str, *, wait: Callable = settle, max_height: int = 12000, pause: float = 0.0
) -> Path:
    """A screenshot of the whole page. Streamlit scrolls inside the page, so Playwright's
    full-page option alone would cut it: the window is made as tall as the content first (at
    most `max_height`), then put back. `wait(page)` waits for Streamlit after each resize;
    `pause` gives charts time to draw."""
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": WIDTH, "height": min(max(height + 40, 900), max_height)})
    wait(page)
    if pause:
        time.sleep(pause)
    path = screenshot(page, name)
    page.set_viewport_size({"width": WIDTH, "height": 900})
    wait(page)
    return path


def pick_option(page, box, option: str, *, wait: Callable = settle, tries: int = 3) -> None:
    """Open the drop-down list `box` and choose `option`. A click can land while the page
    is still redrawing, or the list can close again when a run ends: then the list is opened
    once more (`tries` times in all) before giving up."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    choice = page.get_by_role("option", name=option, exact=True)
    for _ in range(tries):
        box.click()
        try:
            choice.wait_for(timeout=3000)
            choice.click(timeout=5000)
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            wait(page)
            continue
        wait(page)
        return
    raise AssertionError(f"{option!r} could not be chosen from the list")
