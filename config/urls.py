from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from linli.core import errors, health

from .api import api

# The Django admin is for superusers only.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser

urlpatterns = [
    path("", include("linli.portal.urls")),
    path("accounts/", include("linli.accounts.urls")),
    path("places/", include("linli.areas.urls")),
    path("organisations/", include("linli.orgs.urls")),
    path("registry/", include("linli.registry.urls")),
    path("notifications/", include("linli.notifications.urls")),
    path("workorders/stats/", include("linli.workorders.urls_stats")),
    path("workorders/", include("linli.workorders.urls")),
    path("open311/v2/", include("linli.workorders.open311.urls")),
    path("party/", include("linli.party.urls")),
    path("orglife/", include("linli.orglife.urls")),
    path("learning/", include("linli.learning.urls")),
    path("meetings/", include("linli.meetings.urls")),
    path("alliance/", include("linli.alliance.urls")),
    path("scorecards/", include("linli.scorecards.urls")),
    path("volunteering/", include("linli.volunteering.urls")),
    path("wishes/", include("linli.wishes.urls")),
    path("property/", include("linli.property.urls")),
    path("points/", include("linli.points.urls")),
    path("visits/", include("linli.visits.urls")),
    path("owners/", include("linli.owners.urls")),
    path("votes/", include("linli.votes.urls")),
    path("deliberation/", include("linli.deliberation.urls")),
    path("knowledge/", include("linli.knowledge.urls")),
    path("access/", include("linli.access.urls")),
    path("selections/", include("linli.selections.urls")),
    path("campaigns/", include("linli.campaigns.urls")),
    path("trust/", include("linli.trust.urls")),
    path("iot/", include("linli.iot.urls")),
    path("assistant/", include("linli.assistant.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("healthz/stream", health.healthz_stream, name="healthz_stream"),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
