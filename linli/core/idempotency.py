"""``Idempotency-Key`` on every API POST: a retried request gets the first answer again, never a second write.

A client that cannot tell whether its POST arrived (the connection dropped, the app process died, a timeout)
sends it again with the same ``Idempotency-Key`` header (any printable text up to 255 characters; a UUID is the
usual choice). Per authenticated user and key:

* the first request that succeeds (2xx) has its status and body stored **in the same transaction as its write**,
  so either both are committed or neither is;
* the same key with the same request (method, path and body; a JSON body compared after parsing, so the order of
  its keys does not matter) answers the stored status and body again, with ``Idempotent-Replayed: true`` — no
  second case, no second audit row;
* the same key with a different request answers **422** ``idempotency_key_reused`` and changes nothing;
* two requests racing with one key: the unique constraint on (user, key) makes the second one's insert wait for
  the first one's commit (PostgreSQL), then its own work is rolled back and it answers the first one's response.
  If the first one died (its process killed before the commit), nothing of it was committed and the second one
  proceeds as the first;
* an answer that is not a success (400, 403, 409, 503 …) is not kept and leaves nothing written: the key stays
  free, so the client may correct the request and send it again with the same key;
* keys are kept ``LINLI_IDEMPOTENCY_KEEP_HOURS`` (24) and purged by the daily job ``core.purge_idempotency``; an
  expired key counts as new. Requests without the header, and requests without a user (the token endpoint), are
  untouched.

Installed once for the whole API by ``install(api)`` (``linli.core.api.build_api``) as two ninja decorators: around
the operation's run (the transaction, storing and the race) and around the endpoint function (the look-up of a
stored answer, once the bearer token or session has named the user).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255


@dataclass
class Claim:
    key: str
    fingerprint: str
    user_id: int | None = None
    answered: bool = False  # the endpoint answered from a stored key (a replay or the 422)


def keep_for() -> timedelta:
    return timedelta(hours=getattr(settings, "LINLI_IDEMPOTENCY_KEEP_HOURS", 24))


def fingerprint(request) -> str:
    """SHA-256 of the method, the path and the body (a JSON body canonicalised: keys sorted, no spacing)."""
    body = request.body
    if request.content_type == "application/json":
        with contextlib.suppress(ValueError):  # not JSON after all: the raw bytes
            body = json.dumps(json.loads(body or b"null"), sort_keys=True, separators=(",", ":")).encode()
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _replay(row) -> HttpResponse:
    response = HttpResponse(row.body.encode(), status=row.status, content_type=row.content_type)
    response[REPLAYED_HEADER] = "true"
    return response


def _reused() -> HttpResponse:
    from .api import error_response

    return error_response(
        422,
        "idempotency_key_reused",
        _(
            "This Idempotency-Key was already used for a different request. "
            "Send a new key with a new request; repeat the same request to get its first answer."
        ),
    )


def _answer_for(claim: Claim) -> HttpResponse | None:
    """The answer stored for this user's key: the replay, the 422 for another request, or None (a new key)."""
    from .models import IdempotencyKey

    row = IdempotencyKey.objects.filter(user_id=claim.user_id, key=claim.key).first()
    if row is None:
        return None
    if row.created_at < timezone.now() - keep_for():
        row.delete()  # expired (the daily purge has not run yet): the key is new again
        return None
    return _replay(row) if row.fingerprint == claim.fingerprint else _reused()


def _bad_key() -> HttpResponse:
    from .api import error_response

    return error_response(
        400,
        "invalid",
        _("The Idempotency-Key header must be printable text of at most %(n)s characters.") % {"n": MAX_KEY_LENGTH},
        {HEADER: [_("Enter a valid value.")]},
    )


def around_run(run):
    """Ninja "view" decorator: the transaction that holds the write and its stored answer together."""

    @functools.wraps(run)
    def run_idempotent(request, *args, **kwargs):
        raw = request.headers.get(HEADER)
        if raw is None or request.method != "POST":
            return run(request, *args, **kwargs)
        key = raw.strip()
        if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            return _bad_key()
        claim = Claim(key, fingerprint(request))
        request.idempotency = claim
        with transaction.atomic():
            response = run(request, *args, **kwargs)
            if claim.user_id is None:
                return response  # nobody to scope the key to (no login needed): an ordinary request
            if claim.answered or not 200 <= response.status_code < 300:
                transaction.set_rollback(True)  # nothing of a refused request stays, and the key stays free
                return response
            return _store(claim, response)

    return run_idempotent


def _store(claim: Claim, response) -> HttpResponse:
    from .models import IdempotencyKey

    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(
                user_id=claim.user_id,
                key=claim.key,
                fingerprint=claim.fingerprint,
                status=response.status_code,
                content_type=response.get("Content-Type", "application/json"),
                body=response.content.decode(response.charset or "utf-8"),
            )
    except IntegrityError:
        # Another request with this key committed while we worked (our insert waited for it): its answer stands,
        # ours is undone.
        answer = _answer_for(claim) or _in_progress()
        transaction.set_rollback(True)
        return answer
    return response


def _in_progress() -> HttpResponse:
    from .api import error_response

    return error_response(409, "conflict", _("A request with this Idempotency-Key is in progress. Try again shortly."))


def around_endpoint(view_func):
    """Ninja "operation" decorator: once the user is known, answer from a stored key instead of running again."""

    @functools.wraps(view_func)
    def endpoint(request, *args, **kwargs):
        claim = getattr(request, "idempotency", None)
        user = getattr(request, "auth", None)
        if claim is not None and getattr(user, "pk", None) is not None:
            claim.user_id = user.pk
            answer = _answer_for(claim)
            if answer is not None:
                claim.answered = True
                return answer
        return view_func(request, *args, **kwargs)

    return endpoint


def install(api) -> None:
    api.add_decorator(around_run, mode="view")
    api.add_decorator(around_endpoint, mode="operation")


def purge_expired() -> int:
    from .models import IdempotencyKey

    removed, _by_model = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - keep_for()).delete()
    return removed
