"""The core fuzz test, narrowed to the property router (quick to run on its own)."""

import pytest

core = pytest.importorskip("linli.core.tests.test_api_fuzz")

PREFIXES = ("/api/v1/property",)


def test_our_operations_survive_fuzzing(tree, token_for):
    auth = core.tokens(token_for, {who for *_, who, _ in core.PASSES})
    core.run_fuzz(prefixes=PREFIXES, passes=core.PASSES, auth=auth, pools=core.reference_pools(tree), min_operations=3)
