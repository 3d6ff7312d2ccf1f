from django.urls import path

from . import views

app_name = "access"

urlpatterns = [
    path("", views.doors, name="doors"),
    path("doors/<int:pk>/", views.door_stats, name="door"),
    path("events/", views.event_search, name="events"),
    path("mine/", views.mine, name="mine"),
    path("residents/<int:pk>/", views.resident_credentials, name="resident"),
]
