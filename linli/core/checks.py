"""System checks for development defaults left on where they do not belong (issue #11 item 11).

Outside ``LINLI_ENV=production`` the settings fall back to development defaults. In a development or test
environment that is the point; anywhere else (``LINLI_ENV=staging``, a typo …) each default is flagged at every
start-up, and ``manage.py check --deploy`` flags them in every environment, so a deployment recipe that runs it
(docs/deployment.md) cannot miss them.

    linli.W001  DEBUG is on
    linli.W002  the secret key is the public development default
    linli.W003  personal-data keys are derived from the secret key (LINLI_DATA_KEYS / LINLI_HASH_KEY unset)
    linli.W004  demo accounts, with their published password, can log in (registered by linli.demo)
    linli.W005  the rate-limit counters are not shared between app processes (local-memory cache)
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

DEV_ENVS = {"development", "test"}
PUBLIC_SECRET_PREFIX = "insecure-"


def findings() -> list[Warning]:
    from .registry import registry

    out = []
    if settings.DEBUG:
        out.append(
            Warning(
                "DEBUG is on: error pages show settings, code and data to anyone.",
                hint="Set LINLI_ENV=production (DEBUG is then always off), or LINLI_DEBUG=0.",
                id="linli.W001",
            )
        )
    if settings.SECRET_KEY.startswith(PUBLIC_SECRET_PREFIX):
        out.append(
            Warning(
                "The secret key is the public development default: sessions, CSRF tokens and signed links "
                "can be forged.",
                hint="Set LINLI_SECRET_KEY to 50+ random characters (docs/deployment.md).",
                id="linli.W002",
            )
        )
    if not settings.LINLI_DATA_KEYS or not settings.LINLI_HASH_KEY:
        out.append(
            Warning(
                "Personal-data keys are derived from the secret key: with the public default, ID and phone numbers "
                "stored encrypted can be decrypted by anyone who has the database.",
                hint="Set LINLI_DATA_KEYS and LINLI_HASH_KEY (manage.py rotate_data_keys --generate).",
                id="linli.W003",
            )
        )
    for more in registry.security_findings:  # e.g. linli.W004 from the demo app's registrations.py
        out.extend(more())
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if getattr(settings, "RATELIMIT_ENABLE", True) and backend.endswith(("LocMemCache", "DummyCache")):
        out.append(
            Warning(
                "Rate-limit counters are kept per process (local-memory cache): with several app processes each one "
                "allows the whole limit.",
                hint="Set LINLI_CACHE_URL=redis://… (docs/adr/0012).",
                id="linli.W005",
            )
        )
    return out


@register(Tags.security)
def development_defaults(app_configs, **kwargs):
    """At every start-up, outside development and test."""
    if settings.LINLI_ENV in DEV_ENVS:
        return []
    return findings()


@register(Tags.security, deploy=True)
def development_defaults_deploy(app_configs, **kwargs):
    """Under ``check --deploy``, in development and test too (elsewhere the check above already ran)."""
    if settings.LINLI_ENV not in DEV_ENVS:
        return []
    return findings()
