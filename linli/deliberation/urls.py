from django.urls import path

from . import views

app_name = "deliberation"

urlpatterns = [
    path("", views.MeetingListView.as_view(), name="meetings"),
    path("new/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("<int:pk>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/seats/", views.seat_add, name="seat_add"),
    path("<int:pk>/seats/suggested/", views.seats_suggested, name="seats_suggested"),
    path("<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/hold/", views.meeting_hold, name="hold"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="cancel"),
    path("<int:pk>/photos/", views.photos_add, name="photos_add"),
    path("items/<int:pk>/decide/", views.item_decide, name="item_decide"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("calendar/", views.calendar, name="calendar"),
    path("rhythm/", views.rhythm_set, name="rhythm"),
    path("figures/", views.figures, name="figures"),
    path("matters/", views.MatterListView.as_view(), name="matters"),
    path("matters/new/", views.matter_create, name="matter_create"),
    path("matters/<int:pk>/", views.matter_detail, name="matter"),
    path("matters/<int:pk>/solve/", views.matter_solve, name="matter_solve"),
    path("matters/<int:pk>/hand-over/", views.matter_hand_over, name="matter_hand_over"),
    path("matters/<int:pk>/decline/", views.matter_decline, name="matter_decline"),
    path("matters/<int:pk>/to-vote/", views.matter_to_vote, name="matter_to_vote"),
]
