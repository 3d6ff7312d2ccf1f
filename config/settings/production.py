"""Production overlay: secrets are mandatory, cookies secure, demo accounts refused."""

from django.core.exceptions import ImproperlyConfigured

from .base import LINLI_CACHE_URL, SECRET_KEY, cache_settings, env

DEBUG = False
if SECRET_KEY.startswith("insecure-"):
    raise ImproperlyConfigured("LINLI_SECRET_KEY must be set when LINLI_ENV=production")
SESSION_COOKIE_SECURE = env.bool("LINLI_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = env.bool("LINLI_SECURE_COOKIES", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}

from .base import LINLI_DATA_KEYS, LINLI_HASH_KEY  # noqa: E402

if not LINLI_DATA_KEYS or not LINLI_HASH_KEY:
    raise ImproperlyConfigured("LINLI_DATA_KEYS and LINLI_HASH_KEY must be set when LINLI_ENV=production")

# Rate-limit counters shared by every app process (docs/adr/0012): Redis unless LINLI_CACHE_URL says otherwise.
CACHES = cache_settings(LINLI_CACHE_URL or "redis://127.0.0.1:6379/1")
