"""Fuzz every API operation from its own OpenAPI schema (schemathesis + hypothesis), in-process.

Two promises are checked for every operation, with inputs that fit the schema and inputs that do not:
no answer is a server error (5xx), and every 4xx answers the one error body
``{"error": {"code", "message", "fields"}}``.

How it is wired, and why:
- The schema is loaded from the Django WSGI handler itself (``schemathesis.openapi.from_wsgi``), so the test
  fuzzes exactly the routes and schemas the running code serves.
- A raw WSGI handler fires ``request_started``/``request_finished``, whose ``close_old_connections`` would close
  the test's database connection in the middle of pytest-django's transaction. Django's own test client
  disconnects that receiver around requests; this test does the same for its duration.
- Every example runs inside a savepoint that is rolled back afterwards, so each starts from the same tree
  (and e.g. ``DELETE /auth/token`` cannot revoke the token the next example needs).
- Random codes and ids mostly answer 404/400 and never reach the services, so a third pass ("seeded") keeps
  schema-valid inputs but swaps path parameters and reference fields (parent, community, grid, under, ...)
  for codes and ids that exist in the tree, reaching the services' validation and write paths.
- Bounded and reproducible: ``max_examples`` per operation and mode, no deadline, derandomized, no example
  database on disk.
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

schemathesis = pytest.importorskip("schemathesis")

from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.core.failures import FailureGroup  # noqa: E402

MAX_EXAMPLES = 15
SCHEMA_PATH = "/api/v1/openapi.json"


def error_body_shape(ctx, response, case):
    """Every 4xx answers {"error": {"code": str, "message": str, "fields": {str: [str]}}}."""
    if not 400 <= response.status_code < 500:
        return None
    try:
        body = json.loads(response.content)
    except ValueError as exc:
        raise AssertionError(f"{response.status_code} body is not JSON: {response.content[:300]!r}") from exc
    err = body.get("error") if isinstance(body, dict) else None
    problems = []
    if not isinstance(err, dict):
        problems.append("no 'error' object")
    else:
        if not isinstance(err.get("code"), str) or not err.get("code"):
            problems.append("error.code is not a non-empty string")
        if not isinstance(err.get("message"), str):
            problems.append("error.message is not a string")
        fields = err.get("fields")
        if not isinstance(fields, dict) or not all(
            isinstance(k, str) and isinstance(v, list) and all(isinstance(m, str) for m in v) for k, v in fields.items()
        ):
            problems.append("error.fields is not {field: [message, ...]}")
    if problems:
        raise AssertionError(
            f"{response.status_code} body breaks the error contract ({'; '.join(problems)}): {response.content[:300]!r}"
        )
    return True


def reference_pools(tree):
    """Codes and ids that exist, by the name of the parameter or field that refers to them."""
    from linli.accounts.models import RoleBinding
    from linli.areas.models import Place

    places = list(Place.objects.order_by("path").values_list("code", flat=True))
    grids = [tree.grid_a.code, tree.grid_b.code]
    orgs = [tree.dept.pk, tree.dept_other.pk, tree.property_co.pk]
    users = [u.pk for u in tree.users.values()]
    bindings = list(RoleBinding.objects.values_list("user_id", "pk"))
    return {"places": places, "grids": grids, "orgs": orgs, "users": users, "bindings": bindings}


def seed_case(case, data, pools):
    """Point a schema-valid case at objects that exist (path parameters and reference fields)."""
    path = case.operation.path
    params = case.path_parameters
    if "binding_id" in params:
        params["user_id"], params["binding_id"] = data.draw(st.sampled_from(pools["bindings"]))
    elif "user_id" in params:
        params["user_id"] = data.draw(st.sampled_from(pools["users"]))
    if "org_id" in params:
        params["org_id"] = data.draw(st.sampled_from(pools["orgs"]))
    if "code" in params:
        params["code"] = data.draw(
            st.sampled_from(pools["grids"] if path.startswith("/api/v1/grids") else pools["places"])
        )
    place_refs = {"parent", "community", "home", "place", "under"}
    if path.startswith("/api/v1/organisations"):
        place_refs.add("area")  # on places, "area" is the floor area
    for container in (case.query, case.body):
        if not isinstance(container, dict):
            continue
        for key in list(container):
            if key in place_refs:
                container[key] = data.draw(st.sampled_from(pools["places"]))
            elif key == "grid":
                container[key] = data.draw(st.sampled_from(pools["grids"]))
            elif key == "organisation":
                container[key] = data.draw(st.sampled_from(pools["orgs"]))
            elif key in ("buildings", "managed_compounds"):
                container[key] = data.draw(st.lists(st.sampled_from(pools["places"]), min_size=1, max_size=3))
    return case


# (label, generation mode, seeded with existing codes and ids, who calls (None: no token), examples per operation)
PASSES = (
    ("positive", GenerationMode.POSITIVE, False, "district_admin", MAX_EXAMPLES),
    ("negative", GenerationMode.NEGATIVE, False, "district_admin", MAX_EXAMPLES),
    ("seeded", GenerationMode.POSITIVE, True, "district_admin", MAX_EXAMPLES),
    ("seeded, grid worker", GenerationMode.POSITIVE, True, "grid_a", 5),
    ("anonymous", GenerationMode.POSITIVE, False, None, 3),
)


def fuzz(operation, mode, *, seeded, headers, checks, pools, max_examples, seeder=None) -> int:
    """Run one bounded hypothesis search on one operation; return how many examples passed."""
    passed = []
    seeder = seeder or seed_case

    @settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    def run(case, data):
        if seeded:
            seeder(case, data, pools)
        sid = transaction.savepoint()
        try:
            case.call_and_validate(headers=headers, checks=checks)
        finally:
            transaction.savepoint_rollback(sid)
        passed.append(case)

    run()
    return len(passed)


@contextmanager
def in_process_requests():
    """Keep the test's database connection open across raw WSGI requests (see the module docstring).

    Django's test client reconnects ``close_old_connections`` after each of its own requests, so nothing may
    go through the test client while this is active.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def run_fuzz(
    *, prefixes: tuple[str, ...], passes, auth: dict, pools: dict, seeder=None, min_operations: int = 1
) -> None:
    """Fuzz every operation whose path starts with one of ``prefixes`` through each of ``passes``
    (label, generation mode, seeded?, who, examples), calling with ``auth[who]``'s headers; ``seeder(case, data,
    pools)`` points seeded cases at rows that exist (default ``seed_case``; a domain's seeder usually calls it first
    and then fills its own ids). Collects every failure, then fails once with all of them."""
    from django.core.wsgi import get_wsgi_application

    checks = [not_a_server_error, error_body_shape]
    failures: list[str] = []
    ran = 0
    with in_process_requests():
        schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, get_wsgi_application())
        operations = [r.ok() for r in schema.get_all_operations()]
        operations = [op for op in operations if op.path.startswith(prefixes)]
        assert len(operations) >= min_operations, [op.label for op in operations]
        for operation in operations:
            raw = operation.definition.raw
            nothing_to_break = not raw.get("parameters") and not raw.get("requestBody")
            for label, mode, seeded, who, max_examples in passes:
                if mode == GenerationMode.NEGATIVE and nothing_to_break:
                    # no documented input (a device's signed raw body): there is nothing to make invalid; the
                    # positive and anonymous passes still call it, and the domain tests its refusals
                    ran += 1
                    continue
                try:
                    ran += fuzz(
                        operation,
                        mode,
                        seeded=seeded,
                        headers=auth[who],
                        checks=checks,
                        pools=pools,
                        max_examples=max_examples,
                        seeder=seeder,
                    )
                except (Exception, FailureGroup) as exc:  # FailureGroup is a BaseExceptionGroup; collect all
                    failures.append(f"{operation.label} [{label}]: {exc}")
    assert not failures, "\n\n".join(failures)
    assert ran >= len(operations) * len(passes), ran  # every pass ran at least one example per operation


