from django.urls import path

from . import views

app_name = "volunteering"

urlpatterns = [
    path("", views.find, name="find"),
    path("me/", views.me, name="me"),
    path("me/certificate/", views.certificate_request, name="certificate_request"),
    path("check/", views.check, name="check"),
    path("certificates/<int:pk>/", views.certificate, name="certificate"),
    path("activities/", views.activities, name="activities"),
    path("activities/new/", views.activity_new, name="activity_new"),
    path("activities/<int:pk>/", views.activity, name="activity"),
    path("activities/<int:pk>/edit/", views.activity_new, name="activity_edit"),
    path("activities/<int:pk>/code/<slug:action>/", views.activity_code, name="activity_code"),
    path("activities/<int:pk>/export/", views.activity_export, name="activity_export"),
    path("activities/<int:pk>/<slug:op>/", views.activity_op, name="activity_op"),
    path("signups/<int:pk>/<slug:op>/", views.signup_op, name="signup_op"),
    path("volunteers/", views.volunteers, name="volunteers"),
    path("volunteers/export/", views.volunteers_export, name="volunteers_export"),
    path("volunteers/new/", views.volunteer_new, name="volunteer_new"),
    path("volunteers/<int:pk>/", views.volunteer, name="volunteer"),
    path("teams/", views.teams, name="teams"),
    path("teams/new/", views.team_new, name="team_new"),
    path("teams/<int:pk>/", views.team, name="team"),
    path("stars/", views.stars, name="stars"),
    path("stars/notice/", views.star_notice, name="star_notice"),
    path("stars/levels/", views.star_levels, name="star_levels"),
    path("stars/<int:pk>/withdraw/", views.star_withdraw, name="star_withdraw"),
]
