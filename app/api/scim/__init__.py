"""SCIM 2.0 (RFC 7643/7644) at /scim/v2: a thin adapter over the people and group services,
authenticated like REST (service keys with the `scim` scope)."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.scim import discovery, groups, users


def scim_routers() -> list[APIRouter]:
    """Users and groups first: discovery's catch-all 404 is matched last."""
    return [users.router, groups.router, discovery.router]
