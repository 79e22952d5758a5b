"""Signing in to the reference front end (/app) in Chromium: under `rapport dev` by choosing
a demo person; an expired token leads back there with a message; a server without dev
sign-in (as production runs) takes a pasted person token instead."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from anyio.from_thread import start_blocking_portal
from playwright.sync_api import Browser

from app.persistence.database import create_engine
from app.persistence.unit_of_work import unit_of_work
from app.services.token_signing import SigningKeys
from app.settings import DEVELOPMENT_SECRET_FILE
from tests.support.app_browser import (
    DESKTOP,
    PHONE,
    DevServer,
    Visitor,
    chromium,
    refused_load,
    sign_in,
    unnamed_controls,
    visit,
    visitors_of,
)
from tests.support.app_browser import dev_server as running_dev_server
from tests.support.commands import environment, serving

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("app-sign-in-browser")]


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    with running_dev_server(tmp_path_factory.mktemp("app-sign-in")) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def visitors(browser: Browser) -> Iterator[list[Visitor]]:
    with visitors_of(browser) as opened:
        yield opened


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


def test_an_expired_token_leads_back_tosign_in(
    dev_server: DevServer, browser: Browser, visitors: list[Visitor]
) -> None:
    people = dev_server.people()
    person = people[2]
    visitor = visit(browser, visitors, DESKTOP)
    sign_in(visitor, dev_server, person["name"])
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
    assert [error for error in visitor.errors if not refused_load(error)] == []
    assert visitor.outside == []


def test_without_dev_sign_in_the_page_takes_a_pasted_token(
    dev_server: DevServer, browser: Browser, visitors: list[Visitor]
) -> None:
    """`rapport serve` on the same database and working directory (so the same token
    secret), as production runs it: no people to choose, a token to paste."""
    people = dev_server.people()
    person = people[3]
    minted = dev_server.api("POST", "/v1/person-tokens", json={"person_id": person["id"]})
    assert minted.status_code == 200
    env = environment(f"sqlite:///{dev_server.folder / 'rapport.db'}")
    with serving(env, cwd=dev_server.folder) as plain:
        assert httpx.get(f"{plain.base_url}/app/dev/people").status_code == 404
        visitor = visit(browser, visitors, PHONE)
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
        assert unnamed_controls(page) == []
        # The browser logs the refused requests (the dev route, the bad token) itself.
        assert [error for error in visitor.errors if not refused_load(error)] == []
        assert visitor.outside == []
