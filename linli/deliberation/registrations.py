from django.utils.translation import gettext_lazy as _

from linli.core import events
from linli.core.registry import DemoSeeder, FigureSource, MenuItem, RecordLinks, TodoSource, registry

from . import handlers
from .models import SCOPED_MODELS

for _model in SCOPED_MODELS:
    if _model.scope_field == "scope_path":
        registry.add_place_path_field(_model._meta.label_lower, "scope_path")

registry.add_menu(
    MenuItem("management", _("Deliberation meetings"), "deliberation:meetings", model="deliberation.meeting", order=45)
)
registry.add_menu(
    MenuItem("services", _("Matters for deliberation"), "deliberation:matters", model="deliberation.matter", order=45)
)

registry.add_audit_actions(
    {
        "meeting_hold": _("Meeting held"),
        "meeting_cancel": _("Meeting cancelled"),
        "matter_on_agenda": _("Put on the agenda"),
        "matter_solve": _("Matter solved"),
        "matter_hand_over": _("Handed to a work order"),
        "matter_decline": _("Matter declined"),
        "matter_to_vote": _("Put to an owners' vote"),
    }
)


def _todos(user):
    from .todos import collect

    return collect(user)


def _figures(user):
    from .todos import figures

    return figures(user)


registry.add_todo_source(TodoSource("deliberation", _todos, order=66))
registry.add_figure_source(FigureSource("deliberation", _figures, order=66))


def _seed(ctx):
    from .demo import seed

    return seed(ctx)


# After owners (240) and work orders: the seats link the committees, matters hand cases over.
registry.add_demo_seeder(DemoSeeder("deliberation", _seed, order=250))


def _case_links(user, case):
    from .records import case_links

    return case_links(user, case)


def _problem_links(user, problem):
    from .records import problem_links

    return problem_links(user, problem)


# The work-order case page links the matter it came from / was handed to; the alliance problem list offers "raise
# as a matter" (the alliance lends the problem through ``registry.add_record_source``: a sibling layer, no import).
registry.add_record_links(RecordLinks("workorders.case", "deliberation", _case_links, order=50))
registry.add_record_links(RecordLinks("alliance.problem", "deliberation", _problem_links, order=50))

# A matter handed to a work order is solved when the case is archived (归档, the last step of the closed loop).
events.subscribe("workorders.case.archive", handlers.on_case_archived)
# A matter put to an owners' vote is decided when the decision's result is published (公示).
events.subscribe("votes.decision.published", handlers.on_decision_published)

# The events this domain publishes (the catalogue: linli.core.events; docs/architecture.md § Events).
for _name in ("created", "held", "cancelled"):
    events.declare(
        f"deliberation.meeting.{_name}",
        publisher="deliberation",
        keys=("meeting_id", "path", "kind"),
        aggregate=("deliberation.meeting", "meeting_id"),
    )
events.declare(
    "deliberation.matter.raised",
    publisher="deliberation",
    keys=("matter_id", "path", "source"),
    aggregate=("deliberation.matter", "matter_id"),
)
events.declare(
    "deliberation.matter.on_agenda",
    publisher="deliberation",
    keys=("matter_id", "path", "meeting_id"),
    aggregate=("deliberation.matter", "matter_id"),
)
events.declare(
    "deliberation.matter.handed",
    publisher="deliberation",
    keys=("matter_id", "path", "case_id"),
    aggregate=("deliberation.matter", "matter_id"),
)
events.declare(
    "deliberation.matter.to_vote",
    publisher="deliberation",
    keys=("matter_id", "path", "decision_id"),
    aggregate=("deliberation.matter", "matter_id"),
)
events.declare(
    "deliberation.matter.solved",
    publisher="deliberation",
    keys=("matter_id", "path", "outcome"),
    aggregate=("deliberation.matter", "matter_id"),
)
events.declare(
    "deliberation.matter.declined",
    publisher="deliberation",
    keys=("matter_id", "path"),
    aggregate=("deliberation.matter", "matter_id"),
)
