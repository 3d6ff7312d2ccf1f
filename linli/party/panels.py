"""The party panel of the resident 360° page (registered in ``registrations.py``)."""

from __future__ import annotations

from linli.core import dates

from . import selectors


def resident_panel_context(user, resident) -> dict | None:
    memberships = list(selectors.memberships_of(user, resident))
    inservice = list(selectors.inservice(user, include_ended=True).filter(resident=resident))
    if not memberships and not inservice:
        return None
    selectors.attach_badges([m for m in memberships if m.is_active])
    year = dates.today().year
    for ins in inservice:
        ins.hours_year = selectors.service_hours(ins, year)
    return {"memberships": memberships, "inservice": inservice, "year": year}
