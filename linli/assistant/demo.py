"""Demo: the synthetic dispatch history of the district (``engine/synthetic.py``) as routing examples, and a first
model version trained from it, so the dispatcher sees learned suggestions from the start."""

from __future__ import annotations

import datetime as dt

from linli.core import audit
from linli.core.dates import today
from linli.core.registry import DemoContext
from linli.orgs.models import Organisation
from linli.workorders.models import Category

from .engine import synthetic
from .services import training

HISTORY = 5000
HISTORY_SMALL = 800  # seed_demo --small (the tests' demo)


def seed(ctx: DemoContext) -> list[str]:
    cats = {c.code: c.pk for c in Category.objects.filter(parent=None)}
    orgs = {o.short_name: o.pk for o in Organisation.objects.exclude(short_name="")}
    start = today()
    rows = []
    for n, (text, code, org) in enumerate(
        synthetic.history(HISTORY_SMALL if ctx.small else HISTORY, seed=ctx.rng.randint(1, 10**6))
    ):
        if code in cats:
            day = start - dt.timedelta(days=1 + n % 365)
            rows.append((text, cats[code], orgs.get(org), day, f"synthetic:{n}"))
    made = training.add_examples(rows)
    audit.record(actor=ctx.admin, action="create", object_type="assistant.routingexample", note=f"seed_demo: {made}")
    version = training.train_version(actor=ctx.admin, note="seed_demo")
    return [f"assistant: {made} routing examples, model v{version.version} ({version.get_status_display()})"]
