"""Helpers for the assistant's tests: cases through the work-order services, history examples, a trained model."""

from __future__ import annotations

import datetime as dt

from linli.assistant.engine import synthetic
from linli.assistant.services import training
from linli.workorders import services as wo
from linli.workorders.models import Category


def case(tree, *, text: str, place=None, category: str = "other", actor="resident_a1"):
    title = text.partition("，")[0]
    return wo.case_create(
        actor=tree.users[actor],
        category=Category.objects.get(code=category),
        title=title[:100],
        description=text,
        place=place or tree.house_a1,
    )


def history(tree, n: int = 700, seed: int = 5) -> int:
    """``n`` synthetic examples; 住建局 → tree.dept, 城管局 → tree.dept_other, the rest without a handler."""
    cats = dict(Category.objects.filter(parent=None).values_list("code", "pk"))
    orgs = {"住建局": tree.dept.pk, "城管局": tree.dept_other.pk}
    day = dt.date(2026, 1, 1)
    rows = [
        (text, cats[code], orgs.get(org), day, f"synthetic:{seed}:{i}")
        for i, (text, code, org) in enumerate(synthetic.history(n, seed=seed))
    ]
    return training.add_examples(rows)
