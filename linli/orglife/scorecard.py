"""Score-card providers of organisational life (registered from ``registrations.py`` when score cards are
installed): the branch's statutory rhythm held on time, attendance (branch and member) and the democratic evaluation
grade. Bulk: a few queries for all subjects of a run.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from linli.core import dates
from linli.party.models import PartyOrg
from linli.scorecards.providers import HUNDRED, MISSING, Value, pct, record, subject_ids, url_for

from .models import Attendance, EvaluationEntry, Meeting
from .selectors import compliance_many


def _period_label(period) -> str:
    return period.key  # "2025-03", "2025-Q2", "2025"


def orglife_compliance(subs, year):
    """Share of the statutory rhythm (三会一课, 主题党日, 组织生活会, 民主评议, 谈心谈话) done on time: done ÷ (done +
    held late + missing) over the periods already over (the running one counts once done). The records list every
    counted period: the missing ones first (red, linked to the calendar), then those held late, then those done."""
    orgs = list(PartyOrg.objects.filter(pk__in=[s.pk for s in subs]))
    # Today, not the year's last day: on 31 December that month and the year's items are still running ("due", not
    # counted), so a year-end card computed in January would never count December's or the yearly gaps.
    today = dates.today()
    out = {}
    for comp in compliance_many(orgs, year, today):
        c = comp.counts
        calendar = url_for("orglife:calendar", comp.org.pk) + f"?year={year}"
        missing, late, done = [], [], []
        for row in comp.rows:
            for cell in row.cells:
                where = {"period": _period_label(cell.period), "item": row.label}
                if cell.state == "missing":
                    missing.append(
                        record(
                            f"party.partyorg:{comp.org.pk}",
                            _("%(period)s %(item)s: missing") % where,
                            calendar,
                            MISSING,
                        )
                    )
                    continue
                if cell.state not in ("done", "overdue"):
                    continue  # due or upcoming: not counted yet
                target = late if cell.state == "overdue" else done
                text = (
                    _("%(period)s %(item)s: held late on %(date)s")
                    if cell.state == "overdue"
                    else _("%(period)s %(item)s: held on %(date)s")
                )
                for h in cell.records:
                    if not h.pk:
                        continue
                    url = (
                        url_for("orglife:meeting_detail", h.pk)
                        if row.kind not in ("evaluation", "heart_talk")
                        else calendar
                    )
                    ref = (
                        f"orglife.meeting:{h.pk}"
                        if row.kind not in ("evaluation", "heart_talk")
                        else f"orglife.{'evaluation' if row.kind == 'evaluation' else 'talk'}:{h.pk}"
                    )
                    target.append(record(ref, text % {**where, "date": h.held_on}, url))
                    if cell.state == "done":
                        break  # one record shows the period done
        share = comp.done_share
        value = (
            None
            if share is None
            else (Decimal(share.numerator) * HUNDRED / Decimal(share.denominator)).quantize(Decimal("0.1"))
        )
        out[f"party.partyorg:{comp.org.pk}"] = Value(
            value,
            _("%(done)s of %(required)s periods done on time, %(overdue)s late, %(missing)s missing")
            % {
                "done": c.get("done", 0),
                "required": comp.required,
                "overdue": c.get("overdue", 0),
                "missing": c.get("missing", 0),
            },
            missing + late + done,
        )
    return out


def orglife_attendance(subs, year):
    """The member's attendance at the held meetings they were entitled to in ``year``: present ÷ (present + absent),
    excused leave (请假) not held against them — ``orglife.selectors.AttendanceRate``'s definition, counted here
    from the same attendance rows the explanation lists (one query instead of two)."""
    labels = {k: str(v) for k, v in Attendance._meta.get_field("status").flatchoices}
    counts = defaultdict(lambda: [0, 0, 0])
    recs = defaultdict(list)
    slot = {"present": 0, "absent": 1, "leave": 2}
    for member_id, meeting_id, held_on, topic, status in (
        Attendance.objects.filter(member_id__in=subject_ids(subs), meeting__status="held", meeting__held_on__year=year)
        .values_list("member_id", "meeting_id", "meeting__held_on", "meeting__topic", "status")
        .order_by("meeting__held_on", "meeting_id")
    ):
        counts[member_id][slot.get(status, 2)] += 1
        recs[member_id].append(
            record(
                f"orglife.meeting:{meeting_id}",
                f"{held_on} {topic} · {labels.get(status)}",
                url_for("orglife:meeting_detail", meeting_id),
                MISSING if status == "absent" else "",
            )
        )
    out = {}
    for s in subs:
        present, absent, leave = counts[s.pk]
        out[s.key] = Value(
            pct(present, present + absent),
            _("present %(p)s, absent %(a)s, excused %(l)s") % {"p": present, "a": absent, "l": leave},
            recs[s.pk],
        )
    return out


def orglife_branch_attendance(subs, year):
    """Present over expected (应到) at the branch's held meetings of the year; every meeting listed with its count."""
    labels = {k: str(v) for k, v in Meeting._meta.get_field("kind").flatchoices}
    sums = defaultdict(lambda: [0, 0])
    recs = defaultdict(list)
    for org_id, pk, held_on, kind, topic, present, entitled in (
        Meeting.objects.filter(org_id__in=subject_ids(subs), status="held", held_on__year=year)
        .values_list("org_id", "pk", "held_on", "kind", "topic", "present_count", "entitled_count")
        .order_by("held_on", "pk")
    ):
        sums[org_id][0] += present or 0
        sums[org_id][1] += entitled or 0
        recs[org_id].append(
            record(
                f"orglife.meeting:{pk}",
                f"{held_on} {labels.get(kind, kind)} {topic} · {present or 0}/{entitled or 0}",
                url_for("orglife:meeting_detail", pk),
            )
        )
    out = {}
    for s in subs:
        p, e = sums[s.pk]
        rows = recs[s.pk] or [
            record(
                f"party.partyorg:{s.pk}",
                _("No meeting held this year"),
                url_for("orglife:calendar", s.pk) + f"?year={year}",
                MISSING,
            )
        ]
        out[s.key] = Value(
            pct(p, e),
            _("%(p)s present of %(e)s expected at %(n)s meetings") % {"p": p, "e": e, "n": len(recs[s.pk])},
            rows,
        )
    return out


