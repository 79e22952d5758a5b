"""Node types and their field resolvers, one module per area."""
