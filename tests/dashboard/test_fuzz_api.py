"""The whole API fuzzed from its own description (schemathesis): a production-mode center,
every generated request sent anonymously and as each role (a public operation: once). No
answer may be a server error, and every answer must be one the description documents
(status, content type, headers, body schema).

Examples per operation: FUZZ_EXAMPLES (fewer on PostgreSQL, which is slower per request).
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import GridCC
from dashboard.openapi import SPEC_PATH
from geo.grid import Grid
from tests.dashboard.conftest import act, login, open_case

FUZZ_EXAMPLES = {"sqlite": 15, "postgres": 5}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
ROLES = (None, "op", "lead", "admin", "wall", "li-cg", "li-sz")


def seed_cases(g: GridCC, grid: Grid) -> list[int]:
    """A few real cases in different states, so actions and reads meet real data."""
    op, li = login(g, "op"), login(g, "li-cg")
    ids = []
    for steps in ((), ("file",), ("file", "dispatch"), ("file", "dispatch", "accept")):
        case_id, version = open_case(g, grid)
        for step in steps:
            r = act(li if step == "accept" else op, case_id, step, version)
            assert r.status_code == 200, r.json
            version += 1
        ids.append(case_id)
    return ids


def strategy(operation: Any, case_ids: list[int]) -> st.SearchStrategy[Any]:
    choices = [operation.as_strategy(mode) for mode in GenerationMode]
    if any(p.name == "case_id" for p in operation.path_parameters):
        choices += [operation.as_strategy(path_parameters={"case_id": i}) for i in case_ids]
    return st.one_of(choices)


def fuzz_operation(
    cases: st.SearchStrategy[Any],
    tokens: list[str | None],
    examples: int,
    statuses: Counter[int],
) -> int:
    """Run one operation's examples, each as every token; returns how many examples ran."""
    ran = []

    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(case=cases)
    def fuzz(case: Any) -> None:
        ran.append(case)
        for token in tokens:
            # The WSGI transport does not undo gzip (Flask-Compress): ask for none.
            headers = {"Accept-Encoding": "identity"}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            statuses[response.status_code] += 1

    fuzz()
    return len(ran)


def test_every_operation_fuzzed_as_every_role(
    center: tuple[GridCC, dict[str, str]], grid: Grid, database_url: str
) -> None:
    g, tokens = center
    case_ids = seed_cases(g, grid)
    schema = schemathesis.openapi.from_wsgi(SPEC_PATH, g.server)
    examples = FUZZ_EXAMPLES["sqlite" if database_url.startswith("sqlite") else "postgres"]
    examples_run: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        # A public operation answers everyone alike (and logging in hashes: slow): once.
        public = operation.definition.raw.get("security") == []
        roles = [None] if public else [tokens[r] if r else None for r in ROLES]
        ran = fuzz_operation(strategy(operation, case_ids), roles, examples, statuses)
        examples_run[operation.label] = ran
    took = time.monotonic() - started
    print(
        f"\nschemathesis: {examples_run.total()} cases of {len(examples_run)} operations, "
        f"{statuses.total()} requests in {took:.1f} s; statuses {dict(sorted(statuses.items()))}"
    )
    assert len(examples_run) == len(list(schema.get_all_operations()))
    assert not [s for s in statuses if s >= 500]
