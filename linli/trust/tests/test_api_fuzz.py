"""The core fuzz test, narrowed to the trust router (quick to run on its own)."""

import pytest

from .factories import account, bill

core = pytest.importorskip("linli.core.tests.test_api_fuzz")


def test_our_operations_survive_fuzzing(tree, token_for):
    acc = account(tree)
    bill(tree, acc)
    auth = core.tokens(token_for, {who for *_, who, _ in core.PASSES})
    core.run_fuzz(
        prefixes=("/api/v1/trust",),
        passes=core.PASSES,
        auth=auth,
        pools=core.reference_pools(tree),
        min_operations=12,
    )
