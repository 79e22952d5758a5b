"""The ASGI application that `rapport serve` runs (settings from the environment), with
the server's log configured in each worker."""

from app import logs
from app.api.app import create_app
from app.garbage_collection import prepare_garbage_collection
from app.settings import SettingsRefused, get_settings

try:
    logs.configure(get_settings())
    app = create_app()
except SettingsRefused as error:  # one clear line, not a traceback, for whoever starts it
    raise SystemExit(f"rapport: {error}") from None

prepare_garbage_collection()
