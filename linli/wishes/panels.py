"""The micro-wishes block of the resident 360° page."""

from linli.core.permissions import Action, can_at

from . import selectors
from .models import Wish


def wishes_context(user, resident) -> dict:
    return {
        "wp": {
            "wishes": list(selectors.wishes(user).filter(resident=resident)[:10]),
            "may_add": can_at(user, Action.ADD, Wish, resident.scope_path),
        }
    }
