"""The mutations, one module per area, and how every one of them runs (`pipeline`)."""
