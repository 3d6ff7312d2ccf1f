"""Planning a campaign: create it, its themes and checklists, its key compounds and leaders; start and close it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.areas.models import Place
from linli.core import audit, dates, events
from linli.core.paths import subtree_q
from linli.core.permissions import Action, can, require, require_at
from linli.core.services import save_audited

from ..models import Campaign, CampaignState, ChecklistItem, Target, Targeting, Theme
from .common import check_text

MAX_ITEMS = 30


def lock_campaign(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update(of=("self",)).select_related("owner").get(pk=campaign.pk)


def require_draft(campaign: Campaign) -> None:
    if campaign.state != CampaignState.DRAFT:
        raise ValidationError({"state": _("Only a draft campaign can be changed.")})


@transaction.atomic
def campaign_create(
    *,
    actor,
    owner: Place,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    targeting: str = Targeting.ALL,
    description: str = "",
) -> Campaign:
    """A draft campaign of the district or a street."""
    if owner is None or owner.level not in (1, 2):
        raise ValidationError({"owner": _("A campaign belongs to the district or a street.")})
    require_at(actor, Action.ADD, Campaign, owner.path)
    if targeting not in Targeting.values:
        raise ValidationError({"targeting": _("Choose which compounds the campaign covers.")})
    if starts_on is None or ends_on is None:
        raise ValidationError({"ends_on": _("Enter when the campaign starts and ends.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("A campaign cannot end before it starts.")})
    campaign = Campaign(
        owner=owner,
        scope_path=owner.path,
        title=check_text(title, "title"),
        description=check_text(description, "description", required=False, limit=4000),
        targeting=targeting,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    save_audited(actor=actor, obj=campaign, action="create", exclude_from_validation=("state",))
    return campaign


@transaction.atomic
def theme_add(*, actor, campaign: Campaign, name: str, items: Iterable[str], category=None) -> Theme:
    """A theme with its checklist (one check a line); ``category`` is the work-order category of its findings."""
    campaign = lock_campaign(campaign)
    require(actor, Action.CHANGE, campaign)
    require_draft(campaign)
    name = check_text(name, "name", limit=60)
    if campaign.themes.filter(name=name).exists():
        raise ValidationError({"name": _("The campaign already has this theme.")})
    texts = [check_text(t, "items", limit=120) for t in items if str(t or "").strip()]
    if not texts:
        raise ValidationError({"items": _("Give the theme at least one check.")})
    if len(texts) > MAX_ITEMS:
        raise ValidationError({"items": _("At most %(n)d checks a theme.") % {"n": MAX_ITEMS}})
    theme = Theme(campaign=campaign, name=name, category=category, sort=(campaign.themes.count() + 1) * 10)
    save_audited(actor=actor, obj=theme, action="create")
    ChecklistItem.objects.bulk_create(
        [ChecklistItem(theme=theme, text=t, sort=(i + 1) * 10) for i, t in enumerate(texts)]
    )
    audit.record(actor=actor, action="update", obj=campaign, after={"theme": name, "items": texts})
    return theme


@transaction.atomic
def key_target_set(*, actor, campaign: Campaign, compound: Place, leader) -> Target:
    """Make ``compound`` a key compound (包保) of the campaign with ``leader`` answering for it."""
    campaign = lock_campaign(campaign)
    require(actor, Action.CHANGE, campaign)
    if campaign.state == CampaignState.CLOSED:
        raise ValidationError({"state": _("The campaign is closed.")})
    if compound is None or compound.level != 4 or not compound.path.startswith(campaign.owner.path):
        raise ValidationError({"compound": _("Choose a compound under the campaign's district or street.")})
    if leader is None or not leader.is_active:
        raise ValidationError({"leader": _("Choose the leader who answers for this compound.")})
    target = Target.objects.select_for_update().filter(campaign=campaign, compound=compound).first()
    before = audit.snapshot(target) if target else None
    if target is None:
        target = Target(campaign=campaign, compound=compound, scope_path=compound.path)
    target.is_key, target.leader = True, leader
    save_audited(actor=actor, obj=target, action="update" if before else "create", before=before)
    return target


@transaction.atomic
def campaign_start(*, actor, campaign: Campaign) -> Campaign:
    """Draft → running. A campaign over every compound gets its targets now (the compounds under the owner)."""
    campaign = lock_campaign(campaign)
    require(actor, Action.CHANGE, campaign)
    if campaign.state != CampaignState.DRAFT:
        raise ValidationError({"state": _("Only a draft campaign can be started.")})
    if not ChecklistItem.objects.filter(theme__campaign=campaign).exists():
        raise ValidationError({"themes": _("Add at least one theme with its checklist first.")})
    if campaign.targeting == Targeting.ALL:
        have = set(campaign.targets.values_list("compound_id", flat=True))
        compounds = Place.objects.filter(subtree_q("path", campaign.owner.path), level=4, is_active=True)
        Target.objects.bulk_create(
            [Target(campaign=campaign, compound=c, scope_path=c.path) for c in compounds if c.pk not in have]
        )
    if not campaign.targets.exists():
        raise ValidationError({"targets": _("Name the key compounds (包保) and their leaders first.")})
    before = audit.snapshot(campaign)
    campaign.start()
    save_audited(actor=actor, obj=campaign, action="campaign_start", before=before, exclude_from_validation=("state",))
    events.publish("campaigns.campaign.started", {"campaign_id": campaign.pk, "path": campaign.scope_path})
    return campaign


@transaction.atomic
def campaign_close(*, actor, campaign: Campaign) -> Campaign:
    """Running → closed; findings still open stay on their work orders and are rectified when those are archived."""
    campaign = lock_campaign(campaign)
    require(actor, Action.CHANGE, campaign)
    if campaign.state != CampaignState.RUNNING:
        raise ValidationError({"state": _("Only a running campaign can be closed.")})
    before = audit.snapshot(campaign)
    campaign.close()
    campaign.closed_on = dates.today()
    save_audited(actor=actor, obj=campaign, action="campaign_close", before=before, exclude_from_validation=("state",))
    events.publish("campaigns.campaign.closed", {"campaign_id": campaign.pk, "path": campaign.scope_path})
    return campaign


def may_plan(user, campaign: Campaign) -> bool:
    return campaign.state != CampaignState.CLOSED and can(user, Action.CHANGE, campaign)
