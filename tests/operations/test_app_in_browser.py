"""The reference front end (/app) in a real browser, on `rapport dev` as `make run` starts
it: a demo manager signs in, sees their pairs and a pair's chart, opens the next meeting;
their report opens the same meeting in a second browser; what one adds to the agenda
appears for the other without a reload (the `meetingChanged` subscription); the manager
completes the meeting and sees the next one booked with the open topics carried over.
Nothing leaves 127.0.0.1, nothing is logged as an error, every control has a name. The
screenshots in docs/screenshots/ are written here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import jwt
import pytest
from anyio.from_thread import start_blocking_portal
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright

from app.persistence.database import create_engine
from app.persistence.unit_of_work import unit_of_work
from app.services.token_signing import SigningKeys
from app.settings import DEVELOPMENT_SECRET_FILE
from tests.operations.test_docs_in_browser import CHROMIUM, CHROMIUM_FLAGS
from tests.support.commands import RAPPORT, environment, serving

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("app-browser")]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1100, "height": 900}


@dataclass
class DevServer:
    base_url: str
    admin_key: str
    banner: str
    folder: Path

    def api(self, method: str, path: str, **options: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.admin_key}", **options.pop("headers", {})}
        return httpx.request(
            method, f"{self.base_url}{path}", headers=headers, timeout=30, **options
        )


@dataclass
class Visitor:
    """One browser context whose requests beyond 127.0.0.1 are refused and recorded, with
    what its pages log as errors."""

    context: BrowserContext
    page: Page
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    folder = tmp_path_factory.mktemp("app")
    env = environment(f"sqlite:///{folder / 'rapport.db'}")
    command = [str(RAPPORT), "dev"]
    with serving(env, command, ready="/readyz", cwd=folder) as server:
        key = server.wait_for_line("Admin key").split()[-1]
        yield DevServer(server.base_url, key, "".join(server.output), folder)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def visitors(browser: Browser) -> Iterator[list[Visitor]]:
    opened: list[Visitor] = []
    yield opened
    for visitor in opened:
        visitor.context.close()


def _visit(browser: Browser, opened: list[Visitor], viewport: dict[str, int]) -> Visitor:
    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    visitor = Visitor(context, context.new_page())

    def only_this_machine(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            visitor.outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_this_machine)
    visitor.page.on("pageerror", lambda error: visitor.errors.append(str(error)))
    visitor.page.on(
        "console",
        lambda message: visitor.errors.append(message.text) if message.type == "error" else None,
    )
    opened.append(visitor)
    return visitor


@dataclass
class Cast:
    manager: dict[str, Any]
    report: dict[str, Any]
    pair_id: str
    meeting_id: str


def _cast(server: DevServer) -> Cast:
    """The first manager the sign-in lists, one of their reports, and their pair's next
    meeting moved to start in a few minutes (a meeting completes from 15 minutes before
    its start)."""
    people = httpx.get(f"{server.base_url}/app/dev/people", timeout=30).json()["data"]
    manager = people[0]
    assert manager["manages"] > 0
    by_id = {person["id"]: person for person in people}
    pairs = server.api("GET", "/v1/pairs", params={"lead_id": manager["id"], "limit": 50})
    for pair in pairs.json()["data"]:
        if pair["status"] != "active" or pair["member_id"] not in by_id:
            continue
        meeting = _starting_soon(server, pair["id"])
        if meeting is not None:
            return Cast(manager, by_id[pair["member_id"]], pair["id"], meeting)
    raise AssertionError("none of the manager's pairs has a meeting that can start soon")


def _starting_soon(server: DevServer, pair_id: str) -> str | None:
    now = datetime.now(UTC)
    scheduled = server.api(
        "GET",
        "/v1/meetings",
        params={"pair_id": pair_id, "status": "scheduled", "starts_after": now.isoformat()},
    ).json()["data"]
    if not scheduled:
        return None
    meeting_id = str(scheduled[0]["id"])
    for minutes in range(3, 15):
        current = server.api("GET", f"/v1/meetings/{meeting_id}")
        starts_at = (now + timedelta(minutes=minutes)).replace(microsecond=0)
        moved = server.api(
            "PATCH",
            f"/v1/meetings/{meeting_id}",
            headers={"If-Match": current.headers["ETag"]},
            json={"starts_at": starts_at.isoformat()},
        )
        if moved.status_code == 200:
            return meeting_id
        assert moved.json()["code"] == "schedule_conflict", moved.text
    return None


def _sign_in(visitor: Visitor, server: DevServer, name: str) -> None:
    page = visitor.page
    page.goto(f"{server.base_url}/app")
    page.get_by_role("heading", name="Sign in as a demo person").wait_for()
    page.get_by_role("button", name=name).click()
    page.get_by_role("heading", name="My pairs").wait_for()


def _open_meeting(visitor: Visitor, other_name: str) -> None:
    page = visitor.page
    page.get_by_role("link", name=other_name).click()
    page.get_by_role("heading", name="The last twelve months").wait_for()
    page.get_by_role("link", name="Open the meeting").click()
    page.get_by_role("heading", name="Shared agenda").wait_for()
    page.locator('.live[data-state="live"]').wait_for()


def _unnamed_controls(page: Page) -> list[str]:
    """Inputs without a label and buttons or links without an accessible name."""
    found: list[str] = page.evaluate(
        """() => [
          ...[...document.querySelectorAll("input, textarea, select")]
            .filter((e) => !e.labels?.length && !e.getAttribute("aria-label"))
            .map((e) => "input " + (e.id || e.name)),
          ...[...document.querySelectorAll("button, a[href]")]
            .filter((e) => !e.hidden && !(e.getAttribute("aria-label") || e.textContent.trim()))
            .map((e) => e.tagName + " " + e.outerHTML.slice(0, 60)),
        ]"""
    )
    return found


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_the_banner_names_the_app(dev_server: DevServer) -> None:
    assert f"App:      {dev_server.base_url}/app\n" in dev_server.banner


def test_two_people_share_a_live_agenda_and_complete_the_meeting(
    dev_server: DevServer, browser: Browser, visitors: list[Visitor]
) -> None:
    cast = _cast(dev_server)
    manager = _visit(browser, visitors, DESKTOP)
    manager.page.goto(f"{dev_server.base_url}/app")
    manager.page.get_by_role("heading", name="Sign in as a demo person").wait_for()
    _shot(manager.page, "app-sign-in")
    _sign_in(manager, dev_server, cast.manager["name"])
    assert manager.page.locator(".pair").count() >= cast.manager["manages"]
    manager.page.get_by_role("heading", name="Your team's 1:1s per month").wait_for()
    _shot(manager.page, "app-pairs")
    _open_meeting(manager, cast.report["name"])

    report = _visit(browser, visitors, DESKTOP)
    _sign_in(report, dev_server, cast.report["name"])
    _open_meeting(report, cast.manager["name"])
    for visitor in (manager, report):
        assert visitor.page.url.endswith(f"#/meetings/{cast.meeting_id}")

    _add_topic(manager.page, "Agree the hiring plan for the first quarter")
    report.page.get_by_text("Agree the hiring plan for the first quarter").wait_for()
    _add_topic(report.page, "Ask about the conference budget")
    manager.page.get_by_text("Ask about the conference budget").wait_for()
    _shot(report.page, "app-meeting-live")

    discussed = manager.page.get_by_role("checkbox", name="Ask about the conference budget")
    discussed.check()
    report.page.get_by_role("checkbox", name="Ask about the conference budget").wait_for(
        state="attached"
    )
    report.page.wait_for_function(
        "() => [...document.querySelectorAll('.agenda input:checked')].some("
        "(box) => box.labels[0].textContent.includes('conference budget'))"
    )
    manager.page.get_by_role("button", name="Complete the meeting").click()
    result = manager.page.locator(".result")
    result.get_by_text("Next meeting booked for").wait_for()
    assert "Agree the hiring plan for the first quarter" in result.inner_text()
    assert "Ask about the conference budget" not in result.inner_text()
    report.page.locator(".status-completed").wait_for()
    assert not report.page.get_by_role("button", name="Add to the agenda").is_visible()
    _shot(manager.page, "app-meeting-completed")

    result.get_by_role("link", name="Open the next meeting").click()
    manager.page.locator(".status-scheduled").wait_for()
    carried = manager.page.locator(".item", has_text="Agree the hiring plan")
    carried.locator(".carried").wait_for()
    assert manager.page.get_by_role("button", name="Add to the agenda").is_visible()

    for visitor in (manager, report):
        assert _unnamed_controls(visitor.page) == []
        assert visitor.outside == []
        assert visitor.errors == []


def _add_topic(page: Page, title: str) -> None:
    page.get_by_label("Topic", exact=True).fill(title)
    page.get_by_role("button", name="Add to the agenda").click()
    page.locator(".agenda").get_by_text(title).wait_for()


def test_a_pair_on_a_phone(
    dev_server: DevServer, browser: Browser, visitors: list[Visitor]
) -> None:
    people = httpx.get(f"{dev_server.base_url}/app/dev/people", timeout=30).json()["data"]
    phone = _visit(browser, visitors, PHONE)
    _sign_in(phone, dev_server, people[1]["name"])
    _shot(phone.page, "app-phone-pairs")
    phone.page.locator("a.pair-link").first.click()
    phone.page.get_by_role("heading", name="The last twelve months").wait_for()
    _shot(phone.page, "app-phone-pair")
    width = phone.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    assert _unnamed_controls(phone.page) == []
    assert phone.outside == [] and phone.errors == []


def _expired(server: DevServer, token: str) -> str:
    """The same token with its lifetime moved an hour into the past, signed with the dev
    server's key (derived from the secret `rapport dev` keeps in its working directory)."""
    kid = jwt.get_unverified_header(token)["kid"]
    secret = (server.folder / DEVELOPMENT_SECRET_FILE).read_text().strip()

    async def key() -> bytes | None:
        engine = create_engine(f"sqlite:///{server.folder / 'rapport.db'}", pool_size=1)
        try:
            async with unit_of_work(engine, write=False) as uow:
                keys = SigningKeys(secret, cache_seconds=0)
                return await keys.verifying(uow, kid, datetime.now(UTC))
        finally:
            await engine.dispose()

    with start_blocking_portal() as portal:  # Playwright runs an event loop in this thread
        signing = portal.call(key)
    assert signing is not None
    claims = jwt.decode(token, options={"verify_signature": False})
    lifetime = claims["exp"] - claims["iat"]
    claims["iat"] = int((datetime.now(UTC) - timedelta(hours=1)).timestamp()) - lifetime
    claims["exp"] = claims["iat"] + lifetime
    return jwt.encode(claims, signing, algorithm="HS256", headers={"kid": kid})


