from django.urls import path

from . import views

app_name = "learning"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("courses/", views.course_list, name="courses"),
    path("courses/new/", views.course_create, name="create"),
    path("courses/<int:pk>/", views.course_page, name="course"),
    path("courses/<int:pk>/progress/", views.course_progress, name="progress"),
    path("courses/<int:pk>/quiz/", views.quiz, name="quiz"),
    path("courses/<int:pk>/file/<slug:which>/", views.course_file, name="file"),
    path("courses/<int:pk>/manage/", views.manage, name="manage"),
    path("courses/<int:pk>/learners.xlsx", views.learners_export, name="learners_export"),
    path("stats/", views.stats, name="stats"),
]
