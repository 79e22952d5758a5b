"""The docs pages render in a real browser that may reach nothing but this machine: Swagger
UI lists every operation, ReDoc renders the API, GraphiQL runs a query with a key."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from app.api.contract import openapi_document
from tests.support.commands import environment, rapport, serving

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("docs-browser")]

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium calls home at start, which a machine
# without internet refuses, many connections at a time.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Site:
    base_url: str
    admin_key: str


@dataclass
class Visit:
    """A page whose requests beyond 127.0.0.1 are refused and recorded."""

    page: Page
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    database = tmp_path_factory.mktemp("docs") / "rapport.db"
    env = environment(f"sqlite:///{database}")
    rapport(env, "migrate")
    org = rapport(env, "orgs", "create", "Docs").strip()
    key = rapport(env, "keys", "create", "--org", org, "--scope", "admin").strip()
    with serving(env) as server:
        yield Site(server.base_url, key)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def visit(browser: Browser) -> Iterator[Visit]:
    context = browser.new_context()
    page = context.new_page()
    visit = Visit(page)

    def only_this_machine(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            visit.outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_this_machine)
    page.on("pageerror", lambda error: visit.errors.append(str(error)))
    try:
        yield visit
    finally:
        context.close()


@pytest.fixture(scope="module")
def operations() -> dict[str, str]:
    """Each operation id of the contract with its first tag."""
    return {
        operation["operationId"]: operation["tags"][0]
        for item in openapi_document()["paths"].values()
        for operation in item.values()
    }


def test_swagger_ui_renders_every_operation(
    site: Site, visit: Visit, operations: dict[str, str]
) -> None:
    visit.page.goto(f"{site.base_url}/docs")
    blocks = visit.page.locator(".opblock")
    blocks.first.wait_for()
    rendered = blocks.evaluate_all("nodes => nodes.map(node => node.id)")
    assert sorted(rendered) == sorted(f"operations-{tag}-{op}" for op, tag in operations.items())
    assert visit.outside == [] and visit.errors == []


def test_redoc_renders_the_api(site: Site, visit: Visit, operations: dict[str, str]) -> None:
    visit.page.goto(f"{site.base_url}/redoc")
    visit.page.get_by_role("heading", name="Rapport").first.wait_for()
    sections = visit.page.locator(".api-content [id*='/operation/']")
    sections.first.wait_for()
    rendered = sections.evaluate_all("nodes => nodes.map(node => node.id)")
    assert {section.rsplit("/", 1)[-1] for section in rendered} == set(operations)
    assert visit.outside == [] and visit.errors == []


def test_graphiql_runs_a_query_with_a_key(site: Site, visit: Visit) -> None:
    person = httpx.post(
        f"{site.base_url}/v1/people",
        headers={"Authorization": f"Bearer {site.admin_key}"},
        json={"email": "graphiql@example.com", "name": "Grace"},
    )
    assert person.status_code == 201
    page = visit.page
    page.goto(f"{site.base_url}/graphql")

    _type_into(
        page,
        ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror",
        json.dumps({"Authorization": f"Bearer {site.admin_key}"}),
    )
    _type_into(
        page, ".graphiql-query-editor .CodeMirror", "{ people(first: 5) { nodes { email name } } }"
    )
    page.locator(".graphiql-execute-button").click()

    response = page.locator(".graphiql-response")
    response.get_by_text("graphiql@example.com").wait_for()
    assert '"name": "Grace"' in response.inner_text()
    assert visit.outside == [] and visit.errors == []


def _type_into(page: Page, editor: str, text: str) -> None:
    """Replace an editor's text as a person pasting it would."""
    page.locator(editor).click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)


def test_graphql_still_answers_posted_queries(site: Site) -> None:
    answer = httpx.post(
        f"{site.base_url}/graphql",
        headers={"Authorization": f"Bearer {site.admin_key}"},
        json={"query": "{ people(first: 1) { nodes { email } } }"},
    )
    assert answer.status_code == 200 and "errors" not in answer.json()
    page = httpx.get(f"{site.base_url}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql.min.js" in page.text


def test_assets_are_installed_with_their_licences() -> None:
    folder = Path(__file__).resolve().parents[2] / "app" / "api" / "graphiql"
    assert {"LICENSE.graphiql", "LICENSE.react", "LICENSE.react-dom"} <= {
        path.name for path in folder.iterdir()
    }