def test_an_expired_token_leads_back_to_sign_in(
    dev_server: DevServer, browser: Browser, visitors: list[Visitor]
) -> None:
    people = httpx.get(f"{dev_server.base_url}/app/dev/people", timeout=30).json()["data"]
    person = people[2]
    visitor = _visit(browser, visitors, DESKTOP)
    _sign_in(visitor, dev_server, person["name"])
    token = visitor.page.evaluate("() => sessionStorage.getItem('rapport.token')")
    expired = _expired(dev_server, token)
    refused = httpx.get(
        f"{dev_server.base_url}/v1/me", headers={"Authorization": f"Bearer {expired}"}
    )
    assert refused.status_code == 401 and refused.json()["code"] == "token_expired"

    visitor.page.evaluate("token => sessionStorage.setItem('rapport.token', token)", expired)
    visitor.page.locator("a.pair-link").first.click()
    visitor.page.get_by_role("heading", name="Sign in as a demo person").wait_for()
    alert = visitor.page.get_by_role("alert")
    assert alert.inner_text() == "Your session has expired; sign in again."
    assert visitor.page.evaluate("() => sessionStorage.getItem('rapport.token')") is None
    # The browser logs the refused request itself; the page logs nothing else.
    assert [error for error in visitor.errors if not _refused_load(error)] == []
    assert visitor.outside == []


