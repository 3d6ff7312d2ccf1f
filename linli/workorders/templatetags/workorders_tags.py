"""Template tags of the work-order pages.

``{% queue_rows object_list kind %}`` draws the rows of a queue (group headings, badges, the state, the line of
details) in Python for the same reason: fifty rows of ``{% if %}``/``{% url %}`` cost more than the queries.

``{% case_state case %}`` draws the state badge and its flags (overdue, due soon, supervised, sent back). It is
a Python tag rather than an ``{% include %}`` because queue pages draw it on every row: an include per row was
the largest single cost of rendering a queue page of 50 rows (bench/workorders_queue.py).
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from linli.core.templatetags.linli_dates import short_when

from ..models import State

register = template.Library()


@register.simple_tag
def case_state(case):
    flags = []
    if case.is_overdue:
        flags.append(("overdue", "overdue", _("Overdue")))
    elif case.is_due_soon:
        flags.append(("soon", "due-soon", _("Due soon")))
    if case.supervised:
        flags.append(("info", "", _("Supervised")))
    if case.reopen_count:
        n = case.reopen_count
        flags.append(("info", "", ngettext("Sent back %(n)s time", "Sent back %(n)s times", n) % {"n": n}))
    # State(...).label: one translation; get_state_display() would hash (translate) every choice on each row.
    try:
        label = State(case.state).label
    except ValueError:
        label = case.state
    badge = format_html('<span class="wo-state {}" data-testid="state">{}</span>', case.state, label)
    rest = format_html_join(
        "",
        ' <span class="wo-flag {}"{}>{}</span>',
        ((cls, format_html(' data-testid="{}"', testid) if testid else "", label) for cls, testid, label in flags),
    )
    return badge + rest


def _group(case, kind):
    """(group key, heading) of a row on a queue page, or None."""
    if kind == "community":
        g = getattr(case, "group", None)
        return g, {0: _("New reports"), 1: _("In progress")}.get(g, _("Completed, waiting for the resident's verdict"))
    if kind == "dispatch":
        w = getattr(case, "waiting", None)
        return w, _("Waiting for dispatch") if w == 0 else _("Dispatched and in progress")
    if kind == "org":
        p = bool(getattr(case, "pending", False))
        return p, _("To sign for") if p else _("Signed for")
    return None


@register.simple_tag
def queue_rows(cases, kind):
    """Every row of a queue page: ``<li>`` items for ``<ul class="wo-list">``."""
    url0 = reverse("workorders:case_detail", args=[0])
    head, tail = url0.rsplit("0", 1)
    due_word = _("due")
    out, last = [], object()
    for c in cases:
        group = _group(c, kind)
        if group is not None and group[0] != last:
            last = group[0]
            out.append(format_html('<li class="wo-group">{}</li>', group[1]))
        badges = []
        if kind == "org" and getattr(c, "as_co", False):
            badges.append(format_html(' <span class="wo-co" data-testid="co-handled">{}</span>', _("co-handling")))
        if kind == "org" and getattr(c, "pending", False):
            badges.append(format_html(' <span class="wo-flag soon" data-testid="to-sign">{}</span>', _("to sign for")))
        if kind == "dispatch" and c.state == "accepted":
            badges.append(format_html(' <span class="wo-flag soon">{}</span>', _("to dispatch")))
        details = [c.number, str(c.category), c.place.name]
        if c.lead_org_id:
            details.append(c.lead_org.name)
        if c.handle_due:
            details.append(f"{due_word} {short_when(c.handle_due)}")
        out.append(
            format_html(
                '<li data-testid="queue-row" data-state="{}"><div><a class="title" href="{}{}{}">{}</a>{}</div>'
                '<div class="small">{} <span class="muted">{}</span></div></li>',
                c.state,
                head,
                c.pk,
                tail,
                c.title,
                mark_safe("".join(badges)),  # noqa: S308 (each part escaped)
                case_state(c),
                " · ".join(details),
            )
        )
    return mark_safe("\n".join(out))  # noqa: S308 (each row built by format_html)
