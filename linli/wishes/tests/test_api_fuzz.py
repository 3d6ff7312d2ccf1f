"""The core fuzz test, narrowed to the wishes, points and visits routers (quick to run on its own)."""

import pytest

core = pytest.importorskip("linli.core.tests.test_api_fuzz")

PREFIXES = ("/api/v1/wishes", "/api/v1/points", "/api/v1/visits")


def test_our_operations_survive_fuzzing(tree, token_for):
    auth = core.tokens(token_for, {who for *_, who, _ in core.PASSES})
    core.run_fuzz(prefixes=PREFIXES, passes=core.PASSES, auth=auth, pools=core.reference_pools(tree), min_operations=10)
