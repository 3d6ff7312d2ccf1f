"""Who may do what in 微学习. Staff manage courses in their place scope; every learner reaches the published
courses assigned to them and their own assignments and attempts (``scope_q`` on the models)."""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import Assignment, Course, Question, QuizAttempt

for role in (Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER):
    grant(role, Course, "view", "add", "change")
    grant(role, Question, "view", "change")
    grant(role, Assignment, "view", "change", "export")
    grant(role, QuizAttempt, "view")

# Learners: own assignments only.
for role in (
    Role.DISPATCHER,
    Role.GRID_WORKER,
    Role.BUILDING_HEAD,
    Role.DEPARTMENT_STAFF,
    Role.PROPERTY_STAFF,
    Role.RESIDENT,
):
    grant(role, Course, "view")
    grant(role, Question, "view")
    grant(role, Assignment, "view", "change")
    grant(role, QuizAttempt, "view")
