"""Test-only URLs: the project's URLs plus a view that raises (for the 500 page)."""

from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as project


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom), *project]
