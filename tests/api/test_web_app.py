"""/app: the reference front end's files, served with their types and a strict
Content-Security-Policy, and its dev sign-in, which exists only where `rapport dev` turns it
on (RAPPORT_DEV_SIGN_IN) and mints tokens for the kept key's organization's people only."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID, uuid4

import httpx
import pytest

from app.api.app import create_app
from app.api.web_app import WEB_FILES
from app.domain.clock import system_clock
from app.domain.people import Person
from app.persistence.database import create_engine
from app.persistence.migrate import upgrade_to_head
from app.persistence.unit_of_work import unit_of_work
from app.services.context import Caller, ServiceContext
from app.services.organizations import create_organization
from app.services.people import create_person
from app.services.quick_start import dev_key_file, quick_start_key
from app.settings import Settings, SettingsRefused
from tests.conftest import Live, live_settings
from tests.support.live import serve_in_thread

SECRET = "a-token-secret-for-the-web-app-tests-only-0123456789"


@dataclass
class DevOrg:
    base_url: str
    manager: Person
    report: Person
    loner: Person
    stranger: Person  # another organization's


async def _people(url: str) -> tuple[Person, Person, Person, Person]:
    """The dev organization (a manager, their report, someone managing nobody) with the
    key `rapport dev` keeps beside the database, and another organization's person."""
    engine = create_engine(url, pool_size=2)
    now = system_clock()
    try:
        async with unit_of_work(engine, write=True) as uow:
            org_id = await create_organization(uow, "Web app", now)
            ctx = ServiceContext(uow, Caller(org_id=org_id), now)
            manager = await create_person(ctx, name="Zoe Manager", email="zoe@example.com")
            report = await create_person(
                ctx, name="Adam Report", email="adam@example.com", manager_id=manager.id
            )
            loner = await create_person(ctx, name="Bea Alone", email="bea@example.com")
            secret, _ = await quick_start_key(uow, org_id, None, now)
        async with unit_of_work(engine, write=True) as uow:
            other_id = await create_organization(uow, "Elsewhere", now)
            other = ServiceContext(uow, Caller(org_id=other_id), now)
            stranger = await create_person(other, name="Olga Other", email="olga@example.com")
    finally:
        await engine.dispose()
    dev_key_file(url).write_text(secret + "\n")
    return manager, report, loner, stranger


@pytest.fixture(scope="module")
def dev_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevOrg]:
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'rapport.db'}"
    upgrade_to_head(url)
    manager, report, loner, stranger = asyncio.run(_people(url))
    app = create_app(live_settings(url, dev_sign_in=True, token_secret=SECRET))
    with serve_in_thread(app) as base_url:
        yield DevOrg(base_url, manager, report, loner, stranger)


def _sign_in(dev: DevOrg, person_id: UUID) -> httpx.Response:
    return httpx.post(f"{dev.base_url}/app/dev/sign-in", json={"person_id": str(person_id)})


def test_the_page_and_its_modules_have_their_types_and_the_policy(live: Live) -> None:
    moved = httpx.get(f"{live.base_url}/app")
    assert moved.status_code == 308 and moved.headers["location"] == "/app/"
    expected = {
        "/app/": "text/html",
        "/app/main.js": "javascript",
        "/app/live.js": "javascript",
        "/app/style.css": "text/css",
        "/app/icon.svg": "image/svg+xml",
    }
    for path, content_type in expected.items():
        answer = httpx.get(f"{live.base_url}{path}")
        assert answer.status_code == 200, path
        assert content_type in answer.headers["content-type"], path
        policy = answer.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src 'self'" in policy
        assert "connect-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert httpx.get(f"{live.base_url}/app/nothing-here.js").status_code == 404


def test_the_page_loads_nothing_from_elsewhere_and_writes_no_markup() -> None:
    """No address but the SVG namespace's; API text reaches the page as text only."""
    elsewhere = re.compile(r"https?://(?!www\.w3\.org/2000/svg\b)")
    for path in WEB_FILES.iterdir():
        if path.suffix in {".html", ".js", ".css"}:
            text = path.read_text()
            assert not elsewhere.search(text), path.name
            assert ".innerHTML" not in text and "insertAdjacentHTML" not in text, path.name


def test_dev_sign_in_is_not_there_without_the_setting(live: Live) -> None:
    people = httpx.get(f"{live.base_url}/app/dev/people")
    assert people.status_code == 404 and people.json()["code"] == "not_found"
    minted = httpx.post(f"{live.base_url}/app/dev/sign-in", json={"person_id": str(uuid4())})
    assert minted.status_code == 404


def test_dev_sign_in_lists_managers_first(dev_org: DevOrg) -> None:
    answer = httpx.get(f"{dev_org.base_url}/app/dev/people")
    assert answer.status_code == 200
    listed = [(person["name"], person["manages"]) for person in answer.json()["data"]]
    assert listed == [("Zoe Manager", 1), ("Adam Report", 0), ("Bea Alone", 0)]


def test_dev_sign_in_mints_a_token_for_the_person_chosen(dev_org: DevOrg) -> None:
    minted = _sign_in(dev_org, dev_org.report.id)
    assert minted.status_code == 200
    assert minted.headers["cache-control"] == "no-store"
    token = minted.json()["token"]
    me = httpx.get(f"{dev_org.base_url}/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["person"]["id"] == str(dev_org.report.id)


def test_dev_sign_in_refuses_unknown_and_other_organizations_people(dev_org: DevOrg) -> None:
    for person_id in (dev_org.stranger.id, uuid4()):
        refused = _sign_in(dev_org, person_id)
        assert refused.status_code == 422
        assert refused.json()["code"] == "unknown_reference"
    malformed = httpx.post(f"{dev_org.base_url}/app/dev/sign-in", json={"person": "zoe"})
    assert malformed.status_code == 422


def test_dev_sign_in_answers_only_for_this_machine(dev_org: DevOrg) -> None:
    """A page whose name was re-pointed at 127.0.0.1 (DNS rebinding) mints nothing."""
    rebound = {"Host": "attacker.example"}
    people = httpx.get(f"{dev_org.base_url}/app/dev/people", headers=rebound)
    assert people.status_code == 404
    minted = httpx.post(
        f"{dev_org.base_url}/app/dev/sign-in",
        headers=rebound,
        json={"person_id": str(dev_org.manager.id)},
    )
    assert minted.status_code == 404
    port = httpx.URL(dev_org.base_url).port
    named = httpx.get(f"{dev_org.base_url}/app/dev/people", headers={"Host": f"localhost:{port}"})
    assert named.status_code == 200


def test_dev_sign_in_needs_the_kept_key(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rapport.db'}"
    upgrade_to_head(url)
    app = create_app(live_settings(url, dev_sign_in=True, token_secret=SECRET))
    with serve_in_thread(app) as base_url:
        assert httpx.get(f"{base_url}/app/dev/people").status_code == 404


def test_production_refuses_dev_sign_in() -> None:
    settings = Settings(
        environment="production",
        database_url="postgresql://rapport@db/rapport",
        token_secret=SECRET,
        dev_sign_in=True,
    )
    with pytest.raises(SettingsRefused, match="RAPPORT_DEV_SIGN_IN"):
        settings.check_production_ready()
