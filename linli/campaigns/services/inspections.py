"""In the field: an inspection (checklist, photos, location), its findings, a finding turned into a work order in one
step, and a finding rectified when its work order is archived (event ``workorders.case.archive``)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.areas.models import Place
from linli.core import audit, dates, events, uploads
from linli.core.permissions import Action, require
from linli.core.services import save_audited

from ..models import Campaign, CampaignState, Finding, Inspection, InspectionPhoto, Located, Target, Theme
from .common import check_text, require_work_at

MAX_PHOTOS = 9
FALLBACK_CATEGORY = "other"


def coordinate(value, field: str, limit: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("Enter a number.")}) from exc
    if not number.is_finite() or abs(number) > limit:
        raise ValidationError({field: _("This is not a position on Earth.")})
    return number


@transaction.atomic
def inspection_record(
    *,
    actor,
    campaign: Campaign,
    compound: Place,
    theme: Theme,
    results: dict,
    notes: dict | None = None,
    photos: Iterable = (),
    lat=None,
    lng=None,
    note: str = "",
) -> Inspection:
    """Record one inspection of ``compound`` under ``theme``: ``results`` maps every checklist item's id to True
    (passed) or False (failed); each failed item becomes a finding with its note from ``notes``. The location is
    the phone's (``lat``/``lng``) when given, else the compound's."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.state != CampaignState.RUNNING:
        raise ValidationError({"campaign": _("Inspections are recorded while the campaign is running.")})
    target = (
        Target.objects.filter(campaign=campaign, compound_id=getattr(compound, "pk", None))
        .select_related("compound")
        .first()
    )
    if target is None:
        raise ValidationError({"compound": _("This compound is not one of the campaign's target compounds.")})
    require_work_at(actor, Action.ADD, Inspection, target.scope_path)
    if theme is None or theme.campaign_id != campaign.pk:
        raise ValidationError({"theme": _("Choose one of the campaign's themes.")})
    items = {i.pk: i for i in theme.items.all()}
    try:
        answers = {int(k): bool(v) for k, v in (results or {}).items()}
    except (TypeError, ValueError) as exc:
        raise ValidationError({"results": _("Answer every check of the list.")}) from exc
    if set(answers) - set(items):
        raise ValidationError({"results": _("A check that is not on this theme's list was answered.")})
    if set(items) - set(answers):
        raise ValidationError({"results": _("Answer every check of the list.")})
    notes = {int(k): v for k, v in (notes or {}).items() if str(k).isdigit()}
    failed = [pk for pk, ok in answers.items() if not ok]
    stray = [pk for pk, text in notes.items() if str(text or "").strip() and answers.get(pk, True)]
    if stray:
        raise ValidationError({"results": _("A finding needs a failed check: mark the check as failed first.")})
    texts = {pk: check_text(notes.get(pk, ""), f"note_{pk}", required=False, limit=2000) for pk in failed}
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("At most %(n)d photos an inspection.") % {"n": MAX_PHOTOS}})
    clean = uploads.sanitise_all(photos, field="photos")
    lat, lng = coordinate(lat, "lat", 90), coordinate(lng, "lng", 180)
    if (lat is None) != (lng is None):
        raise ValidationError({"lat": _("Give both latitude and longitude, or neither.")})
    inspection = Inspection(
        campaign=campaign,
        target=target,
        theme=theme,
        scope_path=target.scope_path,
        inspector=actor,
        inspected_at=timezone.now(),
        located=Located.DEVICE if lat is not None else Located.COMPOUND,
        lat=lat,
        lng=lng,
        passed=len(answers) - len(failed),
        failed=len(failed),
        note=check_text(note, "note", required=False, limit=2000),
    )
    save_audited(actor=actor, obj=inspection, action="create")
    for c, content_type, original in clean:
        InspectionPhoto.objects.create(
            inspection=inspection, file=c, content_type=content_type, size=c.size, original_name=original[:120]
        )
    findings = [
        Finding(
            inspection=inspection,
            campaign=campaign,
            target=target,
            item=items[pk],
            scope_path=target.scope_path,
            note=texts[pk],
        )
        for pk in sorted(failed)
    ]
    Finding.objects.bulk_create(findings)
    if findings:
        audit.record(
            actor=actor,
            action="create",
            obj=inspection,
            after={"findings": [f"{items[pk].text}: {texts[pk]}" for pk in sorted(failed)]},
            note=f"{len(findings)} findings",
        )
    events.publish(
        "campaigns.inspection.recorded",
        {"inspection_id": inspection.pk, "campaign_id": campaign.pk, "path": inspection.scope_path},
    )
    return inspection


@transaction.atomic
def finding_to_case(*, actor, finding: Finding, category=None, description: str = ""):
    """One step: the finding becomes a work order at its compound (category from the theme, title from the check,
    the finding's note as the description), linked both ways (``Finding.case``, ``Case.origin``)."""
    from linli.workorders import services as wo
    from linli.workorders.models import CaseType, Category, Source

    finding = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("item__theme__category", "target__compound", "inspection", "campaign")
        .get(pk=finding.pk)
    )
    require(actor, Action.CHANGE, finding)
    if finding.case_id:
        raise ValidationError({"case": _("This finding already has a work order.")})
    theme = finding.item.theme
    if category is None:
        category = theme.category if theme.category and theme.category.is_active else None
    if category is None:
        category = Category.objects.filter(code=FALLBACK_CATEGORY, is_active=True).first()
    text = check_text(description or finding.note or finding.item.text, "description", limit=4000)
    inspection = finding.inspection
    case = wo.case_create(
        actor=actor,
        category=category,
        case_type=CaseType.REPORT,
        title=f"{theme.name}：{finding.item.text}"[:100],
        description=f"{text}\n（{finding.campaign.title} · {finding.target.compound.name}）"[:4000],
        place=finding.target.compound,
        source=Source.CAMPAIGN,
        reporter_name=finding.campaign.title[:50],
        lat=inspection.lat,
        lng=inspection.lng,
        origin=finding,
    )
    before = audit.snapshot(finding)
    finding.case = case
    save_audited(actor=actor, obj=finding, action="finding_to_case", before=before, note=case.number)
    events.publish(
        "campaigns.finding.case_opened", {"finding_id": finding.pk, "case_id": case.pk, "path": finding.scope_path}
    )
    return case


@transaction.atomic
def finding_rectified_by_case(*, case_id: int) -> Finding | None:
    """The work order of a finding was archived (归档): the finding is rectified. Runs as the system (the archive
    step was permission-checked and audited by the work-order domain); idempotent — a finding already rectified,
    or a case no finding points at, changes nothing."""
    finding = Finding.objects.select_for_update().filter(case_id=case_id, rectified_on__isnull=True).first()
    if finding is None:
        return None
    before = audit.snapshot(finding)
    finding.rectified_on = dates.today()
    save_audited(actor=None, obj=finding, action="finding_rectified", before=before, note=f"case {case_id} archived")
    events.publish(
        "campaigns.finding.rectified", {"finding_id": finding.pk, "case_id": case_id, "path": finding.scope_path}
    )
    return finding
