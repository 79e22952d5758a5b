"""An in-memory implementation of the services' unit of work (app.services.ports), for unit
tests that run use cases in milliseconds, without a database or a server."""
