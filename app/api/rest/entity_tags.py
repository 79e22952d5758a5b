"""Entity tags (RFC 9110 8.8.3) of versioned records and the conditional headers that name
them: `If-None-Match` on reads (304), `If-Match` on writes (app.domain.versions).

A record's ETag is its version, quoted: `"3"`. It is strong: two representations with one
ETag are the same record at the same version.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import Depends, Header
from fastapi.responses import Response

from app.api.rest.responses import one
from app.api.schemas.common import Output
from app.domain.versions import Expected

ETAG = "ETag"
M = TypeVar("M", bound=Output)
_VERSION_TAG = re.compile(r'"([1-9][0-9]{0,9})"')


class Versioned(Protocol):
    @property
    def version(self) -> int: ...


def entity_tag(version: int) -> str:
    return f'"{version}"'


def _listed(value: str) -> list[str]:
    return [each.strip() for each in value.split(",") if each.strip()]


def matches_weakly(if_none_match: str | None, tag: str) -> bool:
    """RFC 9110 13.1.2: `*` or any listed tag, compared weakly (a `W/` prefix is ignored)."""
    if if_none_match is None:
        return False
    listed = [each.removeprefix("W/") for each in _listed(if_none_match)]
    return "*" in listed or tag in listed


def expected_of(if_match: str | None) -> Expected | None:
    """RFC 9110 13.1.1: `*` admits any version; each listed tag admits the version it names,
    compared strongly (a weak `W/"3"`, or a tag this API never issued, admits none)."""
    if if_match is None:
        return None
    listed = _listed(if_match)
    if "*" in listed:
        return Expected(any_version=True)
    return Expected(
        frozenset(int(found.group(1)) for tag in listed if (found := _VERSION_TAG.fullmatch(tag)))
    )


async def _if_match(
    if_match: Annotated[
        str | None,
        Header(
            description="Change the record only if it is still at this version: its `ETag`"
            ' (`"3"`), a list of them, or `*`. Otherwise `412 precondition_failed` with the'
            " current `ETag`, and nothing changes."
        ),
    ] = None,
) -> Expected | None:
    return expected_of(if_match)


IfMatch = Annotated[Expected | None, Depends(_if_match)]
IfNoneMatch = Annotated[
    str | None,
    Header(
        description="Answer `304 Not Modified` (no body) if the record's `ETag` is one of these"
        " (or `*`); compared weakly."
    ),
]


def tagged(response: Response, version: int) -> Response:
    response.headers[ETAG] = entity_tag(version)
    return response


def not_modified(if_none_match: str | None, version: int) -> Response | None:
    """304 when the client already has this version, else None."""
    tag = entity_tag(version)
    return (
        Response(status_code=304, headers={ETAG: tag})
        if matches_weakly(if_none_match, tag)
        else None
    )


def versioned(
    model: type[M], record: Versioned, *, status: int = 200, location: str | None = None
) -> Response:
    """The record as JSON with its ETag."""
    return tagged(one(model, record, status=status, location=location), record.version)


def current(model: type[M], record: Versioned, if_none_match: str | None) -> Response:
    """A single-record read: the record with its ETag, or 304 when the client has it."""
    return not_modified(if_none_match, record.version) or versioned(model, record)


ETAG_HEADER = {
    ETAG: {
        "description": 'The record\'s version as a strong entity tag (`"3"`); send it back in'
        " `If-Match` to change the record only if nobody else has since.",
        "schema": {"type": "string"},
    }
}


def with_etag(
    responses: dict[int | str, dict[str, Any]], status: int = 200, *, conditional_read: bool = False
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` where `status` carries the record's ETag (and, for a read, a 304
    answers a matching `If-None-Match`)."""
    answered = dict(responses)
    entry = dict(answered.get(status, {}))
    entry["headers"] = {**entry.get("headers", {}), **ETAG_HEADER}
    answered[status] = entry
    if conditional_read:
        answered[304] = {
            "description": "Not modified: `If-None-Match` names the record's current `ETag`.",
            "headers": ETAG_HEADER,
        }
    return answered
