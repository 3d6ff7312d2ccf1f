"""Base model, the scoped-model mixin and the append-only audit log."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .paths import any_subtree_q


class BaseModel(models.Model):
    """Every domain model: creation and modification times (UTC)."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Fields never copied into audit snapshots.
    audit_exclude: frozenset[str] = frozenset()

    class Meta:
        abstract = True


class ScopedModel(models.Model):
    """A model whose rows sit somewhere in the place tree.

    ``scope_field`` names the column holding the row's place path; the permission chokepoint
    (``linli.core.permissions.restrict``) turns each of the user's role bindings into a prefix
    range on that column. Models add rows outside the tree (an organisation's own staff, a grid's
    own workers) with ``extra_scope_q`` and widen or narrow a binding's reach with
    ``coverage_prefixes``.
    """

    scope_field = "scope_path"

    class Meta:
        abstract = True

    @classmethod
    def coverage_prefixes(cls, binding) -> list[str]:
        return binding.place_prefixes()

    @classmethod
    def extra_scope_q(cls, binding, action: str) -> models.Q | None:
        return None

    @classmethod
    def scope_q(cls, binding, action: str) -> models.Q | None:
        q = any_subtree_q(cls.scope_field, cls.coverage_prefixes(binding))
        extra = cls.extra_scope_q(binding, action)
        if extra is not None:
            q = extra if q is None else q | extra
        return q

    @property
    def scope_value(self) -> str:
        return getattr(self, self.scope_field)


ACTION_LABELS = {
    "create": _("Created"),
    "update": _("Updated"),
    "delete": _("Deleted"),
    "archive": _("Archived"),
    "move": _("Moved"),
    "assign_grid": _("Put into a grid"),
    "unassign_grid": _("Taken out of a grid"),
    "login": _("Logged in"),
    "set_password": _("Password set by an administrator"),
    "change_password": _("Password changed"),
    "issue_token": _("API token issued"),
    "revoke_token": _("API token revoked"),
    "unmask": _("Personal data shown in full"),
    "export": _("Exported"),
    "import": _("Imported"),
    "merge": _("Merged"),
    "seed": _("Demo data seeded"),
    "rotate_keys": _("Encryption keys rotated"),
    "purge_audit": _("Expired audit rows purged"),
    # Steps shared by several domains (a domain registers its own with ``registry.add_audit_actions``).
    "add": pgettext_lazy("audit action", "Added"),
    "assign": pgettext_lazy("audit action", "Assigned"),
    "attach": pgettext_lazy("audit action", "Attachment added"),
    "cancel": pgettext_lazy("audit action", "Cancelled"),
    "certificate_request": pgettext_lazy("audit action", "Certificate requested"),
    "change": pgettext_lazy("audit action", "Changed"),
    "check_in": pgettext_lazy("audit action", "Checked in"),
    "claim": pgettext_lazy("audit action", "Claimed"),
    "close": pgettext_lazy("audit action", "Closed"),
    "complete": pgettext_lazy("audit action", "Completed"),
    "decision": pgettext_lazy("audit action", "Decision recorded"),
    "end": pgettext_lazy("audit action", "Ended"),
    "fulfil": pgettext_lazy("audit action", "Fulfilled"),
    "in": pgettext_lazy("audit action", "Checked in"),
    "out": pgettext_lazy("audit action", "Checked out"),
    "invite": pgettext_lazy("audit action", "Invited"),
    "uninvite": pgettext_lazy("audit action", "Invitation withdrawn"),
    "quiz": pgettext_lazy("audit action", "Quiz answered"),
    "reveal": pgettext_lazy("audit action", "Personal data shown in full"),
    "sign": pgettext_lazy("audit action", "Signed for"),
    "vote": pgettext_lazy("audit action", "Voted"),
}

CHANNEL_LABELS = {
    "web": pgettext_lazy("audit channel", "web page"),
    "api": pgettext_lazy("audit channel", "API"),
    "command": pgettext_lazy("audit channel", "command line"),
    "task": pgettext_lazy("audit channel", "background task"),
}


def action_label(action: str) -> str:
    from .registry import registry

    label = ACTION_LABELS.get(action) or registry.audit_actions.get(action)
    return str(label) if label is not None else action


def channel_label(channel: str) -> str:
    return str(CHANNEL_LABELS.get(channel, channel))


def object_type_label(object_type: str) -> str:
    from django.apps import apps

    from .registry import registry

    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return str(registry.audit_object_types.get(object_type, object_type))


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit rows are append-only")

    def delete(self):
        raise PermissionError("audit rows are append-only; use linli.core.audit.purge_expired")


