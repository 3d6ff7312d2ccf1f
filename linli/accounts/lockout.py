"""What a locked-out client sees (django-axes' AXES_LOCKOUT_CALLABLE): JSON on the API, a page otherwise."""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from linli.core.api import error_response


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if request.path.startswith("/api/"):
        return error_response(
            429,
            "locked",
            _("Too many failed attempts from this address: this account is locked here for %(minutes)s minutes.")
            % {"minutes": minutes},
        )
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
