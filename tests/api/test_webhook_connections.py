"""How deliveries connect: no cookie carried from one delivery to the next, and a host's
addresses checked again when the worker connects (a name re-pointed at a private address
after the check before a batch is refused)."""

from __future__ import annotations

import asyncio
import socket
from uuid import uuid4

import aiohttp
import pytest
from aiohttp.abc import ResolveResult

from app.services.webhook_connections import PublicAddressesOnly, delivery_session
from app.services.webhook_endpoints import UrlPolicy
from tests.api.test_webhooks import ALL_READS
from tests.support.receiver import Receiver
from tests.support.tenants import Tenant


def test_a_receivers_cookie_is_never_sent_with_a_delivery(
    tenant: Tenant, receiver: Receiver
) -> None:
    path = f"/hook/cookies-{uuid4()}"  # another test's retries never reach it
    # By name: aiohttp's cookie jar never keeps a cookie an IP address set.
    url = receiver.url(path).replace("127.0.0.1", "localhost")
    created = tenant.call(
        "POST", "/v1/webhook-endpoints", key=tenant.key(*ALL_READS), json={"url": url}
    )
    assert created.status_code == 201, created.text
    receiver.answer(path, 200, headers={"set-cookie": "session=from-the-receiver; Path=/"})
    tenant.person()
    tenant.person()
    first, second, *_ = receiver.wait_for(path, lambda got: len(got) >= 2)
    assert "cookie" not in first.headers
    assert "cookie" not in second.headers


class _Answers:
    """A resolver answering what a test says the host resolves to now."""

    def __init__(self, *addresses: str) -> None:
        self.addresses = addresses

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            ResolveResult(hostname=host, host=address, port=port, family=family, proto=0, flags=0)
            for address in self.addresses
        ]

    async def close(self) -> None:
        return None


@pytest.mark.parametrize(
    ("addresses", "allowed"),
    [
        (("93.184.215.14",), True),
        (("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"), True),
        (("127.0.0.1",), False),
        (("93.184.215.14", "10.0.0.7"), False),
        (("169.254.169.254",), False),
        (("::1",), False),
    ],
)
def test_a_host_is_connected_to_only_if_every_address_is_public(
    addresses: tuple[str, ...], allowed: bool
) -> None:
    async def resolved() -> list[ResolveResult]:
        resolver = PublicAddressesOnly()
        await resolver.close()
        resolver._resolver = _Answers(*addresses)  # type: ignore[assignment]
        return await resolver.resolve("hooks.example.com", 443)

    if allowed:
        assert [one["host"] for one in asyncio.run(resolved())] == list(addresses)
    else:
        with pytest.raises(OSError, match="may not go to"):
            asyncio.run(resolved())


def test_without_private_addresses_a_name_for_loopback_is_never_connected_to(
    receiver: Receiver,
) -> None:
    port = receiver.base_url.rsplit(":", 1)[1]

    async def post(policy: UrlPolicy) -> int:
        url = f"http://localhost:{port}/hook/guarded"
        async with delivery_session(policy, 5.0) as session, session.post(url, data=b"{}") as got:
            return got.status

    with pytest.raises(aiohttp.ClientConnectorError):
        asyncio.run(post(UrlPolicy(allow_private=False)))
    assert receiver.at("/hook/guarded") == []
    assert asyncio.run(post(UrlPolicy(allow_private=True))) == 200
    assert len(receiver.at("/hook/guarded")) == 1
