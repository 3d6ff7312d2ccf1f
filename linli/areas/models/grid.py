"""Grids (网格): a set of buildings inside one community, each building in exactly one grid."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel, ScopedModel

GEOJSON_GEOMETRIES = ("Polygon", "MultiPolygon")


def validate_boundary(value) -> None:
    """A GeoJSON Polygon or MultiPolygon (a bare geometry or a Feature wrapping one)."""
    if value in (None, ""):
        return
    geometry = value.get("geometry") if isinstance(value, dict) and value.get("type") == "Feature" else value
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOJSON_GEOMETRIES:
        raise ValidationError(_("The boundary must be a GeoJSON Polygon or MultiPolygon."), code="geojson")
    coords = geometry.get("coordinates")
    rings = coords if geometry["type"] == "Polygon" else [r for poly in (coords or []) for r in (poly or [])]
    if not isinstance(rings, list) or not rings:
        raise ValidationError(_("The boundary has no coordinates."), code="geojson")
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4 or ring[0] != ring[-1]:
            raise ValidationError(
                _("Each ring of the boundary needs at least 4 points and must end where it starts."),
                code="geojson",
            )
        for point in ring:
            if (
                not isinstance(point, list | tuple)
                or len(point) < 2
                or not all(isinstance(c, int | float) for c in point[:2])
                or not (-180 <= point[0] <= 180 and -90 <= point[1] <= 90)
            ):
                raise ValidationError(_("Boundary points must be [longitude, latitude] numbers."), code="geojson")


class Grid(ScopedModel, BaseModel):
    community = models.ForeignKey(
        "areas.Place", verbose_name=_("community"), on_delete=models.PROTECT, related_name="grids"
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True, validators=[validate_boundary])
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="grid_name_unique_in_community"),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def extra_scope_q(cls, binding, action):
        from linli.accounts.roles import Role

        if binding.role == Role.GRID_WORKER and binding.grid_id:
            return models.Q(pk=binding.grid_id)
        if binding.role == Role.BUILDING_HEAD and binding.place_id and binding.place.grid_id:
            return models.Q(pk=binding.place.grid_id)
        return None
