"""The providers and subject sources shipped with score cards. Each reads its domain in bulk, lazily imported.

Subjects:  branch → party branches (party.PartyOrg), member → 在册党员 (party.PartyMember),
           org → 共建单位 (alliance member organisations and party.EmployerRegistration),
           inservice → 在职党员 (party.InServiceMember).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core import dates
from linli.core.paths import subtree_q

from .models import CardType
from .providers import (
    MISSING,
    Subject,
    SubjectList,
    Unavailable,
    Value,
    model,
    providers,
    record,
    resident_ids,
    selector,
    subject_ids,
    subjects,
)

HUNDRED = Decimal("100")


_PLACEHOLDER = 987654321
_patterns: dict[str, str] = {}


def _url(name: str, pk) -> str:
    """``reverse(name, args=[pk])`` for URLs taking one id, from a pattern reversed once (providers build tens of
    thousands of links per run; reverse() each time would dominate the computation)."""
    pattern = _patterns.get(name)
    if pattern is None:
        try:
            pattern = reverse(name, args=[_PLACEHOLDER]).replace(str(_PLACEHOLDER), "{}")
        except NoReverseMatch:
            pattern = ""
        _patterns[name] = pattern
    return pattern.format(pk) if pattern else ""


def _pct(num: int, den: int) -> Decimal | None:
    if not den:
        return None
    return (Decimal(num) * HUNDRED / Decimal(den)).quantize(Decimal("0.1"))


# --- subjects: 共建单位 from the alliances (this app's neighbour) -----------------------------------------------


def org_subjects(place_path: str, year: int) -> list[Subject]:
    from linli.alliance.models import AllianceMember

    by_org: dict[int, dict] = {}
    rows = (
        AllianceMember.objects.filter(subtree_q("scope_path", place_path), is_active=True)
        .values_list("pk", "organisation_id", "organisation__name", "scope_path", "alliance__name")
        .order_by("scope_path", "pk")
    )
    for pk, org_id, name, community_path, alliance_name in rows:
        # The card sits where the organisation co-builds (its first alliance's community), so that community's
        # staff see it within a street's or the district's run.
        entry = by_org.setdefault(org_id, {"name": name, "path": community_path, "members": [], "alliances": []})
        entry["members"].append(pk)
        entry["alliances"].append(alliance_name)
    try:
        Registration = model("party.EmployerRegistration")
    except Unavailable:
        Registration = None
    if Registration is not None:
        reg_fields = {f.name for f in Registration._meta.get_fields()}
        if {"organisation", "scope_path"} <= reg_fields:
            for org_id, name, org_path in Registration.objects.filter(subtree_q("scope_path", place_path)).values_list(
                "organisation_id", "organisation__name", "scope_path"
            ):
                by_org.setdefault(org_id, {"name": name, "path": org_path, "members": [], "alliances": []})
    return [
        Subject(
            key=f"orgs.organisation:{org_id}",
            pk=org_id,
            label=e["name"],
            path=e["path"],
            detail="、".join(sorted(set(e["alliances"])))[:200],
            extra={"members": e["members"]},
        )
        for org_id, e in sorted(by_org.items(), key=lambda kv: kv[1]["name"])
    ]


# --- subjects from the party domain ------------------------------------------------------------------------


def branch_subjects(place_path: str, year: int) -> list[Subject]:
    PartyOrg = model("party.PartyOrg")
    base = PartyOrg.objects.filter(
        subtree_q("scope_path", place_path), is_active=True, kind__in=["branch", "general_branch"]
    )
    rows = base.values_list("pk", "name", "scope_path", "parent__name").order_by("scope_path", "name")
    out = SubjectList(
        Subject(key=f"party.partyorg:{pk}", pk=pk, label=name, path=path, detail=parent or "")
        for pk, name, path, parent in rows
    )
    out.ids_query = base.values("pk")
    return out


def member_subjects(place_path: str, year: int) -> list[Subject]:
    PartyMember = model("party.PartyMember")
    base = PartyMember.objects.filter(subtree_q("scope_path", place_path), is_active=True)
    rows = base.values_list(
        "pk", "resident__name", "scope_path", "org__name", "resident__account_id", "resident_id"
    ).order_by("scope_path", "pk")
    out = SubjectList(
        Subject(
            key=f"party.partymember:{pk}",
            pk=pk,
            label=name,
            path=path,
            detail=org or "",
            account_id=account,
            extra={"resident": resident},
        )
        for pk, name, path, org, account, resident in rows
    )
    out.ids_query, out.residents_query = base.values("pk"), base.values("resident_id")
    return out


def inservice_subjects(place_path: str, year: int) -> list[Subject]:
    InServiceMember = model("party.InServiceMember")
    base = InServiceMember.objects.filter(subtree_q("scope_path", place_path), is_active=True)
    rows = base.values_list(
        "pk", "resident__name", "scope_path", "employer__name", "resident__account_id", "resident_id"
    ).order_by("scope_path", "pk")
    out = SubjectList(
        Subject(
            key=f"party.inservicemember:{pk}",
            pk=pk,
            label=name,
            path=path,
            detail=employer or "",
            account_id=account,
            extra={"resident": resident},
        )
        for pk, name, path, employer, account, resident in rows
    )
    out.ids_query, out.residents_query = base.values("pk"), base.values("resident_id")
    return out


def _member_index(subs) -> dict[int, str]:
    """alliance member pk -> subject key."""
    return {m: s.key for s in subs for m in s.extra.get("members", [])}


def _year_range(year: int):
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def alliance_commitments(subs, year):
    from linli.alliance.models import CommitmentItem, ItemStatus

    index = _member_index(subs)
    done, total = defaultdict(int), defaultdict(int)
    recs = defaultdict(list)
    for pk, member_id, text, status, alliance_id in CommitmentItem.objects.filter(
        commitment__member_id__in=list(index), commitment__year=year
    ).values_list("pk", "commitment__member_id", "text", "status", "commitment__alliance_id"):
        key = index[member_id]
        total[key] += 1
        if status == ItemStatus.FULFILLED:
            done[key] += 1
        recs[key].append(
            record(
                f"alliance.commitmentitem:{pk}",
                f"{'✓' if status == ItemStatus.FULFILLED else '✗'} {text}",
                _url("alliance:detail", alliance_id) + f"?year={year}#commitments",
            )
        )
    return {
        s.key: Value(
            _pct(done[s.key], total[s.key]),
            _("%(done)s of %(total)s commitments fulfilled") % {"done": done[s.key], "total": total[s.key]},
            recs[s.key],
        )
        for s in subs
    }


def alliance_meetings(subs, year):
    from linli.alliance.models import JointMeeting

    index = _member_index(subs)
    quarters, recs = defaultdict(set), defaultdict(list)
    start, end = _year_range(year)
    through = JointMeeting.attendees.through
    for meeting_id, member_id, held_on, topic, alliance_id in through.objects.filter(
        alliancemember_id__in=list(index), jointmeeting__held_on__range=(start, end)
    ).values_list(
        "jointmeeting_id",
        "alliancemember_id",
        "jointmeeting__held_on",
        "jointmeeting__topic",
        "jointmeeting__alliance_id",
    ):
        key = index[member_id]
        quarters[key].add((held_on.month - 1) // 3 + 1)
        recs[key].append(
            record(
                f"alliance.jointmeeting:{meeting_id}",
                f"{held_on} {topic}",
                _url("alliance:detail", alliance_id) + f"?year={year}#meetings",
            )
        )
    out = {}
    for s in subs:
        absent = [
            record(f"{s.key}", _("%(year)s Q%(q)s: no joint meeting attended") % {"year": year, "q": q}, "", MISSING)
            for q in (1, 2, 3, 4)
            if q not in quarters[s.key]
        ]
        out[s.key] = Value(
            Decimal(len(quarters[s.key])),
            _("present in %(n)s of 4 quarters") % {"n": len(quarters[s.key])},
            absent + recs[s.key],
        )
    return out


def alliance_wishes(subs, year):
    """Micro-wishes the organisation fulfilled: its alliance claims (``alliance.WishClaim``) and its claims on the
    micro-wish board (wishes app). One wish counts once: an alliance claim that points at a board wish
    (``wish_ref`` "wishes.wish:<pk>") which the organisation also claimed on the board is the same wish — the
    board's record (confirmed by the resident) decides, and the alliance copy is left out, whatever its year."""
    from linli.alliance.models import WishClaim

    index = _member_index(subs)
    by_org = {s.pk: s.key for s in subs}
    seen, recs = defaultdict(set), defaultdict(list)
    alliance_rows = list(
        WishClaim.objects.filter(member_id__in=list(index), fulfilled_on__year=year).values_list(
            "pk", "member_id", "title", "fulfilled_on", "alliance_id", "wish_ref", "member__organisation_id"
        )
    )
    # Wishes the organisation claimed on the micro-wish board (wishes app), when that domain is there.
    try:
        claims = list(_wish_claims(org_ids=list(by_org), year=year))
        on_board = _board_wishes(org_ids=list(by_org), refs=[r[5] for r in alliance_rows if r[5]])
    except Unavailable:
        claims, on_board = [], set()
    for _resident, org_id, wish_id, title, share in claims:
        key = by_org[org_id]
        if wish_id in seen[key]:
            continue
        seen[key].add(wish_id)
        recs[key].append(record(f"wishes.wish:{wish_id}", f"{title} · {share}%", _wish_url(wish_id)))
    for pk, member_id, title, fulfilled_on, alliance_id, wish_ref, org_id in alliance_rows:
        key = index[member_id]
        wish_id = _ref_pk(wish_ref, "wishes.wish")
        if wish_id is not None and ((org_id, wish_id) in on_board or wish_id in seen[key]):
            continue  # the same wish as a board claim (counted there, in the year it was confirmed)
        seen[key].add(wish_id if wish_id is not None else f"alliance.wishclaim:{pk}")
        recs[key].append(
            record(
                f"alliance.wishclaim:{pk}", f"{fulfilled_on} {title}", _url("alliance:detail", alliance_id) + "#wishes"
            )
        )
    return {
        s.key: Value(
            Decimal(len(seen[s.key])), _("%(n)s micro-wishes fulfilled") % {"n": len(seen[s.key])}, recs[s.key]
        )
        for s in subs
    }


