"""Mounted at /open311/v2/ (config/urls.py)."""

from django.urls import path, re_path

from . import views

app_name = "open311"

FMT = r"(?P<fmt>json|xml)"

urlpatterns = [
    re_path(rf"^discovery\.{FMT}$", views.discovery, name="discovery"),
    re_path(rf"^services\.{FMT}$", views.service_list, name="services"),
    re_path(rf"^services/(?P<code>[^/]{{1,60}})\.{FMT}$", views.service_definition, name="service"),
    re_path(rf"^requests\.{FMT}$", views.requests_view, name="requests"),
    re_path(rf"^requests/(?P<request_id>[^/]{{1,60}})\.{FMT}$", views.request_detail, name="request"),
    re_path(rf"^tokens/(?P<token>[^/]{{1,60}})\.{FMT}$", views.token_detail, name="token"),
    path("keys/", views.keys_page, name="keys"),
    path("keys/<int:pk>/revoke", views.key_revoke, name="key_revoke"),
]
