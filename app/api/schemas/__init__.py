"""Request and response models shared by REST and GraphQL: inputs forbid unknown fields,
outputs are separate."""