class AuditLog(models.Model):
    """One row per create/update/delete (and unmasking, export, login…) done through a service.

    Append-only: the model refuses updates and deletes, and database triggers (migrations 0002, 0005)
    refuse them too, except deletes of rows older than the retention period.
    """

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=32, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    scope_path = models.CharField(_("place path"), max_length=32, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=16, blank=True)

    objects = AuditQuerySet.as_manager()

    scope_field = "scope_path"

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor", "at"], name="audit_actor_idx"),
        ]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("audit rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit rows are append-only")

    # The audit trail is scoped like any other model, by the path of the object it is about.
    @classmethod
    def scope_q(cls, binding, action: str):
        return any_subtree_q("scope_path", binding.place_prefixes())

    def changed_fields(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field that differs."""
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]

    def labelled_changes(self) -> list[tuple[str, object, object]]:
        """The same, with each field named in the user's language (for pages)."""
        from django.apps import apps

        try:
            meta = apps.get_model(self.object_type)._meta
            names = {f.attname: str(f.verbose_name) for f in meta.concrete_fields}
            names.update({f.name: str(f.verbose_name) for f in meta.many_to_many})
            choices = {f.attname: dict(f.flatchoices) for f in meta.concrete_fields if f.choices}
        except (LookupError, ValueError):
            names, choices = {}, {}

        def shown(key, value):
            # A choice is shown by its label (已完成, not "done"); other values as recorded.
            labels = choices.get(key)
            if labels and isinstance(value, str | int) and value in labels:
                return str(labels[value])
            return value

        return [(names.get(k, k), shown(k, b), shown(k, a)) for k, b, a in self.changed_fields()]

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def channel_label(self) -> str:
        return channel_label(self.channel)

    @property
    def object_type_label(self) -> str:
        return object_type_label(self.object_type)


class CalendarDay(models.Model):
    """A day that breaks the Monday–Friday rule: a statutory holiday on a weekday, or a weekend day made a
    working day (调休). Seeded from the ``chinesecalendar`` package for the years it knows; administrators add
    the State Council's notice for later years. Days without a row follow the weekday rule, and, in a year with no
    ``CalendarYear`` (a provisional year), the statutory holidays computed from the law (``linli.core.holidays``).
    """

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=40, blank=True, help_text=_("e.g. 国庆节"))

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {'workday' if self.is_workday else 'holiday'} {self.name}".strip()

    @classmethod
    def scope_q(cls, binding, action: str) -> models.Q | None:
        # One national calendar: not placed in the tree; what a role may do is decided by its grants alone.
        return models.Q()


class CalendarYear(models.Model):
    """A year whose arrangement (the State Council's 放假安排 notice: holidays and 调休 working days) is entered as
    ``CalendarDay`` rows. A year without one is provisional: its statutory holidays are computed from the law, with
    no 调休, and every deadline computed through it says so.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("The notice: its title and number or address, e.g. 国办发明电〔2026〕…"),
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self):
        return f"{self.year} {self.source}"

    @classmethod
    def scope_q(cls, binding, action: str) -> models.Q | None:
        return models.Q()


# --- the transactional outbox (linli.core.events, linli.core.outbox; ADR 0016) -------------------------------


class OutboxEvent(models.Model):
    """One published domain event, written in the same transaction as the change it announces.

    ``id`` orders events (and, within an ``aggregate`` such as ``workorders.case:123``, the order subscribers see
    them in); ``uuid`` is the event id handed to handlers, so they can be idempotent by it. Events of every type are
    kept here whether or not anyone subscribes, so later readers (webhooks, the live screen, alarms) can read them.
    """

    uuid = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("event"), max_length=100, db_index=True)
    payload = models.JSONField(_("payload"), default=dict, encoder=DjangoJSONEncoder)
    aggregate = models.CharField(_("aggregate"), max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        ordering = ["id"]

    def __str__(self):
        return f"{self.name} {self.aggregate}".strip()

    @classmethod
    def scope_q(cls, binding, action: str) -> models.Q | None:
        # Plumbing, not placed in the tree: what a role may do is decided by its grants alone.
        return models.Q()


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Delivered")
    DEAD = "dead", _("Dead letter")


class EventDelivery(models.Model):
    """The delivery of one event to one subscriber (its dotted name): pending until the handler returns, retried
    with back-off when it raises, dead after ``LINLI_OUTBOX_MAX_ATTEMPTS`` failures (an administrator replays it).
    ``aggregate`` is the event's, copied here so the worker can keep each aggregate's events in order."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.CharField(_("subscriber"), max_length=200)
    aggregate = models.CharField(_("aggregate"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("event delivery")
        verbose_name_plural = _("event deliveries")
        ordering = ["event_id", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "subscriber"], name="core_delivery_once")]
        indexes = [
            # The worker's scan: pending rows in event order; and "is an earlier event of this aggregate pending?"
            models.Index(fields=["event"], condition=models.Q(status="pending"), name="core_delivery_pending"),
            models.Index(
                fields=["subscriber", "aggregate", "event"],
                condition=models.Q(status="pending"),
                name="core_delivery_pending_agg",
            ),
            models.Index(fields=["status", "event"], name="core_delivery_status"),
        ]

    def __str__(self):
        return f"{self.event_id} → {self.subscriber} ({self.status})"

    @classmethod
    def scope_q(cls, binding, action: str) -> models.Q | None:
        return models.Q()


# --- idempotency keys of API writes (linli.core.idempotency) --------------------------------------------------


class IdempotencyKey(models.Model):
    """The first successful answer to a POST sent with an ``Idempotency-Key`` header, kept so a retry of the same
    request gets it again instead of doing the write twice. Unique per user and key: the constraint is what makes
    two racing requests with one key write once. Purged daily after ``LINLI_IDEMPOTENCY_KEEP_HOURS``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("idempotency key"), max_length=255)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status = models.PositiveSmallIntegerField(_("response status"))
    content_type = models.CharField(_("content type"), max_length=100)
    body = models.TextField(_("response body"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_once")]

    def __str__(self):
        return f"{self.user_id} {self.key}"