def _ref_pk(ref: str, label: str) -> int | None:
    """The pk of an "app.model:pk" reference to ``label``, else None."""
    prefix, _sep, pk = (ref or "").partition(":")
    return int(pk) if prefix == label and pk.isdigit() else None


def _board_wishes(org_ids, refs) -> set[tuple[int, int]]:
    """(organisation, wish) pairs among the referenced wishes that the organisations fulfilled on the board
    (any year), one query."""
    ids = {pk for pk in (_ref_pk(r, "wishes.wish") for r in refs) if pk is not None}
    if not ids:
        return set()
    selector("wishes", "fulfilled_by")  # the wishes domain is there
    WishClaim = model("wishes.WishClaim")
    return set(
        WishClaim.objects.filter(
            organisation_id__in=org_ids, wish_id__in=ids, state="done", wish__state="confirmed"
        ).values_list("organisation_id", "wish_id")
    )


def alliance_problems(subs, year):
    from linli.alliance.models import Problem, ProblemStatus

    index = _member_index(subs)
    n, recs = defaultdict(int), defaultdict(list)
    for pk, member_id, title, solved_on, alliance_id in Problem.objects.filter(
        responsible_id__in=list(index), status=ProblemStatus.SOLVED, solved_on__year=year
    ).values_list("pk", "responsible_id", "title", "solved_on", "alliance_id"):
        key = index[member_id]
        n[key] += 1
        recs[key].append(
            record(f"alliance.problem:{pk}", f"{solved_on} {title}", _url("alliance:detail", alliance_id) + "#problems")
        )
    return {s.key: Value(Decimal(n[s.key]), _("%(n)s problems solved") % {"n": n[s.key]}, recs[s.key]) for s in subs}


