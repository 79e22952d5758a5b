"""An explicit null for a field that cannot be cleared is refused by one validator, on the
`Changes` base of every update model, and `null_field` is raised nowhere else in app/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.api.schemas.common import NULL_FIELD, Changes
from tests.support.changes import models_with_not_null_fields, update_models

APP = Path(__file__).resolve().parents[2] / "app"
RULE_HOME = APP / "api" / "schemas" / "common.py"
# Calls that name the code without raising it: the catalog entry and the declared problems.
DECLARATIONS = {"ProblemKind", "problem_responses"}


@pytest.mark.parametrize("model", models_with_not_null_fields(), ids=lambda model: model.__name__)
def test_every_not_null_field_refuses_null_and_is_named(model: type[Changes]) -> None:
    for name in model.not_null_fields():
        with pytest.raises(ValidationError) as refused:
            model.model_validate({name: None})
        assert [(error["type"], error["loc"]) for error in refused.value.errors()] == [
            (NULL_FIELD, (name,))
        ]


def test_every_null_sent_is_named_at_once() -> None:
    model = next(model for model in update_models() if len(model.not_null_fields()) > 1)
    names = model.not_null_fields()
    with pytest.raises(ValidationError) as refused:
        model.model_validate(dict.fromkeys(names))
    assert [error["loc"] for error in refused.value.errors()] == [(name,) for name in names]


def test_fields_that_can_be_cleared_take_null() -> None:
    clearable = [
        (model, name)
        for model in update_models()
        for name in model.model_fields
        if name not in model.not_null_fields()
        and model.model_fields[name].is_required() is False
        and model.model_fields[name].default is None
    ]
    assert clearable, "no update model has a field that can be cleared"
    for model, name in clearable:
        assert getattr(model.model_validate({name: None}), name) is None, (model, name)


def _names_null_field(node: ast.expr) -> bool:
    return (isinstance(node, ast.Constant) and node.value == NULL_FIELD) or (
        isinstance(node, ast.Name) and node.id == "NULL_FIELD"
    )


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def test_null_field_is_raised_in_one_place() -> None:
    """A refusal is made by a call given the code (`InvalidInput(..., code="null_field")`,
    `PydanticCustomError(NULL_FIELD, ...)`); only the catalog and the operations'
    declared problems name it otherwise."""
    refusals = [
        (path.relative_to(APP.parent), call.lineno)
        for path in sorted(APP.rglob("*.py"))
        for call in ast.walk(ast.parse(path.read_text(), filename=str(path)))
        if isinstance(call, ast.Call)
        and _callee(call) not in DECLARATIONS
        and any(
            _names_null_field(argument)
            for argument in [*call.args, *(keyword.value for keyword in call.keywords)]
        )
    ]
    assert len(refusals) == 1, refusals
    assert refusals[0][0] == RULE_HOME.relative_to(APP.parent), refusals
