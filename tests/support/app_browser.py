"""The reference front end (/app) in Chromium: `rapport dev` on a fresh SQLite file, browser
contexts that may reach nothing but this machine and record what their pages log as
errors, and the checks every screen passes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright

from tests.operations.test_docs_in_browser import CHROMIUM, CHROMIUM_FLAGS
from tests.support.commands import RAPPORT, environment, serving
from tests.support.live import SHARED_TLS

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1100, "height": 900}


@dataclass
class DevServer:
    """`rapport dev` as `make run` starts it: where it answers, its admin key, its banner
    and its working directory (the database, the kept key and the token secret)."""

    base_url: str
    admin_key: str
    banner: str
    folder: Path

    def api(self, method: str, path: str, **options: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.admin_key}", **options.pop("headers", {})}
        return httpx.request(
            method,
            f"{self.base_url}{path}",
            headers=headers,
            timeout=30,
            verify=SHARED_TLS,
            **options,
        )

    def people(self) -> list[dict[str, Any]]:
        """The demo people as the sign-in screen lists them (managers first)."""
        listed: list[dict[str, Any]] = httpx.get(
            f"{self.base_url}/app/dev/people", timeout=30
        ).json()["data"]
        return listed


@dataclass
class Visitor:
    """One browser context whose requests beyond 127.0.0.1 are refused and recorded, with
    what its pages log as errors."""

    context: BrowserContext
    page: Page
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@contextmanager
def dev_server(folder: Path) -> Iterator[DevServer]:
    env = environment(f"sqlite:///{folder / 'rapport.db'}")
    with serving(env, [str(RAPPORT), "dev"], ready="/readyz", cwd=folder) as server:
        key = server.wait_for_line("Admin key").split()[-1]
        yield DevServer(server.base_url, key, "".join(server.output), folder)


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@contextmanager
def visitors_of(browser: Browser) -> Iterator[list[Visitor]]:
    """The contexts a test opens with `visit`, closed when it ends."""
    opened: list[Visitor] = []
    try:
        yield opened
    finally:
        for visitor in opened:
            visitor.context.close()


def visit(browser: Browser, opened: list[Visitor], viewport: dict[str, int]) -> Visitor:
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


def sign_in(visitor: Visitor, server: DevServer, name: str) -> None:
    """Choose a demo person on the sign-in screen; their pairs are shown."""
    page = visitor.page
    page.goto(f"{server.base_url}/app")
    page.get_by_role("heading", name="Sign in as a demo person").wait_for()
    page.get_by_role("button", name=name).click()
    page.get_by_role("heading", name="My pairs").wait_for()


def unnamed_controls(page: Page) -> list[str]:
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


def low_contrast_text(page: Page) -> list[str]:
    """Visible text whose colour on its background is below WCAG AA: 4.5:1, or 3:1 for large
    text (24 px, or 18.66 px bold). Disabled controls are exempt, as WCAG exempts them; the
    chart's labels are SVG (their colour is their fill) and its figures are also a table."""
    found: list[str] = page.evaluate(
        """() => {
          const rgb = (text) => text.match(/[\\d.]+/g).map(Number);
          const channel = (c) => {
            c /= 255;
            return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
          };
          const luminance = ([r, g, b]) =>
            0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
          const background = (element) => {
            for (let e = element; e; e = e.parentElement) {
              const colour = rgb(getComputedStyle(e).backgroundColor);
              if (colour.length < 4 || colour[3] > 0) return colour;
            }
            return [255, 255, 255];
          };
          const failures = [];
          for (const element of document.querySelectorAll("body *")) {
            const text = [...element.childNodes]
              .filter((n) => n.nodeType === Node.TEXT_NODE)
              .map((n) => n.textContent.trim()).join("");
            if (!text || element instanceof SVGElement || !element.checkVisibility()) continue;
            if (element.closest(".visually-hidden, :disabled")) continue;
            const style = getComputedStyle(element);
            const [l1, l2] = [luminance(rgb(style.color)), luminance(background(element))];
            const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
            const size = parseFloat(style.fontSize);
            const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
            if (ratio < (large ? 3 : 4.5)) {
              failures.push(`${text.slice(0, 40)}: ${ratio.toFixed(2)}`);
            }
          }
          return failures;
        }"""
    )
    return found


def refused_load(error: str) -> bool:
    """The line the browser itself logs for a request answered 401 or 404."""
    return "Failed to load resource" in error and ("401" in error or "404" in error)


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
