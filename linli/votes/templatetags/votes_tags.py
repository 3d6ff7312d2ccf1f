from decimal import Decimal

from django import template

from ..exporting import quantity_label
from ..models import Choice

register = template.Library()


@register.filter
def centi(value) -> str:
    """An area in 0.01 m² shown in m² with two decimals (exact: Decimal, never float)."""
    return f"{Decimal(int(value)) / 100:.2f}"


@register.filter
def quantity(name: str) -> str:
    return quantity_label(name)


@register.filter
def show_part(name: str, value) -> str:
    """Area quantities in m², heads as they are."""
    return centi(value) + " m²" if name.endswith("_area") else str(value)


@register.filter
def choice(value: str) -> str:
    return str(Choice(value).label) if value in Choice.values else value


@register.filter
def area_source(value: str) -> str:
    from linli.areas.models.place import AreaSource

    return str(AreaSource(value).label) if value in AreaSource.values else value
