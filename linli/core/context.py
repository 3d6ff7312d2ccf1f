"""Per-request (or per-task) context: who acts, from where, under which request id.

Set by ``RequestContextMiddleware`` for web requests and by ``acting_as`` for tasks and
management commands, read by the audit trail so services need not pass the request around.
"""

from __future__ import annotations

import contextlib
import uuid
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str | None = None
    channel: str = "web"  # web | api | task | command


_current: ContextVar[RequestContext | None] = ContextVar("linli_request_context", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def current() -> RequestContext:
    ctx = _current.get()
    if ctx is None:
        return RequestContext(request_id=new_request_id(), channel="command")
    return ctx


def set_current(ctx: RequestContext | None):
    return _current.set(ctx)


def reset(token) -> None:
    _current.reset(token)


@contextlib.contextmanager
def acting_as(channel: str, request_id: str | None = None, ip: str | None = None):
    """Run a block (a task, a management command) under its own request id."""
    token = _current.set(RequestContext(request_id=request_id or new_request_id(), ip=ip, channel=channel))
    try:
        yield current()
    finally:
        _current.reset(token)
