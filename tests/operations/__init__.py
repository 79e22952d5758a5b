"""Running Rapport as an operator does: the image, the CLI, the docs pages, shutdown."""
