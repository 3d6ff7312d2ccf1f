"""The core fuzz test, narrowed to the wishes, points and visits routers (quick to run on its own)."""

import pytest

fuzzmod = pytest.importorskip("linli.core.tests.test_api_fuzz")

PREFIXES = ("/api/v1/wishes", "/api/v1/points", "/api/v1/visits")


def test_our_operations_survive_fuzzing(tree, token_for):
    import schemathesis
    from django.core.wsgi import get_wsgi_application
    from schemathesis.checks import not_a_server_error
    from schemathesis.core.failures import FailureGroup

    auth = {None: None}
    for username in {who for *_, who, _ in fuzzmod.PASSES if who}:
        auth[username] = {"Authorization": token_for(username)["HTTP_AUTHORIZATION"]}
    pools = fuzzmod.reference_pools(tree)
    checks = [not_a_server_error, fuzzmod.error_body_shape]
    failures = []
    with fuzzmod.in_process_requests():
        schema = schemathesis.openapi.from_wsgi(fuzzmod.SCHEMA_PATH, get_wsgi_application())
        operations = [r.ok() for r in schema.get_all_operations()]
        operations = [op for op in operations if op.path.startswith(tuple(p.removeprefix("/api/v1")
                                                                          for p in PREFIXES))
                      or op.full_path.startswith(PREFIXES)]
        assert len(operations) >= 10, [op.label for op in operations]
        for operation in operations:
            for label, mode, seeded, who, n in fuzzmod.PASSES:
                try:
                    fuzzmod.fuzz(operation, mode, seeded=seeded, headers=auth[who], checks=checks, pools=pools,
                                 max_examples=n)
                except (Exception, FailureGroup) as exc:
                    failures.append(f"{operation.label} [{label}]: {exc}")
    assert not failures, "\n\n".join(failures)
