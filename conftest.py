import pytest


@pytest.fixture
def tree(db):
    from linli.core.testing import build_tree

    return build_tree()


@pytest.fixture
def api_client():
    from django.test import Client

    return Client()


@pytest.fixture
def token_for(client):
    """Issue a bearer token for a username through the real endpoint; returns request headers."""
    from linli.core.testing import PASSWORD

    def _token(username):
        resp = client.post("/api/v1/auth/token", {"username": username, "password": PASSWORD},
                           content_type="application/json")
        assert resp.status_code == 201, resp.content
        return {"HTTP_AUTHORIZATION": f"Bearer {resp.json()['token']}"}

    return _token
