"""Deliberation's use cases, one module an aggregate: ``meetings`` (seats, agenda, minutes, photos, rhythm) and
``matters`` (raised, solved, handed to a work order, declined). The public names of both are re-exported here."""

from .matters import *  # noqa: F403
from .meetings import *  # noqa: F403