GRADE_VALUES = {
    "excellent": Decimal("100"),
    "qualified": Decimal("80"),
    "basic": Decimal("60"),
    "unqualified": Decimal("0"),
}


def orglife_grade(subs, year):
    """民主评议党员: the grade of the year's rated evaluation (优秀 100, 合格 80, 基本合格 60, 不合格 0)."""
    labels = dict(EvaluationEntry._meta.get_field("grade").flatchoices)
    out = {}
    for _pk, member_id, grade, ev_id in (
        EvaluationEntry.objects.filter(
            member_id__in=subject_ids(subs), evaluation__year=year, evaluation__state="rated"
        )
        .exclude(grade="")
        .values_list("pk", "member_id", "grade", "evaluation_id")
    ):
        label = labels.get(grade, grade)
        out[f"party.partymember:{member_id}"] = Value(
            GRADE_VALUES.get(grade),
            str(label),
            [record(f"orglife.evaluation:{ev_id}", f"{year} {label}", url_for("orglife:evaluation_detail", ev_id))],
        )
    return out


def register() -> None:
    from django.utils.translation import gettext_lazy

    from linli.scorecards.models import CardType
    from linli.scorecards.providers import providers

    providers.register(
        "orglife.compliance",
        orglife_compliance,
        label=gettext_lazy("Organisational life held on time"),
        card_types=(CardType.BRANCH,),
        unit="%",
    )
    providers.register(
        "orglife.branch_attendance",
        orglife_branch_attendance,
        label=gettext_lazy("Members' attendance at branch meetings"),
        card_types=(CardType.BRANCH,),
        unit="%",
    )
    providers.register(
        "orglife.attendance",
        orglife_attendance,
        label=gettext_lazy("Attendance at organisational life"),
        card_types=(CardType.MEMBER,),
        unit="%",
    )
    providers.register(
        "orglife.grade",
        orglife_grade,
        label=gettext_lazy("Democratic evaluation grade"),
        card_types=(CardType.MEMBER,),
    )
