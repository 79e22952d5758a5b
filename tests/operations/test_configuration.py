"""Every setting is documented with its default, and production refuses unsafe settings
with one line, through the CLI an operator runs."""

from __future__ import annotations

import pytest

from app.settings import Settings
from app.settings_reference import CONFIGURATION_PAGE, render
from tests.support.commands import environment, refused

STRONG_SECRET = "s" * 48
SQLITE = "sqlite:///./never-created.db"
POSTGRESQL = "postgresql://rapport@db.internal/rapport"


def test_the_committed_configuration_page_matches_the_settings() -> None:
    committed = CONFIGURATION_PAGE.read_text(encoding="utf-8")
    assert committed == render(), "docs/configuration.md is stale: make configuration"
    for name in Settings.model_fields:
        assert f"`RAPPORT_{name.upper()}`" in committed


@pytest.mark.parametrize(
    ("database_url", "settings", "named"),
    [
        (SQLITE, {}, ["RAPPORT_TOKEN_SECRET", "RAPPORT_DATABASE_URL"]),
        (POSTGRESQL, {"token_secret": "short"}, ["RAPPORT_TOKEN_SECRET"]),
        (SQLITE, {"token_secret": STRONG_SECRET}, ["RAPPORT_DATABASE_URL"]),
    ],
)
def test_production_refuses_unsafe_settings_in_one_line(
    database_url: str, settings: dict[str, str], named: list[str]
) -> None:
    env = environment(database_url, environment="production", **settings)
    done = refused(env, "serve")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("rapport: refusing to start with RAPPORT_ENVIRONMENT=production")
    for variable in ("RAPPORT_TOKEN_SECRET", "RAPPORT_DATABASE_URL"):
        assert (variable in done.stderr) == (variable in named)
    assert "short" not in done.stderr


def test_a_setting_that_does_not_parse_stops_every_command_in_one_line() -> None:
    env = environment(SQLITE, port="eighty", log_level="loud")
    for command in (["orgs", "list"], ["migrate"], ["serve"]):
        done = refused(env, *command)
        assert done.returncode == 2
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
        assert "RAPPORT_PORT" in done.stderr and "RAPPORT_LOG_LEVEL" in done.stderr


def test_production_accepts_a_strong_secret_and_postgresql() -> None:
    """No rule refuses everything (the image test serves in production end to end)."""
    Settings(
        environment="production",
        token_secret=STRONG_SECRET,
        database_url=POSTGRESQL,
    ).check_production_ready()
