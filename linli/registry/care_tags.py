"""The default care groups (关爱对象): created by ``manage.py ensure_care_tags`` (idempotent; the demo seeder
calls it). Sensitive groups are seen only by the roles listed on each tag."""

from __future__ import annotations

from django.db import transaction

from linli.accounts.roles import Role
from linli.core import audit

from .models import CareTag

SENSITIVE_ROLES = (Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER, Role.DISTRICT_ADMIN)

# (code, name, sensitive)
DEFAULT_TAGS = (
    ("elderly_alone", "独居老人", False),
    ("empty_nest", "空巢老人", False),
    ("oldest_old", "高龄老人", False),
    ("left_behind_child", "留守儿童", False),
    ("disabled", "残疾人", True),
    ("subsistence", "低保", True),
    ("extreme_poverty", "特困", True),
    ("special_care", "优抚对象", False),
    ("key_attention", "重点关注", True),
)


@transaction.atomic
def ensure_care_tags(actor=None) -> list[CareTag]:
    """Create the default tags that are missing (by code); existing tags are left as they are."""
    created = []
    for code, name, sensitive in DEFAULT_TAGS:
        if CareTag.objects.filter(code=code).exists() or CareTag.objects.filter(name=name).exists():
            continue
        tag = CareTag(code=code, name=name, sensitive=sensitive)
        tag.roles = [str(r) for r in SENSITIVE_ROLES] if sensitive else []
        tag.save()
        audit.record(actor=actor, action="create", obj=tag, after=audit.snapshot(tag), note="ensure_care_tags")
        created.append(tag)
    return created
