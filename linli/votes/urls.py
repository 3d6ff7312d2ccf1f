from django.urls import path

from . import views

app_name = "votes"

urlpatterns = [
    path("", views.decision_list, name="decisions"),
    path("new/", views.decision_create, name="decision_create"),
    path("<int:pk>/", views.decision_detail, name="decision"),
    path("<int:pk>/notice/", views.decision_notice, name="notice"),
    path("<int:pk>/step/<slug:step>/", views.decision_step, name="step"),
    path("<int:pk>/correct/", views.decision_correct, name="correct"),
    path("<int:pk>/paper/", views.paper_ballot, name="paper"),
    path("<int:pk>/developer/", views.developer_mark, name="developer_mark"),
    path("<int:pk>/designate/", views.designate, name="designate"),
    path("<int:pk>/export.xlsx", views.decision_export, name="export"),
    path("<int:pk>/verification.json", views.verification_file, name="verification"),
    path("verify.py", views.verify_script, name="verify_script"),
    path("board/<str:code>/", views.board, name="board"),
    path("<int:pk>/result/", views.public_result, name="result"),
    path("mine/", views.my_votes, name="mine"),
    path("<int:pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/vote/cast/", views.vote_cast, name="vote_cast"),
]
