"""The ASGI application that `rapport serve` runs (settings from the environment)."""

from app.api.app import create_app

app = create_app()
