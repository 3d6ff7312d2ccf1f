from django.urls import path

from . import views

app_name = "assistant"

urlpatterns = [
    path("accuracy/", views.accuracy, name="accuracy"),
    path("models/train/", views.model_train, name="model_train"),
    path("models/rules-only/", views.model_rules_only, name="model_rules_only"),
    path("models/<int:pk>/rollback/", views.model_rollback, name="model_rollback"),
    path("cases/<int:case_pk>/accept/", views.accept, name="accept"),
]
