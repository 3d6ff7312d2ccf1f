"""Assistant services: routing (reads), decisions on suggestions, training and model versions."""

from .decisions import may_decide, record_dispatch, suggestion_accept, suggestion_for
from .routing import Route, active_router, route
from .training import harvest_cases, rollback, rules_only, train_version

__all__ = [
    "Route",
    "active_router",
    "harvest_cases",
    "may_decide",
    "record_dispatch",
    "rollback",
    "route",
    "rules_only",
    "suggestion_accept",
    "suggestion_for",
    "train_version",
]
