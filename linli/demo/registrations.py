from django.core.checks import Warning

from linli.core.registry import registry


def _demo_login_finding() -> list:
    """linli.W004 of core.checks' development defaults: demo accounts, with their published password, can log in."""
    from django.conf import settings

    from .backends import demo_login_allowed

    if not demo_login_allowed():
        return []
    return [
        Warning(
            f"Demo accounts can log in with their published password (LINLI_ENV={settings.LINLI_ENV}).",
            hint="Demo accounts are refused only under LINLI_ENV=production; never seed demo data elsewhere.",
            id="linli.W004",
        )
    ]


registry.add_security_finding(_demo_login_finding)
