from django.utils.translation import gettext_lazy

from linli.core import events
from linli.core.registry import DailyJob, DemoSeeder, FigureSource, MenuItem, ResidentPanel, TodoSource, registry

for label in ("workorders.case", "workorders.taskforce", "workorders.jointaction"):
    registry.add_place_path_field(label, "scope_path")


def _deadlines() -> str:
    from . import deadlines

    counts = deadlines.run()
    return "urged {urged}, escalated {escalated}, return visits due {revisit}".format(**counts)


registry.add_daily_job(DailyJob("workorders.deadlines", _deadlines, order=10))


def _demo(ctx):
    from .demo import seed

    return seed(ctx)


registry.add_demo_seeder(DemoSeeder("workorders", _demo, order=400))


def _resident_panel(user, resident):
    from .panels import resident_cases

    return resident_cases(user, resident)


registry.add_resident_panel(
    ResidentPanel(
        key="workorders",
        title=gettext_lazy("Reports and work orders"),
        template="workorders/panels/resident.html",
        context=_resident_panel,
        order=60,
        model="workorders.case",
    )
)


# Menu: the queue that fits the role (工单 / 吹哨报到), task forces, and 我要报事 for residents.
registry.add_menu(
    MenuItem(
        "government",
        gettext_lazy("Work orders"),
        "workorders:home",
        model="workorders.case",
        order=20,
        audience="staff",
    )
)
registry.add_menu(
    MenuItem(
        "government",
        gettext_lazy("Work-order statistics"),
        "workorders_stats:stats",
        model="workorders.casestatistics",
        order=21,
    )
)
registry.add_menu(
    MenuItem(
        "government",
        gettext_lazy("Task forces"),
        "workorders:taskforce_list",
        model="workorders.taskforce",
        order=22,
        audience="staff",
    )
)
registry.add_menu(
    MenuItem(
        "government", gettext_lazy("Work-order settings"), "workorders:config", model="workorders.timelimit", order=23
    )
)
# Issuing and revoking Open311 keys: district administrators and the dispatch centre (their grants on the key).
registry.add_menu(
    MenuItem("government", gettext_lazy("Open311 API keys"), "open311:keys", model="workorders.open311key", order=24)
)


def _may_report_somewhere(user) -> bool:
    from .policy import REPORT_MODES, report_mode_allowed

    return any(report_mode_allowed(user, mode) for mode in REPORT_MODES)


registry.add_menu(
    MenuItem(
        "services",
        gettext_lazy("Report a problem"),
        "workorders:report",
        model="workorders.case",
        order=10,
        check=_may_report_somewhere,
    )
)
registry.add_menu(
    MenuItem("services", gettext_lazy("My reports"), "workorders:my_cases", model="workorders.case", order=11)
)


def _todos(user):
    from .todos import collect

    return collect(user)


def _figures(user):
    from .todos import figures

    return figures(user)


registry.add_todo_source(TodoSource("workorders", _todos, order=10))
registry.add_figure_source(FigureSource("workorders", _figures, order=10))

# The audit trail's words for what the case services record ("case_" + the step's name).
registry.add_audit_actions(
    {
        "case_whistle": gettext_lazy("Whistled to the district (吹哨)"),
        "case_dispatch": gettext_lazy("Dispatched (派单)"),
        "case_sign": gettext_lazy("Signed for (签收)"),
        "case_return_case": gettext_lazy("Returned (退单)"),
        "case_start": gettext_lazy("Handling started"),
        "case_complete": gettext_lazy("Completed (办结)"),
        "case_evaluate": gettext_lazy("Verdict given (回访评价)"),
        "case_reopen": gettext_lazy("Sent back for re-doing (发回重办)"),
        "case_archive": gettext_lazy("Archived (归档)"),
        "case_cancel": gettext_lazy("Withdrawn (撤销)"),
        "case_merge": gettext_lazy("Merged (合并)"),
        "case_urge": gettext_lazy("Urged (催办)"),
        "case_supervise": gettext_lazy("Put under supervision (督办)"),
        "case_note": gettext_lazy("Note added"),
        "case_escalate": gettext_lazy("Escalated"),
        "case_co_sign": gettext_lazy("Signed for as co-handler"),
        "case_attach": gettext_lazy("Photos added"),
        "joint_action": gettext_lazy("Joint action recorded"),
    },
    object_types={"workorders.stats": gettext_lazy("Work-order statistics")},
)


# The events this domain publishes (the catalogue: linli.core.events; docs/architecture.md § Events).
# Each transition of a case publishes workorders.case.<transition> from services._transition.
for _step in (
    "whistle",
    "dispatch",
    "sign",
    "return_case",
    "start",
    "complete",
    "reopen",
    "evaluate",
    "archive",
    "cancel",
    "merge",
):
    events.declare(
        f"workorders.case.{_step}",
        publisher="workorders",
        keys=("case_id", "from", "to"),
        aggregate=("workorders.case", "case_id"),
    )
events.declare(
    "workorders.case.created",
    publisher="workorders",
    keys=("case_id", "source", "place"),
    aggregate=("workorders.case", "case_id"),
)
events.declare(
    "workorders.jointaction.recorded",
    publisher="workorders",
    keys=("joint_action_id", "case_id"),
    aggregate=("workorders.case", "case_id"),
)
events.declare(
    "workorders.open311.key_issued",
    publisher="workorders",
    keys=("key_id",),
    aggregate=("workorders.open311key", "key_id"),
)
events.declare(
    "workorders.open311.key_revoked",
    publisher="workorders",
    keys=("key_id",),
    aggregate=("workorders.open311key", "key_id"),
)
events.declare(
    "workorders.taskforce.created",
    publisher="workorders",
    keys=("task_force_id", "place"),
    aggregate=("workorders.taskforce", "task_force_id"),
)
