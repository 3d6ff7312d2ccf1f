"""Mount each domain's API router under /api/v1/."""

from linli.core.api import build_api

api = build_api()

api.add_router("/auth", "linli.accounts.api.auth_router")
api.add_router("/places", "linli.areas.api.places_router")
api.add_router("/grids", "linli.areas.api.grids_router")
api.add_router("/organisations", "linli.orgs.api.router")
api.add_router("/users", "linli.accounts.api.users_router")
api.add_router("/audit", "linli.accounts.api.audit_router")
api.add_router("/residents", "linli.registry.api.residents_router")
api.add_router("/households", "linli.registry.api.households_router")
api.add_router("/workorders", "linli.workorders.api.router")
api.add_router("/party", "linli.party.api.router")
api.add_router("/learning", "linli.learning.api.router")
api.add_router("/meetings", "linli.meetings.api.router")
api.add_router("/alliance", "linli.alliance.api.router")
api.add_router("/deliberation", "linli.deliberation.api.router")
api.add_router("/knowledge", "linli.knowledge.api.router")
api.add_router("/access", "linli.access.api.router")
api.add_router("/selections", "linli.selections.api.router")
api.add_router("/scorecards", "linli.scorecards.api.router")
api.add_router("/volunteering", "linli.volunteering.api.router")
api.add_router("/wishes", "linli.wishes.api.router")
api.add_router("/points", "linli.points.api.router")
api.add_router("/visits", "linli.visits.api.router")
api.add_router("/orglife", "linli.orglife.api.router")
