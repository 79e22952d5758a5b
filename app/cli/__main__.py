"""`python -m app.cli`: the `rapport` command (how `rapport serve` starts its delivery
process with the same interpreter)."""

from app.cli import main

main()
