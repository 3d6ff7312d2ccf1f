from django.urls import path

from .views import stats as stats_views

app_name = "workorders_stats"

urlpatterns = [
    path("", stats_views.stats_page, name="stats"),
    path("export.xlsx", stats_views.stats_export, name="export"),
]
