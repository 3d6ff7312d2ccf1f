"""Who may see and record organisational life. Scope comes from each binding (community, street, district); a
resident's binding reaches only the organisations where they hold a committee seat (``models.CommitteeScope``),
so a branch secretary records their own branch's life with their own login."""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import Attendance, Evaluation, EvaluationEntry, Meeting, MeetingPhoto, Resolution, Talk

READERS = (Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER)
WRITERS = (Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY)

for role in READERS:
    for model in (Meeting, Attendance, MeetingPhoto, Resolution, Evaluation, EvaluationEntry, Talk):
        grant(role, model, "view")
for role in WRITERS:
    for model in (Meeting, Evaluation, Talk):
        grant(role, model, "add", "change")
    grant(role, EvaluationEntry, "change")

# Committee members (branch secretaries…) through their resident login: their own organisations only.
for model in (Meeting, Attendance, MeetingPhoto, Resolution, Evaluation, EvaluationEntry, Talk):
    grant(Role.RESIDENT, model, "view")
for model in (Meeting, Evaluation, Talk):
    grant(Role.RESIDENT, model, "add", "change")
grant(Role.RESIDENT, EvaluationEntry, "change")
