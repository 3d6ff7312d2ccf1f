from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_create, name="create"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/check-in/", views.meeting_check_in, name="check_in"),
    path("<int:pk>/items/<int:item_pk>/vote/", views.meeting_vote, name="vote"),
    path("<int:pk>/manage/", views.meeting_manage, name="manage"),
    path("<int:pk>/minutes/", views.meeting_minutes, name="minutes"),
    path("<int:pk>/<slug:step>/", views.meeting_step, name="step"),
]
