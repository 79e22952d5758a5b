"""The rules of 1:1s: entities and the checks they must pass. Pure Python, no framework."""
