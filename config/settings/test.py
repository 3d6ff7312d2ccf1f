"""Test overlay: fast hashing and an immediate task backend."""

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# django-axes needs a request in authenticate(); Client.login() has none. Lockout tests turn it on.
AXES_ENABLED = False
# Rate limits count in the local-memory cache; off unless a test turns them on (like the lockout).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "linli-test"}}
RATELIMIT_ENABLE = False

# PostgreSQL (the CI's second leg): a commit need not wait for the WAL to reach the disk in a throwaway test
# database. Only durability after a crash changes; what a transaction sees and when does not. It makes the
# migrations (one commit each) and the transactional tests' commits and flushes cheaper.
from .base import DATABASES  # noqa: E402

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