def test_without_dev_sign_in_the_page_takes_a_pasted_token(
    dev_server: DevServer, browser: Browser, visitors: list[Visitor]
) -> None:
    """`rapport serve` on the same database and working directory (so the same token
    secret), as production runs it: no people to choose, a token to paste."""
    people = httpx.get(f"{dev_server.base_url}/app/dev/people", timeout=30).json()["data"]
    person = people[3]
    minted = dev_server.api("POST", "/v1/person-tokens", json={"person_id": person["id"]})
    assert minted.status_code == 200
    env = environment(f"sqlite:///{dev_server.folder / 'rapport.db'}")
    with serving(env, cwd=dev_server.folder) as plain:
        assert httpx.get(f"{plain.base_url}/app/dev/people").status_code == 404
        visitor = _visit(browser, visitors, PHONE)
        page = visitor.page
        page.goto(f"{plain.base_url}/app")
        page.get_by_role("heading", name="Sign in").wait_for()
        page.get_by_label("Person token").fill("not-a-token")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("alert").wait_for()
        page.get_by_label("Person token").fill(minted.json()["token"])
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="My pairs").wait_for()
        assert page.get_by_text(f"Signed in as {person['name']}").is_visible()
        assert _unnamed_controls(page) == []
        # The browser logs the refused requests (the dev route, the bad token) itself.
        assert [error for error in visitor.errors if not _refused_load(error)] == []
        assert visitor.outside == []


def _refused_load(error: str) -> bool:
    return "Failed to load resource" in error and ("401" in error or "404" in error)
