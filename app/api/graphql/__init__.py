"""The GraphQL surface at /graphql: a Strawberry schema over the same services as REST."""
