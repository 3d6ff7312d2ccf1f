from django.urls import path

from . import views

app_name = "iot"

urlpatterns = [
    path("", views.device_list, name="devices"),
    path("devices/<int:pk>/", views.device_detail, name="device"),
    path("devices/new/", views.device_new, name="device_new"),
    path("alarms/", views.alarm_list, name="alarms"),
    path("alarms/<int:pk>/", views.alarm_detail, name="alarm"),
    path("alarms/<int:pk>/<str:step>/", views.alarm_step, name="alarm_step"),
    path("status/", views.ingest_status, name="status"),
    path("ingest/<slug:ident>/telemetry", views.http_ingest, name="http_ingest"),
]
