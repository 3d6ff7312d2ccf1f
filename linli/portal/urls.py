from django.urls import path

from . import views, views_calendar, views_outbox

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("section/<slug:key>/", views.section, name="section"),
    path("large-text/", views.large_text, name="large_text"),
    path("calendar/", views_calendar.calendar_page, name="calendar"),
    path("outbox/", views_outbox.outbox_page, name="outbox"),
]
