"""The workbench walk (#12, done when): as each demo role of ``seed_demo --small``, in a real browser, log in, land
on the workbench and reach every to-do shown in one tap — the page opens (200, where the link said) and shows the
thing the to-do names.

The demo is seeded once for the module; one browser, one test going through the roles, so a failure lists every
role and to-do that went wrong. live_server needs committed data: the module fixture seeds outside the test's
transaction; the test's transactional teardown flushes it afterwards.
"""

from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from .helpers import login

pytestmark = pytest.mark.browser

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
STAFF_ROLES = set(ROLES) - {"resident"}

# What the target page of each kind of to-do shows: a CSS selector with at least one match. A new kind of to-do
# without an entry fails the walk until one is added here.
_QUEUE = "[data-testid=queue-row]"
SHOWS = {
    "workorders.dispatch": f"{_QUEUE}[data-state=accepted]",
    "workorders.revisit_district": f"{_QUEUE}[data-state=completed]",
    "workorders.accept": f"{_QUEUE}[data-state=accepted]",
    "workorders.self_handle": _QUEUE,
    "workorders.revisit": f"{_QUEUE}[data-state=completed]",
    "workorders.sign": "[data-testid=to-sign]",
    "workorders.handle": _QUEUE,
    "workorders.verdict": "[data-testid=my-cases] li",
    "wishes.review": "[data-testid=wish-table] tbody a",
    "wishes.confirm": "[data-testid=wish-table] tbody a",
    "wishes.claims": "[data-testid=my-claim]",
    "meetings.invited": "[data-testid=meeting-state], [data-testid=meeting-row], [data-testid=my-meeting]",
    "visits.due": "[data-testid=due]",
    "orglife.due": "[data-testid=overview-table] tbody tr, [data-state=due]",
    "orglife.missing": "[data-testid^=missing-], [data-state=missing]",
    "volunteering.finish": "[data-testid=activity-table] tbody a",
    "volunteering.soon": "[data-testid=signup-status]",
    "registry.import_ready": "[data-testid=import-jobs] tbody tr",
    "registry.import_errors": "[data-testid=import-jobs] tbody tr",
    "scorecards.objections": "[data-testid=objection]",
    "scorecards.publicise": "[data-testid=publicise], [data-testid=run-table]",
    "scorecards.finalise": "[data-testid=finalise], [data-testid=run-table]",
    "owners.reelection": "[data-flag=reelection_due], [data-flag=term_ended]",
    "deliberation.waiting": "[data-testid=matter-table] tbody a",
    "deliberation.due": "[data-testid=calendar] [data-state=due]",
    "selections.review": "[data-testid=selection-table] tbody a",
    "selections.announce": "[data-testid=selection-table] tbody a",
    "selections.finalise": "[data-testid=selection-table] tbody a",
    "knowledge.unanswered": "[data-testid=question-table] tbody tr",
    "iot_alarms": "[data-testid=alarm-table] tbody tr",
    "owners.members": "[data-flag=members]",
    "owners.filing": "[data-flag=not_filed]",
    "party.election": "[data-flag=term_due], [data-flag=term_over]",
    "party.no_secretary": "[data-flag=no_secretary]",
    "party.structure": "[data-flag=too_few], [data-flag=needs_committee], [data-flag=committee_too_big]",
}


def _target(href: str) -> tuple[str, str]:
    parts = urlsplit(href)
    return parts.path, parts.query


def test_every_role_reaches_each_todo_of_the_workbench_in_one_tap(live_server, page):
    from django.core.management import call_command

    # Seeded inside the test, after the transactional set-up has restored the migrations' reference data (the
    # categories, the calendar): a fixture run earlier would find them flushed by the previous live-server test.
    # The walk's own teardown (live_server is transactional) flushes the database afterwards.
    call_command("seed_demo", "--small", stdout=StringIO())
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from linli.core.workbench import todos_for

    url = live_server.url
    home = url + reverse("portal:home")
    users = get_user_model().objects
    problems: list[str] = []
    reached = 0
    for name in ROLES:
        login(page, url, name, password=settings.LINLI_DEMO_PASSWORD)
        rows = page.locator("[data-testid=todos]").first.locator("li[data-todo]")
        shown = rows.evaluate_all(
            "els => els.map(e => [e.dataset.todo, e.querySelector('a').getAttribute('href'),"
            " e.querySelector('.todo-label').textContent.trim()])"
        )
        expected = {t.key for t in todos_for(users.get(username=name))}
        keys = sorted(key for key, _href, _label in shown)
        if set(keys) != expected:
            problems.append(f"{name}: the workbench shows {keys}, expected {sorted(expected)}")
        if name in STAFF_ROLES and not shown:
            problems.append(f"{name}: no to-do on the workbench of the seeded demo")
        for key, href, label in shown:
            where = f"{name} · {key} ({label}) → {href}"
            if page.url != home:
                page.goto(home, wait_until="domcontentloaded")
            with page.expect_navigation(wait_until="domcontentloaded") as nav:
                page.locator(f'[data-testid=todos] li[data-todo="{key}"] a').first.click()
            status = nav.value.status if nav.value else None
            if status != 200:
                problems.append(f"{where}: HTTP {status}")
                continue
            if _target(page.url) != _target(href):
                problems.append(f"{where}: landed on {page.url}")
                continue
            selector = SHOWS.get(key)
            if selector is None:
                problems.append(f"{where}: no check of what this kind of to-do shows (add it to SHOWS)")
            elif not page.locator(selector).count():
                problems.append(f"{where}: the page does not show it ({selector})")
            reached += 1
    assert not problems, "\n".join(problems)
    assert reached >= len(STAFF_ROLES)
