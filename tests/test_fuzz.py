"""Schemathesis fuzzes every /api/v1 operation of the app's own OpenAPI document, in process, as an adviser and
as a funder: no answer is a server error, and every answer is one the document describes (status, media type,
body schema).

The pytest integration of schemathesis is not used: its fixture-based loader (`schemathesis.pytest.from_fixture`)
fails on pytest 9.2 (it sets `Function._nodeid`, which pytest no longer has), and a schema loaded at import time
would need an app, hence a database, before the fixtures make one. Each operation instead gets its own
Hypothesis run, with schemathesis' strategy and checks, and the test lists every operation that failed."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from inclusion.accounts import token_cache
from inclusion.storage import db
from tests.support import database
from tests.support.fuzz import caller_headers

# Examples per operation and generation mode: 78 operations, 148 runs per role. With 10, both roles took 35 s on
# SQLite and 38 s on PostgreSQL on the quiet 2-core machine, 78 s and 64 s with other jobs loading it.
MAX_EXAMPLES = 10
PDF_EXAMPLES = 3  # rendering the outcomes PDF takes ~0.5 s
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
HYPOTHESIS = settings(
    derandomize=True,  # the same requests on every run: CI is reproducible
    database=None,  # no .hypothesis/ example database: nothing carried over between runs
    deadline=None,  # no timing assertion: the machine is shared
    # Each example is an HTTP request, slow by Hypothesis' measure; negative data is filtered more than usual.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)


def fuzz(operation, app, headers: dict[str, str], mode: GenerationMode) -> str | None:
    """Run one operation's examples; the failure schemathesis reports (with a curl command), or None."""
    examples = PDF_EXAMPLES if operation.path.endswith(".pdf") else MAX_EXAMPLES

    @settings(HYPOTHESIS, max_examples=examples)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case) -> None:
        case.call_and_validate(app=app, headers=headers, checks=CHECKS)

    try:
        run()
    except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - every operation's failure is listed at the end
        return f"{operation.label} ({mode}): {error}"
    return None


def modes(operation) -> list[GenerationMode]:
    """Negative data needs something to make invalid: a body, or a parameter other than a free-form string (a path
    of strings only left Hypothesis filtering some 450 candidates before it gave up)."""
    constrained = [p for p in operation.iter_parameters() if p.definition.get("schema") != {"type": "string"}]
    if operation.body or constrained:
        return [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    return [GenerationMode.POSITIVE]


@pytest.mark.parametrize("role", ["adviser", "funder"])
async def test_api_answers_as_documented(app, make, role):
    """Generated requests, valid and invalid, never get a 5xx nor an answer the OpenAPI document does not describe."""
    # An explicit config: no schemathesis.toml of the machine is picked up.
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app, config=SchemathesisConfig())
    operations = [result.ok() for result in schema.include(path_regex="^/api/v1/").get_all_operations()]
    assert len(operations) > 70
    failures, written = [], True
    async with db.running(db.current_engine(), pool_size=2):  # PostgreSQL: reseeding on this loop reuses connections
        for operation in operations:
            if written:  # each operation starts from the seeded state, with its caller's token unrevoked
                await database.empty_tables()
                token_cache.forget_all()
                headers = await caller_headers(make, role)
            written = operation.method.upper() != "GET"
            for mode in modes(operation):
                if failure := fuzz(operation, app, headers, mode):
                    failures.append(failure)
    assert not failures, "\n\n".join(failures)
