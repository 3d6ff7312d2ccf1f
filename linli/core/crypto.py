"""Encryption at rest and keyed lookup hashes for personal data (ID and phone numbers).

* ``encrypt``/``decrypt``: Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) through a
  ``MultiFernet`` so several keys can decrypt while the first encrypts — key rotation without downtime.
* ``lookup_hash``: HMAC-SHA256 under a separate key, for exact search and de-duplication without
  decrypting anything. Equal inputs give equal hashes; the hash reveals nothing without the key.

Keys come from the environment (settings ``LINLI_DATA_KEYS``, ``LINLI_HASH_KEY``). Outside production,
missing keys are derived from SECRET_KEY so the demo and tests run; production refuses to start
without them (config/settings/production.py).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def _derived(purpose: str) -> bytes:
    return hashlib.sha256(f"linli:{purpose}:{settings.SECRET_KEY}".encode()).digest()


@functools.cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        keys = (base64.urlsafe_b64encode(_derived("data-key")).decode(),)
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.LINLI_DATA_KEYS))


def _hash_key() -> bytes:
    return settings.LINLI_HASH_KEY.encode() if settings.LINLI_HASH_KEY else _derived("hash-key")


def encrypt(plaintext: str) -> str:
    if not plaintext:
        return ""
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # wrong or missing key: never return garbage
        raise ValueError("personal data cannot be decrypted with the configured keys") from exc


def rotate(token: str) -> str:
    """Re-encrypt ``token`` under the first (newest) key."""
    if not token:
        return ""
    return fernet().rotate(token.encode()).decode()


def lookup_hash(kind: str, normalized: str) -> str:
    """A keyed hash of a normalised value; ``kind`` separates namespaces (an ID never matches a phone)."""
    if not normalized:
        return ""
    return hmac.new(_hash_key(), f"{kind}:{normalized}".encode(), hashlib.sha256).hexdigest()


def generate_key() -> str:
    return Fernet.generate_key().decode()


def _fingerprint(material: bytes) -> str:
    return hashlib.sha256(b"linli:key-fingerprint:" + material).hexdigest()[:16]


def key_fingerprints() -> dict:
    """Short one-way fingerprints of the keys in use (never the keys): ``data`` one per Fernet key, first = the one
    that encrypts; ``hash`` the lookup-hash key. A backup's manifest records them so a restore can say, before it
    touches anything, that the configured keys are not the ones the records were sealed with."""
    keys = tuple(settings.LINLI_DATA_KEYS) or (base64.urlsafe_b64encode(_derived("data-key")).decode(),)
    return {
        "data": [_fingerprint(k.encode() if isinstance(k, str) else k) for k in keys],
        "hash": _fingerprint(_hash_key()),
    }
