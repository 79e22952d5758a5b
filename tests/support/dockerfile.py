"""Reading the Dockerfile, so the tests that stand in for `docker build` and `docker run`
(there is no Docker engine where the suite runs) use the commands it holds."""

from __future__ import annotations

import json
import os
import shlex
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


def instructions(path: Path = DOCKERFILE) -> list[Instruction]:
    """Each instruction with its continuation lines joined; comments dropped."""
    joined: list[str] = []
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1].strip() + " "
            continue
        joined.append(pending + line)
        pending = ""
    parsed = []
    for line in joined:
        keyword, _, arguments = line.partition(" ")
        parsed.append(Instruction(keyword.upper(), arguments.strip()))
    return parsed


def _final_start(parsed: list[Instruction]) -> int:
    return [n for n, i in enumerate(parsed) if i.keyword == "FROM"][-1]


def build_runs(parsed: list[Instruction]) -> list[str]:
    """The RUN lines of the build stages (the final stage only adds its user)."""
    return [i.arguments for i in parsed[: _final_start(parsed)] if i.keyword == "RUN"]


def final_stage(parsed: list[Instruction]) -> list[Instruction]:
    return parsed[_final_start(parsed) :]


def environment(parsed: list[Instruction]) -> dict[str, str]:
    """The final stage's ENV values, except PATH (the test's own venv stands in)."""
    values: dict[str, str] = {}
    for instruction in final_stage(parsed):
        if instruction.keyword == "ENV":
            for pair in shlex.split(instruction.arguments):
                name, _, value = pair.partition("=")
                if name != "PATH":
                    values[name] = value
    return values


def healthcheck(parsed: list[Instruction]) -> list[str]:
    """The HEALTHCHECK's exec-form command."""
    (instruction,) = [i for i in final_stage(parsed) if i.keyword == "HEALTHCHECK"]
    _, _, command = instruction.arguments.partition(" CMD ")
    argv: list[str] = json.loads(command)
    return argv


def exec_form(parsed: list[Instruction], keyword: str) -> list[str]:
    (instruction,) = [i for i in final_stage(parsed) if i.keyword == keyword]
    argv: list[str] = json.loads(instruction.arguments)
    return argv


def unprivileged(argv: list[str]) -> list[str]:
    """The image runs as an unprivileged user; so do its steps here (CI runs as root).
    setpriv execs the command itself, so signals reach it directly."""
    if os.geteuid() != 0:
        return argv
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *argv]
