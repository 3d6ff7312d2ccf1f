"""Merge tool URLs, included by ``linli.registry.urls`` under ``merge/`` (names join the registry namespace)."""

from django.urls import path

from . import views_merge

urlpatterns = [
    path("", views_merge.duplicate_list, name="merge_list"),
    path("<int:keep>/<int:drop>/", views_merge.merge_compare, name="merge_compare"),
]
