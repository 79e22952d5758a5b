"""The request's DataLoaders: keys asked together by one field, and keys asked one by one."""

from __future__ import annotations

import asyncio

import pytest

from app.api.graphql.loaders import DataLoader


def _recording_loader(batches: list[list[int]]) -> DataLoader[int, int]:
    async def double(keys: list[int]) -> list[int | BaseException]:
        batches.append(keys)
        return [ValueError(f"no {key}") if key < 0 else key * 2 for key in keys]

    return DataLoader(load_fn=double)


def test_keys_asked_together_are_one_call_of_the_batch_function() -> None:
    batches: list[list[int]] = []
    loader = _recording_loader(batches)

    assert asyncio.run(loader.load_together([1, 2, 3])) == [2, 4, 6]
    assert batches == [[1, 2, 3]]


def test_a_single_key_meets_the_keys_asked_one_by_one_in_one_batch() -> None:
    batches: list[list[int]] = []

    async def ask() -> tuple[list[int], int, int]:
        loader = _recording_loader(batches)
        return await asyncio.gather(loader.load_together([1]), loader.load(2), loader.load(3))

    assert list(asyncio.run(ask())) == [[2], 4, 6]
    assert [sorted(keys) for keys in batches] == [[1, 2, 3]]


def test_a_key_that_fails_fails_the_keys_asked_together() -> None:
    loader = _recording_loader([])
    with pytest.raises(ValueError, match="no -1"):
        asyncio.run(loader.load_together([1, -1]))
