"""Shared settings. Every deployment fact is read from the environment."""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

LINLI_ENV = env.str("LINLI_ENV", default="development")
# Development mode listens on loopback only; this opt-in lets runserver bind elsewhere (with a loud warning).
LINLI_ALLOW_DEV_ON_NETWORK = env.bool("LINLI_ALLOW_DEV_ON_NETWORK", default=False)
DEBUG = env.bool("LINLI_DEBUG", default=False)
SECRET_KEY = env.str("LINLI_SECRET_KEY", default="insecure-development-key-change-me")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "linli.core.devserver",  # runserver that keeps the development mode on loopback; before staticfiles' runserver
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_htmx",
    "template_partials",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # linli: the shared framework first, then one app per domain
    "linli.core",
    "linli.accounts",
    "linli.areas",
    "linli.orgs",
    "linli.registry",
    "linli.notifications",
    "linli.workorders",
    "linli.party",
    "linli.orglife",
    "linli.learning",
    "linli.meetings",
    "linli.alliance",
    "linli.scorecards",
    "linli.volunteering",
    "linli.wishes",
    "linli.property",
    "linli.points",
    "linli.visits",
    "linli.owners",
    "linli.votes",
    "linli.deliberation",
    "linli.knowledge",
    "linli.access",
    "linli.selections",
    "linli.campaigns",
    "linli.trust",
    "linli.iot",
    "linli.assistant",
    "linli.portal",
    "linli.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "linli.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "linli.core.middleware.RequestContextMiddleware",
    "linli.core.middleware.HtmxVaryMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so its process_exception is asked first: the database is away → 503, not 500 (linli/core/unavailable.py)
    "linli.core.unavailable.DatabaseUnavailableMiddleware",
]

if LINLI_ENV in ("demo", "production"):
    # DEBUG is off there: WhiteNoise serves /static/ (production may leave that to nginx, docs/deployment.md).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "linli.core.context_processors.shell",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------------------