def alliance_activities(subs, year):
    from linli.alliance.models import VolunteerActivity

    index = _member_index(subs)
    n, recs = defaultdict(int), defaultdict(list)
    through = VolunteerActivity.members.through
    for act_id, member_id, held_on, title, alliance_id in through.objects.filter(
        alliancemember_id__in=list(index), volunteeractivity__held_on__year=year
    ).values_list(
        "volunteeractivity_id",
        "alliancemember_id",
        "volunteeractivity__held_on",
        "volunteeractivity__title",
        "volunteeractivity__alliance_id",
    ):
        key = index[member_id]
        n[key] += 1
        recs[key].append(
            record(
                f"alliance.volunteeractivity:{act_id}",
                f"{held_on} {title}",
                _url("alliance:detail", alliance_id) + f"?year={year}#activities",
            )
        )
    return {
        s.key: Value(Decimal(n[s.key]), _("%(n)s volunteer activities") % {"n": n[s.key]}, recs[s.key]) for s in subs
    }


# --- organisational life (orglife) -----------------------------------------------------------------------------


def _period_label(period) -> str:
    return period.key  # "2025-03", "2025-Q2", "2025"


def orglife_compliance(subs, year):
    """Share of the statutory rhythm (三会一课, 主题党日, 组织生活会, 民主评议, 谈心谈话) done on time: done ÷ (done +
    held late + missing) over the periods already over (the running one counts once done). The records list every
    counted period: the missing ones first (red, linked to the calendar), then those held late, then those done."""
    compliance_many = selector("orglife", "compliance_many")
    PartyOrg = model("party.PartyOrg")
    orgs = list(PartyOrg.objects.filter(pk__in=[s.pk for s in subs]))
    # Today, not the year's last day: on 31 December that month and the year's items are still running ("due", not
    # counted), so a year-end card computed in January would never count December's or the yearly gaps.
    today = dates.today()
    out = {}
    for comp in compliance_many(orgs, year, today):
        c = comp.counts
        calendar = _url("orglife:calendar", comp.org.pk) + f"?year={year}"
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
                        _url("orglife:meeting_detail", h.pk)
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
    selector("orglife", "attendance_rates")  # the domain is there
    Attendance = model("orglife.Attendance")
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
                _url("orglife:meeting_detail", meeting_id),
                MISSING if status == "absent" else "",
            )
        )
    out = {}
    for s in subs:
        present, absent, leave = counts[s.pk]
        out[s.key] = Value(
            _pct(present, present + absent),
            _("present %(p)s, absent %(a)s, excused %(l)s") % {"p": present, "a": absent, "l": leave},
            recs[s.pk],
        )
    return out


