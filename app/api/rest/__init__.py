"""REST adapters under /v1: parse, authorize, call a service, shape the response."""
