"""What domains register so that adding a domain edits no other domain.

* ``menu``: entries under 工作台 / 党务 / 政务 / 管务 / 服务;
* ``resident_panels``: panels of the resident 360° page (from the data-centre issue on);
* ``daily_jobs``: what ``manage.py run_daily`` runs (deadlines, reminders, purges);
* ``demo_seeders``: each domain's part of ``make demo``;
* ``place_path_fields``: every (model, field) holding a copy of a place path, rewritten when a
  place moves so scoped rows follow their place;
* ``todo_sources``: what is waiting for the user (the workbench's 待办), each domain its own;
* ``figure_sources``: the counts that matter for the user's scope, shown on the workbench and the section pages;
* ``sealed_checks``: how ``manage.py restore_backup`` proves a restored database's sealed personal data can be read
  with the configured keys (a sample decrypted and its lookup hash recomputed);
* ``token_authenticators``: who a bearer token belongs to (accounts' API tokens), for ``core.api``'s auth;
* ``shell_values``: what every page's shell shows from a domain (the notifications bell's count);
* ``security_findings``: further development-default findings of ``core.checks`` (demo accounts that can log in);
* ``record_sources`` and ``record_links``: one domain's record seen from another of any layer without an import — a
  domain lends a neutral view of its records (``RecordRef``: title, description, place, page) by "app.model:pk",
  and adds links to another domain's record page (``RecordLink``s, rendered by ``{% record_links obj %}``).

Core itself imports no domain app: what it needs from accounts, notifications or demo is registered here by them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise

SECTIONS = ("workbench", "party", "government", "management", "services")


@dataclass(frozen=True)
class MenuItem:
    section: str
    label: str | Promise
    url_name: str
    model: str | None = None  # "app_label.model": shown when the user may do ``action`` on it somewhere
    order: int = 100
    superuser_only: bool = False
    icon: str = ""
    # Who the entry is for: "all"; "staff" (anyone holding a role other than resident: staff work such as
    # review queues and registers, even where a resident may read their own rows); "residents" (the phone pages
    # of people without a staff role, e.g. "my points").
    audience: str = "all"
    action: str = "view"  # e.g. "add" for a management page that only those who may create rows open
    # A further test of the user (``check(user) -> bool``) where the page's own rule is not a grant on one model.
    check: Callable | None = None

    def __post_init__(self):
        assert self.audience in ("all", "staff", "residents"), self.audience


@dataclass(frozen=True)
class ResidentPanel:
    """One panel of the resident 360° page.

    ``context(user, resident) -> dict`` reads what the panel shows (through ``restrict``/selectors; the
    resident is already one the user may view); ``template`` renders it with that dict plus ``resident``
    and ``panel``. ``model`` ("app_label.model"): the panel is shown only to users who may view that model
    somewhere; a context function may also return None to hide the panel for this resident.
    """

    key: str
    title: str | Promise
    template: str
    context: Callable | None = None
    order: int = 100
    model: str | None = None


@dataclass
class DemoContext:
    """What ``seed_demo`` hands each domain's demo seeder: the district it built and its accounts.

    ``compounds`` and ``grids`` are lists per community (same order as ``communities``); ``organisations``
    has "departments", "property" and "registry" lists; ``users`` maps demo usernames to users; ``rng``
    is seeded, so the demo is the same every time; ``out`` is the command's stdout (None when quiet).
    """

    admin: object
    district: object
    streets: list
    communities: list
    compounds: list
    grids: list
    organisations: dict
    users: dict
    small: bool
    today: object
    rng: object
    out: object = None


@dataclass(frozen=True)
class DemoSeeder:
    """A domain's demo data: ``seed(ctx: DemoContext) -> list[str]`` (summary lines), run in ``order``.

    Runs inside seed_demo's one transaction after places, people, organisations and accounts exist; write
    through the domain's services (or bulk-insert and record one summary audit row, as seed_demo does).
    """

    key: str
    seed: Callable
    order: int = 100


@dataclass(frozen=True)
class DailyJob:
    """Work to run once a day (``manage.py run_daily``, from cron or a systemd timer; see docs/deployment.md).

    ``run() -> str`` returns a one-line summary; it runs as channel "task" and calls services only.
    """

    key: str
    run: Callable
    order: int = 100


@dataclass(frozen=True)
class Todo:
    """One kind of work waiting for the user: ``count`` items, the earliest ``due`` (date or aware datetime, or
    None), how many are already ``overdue``, and ``url``, the page where they are done (one tap from the
    workbench). ``section`` places it on a section page too.

    ``workdays``: the due date is counted in working days on the statutory calendar (a work-order time limit, a
    公示 period); ``todos_for`` then sets ``provisional`` when it falls in a year whose State Council arrangement
    (调休) is not entered yet (ADR 0011), and the workbench says the date may move."""

    key: str
    label: str | Promise
    count: int
    url: str
    section: str
    due: object = None
    overdue: int = 0
    workdays: bool = False
    provisional: bool = False

    @property
    def due_date(self):
        """The due day in Asia/Shanghai (for sorting and showing dates and datetimes alike)."""
        from datetime import datetime

        from django.utils import timezone

        if isinstance(self.due, datetime):
            return timezone.localtime(self.due).date() if timezone.is_aware(self.due) else self.due.date()
        return self.due


@dataclass(frozen=True)
class TodoSource:
    """``collect(user) -> list[Todo]``: what waits for ``user`` in one domain, read through ``restrict`` (or the
    domain's selectors); a kind with nothing waiting is left out. A few queries at most, whatever the scope."""

    key: str
    collect: Callable
    order: int = 100


@dataclass(frozen=True)
class Figure:
    """A count for the user's scope, e.g. 在办工单 37, with the page that lists what it counts."""

    key: str
    label: str | Promise
    value: object
    section: str
    url: str = ""
    hint: str | Promise = ""  # e.g. "3 overdue"


@dataclass(frozen=True)
class FigureSource:
    """``collect(user) -> list[Figure]``: a domain's figures for the user's scope (empty when it has none)."""

    key: str
    collect: Callable
    order: int = 100


@dataclass(frozen=True)
class SealedCheck:
    """``run(sample: int) -> tuple[int, list[str]]``: decrypt up to ``sample`` sealed values of one model with the
    configured keys and recompute their lookup hashes; returns how many values were checked and one line per failure
    (which row, which field, what failed — never the value). An operator's integrity check, not a user's read."""

    key: str
    run: Callable


@dataclass(frozen=True)
class ShellValue:
    """``value(user)`` is put in every page's context as ``key`` (``core.context_processors.shell``); make it cheap —
    e.g. a ``functools.partial`` a template calls only where it shows the value."""

    key: str
    value: Callable


@dataclass(frozen=True)
class RecordRef:
    """A neutral view of one record, lent by its domain to the others: ``key`` is "app.model:pk" (as a work
    order's ``origin``), ``url`` its page; ``place`` an ``areas.Place`` or None."""

    key: str
    title: str
    description: str = ""
    place: object = None
    url: str = ""


@dataclass(frozen=True)
class RecordLink:
    """A link another domain shows on a record's page (``testid`` marks it for tests and browser walks)."""

    label: str | Promise
    url: str
    testid: str = ""


@dataclass(frozen=True)
class RecordLinks:
    """``collect(user, objs) -> {pk: [RecordLink]}``: what domain ``key`` links from the pages (or list rows) of
    ``model`` records ("app.model"), for all of ``objs`` in a few queries, read through ``restrict``; a link only to
    what ``user`` may open."""

    model: str
    key: str
    collect: Callable
    order: int = 100


@dataclass
class Registry:
    menu: list[MenuItem] = field(default_factory=list)
    resident_panels: list[ResidentPanel] = field(default_factory=list)
    place_path_fields: list[tuple[str, str]] = field(default_factory=list)
    demo_seeders: list[DemoSeeder] = field(default_factory=list)
    daily_jobs: list[DailyJob] = field(default_factory=list)
    todo_sources: list[TodoSource] = field(default_factory=list)
    figure_sources: list[FigureSource] = field(default_factory=list)
    sealed_checks: list[SealedCheck] = field(default_factory=list)
    # Audit action codes a domain writes (e.g. "case_dispatch") → their label in the audit trail.
    audit_actions: dict = field(default_factory=dict)
    # Audit object types that are no model (e.g. "workorders.stats" for an export) → their label.
    audit_object_types: dict = field(default_factory=dict)
    # ``fn(raw_token) -> user | None``, tried in order by the API's bearer auth (accounts registers its API tokens).
    token_authenticators: list[Callable] = field(default_factory=list)
    shell_values: list[ShellValue] = field(default_factory=list)
    # ``fn() -> list[django.core.checks.CheckMessage]``: findings added to core.checks' development defaults.
    security_findings: list[Callable] = field(default_factory=list)
    # "app.model" -> ``resolve(user, pk) -> RecordRef | None`` (None: no such record, or not one ``user`` may see).
    record_sources: dict = field(default_factory=dict)
    record_links: list[RecordLinks] = field(default_factory=list)

    def add_record_source(self, model: str, resolve: Callable) -> None:
        self.record_sources[model.lower()] = resolve

    def resolve_record(self, user, key: str) -> RecordRef | None:
        """The record "app.model:pk" as ``user`` may see it, or None (unknown kind, malformed, missing, out of
        scope)."""
        model, _sep, pk = (key or "").partition(":")
        resolve = self.record_sources.get(model.lower())
        if resolve is None or not pk.isdigit():
            return None
        return resolve(user, int(pk))

    def add_record_links(self, links: RecordLinks) -> None:
        self.record_links[:] = [x for x in self.record_links if (x.model, x.key) != (links.model, links.key)]
        self.record_links.append(links)
        self.record_links.sort(key=lambda x: (x.order, x.key))

    def links_for_many(self, user, objs) -> dict:
        """{pk: [RecordLink]} for records of one model (a list's rows: a few queries per domain, not per row)."""
        objs = list(objs)
        out: dict = {o.pk: [] for o in objs}
        if not objs:
            return out
        model = objs[0]._meta.label_lower
        for x in self.record_links:
            if x.model == model:
                for pk, links in x.collect(user, objs).items():
                    out.setdefault(pk, []).extend(links)
        return out

    def links_for(self, user, obj) -> list[RecordLink]:
        return self.links_for_many(user, [obj])[obj.pk]

    def attach_record_links(self, user, objs) -> None:
        """Set ``obj.record_links`` on each of ``objs`` (a list page renders them with components/record_links.html)."""
        objs = list(objs)
        links = self.links_for_many(user, objs)
        for o in objs:
            o.record_links = links.get(o.pk, [])

    def add_token_authenticator(self, fn: Callable) -> None:
        if fn not in self.token_authenticators:
            self.token_authenticators.append(fn)

    def add_shell_value(self, value: ShellValue) -> None:
        self.shell_values[:] = [v for v in self.shell_values if v.key != value.key]
        self.shell_values.append(value)

    def add_security_finding(self, fn: Callable) -> None:
        if fn not in self.security_findings:
            self.security_findings.append(fn)

    def add_audit_actions(self, labels: dict, object_types: dict | None = None) -> None:
        self.audit_actions.update(labels)
        self.audit_object_types.update(object_types or {})

    def add_todo_source(self, source: TodoSource) -> None:
        self.todo_sources[:] = [s for s in self.todo_sources if s.key != source.key]
        self.todo_sources.append(source)
        self.todo_sources.sort(key=lambda s: (s.order, s.key))

    def add_figure_source(self, source: FigureSource) -> None:
        self.figure_sources[:] = [s for s in self.figure_sources if s.key != source.key]
        self.figure_sources.append(source)
        self.figure_sources.sort(key=lambda s: (s.order, s.key))

    def add_sealed_check(self, check: SealedCheck) -> None:
        self.sealed_checks[:] = [c for c in self.sealed_checks if c.key != check.key]
        self.sealed_checks.append(check)

    def add_daily_job(self, job: DailyJob) -> None:
        self.daily_jobs[:] = [j for j in self.daily_jobs if j.key != job.key]
        self.daily_jobs.append(job)
        self.daily_jobs.sort(key=lambda j: (j.order, j.key))

    def add_demo_seeder(self, seeder: DemoSeeder) -> None:
        self.demo_seeders[:] = [s for s in self.demo_seeders if s.key != seeder.key]
        self.demo_seeders.append(seeder)
        self.demo_seeders.sort(key=lambda s: (s.order, s.key))

    def add_menu(self, item: MenuItem) -> None:
        assert item.section in SECTIONS, item.section
        if item not in self.menu:
            self.menu.append(item)

    def add_resident_panel(self, panel: ResidentPanel) -> None:
        """Register (or replace, by key) a panel of the resident 360° page."""
        self.resident_panels[:] = [p for p in self.resident_panels if p.key != panel.key]
        self.resident_panels.append(panel)
        self.resident_panels.sort(key=lambda p: (p.order, p.key))

    def add_place_path_field(self, model_label: str, field_name: str) -> None:
        pair = (model_label.lower(), field_name)
        if pair not in self.place_path_fields:
            self.place_path_fields.append(pair)


registry = Registry()
