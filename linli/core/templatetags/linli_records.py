"""``{% record_links obj %}``: the links other domains add to a record's page (``registry.record_links``), so a
lower domain's page shows what a higher one made of its record without importing it."""

from django import template

from linli.core.registry import registry

register = template.Library()


@register.inclusion_tag("components/record_links.html", takes_context=True)
def record_links(context, obj):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"links": registry.links_for(user, obj) if user is not None and obj is not None else []}
