"""Record versions without a database: what an expected version admits, how If-Match and
If-None-Match are read (RFC 9110), and the two refusals."""

from __future__ import annotations

import pytest

from app.api.rest.entity_tags import entity_tag, expected_of, matches_weakly
from app.domain.versions import (
    Expected,
    PreconditionFailed,
    PreconditionRequired,
    check_version,
    check_version_given,
)


def test_a_missing_if_match_expects_nothing() -> None:
    assert expected_of(None) is None
    check_version("person", 7, None)


@pytest.mark.parametrize(
    ("if_match", "admitted", "refused"),
    [
        ('"3"', {3}, {2, 4}),
        ('"2", "3"', {2, 3}, {1, 4}),
        ("*", {1, 3, 99}, set()),
        ('"1", *', {1, 5}, set()),
        ('W/"3"', set(), {3}),
        ('"abc", 3, "0", ""', set(), {0, 3}),
        ("", set(), {1}),
    ],
)
def test_if_match_compares_strongly(if_match: str, admitted: set[int], refused: set[int]) -> None:
    expected = expected_of(if_match)
    assert expected is not None
    for version in admitted:
        check_version("note", version, expected)
    for version in refused:
        with pytest.raises(PreconditionFailed) as stale:
            check_version("note", version, expected)
        assert stale.value.code == "precondition_failed"
        assert stale.value.extra == {"current_version": version}


def test_if_none_match_compares_weakly() -> None:
    tag = entity_tag(4)
    assert tag == '"4"'
    for header in (tag, f"W/{tag}", f'"1", {tag}', "*"):
        assert matches_weakly(header, tag)
    for other in (None, '"5"', "4", 'W/"40"'):
        assert not matches_weakly(other, tag)


def test_an_edit_names_its_version_only_when_the_policy_requires_it() -> None:
    check_version_given("pair", None, required=False)
    check_version_given("pair", Expected.exactly(1), required=True)
    with pytest.raises(PreconditionRequired) as missing:
        check_version_given("pair", None, required=True)
    assert missing.value.code == "precondition_required"
