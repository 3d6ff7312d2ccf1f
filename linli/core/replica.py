"""Reads that may go to a streaming replica (``DATABASE_REPLICA_URL``), and everything else that never does.

With ``DATABASE_REPLICA_URL`` set (config/settings/base.py) the project has a second alias ``replica`` and this
router. A read goes to the replica only when all of these hold:

* the code asked for it: inside ``replica_reads()`` / ``@reads_from_replica`` — lists and the big screen, pages
  where a second's lag is harmless (the work-order list API, the places list API);
* the request has not written anything yet (every write marks it, ``db_for_write``), and did not write in the last
  ``LINLI_REPLICA_PIN_SECONDS`` (5; a cookie set by ``ReplicaPinMiddleware`` after a request that wrote, so the
  page after a POST reads its own write);
* no transaction is open on the primary (reads inside a write's ``atomic`` block see that transaction);
* the model is not one whose rows must be fresh: sessions, login lock-outs, accounts (users, tokens, roles) and
  the core's plumbing (audit, outbox, idempotency keys) are always read from the primary.

Writes always go to the primary (the replica refuses them anyway: it is read-only). Migrations run on the primary
only. Without ``DATABASE_REPLICA_URL`` none of this is installed. Checked against a real streaming replica
(pg_basebackup from a private primary on another port) by ``bench/faults/replica.py`` (``make replica-check``).
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PRIMARY = "default"
PIN_COOKIE = "linli_primary"
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes", "accounts", "auth", "core", "django_tasks_db", "contenttypes"})

_allowed: ContextVar[bool] = ContextVar("linli_replica_allowed", default=False)
_wrote: ContextVar[bool] = ContextVar("linli_replica_wrote", default=False)
_pinned: ContextVar[bool] = ContextVar("linli_replica_pinned", default=False)


def configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads():
    """Reads in this block may go to the replica (when the rules above allow)."""
    token = _allowed.set(True)
    try:
        yield
    finally:
        _allowed.reset(token)


def reads_from_replica(func):
    """A view (or a ninja endpoint, above ``@paginate``) whose reads may go to the replica."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with replica_reads():
            return func(*args, **kwargs)

    return wrapper


def wrote() -> bool:
    return _wrote.get()


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _allowed.get() or _wrote.get() or _pinned.get() or model._meta.app_label in PRIMARY_ONLY_APPS:
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        instance = hints.get("instance")
        if instance is not None and instance._state.db not in (None, REPLICA):
            return PRIMARY  # a related object of a row read from the primary
        return REPLICA

    def db_for_write(self, model, **hints):
        _wrote.set(True)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class ReplicaPinMiddleware:
    """Each request starts on a clean slate (unless it wrote in the last few seconds: the pin cookie), and a
    request that wrote pins its client to the primary for ``LINLI_REPLICA_PIN_SECONDS``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tokens = (_allowed.set(False), _wrote.set(False), _pinned.set(bool(request.COOKIES.get(PIN_COOKIE))))
        try:
            response = self.get_response(request)
            if _wrote.get():
                response.set_cookie(
                    PIN_COOKIE,
                    "1",
                    max_age=getattr(settings, "LINLI_REPLICA_PIN_SECONDS", 5),
                    httponly=True,
                    samesite="Lax",
                    secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
                )
            return response
        finally:
            for var, token in zip((_allowed, _wrote, _pinned), tokens, strict=True):
                var.reset(token)
