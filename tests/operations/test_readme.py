"""The README works as written: its shell samples run in order, with bash, curl and jq,
against `rapport dev` on a fresh SQLite file (what `make run` starts), with the admin key it
prints; no command fails and no call is answered with an error."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.operations.markdown_samples import README, Sample, samples
from tests.support.commands import RAPPORT, environment, serving

pytestmark = pytest.mark.slow

# What `make run`'s banner prints, as the README's samples write it.
README_BASE_URL = "http://127.0.0.1:8000"
README_KEY = "KEY=rpt_..."
# Every curl call reports its status on stderr, so that a failed call inside `$(…)` is seen.
_REPORTING_CURL = (
    "curl() { command curl --write-out"
    " '%{stderr}HTTP %{http_code} %{method} %{url_effective}\\n' \"$@\"; }\n"
)
_STATUS = re.compile(r"^HTTP (?P<status>\d{3}) (?P<call>.*)$", re.M)
_ERROR_BODY = re.compile(r'"type": ?"/problems/|"errors": ?\[\s*\{')


def _shell_samples() -> list[Sample]:
    return [s for s in samples(README) if s.language == "sh"]


def _commands(sample: Sample) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in sample.code.splitlines())
    return [line for line in lines if line]


def test_the_first_two_commands_are_make_run_and_make_test() -> None:
    assert _commands(_shell_samples()[0]) == ["make run", "make test"]


def _walkthrough(base_url: str, key: str) -> str:
    """The shell samples after the first (the server stands for `make run`), as one script
    that stops at the first failing command; each sample announces itself on stderr."""
    parts = ["set -euo pipefail\n", _REPORTING_CURL]
    for sample in _shell_samples()[1:]:
        if sample.not_run_because is None:
            parts.append(f"echo '--- {sample.where}' >&2\n{sample.code}")
    script = "".join(parts)
    assert README_BASE_URL in script and README_KEY in script, "the walkthrough changed shape"
    return script.replace(README_BASE_URL, base_url).replace(README_KEY, f"KEY={key}")


def test_the_walkthrough_runs_as_written(tmp_path: Path) -> None:
    for tool in ("bash", "curl", "jq"):
        assert shutil.which(tool), f"the README's samples need {tool} (.ci/run installs it)"
    # The README's webhook receiver is a public host; where the suite runs nothing may
    # resolve, so the development server accepts any receiver host here.
    env = environment(f"sqlite:///{tmp_path / 'rapport.db'}", webhooks_allow_private="true")
    with serving(env, [str(RAPPORT), "dev"], ready="/readyz", cwd=tmp_path) as server:
        key = server.wait_for_line("Admin key").split()[-1]
        ran = subprocess.run(
            ["bash", "-c", _walkthrough(server.base_url, key)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    transcript = f"stdout:\n{ran.stdout}\nstderr:\n{ran.stderr}"
    assert ran.returncode == 0, f"a command failed (the last --- names its sample)\n{transcript}"
    calls = _STATUS.findall(ran.stderr)
    assert len(calls) > 30, transcript
    refused = [f"{status} {call}" for status, call in calls if not 200 <= int(status) < 300]
    assert not refused, f"calls answered with an error: {refused}\n{transcript}"
    assert not _ERROR_BODY.search(ran.stdout), f"an error was printed\n{transcript}"
