from django.urls import path

from . import views

app_name = "orglife"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("meetings/", views.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/held/", views.meeting_mark_held, name="meeting_mark_held"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("orgs/<int:pk>/", views.calendar, name="calendar"),
    path("orgs/<int:pk>/record/", views.meeting_record, name="meeting_record"),
    path("orgs/<int:pk>/talks/add/", views.talk_record, name="talk_record"),
    path("orgs/<int:pk>/evaluations/start/", views.evaluation_start, name="evaluation_start"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
]
