"""Score-card subjects and providers of the co-building alliances (registered from ``registrations.py`` when score
cards are installed): who is scored as a 共建单位 — alliance member organisations and the employers registered for
双报到 (party) — and their commitments, joint meetings, micro-wishes, problems and activities. Bulk: a few queries
for all subjects of a run.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from linli.core.paths import subtree_q
from linli.party.models import EmployerRegistration
from linli.scorecards.providers import MISSING, Subject, Value, pct, record, url_for
from linli.wishes.scorecard import wish_url
from linli.wishes.selectors import board_fulfilled_pairs, fulfilled_claims

from .models import AllianceMember, CommitmentItem, ItemStatus, JointMeeting, Problem, ProblemStatus, VolunteerActivity
from .models import WishClaim as AllianceWishClaim


def org_subjects(place_path: str, year: int) -> list[Subject]:
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
    # Employers registered for 双报到 (party) are 共建单位 too, scored where they registered.
    for org_id, name, org_path in EmployerRegistration.objects.filter(subtree_q("scope_path", place_path)).values_list(
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


def _member_index(subs) -> dict[int, str]:
    """alliance member pk -> subject key."""
    return {m: s.key for s in subs for m in s.extra.get("members", [])}


def _year_range(year: int):
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def alliance_commitments(subs, year):
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
                url_for("alliance:detail", alliance_id) + f"?year={year}#commitments",
            )
        )
    return {
        s.key: Value(
            pct(done[s.key], total[s.key]),
            _("%(done)s of %(total)s commitments fulfilled") % {"done": done[s.key], "total": total[s.key]},
            recs[s.key],
        )
        for s in subs
    }


def alliance_meetings(subs, year):
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
                url_for("alliance:detail", alliance_id) + f"?year={year}#meetings",
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
    index = _member_index(subs)
    by_org = {s.pk: s.key for s in subs}
    seen, recs = defaultdict(set), defaultdict(list)
    alliance_rows = list(
        AllianceWishClaim.objects.filter(member_id__in=list(index), fulfilled_on__year=year).values_list(
            "pk", "member_id", "title", "fulfilled_on", "alliance_id", "wish_ref", "member__organisation_id"
        )
    )
    # Wishes the organisation claimed on the micro-wish board (wishes app).
    claims = list(fulfilled_claims(org_ids=list(by_org), year=year))
    on_board = _board_wishes(org_ids=list(by_org), refs=[r[5] for r in alliance_rows if r[5]])
    for _resident, org_id, wish_id, title, share in claims:
        key = by_org[org_id]
        if wish_id in seen[key]:
            continue
        seen[key].add(wish_id)
        recs[key].append(record(f"wishes.wish:{wish_id}", f"{title} · {share}%", wish_url(wish_id)))
    for pk, member_id, title, fulfilled_on, alliance_id, wish_ref, org_id in alliance_rows:
        key = index[member_id]
        wish_id = _ref_pk(wish_ref, "wishes.wish")
        if wish_id is not None and ((org_id, wish_id) in on_board or wish_id in seen[key]):
            continue  # the same wish as a board claim (counted there, in the year it was confirmed)
        seen[key].add(wish_id if wish_id is not None else f"alliance.wishclaim:{pk}")
        recs[key].append(
            record(
                f"alliance.wishclaim:{pk}",
                f"{fulfilled_on} {title}",
                url_for("alliance:detail", alliance_id) + "#wishes",
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
    return board_fulfilled_pairs(org_ids, ids)


def alliance_problems(subs, year):
    index = _member_index(subs)
    n, recs = defaultdict(int), defaultdict(list)
    for pk, member_id, title, solved_on, alliance_id in Problem.objects.filter(
        responsible_id__in=list(index), status=ProblemStatus.SOLVED, solved_on__year=year
    ).values_list("pk", "responsible_id", "title", "solved_on", "alliance_id"):
        key = index[member_id]
        n[key] += 1
        recs[key].append(
            record(
                f"alliance.problem:{pk}", f"{solved_on} {title}", url_for("alliance:detail", alliance_id) + "#problems"
            )
        )
    return {s.key: Value(Decimal(n[s.key]), _("%(n)s problems solved") % {"n": n[s.key]}, recs[s.key]) for s in subs}


def alliance_activities(subs, year):
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
                url_for("alliance:detail", alliance_id) + f"?year={year}#activities",
            )
        )
    return {
        s.key: Value(Decimal(n[s.key]), _("%(n)s volunteer activities") % {"n": n[s.key]}, recs[s.key]) for s in subs
    }


def register() -> None:
    from django.utils.translation import gettext_lazy

    from linli.scorecards.models import CardType
    from linli.scorecards.providers import providers, subjects

    subjects.register(CardType.ORG, org_subjects)
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
