"""Demo accounts never log in to a production deployment.

``seed_demo`` refuses to run when ``LINLI_ENV=production``; this backend is the second lock, for
a database seeded elsewhere and then deployed. It replaces Django's ``ModelBackend`` in
``AUTHENTICATION_BACKENDS`` (after axes' backend). Because ``ModelBackend.user_can_authenticate``
is consulted both when a password is checked and when a session is turned back into a user
(``get_user``), a demo account can neither log in nor keep a session there.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


def demo_login_allowed() -> bool:
    return getattr(settings, "LINLI_ENV", "development") != "production"


class DemoAwareModelBackend(ModelBackend):
    """``ModelBackend`` that treats accounts with ``is_demo`` as disabled in production."""

    def user_can_authenticate(self, user) -> bool:
        if getattr(user, "is_demo", False) and not demo_login_allowed():
            return False
        return super().user_can_authenticate(user)
