"""Settings of door access, read with defaults so the app adds no lines to config/settings.

* ``LINLI_ACCESS_RETENTION_DAYS`` (default 180): access events older than this are purged by the daily job
  (个人信息保护法 第28条 whereabouts; domain-rules §11).
* ``LINLI_ACCESS_HASH_KEY``: the key of the pseudonym (a keyed HMAC of the resident id). Outside production a
  missing key is derived from SECRET_KEY under its own purpose, like ``core.crypto``'s keys.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from django.conf import settings

DEFAULT_RETENTION_DAYS = 180


def retention_days() -> int:
    value = getattr(settings, "LINLI_ACCESS_RETENTION_DAYS", None)
    if value is None:
        value = os.environ.get("LINLI_ACCESS_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
    return max(1, int(value))


def _pseudonym_key() -> bytes:
    key = getattr(settings, "LINLI_ACCESS_HASH_KEY", "") or os.environ.get("LINLI_ACCESS_HASH_KEY", "")
    if key:
        return key.encode()
    return hashlib.sha256(f"linli:access-pseudonym:{settings.SECRET_KEY}".encode()).digest()


def pseudonym(resident_id: int) -> str:
    """The person of an access event: HMAC-SHA256 of the resident id under the access key (never the id)."""
    return hmac.new(_pseudonym_key(), f"resident:{resident_id}".encode(), hashlib.sha256).hexdigest()


def token_hash(kind: str, token: str) -> str:
    """A keyed hash of a credential value (card number, QR token, password, controller secret)."""
    return hmac.new(_pseudonym_key(), f"{kind}:{token}".encode(), hashlib.sha256).hexdigest()
