import pytest


@pytest.fixture
def party(tree):
    from .factories import PartyTree

    return PartyTree(tree)


@pytest.fixture
def secretary(tree):
    return tree.users["secretary_a1"]
