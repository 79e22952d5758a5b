"""How many schema-valid generated requests each operation refuses.

    .venv/bin/python -m tests.contract.acceptance [--examples N]

Serves the app on a scratch SQLite database, generates N positive cases per operation of
the committed document, prepares each as the contract test does and counts the answers
that refuse it: a status of 400 or more other than 404 (an id that does not exist), 409
(a state conflict) and 412 (a generated If-Match naming another version), which depend
on the state of the world the document cannot know.
Prints a Markdown table, operations with refusals first.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path

import schemathesis
from anyio.from_thread import start_blocking_portal
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.core.result import Ok

from app.api.app import create_app
from app.domain.access import Scope
from app.persistence.migrate import upgrade_to_head
from tests.conftest import Live, _engine, live_settings
from tests.contract.calls import fresh_key, restore_budgets
from tests.contract.test_schemathesis import CONTRACT_KEY, schema
from tests.contract.world_rules import ContractWorld
from tests.support.live import StatementCounter, TestClock, serve_in_thread

WORLD_STATES = {404, 409, 412}


def generated(operation: schemathesis.APIOperation, examples: int) -> list[schemathesis.Case]:  # type: ignore[type-arg]
    cases: list[schemathesis.Case] = []  # type: ignore[type-arg]

    @given(operation.as_strategy(GenerationMode.POSITIVE))
    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def collect(case: schemathesis.Case) -> None:  # type: ignore[type-arg]
        cases.append(case)

    collect()
    return cases


def refusals(
    world: ContractWorld, examples: int, *, explain: bool = False, world_rules: bool = True
) -> dict[str, tuple[int, Counter[int]]]:
    """Per operation: how many cases were sent, and the refusing statuses seen."""
    table: dict[str, tuple[int, Counter[int]]] = {}
    for result in schema.get_all_operations():
        if not isinstance(result, Ok):
            raise SystemExit(f"the committed document has an invalid operation: {result}")
        operation = result.ok()
        cases = generated(operation, examples)
        refused: Counter[int] = Counter()
        for case in cases:
            credential = world.prepare(case) if world_rules else {}
            credential = credential or {"Authorization": f"Bearer {CONTRACT_KEY}"}
            case.headers.update(fresh_key(case))
            response = case.call(base_url=world.live.base_url, headers=credential)
            if response.status_code >= 400 and response.status_code not in WORLD_STATES:
                refused[response.status_code] += 1
                if explain:
                    sent = f"{operation.label} {case.query} {case.body!r:.300}"
                    print(f"{sent}\n  -> {response.text:.400}")
            world.restore(case)
            if operation.path == "/v1/rate-limits":
                restore_budgets(world.live, world.tenant)
        table[f"{operation.method.upper()} {operation.path}"] = (len(cases), refused)
    return table


def markdown(table: dict[str, tuple[int, Counter[int]]]) -> str:
    rows = sorted(table.items(), key=lambda row: (-sum(row[1][1].values()), row[0]))
    lines = ["| operation | generated | refused | statuses |", "|---|---:|---:|---|"]
    for label, (sent, refused) in rows:
        statuses = ", ".join(f"{status}×{count}" for status, count in sorted(refused.items()))
        lines.append(f"| `{label}` | {sent} | {sum(refused.values())} | {statuses} |")
    total_sent = sum(sent for sent, _ in table.values())
    total_refused = sum(sum(refused.values()) for _, refused in table.values())
    lines.append(f"| **all {len(table)} operations** | {total_sent} | {total_refused} | |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=25)
    parser.add_argument("--explain", action="store_true", help="print each refused case")
    parser.add_argument(
        "--without-world-rules",
        action="store_true",
        help="send the generated cases as they are (tests/contract/world_rules.py not applied)",
    )
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'rapport.db'}"
        upgrade_to_head(url)
        clock = TestClock()
        app = create_app(live_settings(url), clock=clock)
        with serve_in_thread(app) as base_url, start_blocking_portal() as portal:
            engine = portal.call(_engine, url)
            live = Live("sqlite", url, base_url, app, clock, StatementCounter(), portal, engine)
            tenant = live.tenant()
            tenant.store_key(CONTRACT_KEY, frozenset({Scope.ADMIN}))
            world = ContractWorld.build(live, tenant)
            table = refusals(
                world,
                arguments.examples,
                explain=arguments.explain,
                world_rules=not arguments.without_world_rules,
            )
            portal.call(engine.dispose)
    print(markdown(table))


if __name__ == "__main__":
    main()
