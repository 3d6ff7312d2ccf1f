"""Open311 is rate-limited per client address (reads and posts) and per api_key (posts), answering 429 in the
spec's own error format (issue #11 item 10, docs/adr/0012)."""

import pytest
from django.core.cache import cache

from linli.workorders.open311 import services as o311

from .test_open311 import BASE, errors_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.RATELIMIT_ENABLE = True
    cache.clear()
    yield settings
    cache.clear()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_reads_answer_429_past_the_address_limit(client, limits, fmt):
    limits.LINLI_RATE_OPEN311_READ_PER_ADDRESS = "3/h"
    for _ in range(3):
        assert client.get(f"{BASE}/services.{fmt}", REMOTE_ADDR="198.51.100.1").status_code == 200
    resp = client.get(f"{BASE}/requests.{fmt}", REMOTE_ADDR="198.51.100.1")
    assert resp.status_code == 429 and int(resp["Retry-After"]) > 0
    [(code, description)] = errors_of(resp, fmt)
    assert code == 429 and description
    assert client.get(f"{BASE}/services.{fmt}", REMOTE_ADDR="198.51.100.2").status_code == 200


def test_posts_answer_429_past_the_address_limit(client, limits):
    limits.LINLI_RATE_OPEN311_WRITE_PER_ADDRESS = "2/h"
    codes = [
        client.post(
            f"{BASE}/requests.json", {"api_key": "nope", "service_code": "x"}, REMOTE_ADDR="198.51.100.1"
        ).status_code
        for _ in range(3)
    ]
    assert codes == [403, 403, 429]
    assert errors_of(client.post(f"{BASE}/requests.json", {"api_key": "nope"}, REMOTE_ADDR="198.51.100.1"))[0][0] == 429


def test_posts_answer_429_past_the_key_limit_from_any_address(tree, client, limits):
    limits.LINLI_RATE_OPEN311_WRITE_PER_KEY = "2/h"
    _key, raw = o311.key_issue(actor=tree.users["dispatcher"], name="12345 app", place=tree.street_a)
    codes = [
        client.post(f"{BASE}/requests.xml", {"api_key": raw}, REMOTE_ADDR=f"198.51.100.{i}").status_code
        for i in range(3)
    ]
    assert codes == [400, 400, 429]  # no service_code: refused as invalid until the key is over its limit