def orglife_branch_attendance(subs, year):
    """Present over expected (应到) at the branch's held meetings of the year; every meeting listed with its count."""
    Meeting = model("orglife.Meeting")
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
                _url("orglife:meeting_detail", pk),
            )
        )
    out = {}
    for s in subs:
        p, e = sums[s.pk]
        rows = recs[s.pk] or [
            record(
                f"party.partyorg:{s.pk}",
                _("No meeting held this year"),
                _url("orglife:calendar", s.pk) + f"?year={year}",
                MISSING,
            )
        ]
        out[s.key] = Value(
            _pct(p, e),
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
    EvaluationEntry = model("orglife.EvaluationEntry")
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
            [record(f"orglife.evaluation:{ev_id}", f"{year} {label}", _url("orglife:evaluation_detail", ev_id))],
        )
    return out


# --- 双报到 service (party), micro-wishes (wishes), volunteering ------------------------------------------------


def party_service_hours(subs, year):
    """在职党员 service hours in the community (§3: ≥ 50 hours a year by default)."""
    hours_many = selector("party", "service_hours_many")
    ServiceRecord = model("party.ServiceRecord")
    ids = [s.pk for s in subs]
    hours = hours_many(ids, year)
    recs = defaultdict(list)
    for pk, member_id, date, content, h in (
        ServiceRecord.objects.filter(member_id__in=subject_ids(subs), date__year=year)
        .values_list("pk", "member_id", "date", "content", "hours")
        .order_by("date", "pk")
    ):
        recs[member_id].append(
            record(f"party.servicerecord:{pk}", f"{date} {content} · {h} h", _url("party:inservice_detail", member_id))
        )
    return {
        s.key: Value(hours.get(s.pk, Decimal("0")), _("%(h)s hours") % {"h": hours.get(s.pk, Decimal("0"))}, recs[s.pk])
        for s in subs
    }


