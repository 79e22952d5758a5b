"""The fenced code samples of the README and docs/*.md, with where they are and whether the
README test runs them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCUMENTS = (README, *sorted((ROOT / "docs").glob("*.md")))
# Put on the line before a README shell sample that cannot run against a local `rapport dev`.
NOT_RUN = re.compile(r"<!-- not run by tests/operations/test_readme\.py: (?P<why>[^>]+) -->")
_FENCE = re.compile(r"^```(?P<language>[\w-]*)[^\n]*\n(?P<code>.*?)^```\s*$", re.S | re.M)


@dataclass(frozen=True)
class Sample:
    document: Path
    line: int  # of the opening fence
    language: str
    code: str
    not_run_because: str | None

    @property
    def where(self) -> str:
        return f"{self.document.relative_to(ROOT)}:{self.line}"


def samples(document: Path) -> list[Sample]:
    """Every fenced sample of the document, in order."""
    text = document.read_text()
    found = []
    for fence in _FENCE.finditer(text):
        before = text[: fence.start()]
        previous_line = before.rstrip("\n").rsplit("\n", 1)[-1]
        marker = NOT_RUN.fullmatch(previous_line.strip())
        found.append(
            Sample(
                document,
                before.count("\n") + 1,
                fence["language"],
                fence["code"],
                marker["why"] if marker else None,
            )
        )
    return found
