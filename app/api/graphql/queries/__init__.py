"""The fields of the Query type, one module per area."""
