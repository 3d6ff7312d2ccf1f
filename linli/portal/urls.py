from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("section/<slug:key>/", views.section, name="section"),
    path("large-text/", views.large_text, name="large_text"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("outbox/", views.outbox_page, name="outbox"),
]
