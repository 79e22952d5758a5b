"""docs/configuration.md, generated from the Settings class: `python -m app.settings_reference`
rewrites it, and a test fails when the committed page and the class disagree."""

from __future__ import annotations

import typing
from pathlib import Path

from annotated_types import Ge, Le
from pydantic.fields import FieldInfo

from app.production_rules import PRODUCTION_RULES
from app.settings import ENV_PREFIX, Settings

CONFIGURATION_PAGE = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"

_INTRODUCTION = """\
# Configuration

<!-- Generated from app/settings.py by `make configuration`; edit the descriptions there. -->

Rapport reads its configuration only from environment variables with the prefix
`RAPPORT_` (names are case-insensitive); nothing is read from files. A value that does not
parse stops every `rapport` command with one line naming the variable, and exit code 2.

| variable | default | allowed | meaning |
|---|---|---|---|
"""

_PRODUCTION = """
## Production

With `RAPPORT_ENVIRONMENT=production` (the image's default), `rapport serve` checks these
rules before it binds; when any is broken it prints one line on stderr naming every broken
rule and exits with code 2:

"""

_TESTS = """
## Tests only

`RAPPORT_TEST_DATABASE_URL` (not read by the service): a PostgreSQL server on which the suite
creates and drops its scratch databases; without it the suite uses 127.0.0.1:5432, else a
throwaway cluster from the local PostgreSQL binaries.
"""


def _default(field: FieldInfo) -> str:
    value = field.default
    if value is None:
        return "–"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"`{value}`"


def _allowed(field: FieldInfo) -> str:
    choices = typing.get_args(field.annotation)
    if typing.get_origin(field.annotation) is typing.Literal:
        return ", ".join(f"`{choice}`" for choice in choices)
    bounds = []
    for constraint in field.metadata:
        if isinstance(constraint, Ge):
            bounds.append(f"≥ {constraint.ge}")
        elif isinstance(constraint, Le):
            bounds.append(f"≤ {constraint.le}")
    return ", ".join(bounds)


def render() -> str:
    """The page as the Settings class and the production rules describe it today."""
    rows = [
        f"| `{ENV_PREFIX}{name.upper()}` | {_default(field)} | {_allowed(field)}"
        f" | {field.description or ''} |\n"
        for name, field in Settings.model_fields.items()
    ]
    rules = [f"- {rule.requirement}.\n" for rule in PRODUCTION_RULES]
    return _INTRODUCTION + "".join(rows) + _PRODUCTION + "".join(rules) + _TESTS


def main() -> None:
    CONFIGURATION_PAGE.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main()
