"""How the delivery worker connects: one aiohttp session per process, with no memory
between deliveries and the address rule enforced when it connects.

- A host's addresses are checked again by the resolver the connections use, not only before
  a batch (app.services.webhook_endpoints.check_url): a name that passed the check cannot be
  re-pointed at a private or loopback address (DNS rebinding) before the worker connects.
  IP literals never reach a resolver; check_url refuses the private ones.
- No cookie is kept: a receiver's Set-Cookie would otherwise ride along with the next
  delivery to that host, whichever organization's it is.
- Redirects are not followed (a 3xx is a failure) and answers are read raw, so nothing asks
  for compression.
- The environment's proxy settings are not used: the connection goes to the address that
  was checked."""

from __future__ import annotations

import socket

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from app.domain.sign_in import is_global_ip
from app.services.webhook_endpoints import UrlPolicy

USER_AGENT = "Rapport-Webhooks/1"


class PublicAddressesOnly(AbstractResolver):
    """aiohttp's resolver, refusing a host with any address that is not public."""

    def __init__(self) -> None:
        self._resolver = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._resolver.resolve(host, port, family)
        if not all(is_global_ip(one["host"]) for one in found):
            raise OSError("the host resolves to an address deliveries may not go to")
        return found

    async def close(self) -> None:
        await self._resolver.close()


def delivery_session(urls: UrlPolicy, timeout_seconds: float) -> aiohttp.ClientSession:
    """The session a worker sends with (made inside the running event loop)."""
    resolver = None if urls.allow_private else PublicAddressesOnly()
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(resolver=resolver),
        timeout=aiohttp.ClientTimeout(total=timeout_seconds),
        headers={"user-agent": USER_AGENT},
        skip_auto_headers=("accept-encoding",),
        cookie_jar=aiohttp.DummyCookieJar(),
    )
