from django.utils.translation import gettext_lazy as _

from linli.core.registry import DailyJob, FigureSource, MenuItem, SealedCheck, TodoSource, registry

from . import identity

for label in (
    "registry.resident",
    "registry.household",
    "registry.householdmember",
    "registry.occupancy",
    "registry.residenttag",
):
    registry.add_place_path_field(label, "scope_path")

registry.add_menu(
    MenuItem(
        "management", _("Residents"), "registry:resident_list", model="registry.resident", order=40, audience="staff"
    )
)
registry.add_menu(
    MenuItem(
        "management", _("Households"), "registry:household_list", model="registry.household", order=41, audience="staff"
    )
)
registry.add_menu(
    MenuItem(
        "management",
        _("Import from Excel"),
        "registry:import_list",
        model="registry.resident",
        order=42,
        audience="staff",
    )
)
registry.add_menu(
    MenuItem(
        "management",
        _("Suspected duplicates"),
        "registry:merge_list",
        model="registry.resident",
        order=43,
        audience="staff",
        action="change",
    )
)

from .panels import register_default_panels  # noqa: E402

register_default_panels()


def _purge_import_files() -> str:
    from django.utils.translation import gettext as _

    from .tasks import purge_import_files

    return _("removed the files of %(n)s stale imports") % {"n": purge_import_files.call(7)}


registry.add_daily_job(DailyJob("registry.purge_import_files", _purge_import_files, order=900))


def _todos(user):
    from .todos import collect

    return collect(user)


def _figures(user):
    from .todos import figures

    return figures(user)


registry.add_todo_source(TodoSource("registry", _todos, order=60))
registry.add_figure_source(FigureSource("registry", _figures, order=60))

registry.add_sealed_check(SealedCheck("registry.resident", identity.verify_sample))
