"""Request and response models: inputs forbid unknown fields, outputs are separate."""
