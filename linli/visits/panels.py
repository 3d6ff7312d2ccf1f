"""The visits block of the resident 360° page: recent visits, pairings and one-click links."""

from __future__ import annotations

from linli.core.permissions import Action, can_at, may_any

from . import selectors
from .models import Visit


def visits_context(user, resident) -> dict:
    from linli.wishes.models import Wish

    return {
        "vp": {
            "visits": list(selectors.visits(user, resident=resident)[:5]),
            "pairings": list(selectors.pairings(user).filter(resident=resident)[:5]),
            "may_add": can_at(user, Action.ADD, Visit, resident.scope_path),
            "may_wish": may_any(user, Wish, Action.ADD) and can_at(user, Action.ADD, Wish, resident.scope_path),
        }
    }
