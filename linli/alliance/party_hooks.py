"""What the alliances add to the party's 双报到 pages (``linli.party.hooks``): the projects an in-service member
claimed, as a panel of their page (with the claim button) and a section of their quarterly record sheet.
Registered from ``registrations.py``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.permissions import Action, can_at

from . import selectors
from .models import ProjectClaim


def panel_context(user, member) -> dict:
    return {
        "claims": list(selectors.project_claims(user, member=member)),
        "may_claim": member.is_active and can_at(user, Action.ADD, ProjectClaim, member.scope_path),
        "may_release": can_at(user, Action.CHANGE, ProjectClaim, member.scope_path),
    }


def sheet_collect(user, members, start, end) -> dict:
    out = {}
    claims = selectors.project_claims(user, members=[m.pk for m in members], start=start, end=end)
    for claim in claims.order_by("claimed_on", "pk"):
        out.setdefault(claim.member_id, []).append(claim)
    return out


def sheet_row(claim) -> list:
    title = f"{claim.project.title} — {claim.role}" if claim.role else claim.project.title
    return [claim.claimed_on, title, claim.project.partner.organisation.name, claim.released_on or ""]


def sheet_summary(claims) -> str:
    return _("%(n)s projects") % {"n": len(claims)}


def register() -> None:
    from linli.party.hooks import InServicePanel, SheetSection, hooks

    hooks.add_inservice_panel(
        InServicePanel("alliance.projects", "alliance/_inservice_projects.html", panel_context, order=10)
    )
    hooks.add_sheet_section(
        SheetSection(
            "alliance.projects",
            gettext_lazy("Claimed projects"),
            (gettext_lazy("Claimed on"), gettext_lazy("Project"), gettext_lazy("Partner"), gettext_lazy("Released on")),
            collect=sheet_collect,
            row=sheet_row,
            summary=sheet_summary,
            order=10,
        )
    )
