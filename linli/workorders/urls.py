from django.urls import path

from . import views
from .views import config as views_config

app_name = "workorders"

urlpatterns = [
    path("", views.home, name="home"),
    path("queue/dispatch/", views.dispatch_queue, name="dispatch_queue"),
    path("queue/organisation/", views.org_queue, name="org_queue"),
    path("queue/community/", views.community_queue, name="community_queue"),
    path("mine/", views.my_cases, name="my_cases"),
    path("report/", views.report, {"mode": "resident"}, name="report"),
    path("report/patrol/", views.report, {"mode": "patrol"}, name="report_patrol"),
    path("report/counter/", views.report, {"mode": "counter"}, name="report_counter"),
    path("report/places/", views.place_options, name="place_options"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/track/", views.track, name="track"),
    path("cases/<int:pk>/evaluate/", views.evaluate, name="evaluate"),
    path("cases/<int:pk>/reveal-phone/", views.reveal_phone, name="reveal_phone"),
    path("cases/<int:pk>/do/<slug:name>/", views.case_act, name="case_act"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("task-forces/", views.taskforce_list, name="taskforce_list"),
    path("task-forces/add/", views.taskforce_create, name="taskforce_create"),
    path("task-forces/<int:pk>/", views.taskforce_detail, name="taskforce_detail"),
    path("joint-actions/add/", views.joint_action_create, name="joint_action_create"),
    path("settings/", views_config.config_home, name="config"),
    path("settings/categories/add/", views_config.category_edit, name="category_add"),
    path("settings/categories/<int:pk>/", views_config.category_edit, name="category_edit"),
    path("settings/time-limits/add/", views_config.time_limit_edit, name="time_limit_add"),
    path("settings/time-limits/<int:pk>/", views_config.time_limit_edit, name="time_limit_edit"),
    path("settings/time-limits/<int:pk>/delete/", views_config.time_limit_delete, name="time_limit_delete"),
    path("settings/verdicts/add/", views_config.verdict_edit, name="verdict_add"),
    path("settings/verdicts/<int:pk>/", views_config.verdict_edit, name="verdict_edit"),
]
