"""The person's own lists are refused to anyone who is not a signed-in person by the
service itself, so that no adapter can forget the check (it answered a 500 when one did)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import cast
from uuid import uuid4

import pytest

from app.domain.errors import Forbidden
from app.domain.paging import PageRequest
from app.domain.privacy import Caller
from app.persistence.unit_of_work import UnitOfWork
from app.services import me
from app.services.context import ServiceContext


def test_a_service_key_is_refused_the_person_lists_before_any_read() -> None:
    unread = cast(UnitOfWork, object())  # any read would fail on it
    key = ServiceContext(unread, Caller(org_id=uuid4(), key_id=uuid4()), datetime.now(UTC))
    page = PageRequest(limit=10, cursor=None)
    for listing in (
        lambda: me.meetings(key, "upcoming", page),
        lambda: me.commitments(key, None, False, page),
        lambda: me.pairs(key, None, page),
    ):
        with pytest.raises(Forbidden) as refused:
            asyncio.run(listing())
        assert refused.value.code == "person_token_only"
