"""Every read of 微学习 goes through ``restrict`` — except ``completion``, a statistic for score cards that the
score-card domain calls for records it already may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404

from linli.core.paths import subtree_q
from linli.core.permissions import Action, restrict

from .models import Assignment, Course, Question


def courses(user, *, action=Action.VIEW, under: str | None = None, q: str = ""):
    qs = restrict(Course.objects.all(), user, action)
    if under:
        qs = qs.filter(subtree_q("scope_path", under))
    if q:
        qs = qs.filter(title__icontains=q)
    return qs.annotate(
        n_assigned=Count("assignments", distinct=True),
        n_done=Count("assignments", filter=Q(assignments__completed_at__isnull=False), distinct=True),
    )


def course_for(user, pk, action=Action.VIEW) -> Course:
    return get_object_or_404(restrict(Course.objects.all(), user, action), pk=pk)


def questions(user, course: Course):
    return restrict(Question.objects.filter(course=course), user).order_by("position", "id")


def my_assignments(user):
    return (
        restrict(Assignment.objects.filter(user_id=user.pk, course__is_published=True), user)
        .select_related("course")
        .order_by("completed_at", "-created_at")
    )


def my_assignment(user, course: Course) -> Assignment | None:
    return Assignment.objects.filter(course=course, user_id=user.pk).first()


def learners(user, course: Course):
    return (
        restrict(Assignment.objects.filter(course=course), user)
        .select_related("user", "resident", "via_org")
        .order_by("via_org__name", "id")
    )


def _avg(total, n) -> Decimal | None:
    if not n:
        return None
    return (Decimal(total) / Decimal(n)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class BranchStats:
    org_id: int
    name: str
    assigned: int
    completed: int
    scored: int
    score_total: int

    @property
    def average_score(self) -> Decimal | None:
        return _avg(self.score_total, self.scored)

    @property
    def completion_rate(self) -> Decimal | None:
        return _avg(100 * self.completed, self.assigned)


def _year_q(year: int | None, prefix: str = "") -> Q:
    if not year:
        return Q()
    return Q(**{f"{prefix}created_at__year": year})


def branch_stats(user, *, year: int | None = None, under: str | None = None) -> list[BranchStats]:
    """Per party branch in the user's scope: assignments of its current active members (assigned in ``year``),
    how many completed, and the average best quiz score of those who took the quiz. Two queries."""
    from linli.party.models import BRANCH_KINDS, PartyOrg

    orgs = restrict(PartyOrg.objects.filter(kind__in=BRANCH_KINDS, is_active=True), user)
    if under:
        orgs = orgs.filter(subtree_q("scope_path", under))
    orgs = list(orgs.order_by("scope_path", "name").values_list("pk", "name"))
    rows = (
        restrict(Assignment.objects.filter(_year_q(year)), user)
        .filter(
            resident__party_memberships__is_active=True, resident__party_memberships__org_id__in=[pk for pk, _n in orgs]
        )
        .values("resident__party_memberships__org_id")
        .annotate(
            assigned=Count("id"),
            completed=Count("id", filter=Q(completed_at__isnull=False)),
            scored=Count("id", filter=Q(best_score__isnull=False)),
            score_total=Sum("best_score"),
        )
    )
    by_org = {r["resident__party_memberships__org_id"]: r for r in rows}
    out = []
    for pk, name in orgs:
        r = by_org.get(pk, {})
        out.append(
            BranchStats(
                pk, name, r.get("assigned", 0), r.get("completed", 0), r.get("scored", 0), r.get("score_total") or 0
            )
        )
    return out


def completion(member_or_user, year: int) -> dict:
    """Learning completion for a score card: courses assigned in ``year`` to this person, how many completed
    (by the end of that year), and the average best quiz score. No study hours or online time (domain-rules §10).

    Accepts a ``party.PartyMember``, a ``registry.Resident`` or a user. Returns
    ``{"assigned", "completed", "rate" (Decimal % or None), "average_score" (Decimal or None), "assignments"}``
    where ``assignments`` lists ``(assignment id, course title, completed_at, best_score)`` — the records behind
    the numbers."""
    resident_id = user_id = None
    label = member_or_user._meta.label_lower if hasattr(member_or_user, "_meta") else ""
    if label == "party.partymember":
        resident_id = member_or_user.resident_id
    elif label == "registry.resident":
        resident_id = member_or_user.pk
    else:
        user_id = member_or_user.pk
    if resident_id is not None:
        from linli.registry.models import Resident

        user_id = Resident.objects.filter(pk=resident_id).values_list("account_id", flat=True).first()
    who = Q(resident_id=resident_id) if resident_id is not None else Q(pk__in=[])
    if user_id is not None:
        who |= Q(user_id=user_id)
    end = dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC)
    rows = list(
        Assignment.objects.filter(who, created_at__year=year)
        .values_list("pk", "course__title", "completed_at", "best_score")
        .order_by("pk")
    )
    done = [r for r in rows if r[2] is not None and r[2] < end]
    scores = [r[3] for r in rows if r[3] is not None]
    return {
        "assigned": len(rows),
        "completed": len(done),
        "rate": _avg(100 * len(done), len(rows)),
        "average_score": _avg(sum(scores), len(scores)),
        "assignments": rows,
    }


def completion_many(member_ids, year: int) -> dict[int, dict]:
    """Bulk form for score cards: party member id → {"assigned", "completed", "average_score"}, in one query."""
    from linli.party.models import PartyMember

    member_ids = list(member_ids)
    res_of = dict(PartyMember.objects.filter(pk__in=member_ids).values_list("pk", "resident_id"))
    rows = (
        Assignment.objects.filter(resident_id__in=set(res_of.values()), created_at__year=year)
        .values("resident_id")
        .annotate(
            assigned=Count("id"),
            completed=Count("id", filter=Q(completed_at__lt=dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC))),
            scored=Count("id", filter=Q(best_score__isnull=False)),
            score_total=Sum("best_score"),
        )
    )
    by_res = {r["resident_id"]: r for r in rows}
    out = {}
    for mid in member_ids:
        r = by_res.get(res_of.get(mid), {})
        out[mid] = {
            "assigned": r.get("assigned", 0),
            "completed": r.get("completed", 0),
            "average_score": _avg(r.get("score_total") or 0, r.get("scored", 0)),
        }
    return out