def party_service_quarters(subs, year):
    quarters_many = selector("party", "service_quarters_many")
    quarters = quarters_many([s.pk for s in subs], year)
    out = {}
    for s in subs:
        q = sorted(quarters.get(s.pk, set()))
        shown = "、".join(f"Q{i}" for i in q) or "—"
        url = _url("party:inservice_detail", s.pk)
        out[s.key] = Value(
            Decimal(len(q)),
            _("served in quarters: %(q)s") % {"q": shown},
            [
                record(
                    f"party.inservicemember:{s.pk}",
                    (_("%(year)s Q%(q)s: served") if i in q else _("%(year)s Q%(q)s: no service"))
                    % {"year": year, "q": i},
                    url,
                    "" if i in q else MISSING,
                )
                for i in (1, 2, 3, 4)
            ],
        )
    return out


def _wish_url(wish_id) -> str:
    """The link of a micro-wish record: the wish's page on the public board (``wishes:board_detail``), which every
    signed-in reader of a card may open — the member or organisation on their own card as well as staff — and
    which shows only what the board shows. The counted wishes are confirmed, so they are always on the board.
    (``wishes:detail`` is the staff review page: a 404 for the member reading their own card.)"""
    return _url("wishes:board_detail", wish_id)


def _wish_claims(residents=None, org_ids=None, year=None):
    """Confirmed micro-wishes claimed (whole or in part) by residents or organisations, one query."""
    selector("wishes", "fulfilled_by")  # the wishes domain is there
    WishClaim = model("wishes.WishClaim")
    qs = WishClaim.objects.filter(state="done", wish__state="confirmed", wish__confirmed_at__year=year)
    if residents is not None:
        qs = qs.filter(resident_id__in=residents)
    if org_ids is not None:
        qs = qs.filter(organisation_id__in=org_ids)
    return qs.values_list("resident_id", "organisation_id", "wish_id", "wish__title", "share")


def _wishes_by_resident(subs, year):
    by_resident = {s.extra.get("resident"): s.key for s in subs}
    n, recs = defaultdict(set), defaultdict(list)
    for resident_id, _org, wish_id, title, share in _wish_claims(residents=resident_ids(subs), year=year):
        key = by_resident[resident_id]
        n[key].add(wish_id)
        recs[key].append(record(f"wishes.wish:{wish_id}", f"{title} · {share}%", _wish_url(wish_id)))
    return {
        s.key: Value(Decimal(len(n[s.key])), _("%(n)s micro-wishes fulfilled") % {"n": len(n[s.key])}, recs[s.key])
        for s in subs
    }


def wishes_branch_fulfilled(subs, year):
    PartyMember = model("party.PartyMember")
    member_org = dict(
        PartyMember.objects.filter(org_id__in=subject_ids(subs), is_active=True).values_list("resident_id", "org_id")
    )
    by_org = {s.pk: s.key for s in subs}
    n, recs = defaultdict(set), defaultdict(list)
    members = PartyMember.objects.filter(org_id__in=subject_ids(subs), is_active=True).values("resident_id")
    for resident_id, _org, wish_id, title, share in _wish_claims(residents=members, year=year):
        key = by_org[member_org[resident_id]]
        n[key].add(wish_id)
        recs[key].append(record(f"wishes.wish:{wish_id}", f"{title} · {share}%", _wish_url(wish_id)))
    return {
        s.key: Value(
            Decimal(len(n[s.key])), _("%(n)s micro-wishes fulfilled by members") % {"n": len(n[s.key])}, recs[s.key]
        )
        for s in subs
    }


