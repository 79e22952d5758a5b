"""A domain failure's family decides its HTTP status (app.domain.errors): every code the app
raises with a family is in the problem catalog with that family's status, and every problem
page answers under its `type` and under the code as written."""

from __future__ import annotations

import ast
import asyncio
import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import app.api.app  # imports every module that defines a failure
from app.api.operations import problem_page
from app.api.problem_catalog import CATALOG
from app.api.problems import validation_code
from app.api.schemas.common import NOTHING_TO_CHANGE
from app.api.scim.errors import ScimRefused
from app.domain.errors import DomainError, Forbidden, InvalidInput, NotFound, StateConflict
from app.domain.versions import PreconditionFailed, PreconditionRequired

APP = Path(app.api.app.__file__).resolve().parents[1]
FAMILY_STATUS: dict[type[DomainError], int] = {
    InvalidInput: 422,
    StateConflict: 409,
    Forbidden: 403,
    NotFound: 404,
    PreconditionFailed: 412,
    PreconditionRequired: 428,
}
# Said only in SCIM's own error format, with a status of its own: never a problem.
SCIM_ONLY: set[type[DomainError]] = {ScimRefused}
# Codes passed on from a variable: where, and every value the variable can hold.
PASSED_ON = {
    ("api/graphql/mutations/running.py", "code"): {
        validation_code(error_type)  # one error type per branch of validation_code
        for error_type in (
            "extra_forbidden",
            "timezone_aware",
            "missing",
            "string_too_long",
            NOTHING_TO_CHANGE,
            "int_parsing",
            "greater_than",
        )
    },
}


def _subclasses(family: type[DomainError]) -> set[type[DomainError]]:
    found = {family}
    for subclass in family.__subclasses__():
        found |= _subclasses(subclass)
    return found


RAISED = {cls.__name__: cls for cls in _subclasses(DomainError) - {DomainError}}


def family_of(failure: type[DomainError]) -> type[DomainError]:
    """The most specific family the failure belongs to."""
    return next(f for f in failure.__mro__ if f in FAMILY_STATUS)


@dataclass(frozen=True)
class Raised:
    where: str
    failure: type[DomainError]
    codes: frozenset[str]


def _called_name(call: ast.Call, enclosing_class: str | None) -> str | None:
    """The failure class a call constructs: `InvalidInput(…)`, or `super().__init__(…)`
    inside a failure class's own constructor."""
    function = call.func
    if isinstance(function, ast.Name):
        return function.id
    if isinstance(function, ast.Attribute):
        if function.attr == "__init__" and ast.unparse(function.value) == "super()":
            return enclosing_class
        return function.attr
    return None


def _codes(code: ast.expr, module: str) -> frozenset[str]:
    if isinstance(code, ast.Constant):
        return frozenset({str(code.value)})
    if isinstance(code, ast.JoinedStr):  # f"duplicate_{field}": every code of that shape
        pattern = "".join(
            re.escape(str(part.value)) if isinstance(part, ast.Constant) else r"\w+"
            for part in code.values
        )
        return frozenset(c for c in CATALOG if re.fullmatch(pattern, c))
    return frozenset(PASSED_ON[(module, ast.unparse(code))])


def _constructions() -> Iterator[Raised]:
    """Every construction of a failure in the app with the codes it can carry; a call that
    names no code carries its class's, unless the class's constructor names one."""
    own_constructor = {
        name
        for name, cls in RAISED.items()
        if "__init__" in vars(cls) and "code=" in inspect.getsource(cls.__init__)
    }
    for path in sorted(APP.rglob("*.py")):
        tree = ast.parse(path.read_text())
        classes = {
            id(node): owner.name
            for owner in ast.walk(tree)
            if isinstance(owner, ast.ClassDef)
            for node in ast.walk(owner)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _called_name(node, classes.get(id(node)))
            if name not in RAISED:
                continue
            module = str(path.relative_to(APP))
            where = f"{module}:{node.lineno}"
            code = next((k.value for k in node.keywords if k.arg == "code"), None)
            if code is not None:
                yield Raised(where, RAISED[name], _codes(code, module))
            elif name not in own_constructor:
                yield Raised(where, RAISED[name], frozenset({RAISED[name].code}))


def test_every_failure_class_belongs_to_a_family_or_to_scim() -> None:
    for failure in RAISED.values():
        assert failure in SCIM_ONLY or any(issubclass(failure, f) for f in FAMILY_STATUS), failure


def test_each_family_states_its_status() -> None:
    for family, status in FAMILY_STATUS.items():
        assert str(status) in (family.__doc__ or ""), f"{family.__name__} does not say {status}"


def test_every_code_raised_has_its_familys_status() -> None:
    raised = [r for r in _constructions() if r.failure not in SCIM_ONLY]
    assert len(raised) > 50, "the scan found too few failures to be looking at the app"
    disagree = []
    for failure in raised:
        assert failure.codes, f"{failure.where}: no catalog code has this shape"
        expected = FAMILY_STATUS[family_of(failure.failure)]
        for code in sorted(failure.codes):
            kind = CATALOG.get(code)
            status = None if kind is None else kind.status
            if status != expected:
                disagree.append(
                    f"{failure.where}: {failure.failure.__name__} {code!r} is {status},"
                    f" its family's status is {expected}"
                )
    assert not disagree, "\n".join(disagree)


def test_every_problem_page_answers_under_its_type_and_its_code() -> None:
    for kind in CATALOG.values():
        for slug in (kind.type_uri.removeprefix("/problems/"), kind.code):
            page = asyncio.run(problem_page(slug))
            assert page.status_code == 200, slug
            assert f"<code>{kind.code}</code>" in bytes(page.body).decode(), slug
