"""Every role's pages, crawled as a new user clicks through the seeded demo district (``seed_demo --small``):
every link shown opens (no 403, 404 or 5xx) and the Chinese UI shows no raw code (``elderly_alone``,
``case_dispatch``, ``orglife.compliance``) and no English sentence (#12 items 8 and 9).

One test takes the seeded demo (the ``small_demo`` fixture) and crawls each demo account in turn
(``linli.core.crawl``); a failure lists every finding with the page that linked to it."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from linli.core.crawl import crawl, text_problems

pytestmark = pytest.mark.django_db

ROLES = (
    "admin",
    "district",
    "street",
    "secretary",
    "socialworker",
    "gridworker",
    "buildinghead",
    "dept",
    "property",
    "resident",
)
PAGES_PER_ROLE = 120


def test_every_role_reaches_only_pages_that_open_and_read_chinese(small_demo):
    users = get_user_model().objects
    report = []
    for name in ROLES:
        client = Client()
        client.force_login(users.get(username=name))
        result = crawl(client, "/", limit=PAGES_PER_ROLE)
        assert len(result.visited) > 5, f"{name} reached only {result.visited}"
        report += [f"{name}: {f}" for f in result.findings]
    assert not report, "\n".join(report)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("关爱对象：elderly_alone", ["raw code 'elderly_alone'"]),
        ("指标 orglife.compliance 权重 2", ["raw code 'orglife.compliance'"]),
        ("Points are multiplied by its weight", ["English text 'Points are multiplied by its weight'"]),
        ("用户 learner9_01 · 导出 Excel · API 接口 · 2026-12-07 · 0555-1234567", []),
    ],
)
def test_the_text_check_finds_codes_and_english(text, found):
    assert text_problems(text) == found
