"""Access events posted by door controllers (the message format: docs/domains/access.md).

Every message is signed: ``X-Linli-Door`` (the door's key id), ``X-Linli-Timestamp`` (Unix seconds) and
``X-Linli-Signature`` (hex HMAC-SHA256 of ``"<timestamp>.<body>"`` under the controller secret). Refused: an unknown
or inactive door, a bad signature, a timestamp or event time skewed beyond ``SKEW_SECONDS``, a replayed
``event_id``, a payload carrying any face image or template field, a way in the door does not offer.

The person is resolved from the credential id (or the scanned QR token) and stored only as a pseudonym.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from linli.core import crypto

from ..conf import pseudonym, token_hash
from ..models import AccessCredential, AccessEvent, Door, Method, Result, VisitorPass

SKEW_SECONDS = 300
#: how long a controller may hold events while offline before posting them
MAX_BACKLOG = dt.timedelta(days=7)
MAX_BODY = 4096
#: no face image, template or feature vector ever enters linli (domain-rules §11): any key naming one is refused
FACE_DATA_WORDS = ("image", "photo", "picture", "snapshot", "template", "feature", "embedding", "jpeg", "jpg", "png")
FIELDS = {"event_id", "at", "method", "result", "credential", "face_match"}


class IngestError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def _keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield str(key)
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


def _authenticate(key_id: str, timestamp: str, signature: str, body: bytes, now: dt.datetime) -> Door:
    door = Door.objects.filter(key_id=key_id, is_active=True).first() if _is_uuid(key_id) else None
    if door is None or not door.secret_sealed:
        raise IngestError(401, "unknown_door", "unknown or inactive door")
    secret = crypto.decrypt(door.secret_sealed)
    if not hmac.compare_digest(token_hash("door", secret), door.secret_hash):
        raise IngestError(401, "bad_credential", "door credential does not match")
    if not hmac.compare_digest(sign(secret, timestamp, body), signature or ""):
        raise IngestError(401, "bad_signature", "signature does not match")
    try:
        sent = dt.datetime.fromtimestamp(int(timestamp), tz=dt.UTC)
    except (TypeError, ValueError, OverflowError):
        raise IngestError(400, "bad_timestamp", "timestamp must be Unix seconds") from None
    if abs((now - sent).total_seconds()) > SKEW_SECONDS:
        raise IngestError(400, "clock_skew", f"timestamp more than {SKEW_SECONDS} s from server time")
    return door


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _parse(body: bytes) -> dict:
    if len(body) > MAX_BODY:
        raise IngestError(413, "too_large", f"body larger than {MAX_BODY} bytes")
    try:
        data = json.loads(body)
    except ValueError:
        raise IngestError(400, "bad_json", "body is not JSON") from None
    if not isinstance(data, dict):
        raise IngestError(400, "bad_json", "body must be a JSON object")
    face_keys = [k for k in _keys(data) if any(w in k.lower() for w in FACE_DATA_WORDS)]
    if face_keys:
        raise IngestError(400, "face_data_refused", "face images and templates are never accepted: " + face_keys[0])
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        raise IngestError(400, "unknown_field", "unknown field: " + unknown[0])
    return data


def _face(data: dict) -> tuple[bool | None, Decimal | None]:
    match = data.get("face_match")
    if match is None:
        return None, None
    if not isinstance(match, dict) or set(match) - {"matched", "score"} or not isinstance(match.get("matched"), bool):
        raise IngestError(400, "bad_face_match", "face_match is {matched: bool, score: 0..1}")
    try:
        score = Decimal(str(match.get("score"))).quantize(Decimal("0.0001"))
    except (InvalidOperation, ValueError):
        raise IngestError(400, "bad_face_match", "score must be a number 0..1") from None
    if not Decimal(0) <= score <= Decimal(1):
        raise IngestError(400, "bad_face_match", "score must be a number 0..1")
    return match["matched"], score


def ingest(*, key_id: str, timestamp: str, signature: str, body: bytes) -> AccessEvent:
    """Authenticate, validate and store one access event; returns it (its ``result`` is the decision for a QR)."""
    now = timezone.now()
    if len(body) > MAX_BODY:
        raise IngestError(413, "too_large", f"body larger than {MAX_BODY} bytes")
    door = _authenticate(key_id, timestamp, signature, body, now)
    data = _parse(body)
    event_id = str(data.get("event_id") or "")
    if not event_id or len(event_id) > 64:
        raise IngestError(400, "bad_event_id", "event_id: 1 to 64 characters")
    method = data.get("method")
    if method not in Method.values:
        raise IngestError(400, "bad_method", "method: card, qr, password or face")
    if method not in door.methods:
        raise IngestError(400, "method_not_offered", "this door does not offer that way in")
    at = parse_datetime(str(data.get("at") or ""))
    if at is None or timezone.is_naive(at):
        raise IngestError(400, "bad_time", "at: an ISO 8601 time with offset")
    if at > now + dt.timedelta(seconds=SKEW_SECONDS) or at < now - MAX_BACKLOG:
        raise IngestError(400, "clock_skew", "event time in the future or older than the backlog limit")
    result = data.get("result")
    if result not in Result.values:
        raise IngestError(400, "bad_result", "result: granted or denied")
    matched, score = _face(data) if method == Method.FACE else (None, None)
    if method != Method.FACE and data.get("face_match") is not None:
        raise IngestError(400, "bad_face_match", "face_match only with method face")
    credential = str(data.get("credential") or "")[:128]
    try:
        with transaction.atomic():
            event = AccessEvent(door=door, scope_path=door.scope_path, at=at, method=method, result=result)
            event.nonce, event.face_matched, event.face_score = event_id, matched, score
            _resolve(event, method, credential, door)
            event.save()
    except IntegrityError:
        raise IngestError(409, "replayed", "event_id already received from this door") from None
    return event


def _resolve(event: AccessEvent, method: str, credential: str, door: Door) -> None:
    """Set the pseudonym (and for a QR the server's decision); never store the credential itself."""
    if not credential:
        return
    if method == Method.QR:
        cred = AccessCredential.objects.filter(
            kind="qr", value_hash=token_hash("cred-qr", credential), revoked_at__isnull=True
        ).first()
        if cred is not None:
            event.person_ref = pseudonym(cred.resident_id)
            event.result = Result.GRANTED if cred.scope_path.startswith(door.scope_path) else Result.DENIED
            return
        vp = VisitorPass.objects.select_for_update().filter(token_hash=token_hash("pass", credential)).first()
        event.result = Result.DENIED
        if vp is not None:
            event.visitor_pass = vp
            if vp.usable_at(event.at, door.scope_path):
                vp.uses += 1
                vp.save(update_fields=["uses", "updated_at"])
                event.result = Result.GRANTED
        return
    if _is_uuid(credential):
        cred = AccessCredential.objects.filter(uid=credential).first()
        if cred is not None:
            event.person_ref = pseudonym(cred.resident_id)
            if cred.revoked_at is not None:
                event.result = Result.DENIED
