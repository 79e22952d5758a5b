"""The ASGI application that `rapport serve` runs (settings from the environment), with
the server's log configured in each worker."""

import gc

from app import logs
from app.api.app import create_app
from app.settings import SettingsRefused, get_settings

try:
    logs.configure(get_settings())
    app = create_app()
except SettingsRefused as error:  # one clear line, not a traceback, for whoever starts it
    raise SystemExit(f"rapport: {error}") from None

# What the worker holds for its whole life (modules, the schema, the routes: some 270,000
# objects) leaves the garbage collector's generations: a request that allocates much (an
# organization's metrics summary) would otherwise set off full collections that walk all of
# it again, about 130 ms of CPU per summary at 10,000 pairs (benchmarks/README.md). The
# start-up's own garbage is collected first, so that none of it is kept for good.
gc.collect()
gc.freeze()
