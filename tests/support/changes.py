"""The update models (`Changes`): every one the application declares, found by import."""

from __future__ import annotations

import importlib
import pkgutil

import app.api.schemas
from app.api.schemas.common import Changes


def update_models() -> list[type[Changes]]:
    """Every subclass of `Changes` in app/api/schemas/, by name."""
    for module in pkgutil.iter_modules(app.api.schemas.__path__):
        importlib.import_module(f"{app.api.schemas.__name__}.{module.name}")
    found: list[type[Changes]] = []
    pending = list(Changes.__subclasses__())
    while pending:
        model = pending.pop()
        found.append(model)
        pending.extend(model.__subclasses__())
    return sorted(found, key=lambda model: model.__name__)


def models_with_not_null_fields() -> list[type[Changes]]:
    return [model for model in update_models() if model.not_null_fields()]
