from .credentials import AccessCredential, CredentialKind, VisitorPass
from .doors import Door, Method
from .events import AccessEvent, Purpose, Result

SCOPED_MODELS = (Door, AccessCredential, VisitorPass, AccessEvent)

__all__ = [
    "SCOPED_MODELS",
    "AccessCredential",
    "AccessEvent",
    "CredentialKind",
    "Door",
    "Method",
    "Purpose",
    "Result",
    "VisitorPass",
]
