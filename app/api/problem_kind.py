"""What a problem `code` means: its status, title and description (app.api.problem_catalog
lists them all)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProblemKind:
    code: str
    status: int
    title: str
    description: str

    @property
    def type_uri(self) -> str:
        return f"/problems/{self.code.replace('_', '-')}"
