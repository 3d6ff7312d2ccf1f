"""Reads of organisations shared by pages and API (the permission filter itself is ``restrict``)."""

from __future__ import annotations

import re

from django.db.models import Q

CREDIT_PREFIX = re.compile(r"^[0-9A-Z]{4,18}$")


def search_q(q: str) -> Q | None:
    """Name or short name containing ``q``, or a 统一社会信用代码 starting with it (4+ characters)."""
    q = " ".join((q or "").split())[:60]
    if not q:
        return None
    where = Q(name__icontains=q) | Q(short_name__icontains=q)
    code = q.upper().replace(" ", "")
    if CREDIT_PREFIX.match(code):
        where |= Q(credit_code__startswith=code)
    return where


def property_companies_of(compound):
    """The active property companies managing ``compound`` (a level-4 place). A rule's read (who sits for the
    property company in a 三方议事), not a page's: not restricted to a user."""
    from .models import Organisation, OrgKind

    return Organisation.objects.filter(kind=OrgKind.PROPERTY, managed_compounds=compound, is_active=True).order_by(
        "name", "pk"
    )
