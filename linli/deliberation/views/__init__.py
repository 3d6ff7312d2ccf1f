"""Deliberation's pages, one module a page family: ``meetings`` (with the calendar) and ``matters`` (with
the figures)."""

from .matters import *  # noqa: F403
from .meetings import *  # noqa: F403
