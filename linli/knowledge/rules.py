"""Who may do what in the knowledge base. Scope: the owner place's path (a district-wide text sits at the
district, a community's at the community) and, for questions, the community where they were asked.

District administrators, street staff, community secretaries and social workers add documents and FAQ entries in
their scope and answer the questions waiting there; grid workers read them. Residents hold no grant: they ask
(the answer reads passages through the index, filtered to their place), and see no list."""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import Document, Faq, Passage, Question

for role in (Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER):
    grant(role, Document, "view", "add", "change")
    grant(role, Faq, "view", "add", "change")
    grant(role, Passage, "view")
    grant(role, Question, "view", "change")

grant(Role.GRID_WORKER, Document, "view")
grant(Role.GRID_WORKER, Faq, "view")
grant(Role.GRID_WORKER, Question, "view")
