from django.utils.translation import gettext_lazy as _

from linli.core import events
from linli.core.registry import DemoSeeder, FigureSource, MenuItem, TodoSource, registry

from . import handlers
from .models import SCOPED_MODELS

for _model in SCOPED_MODELS:
    registry.add_place_path_field(_model._meta.label_lower, "scope_path")

registry.add_menu(MenuItem("management", _("Devices"), "iot:devices", model="iot.device", order=70))
registry.add_menu(MenuItem("workbench", _("Alarm console"), "iot:alarms", model="iot.alarm", order=30))

registry.add_audit_actions(
    {
        "alarm_raise": _("Alarm raised"),
        "alarm_repeat": _("Alarm repeated"),
        "alarm_case": _("Work order opened for the alarm"),
        "alarm_ack": _("Alarm acknowledged"),
        "alarm_clear": _("Alarm cleared"),
        "device_rotate_secret": _("Device secret renewed"),
    }
)


def _todos(user):
    from .todos import collect

    return collect(user)


def _figures(user):
    from .todos import figures

    return figures(user)


registry.add_todo_source(TodoSource("iot", _todos, order=20))
registry.add_figure_source(FigureSource("iot", _figures, order=70))


def _seed(ctx):
    from .demo import seed

    return seed(ctx)


# After work orders (categories, departments): demo alarms open cases.
registry.add_demo_seeder(DemoSeeder("iot", _seed, order=410))

# An alarm's work order archived (归档): the alarm is cleared.
events.subscribe("workorders.case.archive", handlers.on_case_archived)

for _name in ("raised", "acknowledged", "cleared"):
    events.declare(
        f"iot.alarm.{_name}",
        publisher="iot",
        keys=("alarm_id", "path", "alarm_type", "state"),
        optional=("severity", "by"),
        aggregate=("iot.alarm", "alarm_id"),
    )