# SQLite under var/ is the embedded default; DATABASE_URL selects PostgreSQL in production and CI.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'linli.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections are mandatory (performance-notes: ~200 req/s without them).
    # LINLI_DB_POOL=1 switches to psycopg's pool instead of CONN_MAX_AGE.
    if env.bool("LINLI_DB_POOL", default=False):
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("LINLI_DB_POOL_MIN", default=2),
            "max_size": env.int("LINLI_DB_POOL_MAX", default=10),
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("LINLI_CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("LINLI_CONN_MAX_AGE", default=600)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
# DATABASE_REPLICA_URL: a streaming replica that lists and the big screen may read from (linli.core.replica):
# writes, reads inside a write's transaction and the requests that wrote stay on the primary.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db_url("DATABASE_REPLICA_URL"),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["linli.core.replica.ReplicaRouter"]
    MIDDLEWARE.insert(0, "linli.core.replica.ReplicaPinMiddleware")  # outermost: the session's save is a write
LINLI_REPLICA_PIN_SECONDS = env.int("LINLI_REPLICA_PIN_SECONDS", default=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth -----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend that refuses demo accounts when LINLI_ENV=production
    "linli.demo.backends.DemoAwareModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("LINLI_SESSION_AGE", default=60 * 60 * 12)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag; cookie stays readable

# Lockout after repeated failures (django-axes): by username AND client address, so an attacker locks only
# themselves out (docs/adr/0012); the per-username slowdown and the address limits are in linli.accounts.throttle.
AXES_FAILURE_LIMIT = env.int("LINLI_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LINLI_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "linli.core.middleware.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "linli.accounts.lockout.lockout_response"
AXES_VERBOSE = False

# API bearer tokens
LINLI_API_TOKEN_TTL = timedelta(hours=env.int("LINLI_API_TOKEN_TTL_HOURS", default=24 * 7))
# Idempotency-Key answers of API POSTs are kept this long, then purged daily (linli.core.idempotency).
LINLI_IDEMPOTENCY_KEEP_HOURS = env.int("LINLI_IDEMPOTENCY_KEEP_HOURS", default=24)

# Audit retention: the network-security law asks for at least six months (up to 184 days; linli.core.audit).
LINLI_AUDIT_RETENTION_DAYS = max(184, env.int("LINLI_AUDIT_RETENTION_DAYS", default=365))
# 三方议事 every N months in a compound without its own rhythm (1, 2, 3, 6 or 12; anything else counts as 1).
LINLI_DELIBERATION_TRIPARTITE_MONTHS = env.int("LINLI_DELIBERATION_TRIPARTITE_MONTHS", default=1)

# Demo accounts (make demo) share this password; refused in production.
LINLI_DEMO_PASSWORD = "linli-demo-2026"

# Notifications: outbound channels (dotted paths; SMS/WeChat adapters plug in here) and email.
LINLI_NOTIFICATION_CHANNELS = env.list(
    "LINLI_NOTIFICATION_CHANNELS", default=["linli.notifications.channels.EmailChannel"]
)
LINLI_SITE_URL = env.str("LINLI_SITE_URL", default="http://127.0.0.1:8000")
EMAIL_BACKEND = env.str("LINLI_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("LINLI_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("LINLI_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("LINLI_EMAIL_USER", default="")
EMAIL_HOST_PASSWORD = env.str("LINLI_EMAIL_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("LINLI_EMAIL_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("LINLI_EMAIL_FROM", default="linli@localhost")

# --- i18n -----------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- static ---------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.str("LINLI_STATIC_ROOT", default=str(VAR_DIR / "static"))
MEDIA_ROOT = env.str("LINLI_MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "media/"

# --- background work (Django tasks API) --------------------------------------------------------------
# LINLI_TASKS_BACKEND=database (default): django-tasks-db, run `manage.py db_worker`.
# LINLI_TASKS_BACKEND=rq: Redis through django-tasks-rq; on any number of hosts run
#   manage.py rqworker default --job-class django_tasks_rq.Job
# The event outbox (linli.core.outbox, ADR 0016): an eager delivery attempt after each commit, then the worker
# (manage.py outbox_worker) retries after 10 s, 20 s, 40 s … (at most an hour) and gives up after N attempts.
LINLI_OUTBOX_EAGER = env.bool("LINLI_OUTBOX_EAGER", default=True)
LINLI_OUTBOX_MAX_ATTEMPTS = env.int("LINLI_OUTBOX_MAX_ATTEMPTS", default=8)
LINLI_OUTBOX_BACKOFF_SECONDS = env.int("LINLI_OUTBOX_BACKOFF_SECONDS", default=10)
LINLI_OUTBOX_KEEP_DAYS = env.int("LINLI_OUTBOX_KEEP_DAYS", default=30)  # delivered events, then purged daily

LINLI_TASKS_BACKEND = env.str("LINLI_TASKS_BACKEND", default="database")
# manage.py task_worker (linli.core.task_worker): tasks of a worker that died are queued again (checked every N s),
# at most this many times.
LINLI_TASK_REAP_SECONDS = env.int("LINLI_TASK_REAP_SECONDS", default=30)
LINLI_TASK_MAX_ATTEMPTS = env.int("LINLI_TASK_MAX_ATTEMPTS", default=3)
INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
RQ_QUEUES = {"default": {"URL": env.str("LINLI_REDIS_URL", default="redis://127.0.0.1:6379/0"), "DEFAULT_TIMEOUT": 600}}
if LINLI_TASKS_BACKEND == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Behind nginx, believe X-Forwarded-For for the client IP written to the audit trail.
LINLI_TRUST_X_FORWARDED_FOR = env.bool("LINLI_TRUST_X_FORWARDED_FOR", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LINLI_LOG_LEVEL", default="WARNING")},
}

# --- rate limits (django-ratelimit counters in the cache; docs/adr/0012) ------------------------------------
# "N/s", "N/m", "N/h" or "N/d"; an empty value turns that limit off.
LINLI_RATE_LOGIN_PER_ADDRESS = env.str("LINLI_RATE_LOGIN_PER_ADDRESS", default="30/m")  # page + token endpoint
LINLI_RATE_LOGIN_FAILURES_PER_USERNAME = env.str("LINLI_RATE_LOGIN_FAILURES_PER_USERNAME", default="10/m")
LINLI_RATE_OPEN311_READ_PER_ADDRESS = env.str("LINLI_RATE_OPEN311_READ_PER_ADDRESS", default="120/m")
LINLI_RATE_OPEN311_WRITE_PER_ADDRESS = env.str("LINLI_RATE_OPEN311_WRITE_PER_ADDRESS", default="30/m")
LINLI_RATE_OPEN311_WRITE_PER_KEY = env.str("LINLI_RATE_OPEN311_WRITE_PER_KEY", default="60/m")
# The counters need a cache every app process shares: Redis in production (LINLI_CACHE_URL=redis://…),
# the local-memory cache for one development process and for tests.
LINLI_CACHE_URL = env.str("LINLI_CACHE_URL", default="")


def cache_settings(url: str) -> dict:
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": "linli",
            }
        }
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "linli"}}


CACHES = cache_settings(LINLI_CACHE_URL)

# --- personal data protection (data centre) ----------------------------------------------------------
# LINLI_DATA_KEYS: comma-separated Fernet keys; the first encrypts, all decrypt (rotation: put the new
# key first, run `manage.py rotate_data_keys`, then drop the old one). LINLI_HASH_KEY keys the lookup
# hashes (HMAC-SHA256) used for exact search and de-duplication. Production refuses the derived defaults.
LINLI_DATA_KEYS = env.list("LINLI_DATA_KEYS", default=[])
LINLI_HASH_KEY = env.str("LINLI_HASH_KEY", default="")

# --- domain rules that districts set (local practice; defaults from ../docs and the domain rules) ----------
# Each is read by its domain with the same default, so a missing line here changes nothing.
LINLI_UPLOAD_MAX_BYTES = env.int("LINLI_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)  # one photo/PDF attachment
LINLI_UPLOAD_MAX_FILES = env.int("LINLI_UPLOAD_MAX_FILES", default=9)  # photos on one report
LINLI_WORKORDER_ESCALATE_AFTER = env.int("LINLI_WORKORDER_ESCALATE_AFTER", default=5)  # working days overdue
LINLI_WORKORDER_MAX_REOPENS = env.int("LINLI_WORKORDER_MAX_REOPENS", default=2)  # 发回重办 per case
LINLI_PARTY_REPORT_STALE_MONTHS = env.int("LINLI_PARTY_REPORT_STALE_MONTHS", default=6)  # 双报到 not renewed
LINLI_PARTY_TERM_REMINDER_DAYS = env.int("LINLI_PARTY_TERM_REMINDER_DAYS", default=90)  # 换届 reminder lead
# Terms of party committees by branch type, merged over linli.party.conf.TERM_YEARS (3 to 5 years).
LINLI_PARTY_TERM_YEARS: dict[str, int] = {}
LINLI_ORGLIFE_REMIND_FROM_DAY = env.int("LINLI_ORGLIFE_REMIND_FROM_DAY", default=15)  # day of the month
LINLI_LEARNING_MAX_PDF_BYTES = env.int("LINLI_LEARNING_MAX_PDF_BYTES", default=20 * 1024 * 1024)
LINLI_LEARNING_MAX_VIDEO_BYTES = env.int("LINLI_LEARNING_MAX_VIDEO_BYTES", default=200 * 1024 * 1024)
LINLI_VOLUNTEERING_CODE_SECONDS = env.int("LINLI_VOLUNTEERING_CODE_SECONDS", default=60)  # check-in code life
LINLI_VOLUNTEERING_SCAN_GRACE_SECONDS = env.int("LINLI_VOLUNTEERING_SCAN_GRACE_SECONDS", default=600)  # scan → confirm
LINLI_POINTS_EXPIRE_AFTER_YEARS = env.int("LINLI_POINTS_EXPIRE_AFTER_YEARS", default=None)  # unset: never
LINLI_IMPORT_MAX_MB = env.int("LINLI_IMPORT_MAX_MB", default=20)
LINLI_IMPORT_MAX_ROWS = env.int("LINLI_IMPORT_MAX_ROWS", default=200_000)
LINLI_IMPORT_ENGINE = env.str("LINLI_IMPORT_ENGINE", default="calamine")  # or "openpyxl"
LINLI_IMPORT_MAX_COLUMNS = env.int("LINLI_IMPORT_MAX_COLUMNS", default=64)  # used range checked before parsing
LINLI_IMPORT_WORKER_MEMORY_MB = env.int("LINLI_IMPORT_WORKER_MEMORY_MB", default=2048)  # the parsing child's RLIMIT_AS
LINLI_IMPORT_WORKER_SECONDS = env.int("LINLI_IMPORT_WORKER_SECONDS", default=600)  # … and its RLIMIT_CPU
