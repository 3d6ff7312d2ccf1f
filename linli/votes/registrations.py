from django.utils.translation import gettext_lazy as _

from linli.core import events
from linli.core.registry import DemoSeeder, MenuItem, registry

from .models import Decision, DeveloperUnit

registry.add_place_path_field(Decision._meta.label_lower, "scope_path")
registry.add_place_path_field(DeveloperUnit._meta.label_lower, "scope_path")

registry.add_menu(MenuItem("management", _("Owners' decisions"), "votes:decisions", model="votes.decision", order=46))

registry.add_audit_actions(
    {
        "decision_notice": _("Decision noticed, electorate frozen"),
        "decision_open": _("Voting opened"),
        "decision_close": _("Voting closed"),
        "decision_publish": _("Result published"),
        "decision_finalise": _("Decision final"),
        "ballot_cast": _("Ballot cast"),
        "ballot_replace": _("Ballot replaced"),
    }
)


def _seed(ctx):
    from .demo import seed

    return seed(ctx)


# After owners (240), before deliberation (250), whose matters may be put to a vote.
registry.add_demo_seeder(DemoSeeder("votes", _seed, order=245))

# The events this domain publishes (the catalogue: linli.core.events; docs/architecture.md § Events).
for _name in ("created", "noticed", "opened", "closed"):
    events.declare(
        f"votes.decision.{_name}",
        publisher="votes",
        keys=("decision_id", "path"),
        aggregate=("votes.decision", "decision_id"),
    )
for _name in ("published", "finalised"):
    events.declare(
        f"votes.decision.{_name}",
        publisher="votes",
        keys=("decision_id", "path", "passed"),
        aggregate=("votes.decision", "decision_id"),
        doc="The result is fixed: passed is true when participation and approval both passed.",
    )
