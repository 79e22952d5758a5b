"""A serving worker's garbage collection: the start-up frozen, the young generation collected
less often than Python's default."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from app.garbage_collection import YOUNG_COLLECTION_THRESHOLD, prepare_garbage_collection


@pytest.fixture
def collector_restored() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("collector_restored")
def test_a_worker_freezes_its_start_up_and_collects_young_objects_less_often() -> None:
    _, middle, oldest = gc.get_threshold()
    held_since_start_up: list[int] = [1]

    prepare_garbage_collection()

    assert gc.get_threshold() == (YOUNG_COLLECTION_THRESHOLD, middle, oldest)
    assert YOUNG_COLLECTION_THRESHOLD > 700  # Python's default
    assert gc.get_freeze_count() > 0
    # Frozen: in none of the generations a collection walks.
    assert all(each is not held_since_start_up for each in gc.get_objects())