def volunteering_member_hours(subs, year):
    selector("volunteering", "hours")
    ServiceRecord = model("volunteering.ServiceRecord")
    by_resident = {s.extra.get("resident"): s.key for s in subs}
    total, recs = defaultdict(Decimal), defaultdict(list)
    for pk, resident_id, served_on, content, h in (
        ServiceRecord.objects.filter(volunteer__resident_id__in=resident_ids(subs), served_on__year=year)
        .values_list("pk", "volunteer__resident_id", "served_on", "content", "hours")
        .order_by("served_on")
    ):
        key = by_resident[resident_id]
        total[key] += h
        recs[key].append(record(f"volunteering.servicerecord:{pk}", f"{served_on} {content} · {h} h"))
    return {s.key: Value(total[s.key], _("%(h)s hours") % {"h": total[s.key]}, recs[s.key]) for s in subs}


def register_builtin() -> None:
    subjects.register(CardType.ORG, org_subjects)
    subjects.register(CardType.BRANCH, branch_subjects)
    subjects.register(CardType.MEMBER, member_subjects)
    subjects.register(CardType.INSERVICE, inservice_subjects)
    reg = providers.register
    reg(
        "alliance.commitments",
        alliance_commitments,
        label=gettext_lazy("Commitments fulfilled"),
        card_types=(CardType.ORG,),
        unit="%",
    )
    reg(
        "alliance.meetings",
        alliance_meetings,
        label=gettext_lazy("Quarters present at joint meetings"),
        card_types=(CardType.ORG,),
    )
    reg(
        "alliance.wishes",
        alliance_wishes,
        label=gettext_lazy("Claimed micro-wishes fulfilled"),
        card_types=(CardType.ORG,),
    )
    reg(
        "alliance.problems", alliance_problems, label=gettext_lazy("Listed problems solved"), card_types=(CardType.ORG,)
    )
    reg(
        "alliance.activities",
        alliance_activities,
        label=gettext_lazy("Volunteer activities joined"),
        card_types=(CardType.ORG,),
    )
    reg(
        "orglife.compliance",
        orglife_compliance,
        label=gettext_lazy("Organisational life held on time"),
        card_types=(CardType.BRANCH,),
        unit="%",
    )
    reg(
        "orglife.branch_attendance",
        orglife_branch_attendance,
        label=gettext_lazy("Members' attendance at branch meetings"),
        card_types=(CardType.BRANCH,),
        unit="%",
    )
    reg(
        "orglife.attendance",
        orglife_attendance,
        label=gettext_lazy("Attendance at organisational life"),
        card_types=(CardType.MEMBER,),
        unit="%",
    )
    reg(
        "orglife.grade", orglife_grade, label=gettext_lazy("Democratic evaluation grade"), card_types=(CardType.MEMBER,)
    )
    reg(
        "party.service_hours",
        party_service_hours,
        label=gettext_lazy("Service hours in the community"),
        card_types=(CardType.INSERVICE,),
        unit="h",
    )
    reg(
        "party.service_quarters",
        party_service_quarters,
        label=gettext_lazy("Quarters with community service"),
        card_types=(CardType.INSERVICE,),
    )
    reg(
        "wishes.member_fulfilled",
        _wishes_by_resident,
        label=gettext_lazy("Micro-wishes fulfilled"),
        card_types=(CardType.MEMBER,),
    )
    reg(
        "wishes.inservice_fulfilled",
        _wishes_by_resident,
        label=gettext_lazy("Micro-wishes fulfilled"),
        card_types=(CardType.INSERVICE,),
    )
    reg(
        "wishes.branch_fulfilled",
        wishes_branch_fulfilled,
        label=gettext_lazy("Micro-wishes fulfilled by members"),
        card_types=(CardType.BRANCH,),
    )
    reg(
        "volunteering.member_hours",
        volunteering_member_hours,
        label=gettext_lazy("Volunteer service hours"),
        card_types=(CardType.MEMBER,),
        unit="h",
    )
