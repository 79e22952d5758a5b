"""The ASGI application that `rapport serve` runs (settings from the environment)."""

from app.api.app import create_app
from app.settings import SettingsRefused

try:
    app = create_app()
except SettingsRefused as error:  # one clear line, not a traceback, for whoever starts it
    raise SystemExit(f"rapport: {error}") from None
