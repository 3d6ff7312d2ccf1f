"""Volunteering (志愿服务条例 2017; 民政部令第67号 2021).

A volunteer IS a ``registry.Resident``: this app keeps only what volunteering adds (number, skills, availability,
contact preference, teams, service records) and never copies ID or phone numbers; pages show ``resident.id_masked``.

* ``Volunteer`` — registration (Art. 7): skills, available time, how to contact; number ``YS<year><seq>``.
* ``Team`` / ``TeamMember`` / ``DutyLog`` — service teams with leaders; the 文明创建督查队's 日巡查、周督促、月整改.
* ``Achievement`` — training, awards and evaluations (Art. 19).
* ``Activity`` → ``SignUp`` (waiting list) → check-in/out (signed, short-lived codes; ``CodeUse`` stops replays)
  → ``ServiceRecord`` (immutable once confirmed: date, content, hours, organiser).
* ``Certificate`` — the 证明 with the fields of Art. 21 of 67号令, numbered.
* ``StarThreshold`` (configurable, seeded) and ``StarAward`` (公示 of 5 working days before the award).

One module per aggregate (``volunteers``, ``teams``, ``activities``, ``records``, ``stars``; ``common`` for what they
share); the app label stays ``volunteering`` and every model is re-exported here.
"""

from .activities import Activity, ActivityKind, ActivityStatus, CheckMethod, CodeUse, SignUp, SignUpStatus
from .common import ImmutableQuerySet, PersonalRows
from .records import Certificate, ServiceRecord
from .stars import StarAward, StarNotice, StarNoticeQuerySet, StarStatus, StarThreshold
from .teams import DutyKind, DutyLog, Team, TeamKind, TeamMember
from .volunteers import Achievement, AchievementKind, Availability, ContactPreference, Skill, Volunteer, VolunteerStatus

SCOPED_MODELS = [
    Volunteer,
    Team,
    TeamMember,
    DutyLog,
    Achievement,
    Activity,
    SignUp,
    ServiceRecord,
    Certificate,
    StarAward,
]

__all__ = [
    "SCOPED_MODELS",
    "Achievement",
    "AchievementKind",
    "Activity",
    "ActivityKind",
    "ActivityStatus",
    "Availability",
    "Certificate",
    "CheckMethod",
    "CodeUse",
    "ContactPreference",
    "DutyKind",
    "DutyLog",
    "ImmutableQuerySet",
    "PersonalRows",
    "ServiceRecord",
    "SignUp",
    "SignUpStatus",
    "Skill",
    "StarAward",
    "StarNotice",
    "StarNoticeQuerySet",
    "StarStatus",
    "StarThreshold",
    "Team",
    "TeamKind",
    "TeamMember",
    "Volunteer",
    "VolunteerStatus",
]
