"""Adapters that speak HTTP: REST under /v1 and GraphQL at /graphql."""
