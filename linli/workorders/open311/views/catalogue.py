"""Open311 reference data: discovery, the service list and one service's definition (its attributes)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ...models import (
    CaseType,
    Category,
    Confidentiality,
    Priority,
)
from .. import formats
from .common import SPEC_URL, Refused, endpoint

# -- reference data -----------------------------------------------------------------------------------------


def public_categories():
    return Category.objects.filter(is_public=True, is_active=True).select_related("parent").order_by("sort", "code")


ATTRIBUTES = (
    # code, choices, whether a value is required
    ("case_type", CaseType, False),
    ("priority", Priority, False),
    ("confidentiality", Confidentiality, False),
)
ATTRIBUTE_LABELS = {
    "case_type": lambda: _("Type of request"),
    "priority": lambda: _("Urgency"),
    "confidentiality": lambda: _("Confidentiality"),
}
ATTRIBUTE_DEFAULTS = {"case_type": CaseType.HELP, "priority": Priority.NORMAL, "confidentiality": Confidentiality.NONE}


def _attributes() -> list[dict]:
    return [
        {
            "variable": True,
            "code": code,
            "datatype": "singlevaluelist",
            "required": required,
            "datatype_description": "",
            "order": order,
            "description": str(ATTRIBUTE_LABELS[code]()),
            "values": [{"key": value, "name": str(label)} for value, label in choices.choices],
        }
        for order, (code, choices, required) in enumerate(ATTRIBUTES, start=1)
    ]


def _service(category: Category, children: dict) -> dict:
    if category.parent_id:
        group, keywords = category.parent.name, [category.parent.name]
    else:
        group, keywords = category.name, children.get(category.pk, [])
    keywords = list(dict.fromkeys([*keywords, *category.keyword_list]))  # the category's own keywords too
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or category.name,
        "metadata": bool(ATTRIBUTES),
        "type": "realtime",
        "keywords": ",".join(keywords),
        "group": group,
    }


@endpoint("GET")
def discovery(request, fmt):
    base = request.build_absolute_uri(reverse("open311:discovery", args=["json"])).rsplit("/", 1)[0] + "/"
    latest = Category.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    changeset = formats.iso(latest or timezone.now())
    doc = {
        "changeset": changeset,
        "contact": getattr(settings, "LINLI_OPEN311_CONTACT", "") or _("The district dispatch centre"),
        "key_service": _("API keys are issued by the district administrator or the dispatch centre."),
        "endpoints": [
            {
                "specification": SPEC_URL,
                "url": base,
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return formats.render(fmt, "discovery", doc)


@endpoint("GET")
def service_list(request, fmt):
    categories = list(public_categories())
    children: dict[int, list[str]] = {}
    for c in categories:
        if c.parent_id:
            children.setdefault(c.parent_id, []).append(c.name)
    return formats.render(fmt, "services", [_service(c, children) for c in categories])


@endpoint("GET")
def service_definition(request, fmt, code):
    category = public_categories().filter(code=code).first()
    if category is None:
        raise Refused(404, _("Unknown service_code: %(code)s") % {"code": code[:40]})
    return formats.render(fmt, "service_definition", {"service_code": category.code, "attributes": _attributes()})