def tokens(token_for, users) -> dict:
    """``{username: headers}`` for ``run_fuzz`` (None: no token)."""
    auth = {None: None}
    for who in users:
        if who:
            auth[who] = {"Authorization": token_for(who)["HTTP_AUTHORIZATION"]}
    return auth


ROOT = Path(__file__).resolve().parents[3]
API_ROOT = "/api/v1"


def router_prefixes() -> list[str]:
    """Every router mounted in ``config/api.py``, as ``/api/v1/<prefix>`` (read from the source, at collection)."""
    source = (ROOT / "config" / "api.py").read_text(encoding="utf-8")
    return [API_ROOT + p for p in re.findall(r'add_router\(\s*"(/[^"]+)"', source)]


def fuzzed_by_domains() -> dict[str, str]:
    """``{prefix: test file}`` for the routers a domain's own ``tests/test_api_fuzz.py`` fuzzes (with its seeders)."""
    covered = {}
    for path in sorted((ROOT / "linli").glob("*/tests/test_api_fuzz.py")):
        if path.parent.parent.name == "core":
            continue
        for prefix in re.findall(r'"(/api/v1/[a-z0-9_-]+)"', path.read_text(encoding="utf-8")):
            covered.setdefault(prefix, str(path.relative_to(ROOT)))
    return covered


ANONYMOUS = tuple(p for p in PASSES if p[3] is None)


@pytest.mark.parametrize("prefix", [*router_prefixes(), "other"])
def test_every_operation_survives_fuzzing(prefix, tree, token_for):
    """One test per router, so that the fuzzing spreads over the test workers.

    A router that its domain fuzzes itself (seeded with its own rows, through every role it serves) is fuzzed
    here only anonymously, the one pass the domains' own tests leave out; every other router gets every pass.
    "other" is whatever operation no mounted prefix covers (none today), so a new mount cannot go unfuzzed.
    """
    prefixes = router_prefixes()
    if prefix == "other":
        from django.core.wsgi import get_wsgi_application

        with in_process_requests():
            schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, get_wsgi_application())
            stray = [r.ok().path for r in schema.get_all_operations() if not r.ok().path.startswith(tuple(prefixes))]
        assert stray == [], f"operations outside every router prefix: {stray}"
        return
    passes = ANONYMOUS if prefix in fuzzed_by_domains() else PASSES
    auth = tokens(token_for, {who for *_, who, _ in passes})
    run_fuzz(prefixes=(prefix,), passes=passes, auth=auth, pools=reference_pools(tree), min_operations=1)


def test_the_router_list_is_read_and_the_domains_cover_what_they_claim():
    prefixes = router_prefixes()
    assert len(prefixes) >= 20 and f"{API_ROOT}/workorders" in prefixes, prefixes
    covered = fuzzed_by_domains()
    assert f"{API_ROOT}/workorders" in covered, covered  # the domain fuzz tests are found …
    assert set(covered) <= set(prefixes), set(covered) - set(prefixes)  # … and name routers that exist
