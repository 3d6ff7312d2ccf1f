from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("", views.ask, name="ask"),
    path("questions/<int:pk>/hand-over/", views.handover, name="handover"),
    path("questions/<int:pk>/leave/", views.leave, name="leave"),
    path("library/", views.documents, name="documents"),
    path("library/upload/", views.upload, name="upload"),
    path("library/<int:pk>/", views.document_detail, name="document"),
    path("library/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("library/index/", views.index_status, name="index_status"),
    path("library/index/rebuild/", views.reindex, name="reindex"),
    path("faq/", views.faqs, name="faqs"),
    path("faq/add/", views.faq_add, name="faq_add"),
    path("unanswered/", views.questions, name="questions"),
    path("unanswered/<int:pk>/close/", views.question_close, name="question_close"),
]
