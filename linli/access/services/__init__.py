from .credentials import credential_issue, credential_qr, credential_revoke, pass_issue, pass_revoke, pass_token
from .doors import door_create, door_rotate_secret, door_update
from .ingest import SKEW_SECONDS, IngestError, ingest, sign
from .retention import purge_expired

__all__ = [
    "SKEW_SECONDS",
    "IngestError",
    "credential_issue",
    "credential_qr",
    "credential_revoke",
    "door_create",
    "door_rotate_secret",
    "door_update",
    "ingest",
    "pass_issue",
    "pass_revoke",
    "pass_token",
    "purge_expired",
    "sign",
]
