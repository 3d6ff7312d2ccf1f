"""The place tree: 区县 → 街道/乡镇 → 社区 → 小区 → 楼栋 → 单元 → 房屋, in one table.

``code`` is the stable identity: the 12-digit statistical division code for district, street
and community, extended with fixed-width sub-codes (3+3+2+4 digits) for compound, building,
unit and house. It never changes and is never reused (places are archived, not deleted).

``path`` is the position: equal to the code's significant digits when the place is created,
rewritten (with its subtree) when the place moves. Prefix ranges on ``path`` answer
"everything under X" on both SQLite and PostgreSQL (see ``linli.core.paths``).
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel, ScopedModel
from linli.core.paths import PATH_LENGTHS, SEGMENT_WIDTHS


class Level(models.IntegerChoices):
    DISTRICT = 1, _("District")
    STREET = 2, _("Street / township")
    COMMUNITY = 3, _("Community")
    COMPOUND = 4, _("Compound")
    BUILDING = 5, _("Building")
    UNIT = 6, _("Unit")
    HOUSE = 7, _("House")


class AreaSource(models.TextChoices):
    """Which area counts (最高法 建筑物区分所有权解释 第8条): registered, else surveyed, else contract."""

    REGISTERED = "registered", _("Registered (title register)")
    SURVEYED = "surveyed", _("Surveyed")
    CONTRACT = "contract", _("Contract")


class HouseUse(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    COMMERCIAL = "commercial", _("Commercial")
    OFFICE = "office", _("Office")
    STORAGE = "storage", _("Storage")
    PARKING = "parking", _("Parking space")
    PUBLIC = "public", _("Public / community use")
    OTHER = "other", _("Other")


CODE_LENGTHS = {1: 12, 2: 12, 3: 12, 4: 15, 5: 18, 6: 20, 7: 24}
ADMIN_LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY)
DIGITS = re.compile(r"^\d+$")


def code_error(level: int) -> str:
    return {
        Level.DISTRICT: _("A district code is 12 digits: the 6-digit county code followed by 000000."),
        Level.STREET: _("A street code is 12 digits: the district's 6 digits, a 3-digit street number, then 000."),
        Level.COMMUNITY: _("A community code is 12 digits: the street's first 9 digits and a 3-digit number."),
        Level.COMPOUND: _("A compound code is the community's 12 digits followed by 3 digits."),
        Level.BUILDING: _("A building code is the compound's 15 digits followed by 3 digits."),
        Level.UNIT: _("A unit code is the building's 18 digits followed by 2 digits."),
        Level.HOUSE: _("A house code is the unit's 20 digits followed by 4 digits."),
    }[level]


def check_code_shape(level: int, code: str) -> str | None:
    """Return an error message if ``code`` is not a well-formed code of ``level``."""
    if not code or not DIGITS.match(code) or len(code) != CODE_LENGTHS[level]:
        return code_error(level)
    if level == Level.DISTRICT and (code[6:] != "000000" or code[4:6] == "00" or code[:2] == "00"):
        return code_error(level)
    if level == Level.STREET and (code[9:] != "000" or code[6:9] == "000"):
        return code_error(level)
    if level == Level.COMMUNITY and code[9:] == "000":
        return code_error(level)
    if level > Level.COMMUNITY and int(code[-SEGMENT_WIDTHS[level] :]) == 0:
        return code_error(level)
    return None


def own_segment(level: int, code: str) -> str:
    """The part of ``code`` that names the place under its parent."""
    if level == Level.DISTRICT:
        return code[:6]
    return code[PATH_LENGTHS[level - 1] : PATH_LENGTHS[level]]


class PlaceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def under(self, place_or_path, include_self: bool = True):
        from linli.core.paths import subtree_q

        path = place_or_path if isinstance(place_or_path, str) else place_or_path.path
        qs = self.filter(subtree_q("path", path))
        return qs if include_self else qs.exclude(path=path)

    def of_level(self, level: int):
        return self.filter(level=level)


class Place(ScopedModel, BaseModel):
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.CharField(_("code"), max_length=24, unique=True)
    path = models.CharField(_("path"), max_length=24, unique=True)
    name = models.CharField(_("name"), max_length=60)
    is_active = models.BooleanField(_("active"), default=True)
    # High-water mark of child sub-codes: codes are never handed out twice.
    next_child_seq = models.PositiveIntegerField(default=0, editable=False)

    # Buildings
    floors = models.PositiveSmallIntegerField(
        _("floors above ground"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    unit_count = models.PositiveSmallIntegerField(
        _("units"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("73")), MaxValueValidator(Decimal("136"))],
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("3")), MaxValueValidator(Decimal("54"))],
    )
    grid = models.ForeignKey(
        "areas.Grid",
        verbose_name=_("grid"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="buildings",
    )

    # Houses
    floor = models.SmallIntegerField(
        _("floor"), null=True, blank=True, validators=[MinValueValidator(-9), MaxValueValidator(200)]
    )
    number = models.CharField(_("house number"), max_length=10, blank=True)
    area = models.DecimalField(
        _("exclusive area (m²)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("99999999.99"))],
    )
    area_source = models.CharField(_("area source"), max_length=16, choices=AreaSource.choices, blank=True)
    use = models.CharField(_("use"), max_length=16, choices=HouseUse.choices, blank=True)

    address = models.CharField(_("address"), max_length=200, blank=True)

    objects = PlaceQuerySet.as_manager()

    scope_field = "path"

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["path"]
        indexes = [models.Index(fields=["level", "path"], name="place_level_path_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=7), name="place_level_range"),
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True, level=1) | models.Q(parent__isnull=False, level__gt=1),
                name="place_only_districts_are_roots",
            ),
        ]

    def __str__(self):
        return self.name

    # -- scope ----------------------------------------------------------------------------------
    @classmethod
    def coverage_prefixes(cls, binding) -> list[str]:
        prefixes = list(binding.place_prefixes())
        if binding.organisation_id:
            prefixes += binding.organisation.served_prefixes()
        return prefixes

    # -- helpers --------------------------------------------------------------------------------
    @property
    def level_label(self) -> str:
        return str(Level(self.level).label)

    @property
    def is_building(self) -> bool:
        return self.level == Level.BUILDING

    @property
    def is_house(self) -> bool:
        return self.level == Level.HOUSE

    @property
    def child_level(self) -> int | None:
        return self.level + 1 if self.level < Level.HOUSE else None

    def ancestor_paths(self) -> list[str]:
        from linli.core.paths import ancestor_paths

        return ancestor_paths(self.path)

    def clean(self):
        errors: dict[str, list] = {}
        level = self.level
        if level not in Level.values:
            raise ValidationError({"level": _("Unknown level.")})
        if level == Level.DISTRICT:
            if self.parent_id:
                errors.setdefault("parent", []).append(_("A district has no parent."))
        else:
            if self.parent is None:
                errors.setdefault("parent", []).append(_("Choose the place this one belongs to."))
            elif self.parent.level != level - 1:
                errors.setdefault("parent", []).append(
                    _("A %(child)s must belong to a %(parent)s, not a %(given)s.")
                    % {
                        "child": Level(level).label,
                        "parent": Level(level - 1).label,
                        "given": Level(self.parent.level).label,
                    }
                )
        if level != Level.BUILDING:
            for name in ("floors", "unit_count", "grid"):
                if getattr(self, name if name != "grid" else "grid_id") not in (None, ""):
                    errors.setdefault(name, []).append(_("Only buildings have this."))
        if level != Level.HOUSE:
            for name in ("floor", "area", "area_source", "use"):
                if getattr(self, name) not in (None, ""):
                    errors.setdefault(name, []).append(_("Only houses have this."))
        else:
            if self.area is not None and not self.area_source:
                errors.setdefault("area_source", []).append(
                    _("Say where the area comes from: registered, surveyed or contract.")
                )
            if self.floor is None:
                errors.setdefault("floor", []).append(_("Enter the floor of the house."))
        if (self.latitude is None) != (self.longitude is None):
            errors.setdefault("latitude", []).append(_("Give both latitude and longitude, or neither."))
        if errors:
            raise ValidationError(errors)

    def full_address(self) -> str:
        """Names from the district down, e.g. 雨山区 平湖街道 雨秀社区 怡心花园 3栋 1单元 1201."""
        names = list(
            Place.objects.filter(path__in=self.ancestor_paths()).order_by("path").values_list("name", flat=True)
        )
        return " ".join([*names, self.name])
