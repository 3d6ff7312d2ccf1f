from django.utils.translation import gettext_lazy as _

from linli.core.registry import DemoSeeder, MenuItem, TodoSource, registry

from .models import SCOPED_MODELS

for _model in SCOPED_MODELS:
    registry.add_place_path_field(_model._meta.label_lower, "scope_path")

# Every signed-in person may ask (residents on their phone; staff try what residents would be told).
registry.add_menu(MenuItem("services", _("Ask the assistant"), "knowledge:ask", order=5, check=lambda user: True))
registry.add_menu(
    MenuItem("management", _("Knowledge base"), "knowledge:documents", model="knowledge.document", order=70)
)
registry.add_menu(
    MenuItem("workbench", _("Unanswered questions"), "knowledge:questions", model="knowledge.question", order=70)
)

registry.add_audit_actions(
    {
        "knowledge_ask": _("Question asked"),
        "knowledge_handover": _("Question handed to a work order"),
        "knowledge_faq_added": _("Answered by an FAQ entry"),
        "knowledge_close": _("Question closed"),
        "knowledge_withdraw": _("Document withdrawn"),
        "knowledge_reindex": _("Index rebuild requested"),
    }
)


def _todos(user):
    from .todos import collect

    return collect(user)


registry.add_todo_source(TodoSource("knowledge", _todos, order=70))


def _seed(ctx):
    from .demo import seed

    return seed(ctx)


# After work orders (the hand-over opens a case in their categories).
registry.add_demo_seeder(DemoSeeder("knowledge", _seed, order=260))
