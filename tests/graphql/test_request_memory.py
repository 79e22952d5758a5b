"""A request's records are freed when it ends, by reference counting: no reference cycle
holds them until the cycle collector runs. graphql-core's executor is such a cycle and
refers to the request's context; the context lets go of its loaders (and the records they
hold) once the execution is over, and no loader refers back to its Loaders (a screen of a
thousand records spent a quarter of its CPU in collections while they were held)."""

from __future__ import annotations

import gc
import time
import weakref

import pytest

from app.api.graphql import context as graph_context
from app.api.graphql.loaders import Loaders
from app.services.context import ServiceContext
from tests.graphql.client import data
from tests.graphql.seeding import seed_pairs
from tests.graphql.test_levels import SCREEN
from tests.support.tenants import World

SECONDS_TO_UNWIND = 5.0  # the server's thread answers before its last frames return


def test_a_requests_loaders_are_freed_without_the_cycle_collector(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.enter()
    seed_pairs(world.tenant, 3)
    made: list[weakref.ref[Loaders]] = []

    class Watched(Loaders):
        def __init__(self, ctx: ServiceContext) -> None:
            super().__init__(ctx)
            made.append(weakref.ref(self))

    monkeypatch.setattr(graph_context, "Loaders", Watched)
    gc.collect()
    gc.disable()
    try:
        answer = data(world.tenant, SCREEN)
        deadline = time.monotonic() + SECONDS_TO_UNWIND
        while any(ref() is not None for ref in made) and time.monotonic() < deadline:
            time.sleep(0.01)
        alive = [ref for ref in made if ref() is not None]
    finally:
        gc.enable()
    assert answer["pairs"]["nodes"] and made
    assert not alive, "a reference cycle holds the request's loaders"
