"""Import and export URLs, included into ``linli.registry.urls`` (names in the "registry" namespace)."""

from django.urls import path

from . import views_io

urlpatterns = [
    path("imports/", views_io.ImportListView.as_view(), name="import_list"),
    path("imports/new/", views_io.ImportCreateView.as_view(), name="import_new"),
    path("imports/<int:pk>/", views_io.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views_io.import_progress, name="import_progress"),
    path("imports/<int:pk>/commit/", views_io.import_commit, name="import_commit"),
    path("imports/<int:pk>/discard/", views_io.import_discard, name="import_discard"),
    path("imports/<int:pk>/errors.xlsx", views_io.import_errors, name="import_errors"),
    path("imports/templates/<str:kind>.xlsx", views_io.import_template, name="import_template"),
    path("residents/export/", views_io.resident_export, name="resident_export"),
    path("households/export/", views_io.household_export, name="household_export"),
    path("organisations/export/", views_io.organisation_export, name="organisation_export"),
]
