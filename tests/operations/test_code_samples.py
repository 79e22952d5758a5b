"""Every code sample of the README and docs/*.md at least parses in its language: JSON is
JSON, Python compiles, GraphQL documents parse, YAML loads and shell samples pass `bash -n`.
(The README's shell samples also run: tests/operations/test_readme.py.)"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

import pytest
import yaml
from graphql import parse

from tests.operations.markdown_samples import DOCUMENTS, Sample, samples


def _bash_syntax(code: str) -> None:
    checked = subprocess.run(
        ["bash", "-n"], input=code, capture_output=True, text=True, check=False, timeout=30
    )
    assert checked.returncode == 0, checked.stderr


PARSERS: dict[str, Callable[[str], object]] = {
    "json": json.loads,
    "python": lambda code: compile(code, "<sample>", "exec"),
    "graphql": parse,
    "yaml": yaml.safe_load,
    "sh": _bash_syntax,
    "bash": _bash_syntax,
}
ALL_SAMPLES = [sample for document in DOCUMENTS for sample in samples(document)]


def test_the_documents_have_samples_of_each_checked_language() -> None:
    assert {sample.language for sample in ALL_SAMPLES} >= set(PARSERS)


@pytest.mark.parametrize(
    "sample",
    [sample for sample in ALL_SAMPLES if sample.language in PARSERS],
    ids=lambda sample: sample.where,
)
def test_the_sample_parses(sample: Sample) -> None:
    PARSERS[sample.language](sample.code)
